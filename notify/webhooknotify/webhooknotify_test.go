package webhooknotify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
	"github.com/sostegno/sostegno/notify/webhooknotify"
)

const (
	knownName = "Mariarosa Brambilla"
	knownCF   = "BRMMRS80A41F205X"
)

func message(personal bool) notify.Message {
	return notify.Message{
		Key:      "request-7/submitted",
		Kind:     "request.submitted",
		Priority: notify.Urgent,
		To:       []notify.Recipient{{Role: guideline.RolePoliceCommand, Name: "Comando", Email: "comando@example.org"}},
		Subject:  "Richiesta di presenza cautelativa",
		Text:     "Utente: " + knownName + ", codice fiscale " + knownCF + ". Città: è à ù ò ì é.",
		Attachments: []notify.Attachment{{
			Name: "invito.ics", ContentType: "text/calendar; method=REQUEST", Data: []byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
		}},
		Personal: personal,
	}
}

func TestRequestIsSignedAndCarriesTheMessage(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	var got webhooknotify.Payload
	var hdr http.Header
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := webhooknotify.VerifyRequest(secret, r, time.Minute, now.Add(30*time.Second))
		if err != nil {
			t.Errorf("VerifyRequest: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		got, hdr = p, r.Header.Clone()
	}))
	defer srv.Close()
	n, err := webhooknotify.New(srv.URL, secret, &webhooknotify.Options{Client: srv.Client(), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	m := message(true)
	if err := n.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if hdr.Get(webhooknotify.HeaderIdempotencyKey) != m.Key || hdr.Get(webhooknotify.HeaderTimestamp) != strconv.FormatInt(now.Unix(), 10) {
		t.Errorf("headers %v", hdr)
	}
	if got.Key != m.Key || got.Text != m.Text || got.Priority != "urgent" || !got.Personal || len(got.Recipients) != 1 || got.Recipients[0].Role != guideline.RolePoliceCommand {
		t.Errorf("payload %+v", got)
	}
	if len(got.Attachments) != 1 || !bytes.Equal(got.Attachments[0].Data, m.Attachments[0].Data) {
		t.Errorf("attachments %+v", got.Attachments)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"key":"k"}`)
	ts := strconv.FormatInt(now.Unix(), 10)
	header := func(ts, sig string) http.Header {
		h := http.Header{}
		h.Set(webhooknotify.HeaderTimestamp, ts)
		h.Set(webhooknotify.HeaderSignature, sig)
		return h
	}
	good := webhooknotify.Sign(secret, ts, body)
	tests := []struct {
		name   string
		h      http.Header
		body   []byte
		secret []byte
		now    time.Time
		want   error
	}{
		{"valid", header(ts, good), body, secret, now, nil},
		{"valid within skew", header(ts, good), body, secret, now.Add(4 * time.Minute), nil},
		{"body changed", header(ts, good), []byte(`{"key":"x"}`), secret, now, webhooknotify.ErrSignature},
		{"other secret", header(ts, good), body, []byte("another secret"), now, webhooknotify.ErrSignature},
		{"timestamp changed", header(strconv.FormatInt(now.Unix()+1, 10), good), body, secret, now, webhooknotify.ErrSignature},
		{"no signature", header(ts, ""), body, secret, now, webhooknotify.ErrSignature},
		{"replayed late", header(ts, good), body, secret, now.Add(6 * time.Minute), webhooknotify.ErrTimestamp},
		{"from the future", header(ts, good), body, secret, now.Add(-6 * time.Minute), webhooknotify.ErrTimestamp},
		{"no timestamp", header("", good), body, secret, now, webhooknotify.ErrTimestamp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := webhooknotify.Verify(tt.secret, tt.h, tt.body, 5*time.Minute, tt.now)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestStatusClassification(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status     int
		retryAfter string
		permanent  bool
		wantAfter  time.Duration
	}{
		{http.StatusBadRequest, "", true, 0},
		{http.StatusUnauthorized, "", true, 0},
		{http.StatusNotFound, "", true, 0},
		{http.StatusRequestTimeout, "", false, 0},
		{http.StatusTooManyRequests, "30", false, 30 * time.Second},
		{http.StatusInternalServerError, "", false, 0},
		{http.StatusServiceUnavailable, "Thu, 26 Nov 2026 09:02:00 GMT", false, 2 * time.Minute},
		{http.StatusFound, "", true, 0},
	}
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				if tt.status == http.StatusFound {
					w.Header().Set("Location", "http://example.org/elsewhere")
				}
				// A body echoing the request must not reach the error.
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(knownName))
			}))
			defer srv.Close()
			n, err := webhooknotify.New(srv.URL+"/hook/t0ken-nel-percorso?token=s3greto", secret, &webhooknotify.Options{Client: srv.Client(), Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			err = n.Notify(context.Background(), message(true))
			var de *notify.DeliveryError
			if !errors.As(err, &de) || de.Permanent != tt.permanent || de.RetryAfter != tt.wantAfter || !errors.Is(err, webhooknotify.ErrStatus) {
				t.Fatalf("err = %v (%+v), want permanent %v, retry after %v", err, de, tt.permanent, tt.wantAfter)
			}
			notifytest.AssertNoLeak(t, []string{knownName, knownCF, "s3greto", "t0ken-nel-percorso"}, err.Error())
		})
	}
}

func TestTimeoutAndConnectionErrorsAreTemporary(t *testing.T) {
	t.Parallel()
	stop := make(chan struct{})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer srv.Close()
	defer close(stop)
	n, err := webhooknotify.New(srv.URL, secret, &webhooknotify.Options{Client: srv.Client(), Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	err = n.Notify(context.Background(), message(false))
	if err == nil || notify.IsPermanent(err) {
		t.Errorf("timeout: err = %v, want temporary", err)
	}
	closed := httptest.NewTLSServer(http.NotFoundHandler())
	url := closed.URL
	closed.Close()
	n, err = webhooknotify.New(url+"?token=s3greto", secret, &webhooknotify.Options{Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	err = n.Notify(context.Background(), message(false))
	if err == nil || notify.IsPermanent(err) {
		t.Errorf("connection refused: err = %v, want temporary", err)
	}
	notifytest.AssertNoLeak(t, []string{"s3greto"}, err.Error())
}

func TestPlainHTTPRefusedForPersonalData(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	n, err := webhooknotify.New(srv.URL, secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = n.Notify(context.Background(), message(true))
	if !errors.Is(err, webhooknotify.ErrInsecure) || !notify.IsPermanent(err) || hits.Load() != 0 {
		t.Errorf("personal over http: err = %v, hits %d", err, hits.Load())
	}
	if err := n.Notify(context.Background(), message(false)); err != nil || hits.Load() != 1 {
		t.Errorf("non-personal over http: err = %v, hits %d", err, hits.Load())
	}
	allowed, err := webhooknotify.New(srv.URL, secret, &webhooknotify.Options{AllowInsecure: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := allowed.Notify(context.Background(), message(true)); err != nil || hits.Load() != 2 {
		t.Errorf("personal over http, allowed: err = %v, hits %d", err, hits.Load())
	}
}

func TestRecipientEndpoints(t *testing.T) {
	t.Parallel()
	_, ra, srvA := newReceiver(t, notifytest.Accept, nil)
	_, rb, srvB := newReceiver(t, notifytest.Accept, nil)
	// One client trusting both test servers' certificates: they share one.
	n, err := webhooknotify.New("", secret, &webhooknotify.Options{Client: srvA.Client()})
	if err != nil {
		t.Fatal(err)
	}
	m := message(true)
	m.To = []notify.Recipient{
		{Role: guideline.RolePoliceCommand, Endpoint: srvA.URL + "/a"},
		{Role: guideline.RoleAreaDirector, Endpoint: srvB.URL + "/b"},
		{Role: guideline.RoleAreaDirector, Endpoint: srvB.URL + "/b"},
	}
	if err := n.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if len(ra.delivered()) != 1 || len(rb.delivered()) != 1 {
		t.Errorf("delivered %d and %d, want 1 each", len(ra.delivered()), len(rb.delivered()))
	}
	m.To = []notify.Recipient{{Role: guideline.RolePoliceCommand, Email: "comando@example.org"}}
	if err := n.Notify(context.Background(), m); !errors.Is(err, webhooknotify.ErrNoEndpoint) || !notify.IsPermanent(err) {
		t.Errorf("no endpoint: err = %v", err)
	}
	for _, key := range []string{"", "a\r\nX-Injected: 1"} {
		m.Key = key
		if err := n.Notify(context.Background(), m); !errors.Is(err, webhooknotify.ErrKey) || !notify.IsPermanent(err) {
			t.Errorf("key %q: err = %v", key, err)
		}
	}
	if _, err := webhooknotify.New("ftp://example.org", secret, nil); !errors.Is(err, webhooknotify.ErrEndpoint) {
		t.Errorf("ftp endpoint: err = %v", err)
	}
	if _, err := webhooknotify.New("https://example.org", nil, nil); err == nil {
		t.Error("empty secret accepted")
	}
}

// TestFlakyEndpointRetriedReceivesOnce: an endpoint failing twice with 503
// receives the message once, with one key, when retried and de-duplicated
// on the receiving side by Idempotency-Key.
func TestFlakyEndpointRetried(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	seen := map[string]int{}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		seen[r.Header.Get(webhooknotify.HeaderIdempotencyKey)]++
	}))
	defer srv.Close()
	n, err := webhooknotify.New(srv.URL, secret, &webhooknotify.Options{Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	r := notify.Retry(n, &notify.RetryOptions{InitialInterval: time.Millisecond})
	if err := r.Notify(context.Background(), message(true)); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 3 || len(seen) != 1 || seen["request-7/submitted"] != 1 {
		t.Errorf("calls %d, seen %v", calls.Load(), seen)
	}
	if strings.Contains(srv.URL, "http://") {
		t.Error("test server is not HTTPS")
	}
}

func TestVerifyRequestRefusesTamperedRequests(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	body := []byte(`{"key":"k1","kind":"x"}`)
	request := func(key string, body []byte) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/hook", bytes.NewReader(body))
		r.Header.Set(webhooknotify.HeaderTimestamp, ts)
		r.Header.Set(webhooknotify.HeaderSignature, webhooknotify.Sign(secret, ts, body))
		r.Header.Set(webhooknotify.HeaderIdempotencyKey, key)
		return r
	}
	if p, err := webhooknotify.VerifyRequest(secret, request("k1", body), time.Minute, now); err != nil || p.Key != "k1" {
		t.Fatalf("VerifyRequest of a valid request = %+v, %v", p, err)
	}
	tests := []struct {
		name string
		r    *http.Request
	}{
		// The key header is not signed: it must match the signed payload.
		{"key header differs from payload", request("k2", body)},
		{"payload without key", request("", []byte(`{"kind":"x"}`))},
		{"signed body is not JSON", request("k1", []byte(`non JSON`))},
		{"body too large", request("k1", bytes.Repeat([]byte(" "), webhooknotify.MaxBodySize+1))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := webhooknotify.VerifyRequest(secret, tt.r, time.Minute, now); err == nil {
				t.Error("VerifyRequest accepted the request")
			}
		})
	}
}

func TestPayloadNeverPrintsPersonalData(t *testing.T) {
	t.Parallel()
	p := webhooknotify.Payload{
		Key: "request-7/submitted", Kind: "request.submitted", Priority: "urgent",
		Subject: "Colloquio con " + knownName, Text: "Codice fiscale " + knownCF, Personal: true,
		Recipients:  []webhooknotify.Recipient{{Role: guideline.RolePoliceCommand, Name: knownName, Email: "comando@example.org"}},
		Attachments: []webhooknotify.Attachment{{Name: knownName + ".ics", Data: []byte(knownCF)}},
	}
	var logs strings.Builder
	slog.New(slog.NewTextHandler(&logs, nil)).Info("ricevuto", "payload", p)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("ricevuto", "payload", p)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("ricevuto", "to", p.Recipients, "files", p.Attachments)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("ricevuto", "to", p.Recipients[0], "file", p.Attachments[0])
	texts := []string{p.String(), fmt.Sprintf("%v", p), fmt.Sprintf("%+v", p), fmt.Sprintf("%#v", p),
		fmt.Sprintf("%s", p), fmt.Sprintf("%q", p), fmt.Sprint([]webhooknotify.Payload{p}),
		fmt.Sprint(p.Recipients), fmt.Sprintf("%+v", p.Recipients[0]), fmt.Sprintf("%#v", p.Recipients),
		fmt.Sprint(p.Attachments), fmt.Sprintf("%#v", p.Attachments[0]), logs.String()}
	notifytest.AssertNoLeak(t, []string{knownName, knownCF, "comando@example.org"}, texts...)
	if !strings.Contains(logs.String(), "request-7/submitted") {
		t.Errorf("the log does not name the message's key: %s", logs.String())
	}
}

// roundTripper answers every request itself, as a remote server whose
// status line the test chooses.
type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestStatusErrorKeepsTheCodeNotTheRemoteText: a receiver can put
// anything in its status line, even the personal data it was sent; the
// error keeps the status code only.
func TestStatusErrorKeepsTheCodeNotTheRemoteText(t *testing.T) {
	t.Parallel()
	for _, code := range []int{http.StatusBadRequest, http.StatusInternalServerError, 599} {
		client := &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
			return &http.Response{
				StatusCode: code,
				Status:     strconv.Itoa(code) + " rejected payload for " + knownName + " " + knownCF,
				Header:     http.Header{},
				Body:       io.NopCloser(strings.NewReader(knownName)),
				Request:    r,
			}, nil
		})}
		n, err := webhooknotify.New("https://receiver.example.org/hook", secret, &webhooknotify.Options{Client: client})
		if err != nil {
			t.Fatal(err)
		}
		err = n.Notify(context.Background(), message(true))
		if !errors.Is(err, webhooknotify.ErrStatus) {
			t.Fatalf("status %d: err = %v, want ErrStatus", code, err)
		}
		notifytest.AssertNoLeak(t, []string{knownName, knownCF, "rejected payload"}, err.Error())
		if !strings.Contains(err.Error(), strconv.Itoa(code)) {
			t.Errorf("status %d: the error does not keep the code: %v", code, err)
		}
	}
}

func TestNewRefusesANegativeTimeout(t *testing.T) {
	t.Parallel()
	_, err := webhooknotify.New("https://receiver.example.org/hook", secret, &webhooknotify.Options{Timeout: -time.Second})
	if err == nil {
		t.Fatal("New accepted a negative timeout")
	}
	if !strings.HasPrefix(err.Error(), "webhooknotify: ") || !strings.Contains(err.Error(), "Timeout") {
		t.Errorf("the error does not name the option: %v", err)
	}
	if _, err := webhooknotify.New("https://receiver.example.org/hook", secret, &webhooknotify.Options{Timeout: 0}); err != nil {
		t.Errorf("a zero timeout means the default: %v", err)
	}
}
