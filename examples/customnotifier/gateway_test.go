package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
)

// Personal data put in the tests' messages, that no error may contain.
const (
	secretName  = "Mariarosa Brambilla"
	secretPhone = "+393471234567"
)

func testMessage(key string) notify.Message {
	return notify.Message{
		Key:      key,
		Kind:     "test",
		Priority: notify.Urgent,
		To:       []notify.Recipient{{Role: guideline.RoleOperator, Name: secretName, Phone: secretPhone}},
		Subject:  "Per " + secretName,
		Text:     "Riguarda " + secretName + ".",
		Personal: true,
	}
}

// statusServer answers every request with code and header, and a body
// echoing the personal data, as careless gateways do.
func statusServer(t *testing.T, code int, header http.Header) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(code)
		_, _ = w.Write([]byte("refused " + secretPhone + " for " + secretName))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestStatusClassification(t *testing.T) {
	t.Parallel()
	now := time.Now()
	tests := []struct {
		code       int
		retryAfter string
		permanent  bool
		wait       time.Duration // the least RetryAfter expected
	}{
		{http.StatusBadRequest, "", true, 0},
		{http.StatusUnauthorized, "", true, 0},
		{http.StatusNotFound, "", true, 0},
		{http.StatusUnprocessableEntity, "", true, 0},
		{http.StatusFound, "", true, 0}, // redirects are not followed
		{http.StatusRequestTimeout, "", false, 0},
		{http.StatusTooEarly, "", false, 0},
		{http.StatusTooManyRequests, "7", false, 7 * time.Second},
		{http.StatusInternalServerError, "", false, 0},
		{http.StatusServiceUnavailable, now.Add(time.Hour).UTC().Format(http.TimeFormat), false, 50 * time.Minute},
		{http.StatusServiceUnavailable, "99999999999999999", false, maxRetryAfter},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.code), func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tt.retryAfter != "" {
				h.Set("Retry-After", tt.retryAfter)
			}
			h.Set("Location", "https://elsewhere.example.org/")
			// The query stands for a credential put in the URL.
			gw, err := NewGateway(statusServer(t, tt.code, h)+"/v1/messages?token=s3cr3t", "tok", &GatewayOptions{AllowInsecure: true})
			if err != nil {
				t.Fatal(err)
			}
			err = gw.Notify(t.Context(), testMessage("k-"+strconv.Itoa(tt.code)))
			if err == nil {
				t.Fatal("no error")
			}
			notifytest.AssertNoLeak(t, []string{secretName, secretPhone, "s3cr3t", "/v1/messages", "refused"}, err.Error())
			if got := notify.IsPermanent(err); got != tt.permanent {
				t.Errorf("permanent = %t, want %t: %v", got, tt.permanent, err)
			}
			var se *StatusError
			if !errors.As(err, &se) || se.Code != tt.code {
				t.Errorf("error %v does not wrap a StatusError with code %d", err, tt.code)
			}
			var de *notify.DeliveryError
			if !errors.As(err, &de) || de.RetryAfter < tt.wait || de.RetryAfter > max(tt.wait, time.Hour) {
				t.Errorf("RetryAfter %v, want at least %v", de.RetryAfter, tt.wait)
			}
		})
	}
}

func TestSameKeyOnEveryAttempt(t *testing.T) {
	t.Parallel()
	gw, fake := startGateway(t, accept, nil)
	fake.failFirst = 2
	n := notify.Retry(gw, &notify.RetryOptions{InitialInterval: time.Millisecond, MaxAttempts: 5})
	m := testMessage("incident-9/call")
	for range 2 { // the second send is a resend after a lost answer
		if err := n.Notify(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	if keys := fake.requestKeys(); len(keys) != 4 || slices.ContainsFunc(keys, func(k string) bool { return k != m.Key }) {
		t.Errorf("keys on the wire %q, want %q on each of 4 requests", keys, m.Key)
	}
	if got := fake.messages(); len(got) != 1 || got[0].Key != m.Key || !slices.Equal(got[0].To, []string{secretPhone}) {
		t.Errorf("the gateway took in charge %d messages, want the one sent", len(got))
	}
}

func TestRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	fake := newFakeGateway("tok", accept)
	srv := httptest.NewServer(fake) // plain http
	t.Cleanup(srv.Close)
	strict, err := NewGateway(srv.URL, "tok", nil)
	if err != nil {
		t.Fatal(err)
	}
	noPhone := testMessage("k-1")
	noPhone.To[0].Phone = ""
	badKey := testMessage("k-2\r\nX-Injected: 1")
	tests := []struct {
		name string
		m    notify.Message
		want error
	}{
		{"personal data over http", testMessage("k-3"), ErrInsecure},
		{"no phone number", noPhone, ErrNoPhone},
		{"key with a line break", badKey, ErrKey},
		{"empty key", testMessage(""), ErrKey},
	}
	for _, tt := range tests {
		err := strict.Notify(t.Context(), tt.m)
		if !errors.Is(err, tt.want) || !notify.IsPermanent(err) {
			t.Errorf("%s: %v, want a permanent error wrapping %v", tt.name, err, tt.want)
		}
	}
	if n := fake.attempts(); n != 0 {
		t.Errorf("%d requests reached the gateway", n)
	}
	// Local development may allow it explicitly.
	lax, err := NewGateway(srv.URL, "tok", &GatewayOptions{AllowInsecure: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := lax.Notify(t.Context(), testMessage("k-3")); err != nil {
		t.Errorf("with AllowInsecure: %v", err)
	}
}

func TestNewGatewayRefuses(t *testing.T) {
	t.Parallel()
	for _, endpoint := range []string{"", "ftp://user:s3cr3t@example.org/", "/relative", "https://"} {
		_, err := NewGateway(endpoint, "tok", nil)
		if !errors.Is(err, ErrEndpoint) {
			t.Errorf("NewGateway(%q) = %v, want ErrEndpoint", endpoint, err)
		}
		if err != nil {
			notifytest.AssertNoLeak(t, []string{"s3cr3t"}, err.Error())
		}
	}
	if _, err := NewGateway("https://example.org/", "", nil); err == nil {
		t.Error("an empty token is accepted")
	}
}

func TestRequestTimeoutIsTemporary(t *testing.T) {
	t.Parallel()
	gw, fake := startGateway(t, stall, &GatewayOptions{Timeout: 20 * time.Millisecond})
	err := gw.Notify(context.Background(), testMessage("k-timeout"))
	if err == nil || notify.IsPermanent(err) || errors.Is(err, context.Canceled) {
		t.Errorf("a request that timed out: %v, want a temporary failure", err)
	}
	notifytest.AssertNoLeak(t, []string{secretName, secretPhone}, err.Error())
	if got := fake.messages(); len(got) != 0 {
		t.Errorf("%d messages taken in charge", len(got))
	}
}

func FuzzRetryAfter(f *testing.F) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, s := range []string{"", "0", "-1", "120", "9223372036854775807", "Mon, 02 Mar 2026 10:01:00 GMT", "soon"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if d := retryAfter(v, now); d < 0 || d > maxRetryAfter {
			t.Errorf("retryAfter = %v, out of [0, %v]", d, maxRetryAfter)
		}
	})
}
