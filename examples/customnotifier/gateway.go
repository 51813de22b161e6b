package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sostegno/sostegno/notify"
)

// The gateway's API, as this example imagines it (most SMS and instant
// messaging gateways look much the same):
//
//	POST {endpoint}
//	Authorization: Bearer {token}
//	Idempotency-Key: {key}
//	Content-Type: application/json
//
//	{"reference": key, "to": ["+39…"], "priority": "urgent",
//	 "subject": "…", "text": "…"}
//
// It answers 202 when it takes the message in charge, 200 when it has
// already taken in charge a message with the same Idempotency-Key (and
// sends nothing again), 4xx when it refuses the request and 5xx when it
// cannot take it now; 429 and 503 may carry a Retry-After header.

// Errors of the Gateway, wrapped by what Notify returns.
var (
	// ErrKey: the idempotency key is empty or cannot travel as a header.
	ErrKey = errors.New("gateway: idempotency key missing or not a valid header value")
	// ErrNoPhone: no recipient of the message has a phone number.
	ErrNoPhone = errors.New("gateway: no recipient has a phone number")
	// ErrInsecure: a message with personal data would travel over plain
	// http and the options do not allow it.
	ErrInsecure = errors.New("gateway: a message with personal data cannot travel over plain http")
	// ErrEndpoint: the endpoint is not an absolute http or https URL.
	ErrEndpoint = errors.New("gateway: invalid endpoint")
)

// StatusError is a non-2xx answer of the gateway, always found wrapped in
// an error that names the gateway. It holds the status code only: the
// gateway's reason phrase and body may echo the message (a refused number,
// the text), so they are never read into an error.
type StatusError struct {
	// Code is the HTTP status code.
	Code int
}

// Error implements error.
func (e *StatusError) Error() string {
	return fmt.Sprintf("status %d %s", e.Code, http.StatusText(e.Code))
}

// GatewayOptions configure a [Gateway]. A nil *GatewayOptions, and any
// zero field, means the default written next to the field.
type GatewayOptions struct {
	// Client sends the requests; default a new http.Client. Redirects are
	// never followed, whatever its CheckRedirect.
	Client *http.Client
	// Timeout bounds each request; default 10 s. Reaching it is a
	// temporary failure.
	Timeout time.Duration
	// AllowInsecure lets messages with personal data go to a plain http://
	// endpoint. Leave it false outside of local development.
	AllowInsecure bool
}

// Gateway is a [notify.Notifier] that sends each message as a text
// message, through a messaging gateway's HTTP API, to the phone numbers of
// its recipients. It is safe for concurrent use.
//
// It does what the notify.Notifier contract asks and nothing more: one
// attempt per call, the message's idempotency key on the wire, every
// failure classified as permanent or temporary, ctx honoured. Retrying,
// falling back and de-duplicating are left to the notify combinators
// around it.
type Gateway struct {
	endpoint *url.URL
	token    string
	client   http.Client
	timeout  time.Duration
	insecure bool
}

// The compile-time check that Gateway is a Notifier.
var _ notify.Notifier = (*Gateway)(nil)

// NewGateway returns a Gateway posting to endpoint with the bearer token.
func NewGateway(endpoint, token string, opts *GatewayOptions) (*Gateway, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		// The endpoint may hold a credential: it is not repeated.
		return nil, ErrEndpoint
	}
	if token == "" {
		return nil, errors.New("gateway: empty token")
	}
	var o GatewayOptions
	if opts != nil {
		o = *opts
	}
	g := &Gateway{endpoint: u, token: token, timeout: o.Timeout, insecure: o.AllowInsecure}
	if o.Client != nil {
		g.client = *o.Client
	}
	g.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if g.timeout <= 0 {
		g.timeout = 10 * time.Second
	}
	return g, nil
}

// gatewayRequest is the JSON body of a request to the gateway. It holds
// the whole message, personal data included: it is never logged.
type gatewayRequest struct {
	Reference string   `json:"reference"`
	To        []string `json:"to"`
	Priority  string   `json:"priority"`
	Subject   string   `json:"subject"`
	Text      string   `json:"text"`
}

// Notify sends m to the phone numbers of its recipients in one request.
//
// A refused request (4xx other than 408, 425 and 429, an unusable key, no
// phone number) is a permanent failure; no answer, 408, 425, 429 and 5xx
// are temporary, with the gateway's Retry-After in the
// [notify.DeliveryError]. When ctx is done Notify returns an error wrapping
// ctx.Err(). No error holds the message's text, names or numbers, nor what
// the gateway answered beyond its status code.
func (g *Gateway) Notify(ctx context.Context, m notify.Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("gateway: %w", err)
	}
	if m.Key == "" || strings.ContainsFunc(m.Key, isControl) {
		return notify.Permanent(ErrKey)
	}
	var to []string
	for _, r := range m.To {
		if r.Phone != "" && !slices.Contains(to, r.Phone) {
			to = append(to, r.Phone)
		}
	}
	if len(to) == 0 {
		return notify.Permanent(ErrNoPhone)
	}
	if m.Personal && g.endpoint.Scheme != "https" && !g.insecure {
		return notify.Permanent(ErrInsecure)
	}
	body, err := json.Marshal(gatewayRequest{
		Reference: m.Key, To: to, Priority: m.Priority.String(),
		Subject: m.Subject, Text: m.Text,
	})
	if err != nil {
		return notify.Permanent(fmt.Errorf("gateway: encoding the request: %w", err))
	}
	return g.post(ctx, m.Key, body)
}

// post sends one request and classifies the outcome.
func (g *Gateway) post(ctx context.Context, key string, body []byte) error {
	// Errors name the gateway by scheme and host only: the path or the
	// query may hold a credential.
	where := (&url.URL{Scheme: g.endpoint.Scheme, Host: g.endpoint.Host}).String()
	rctx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, g.endpoint.String(), bytes.NewReader(body))
	if err != nil {
		return notify.Permanent(ErrEndpoint)
	}
	req.Header.Set("Authorization", "Bearer "+g.token)
	req.Header.Set("Idempotency-Key", key)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := g.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			// Not a DeliveryError: cancellation says nothing of the message.
			return fmt.Errorf("gateway: POST to %s: %w", where, ctx.Err())
		}
		// A *url.Error repeats the whole URL: keep only its cause.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return notify.Temporary(fmt.Errorf("gateway: POST to %s: %w", where, err))
	}
	defer resp.Body.Close()
	// Drain a little so the connection can be reused. The body is never
	// shown: a gateway may echo the number or the text in it.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	code := resp.StatusCode
	if code/100 == 2 {
		return nil
	}
	serr := fmt.Errorf("gateway: POST to %s: %w", where, &StatusError{Code: code})
	switch {
	case code == http.StatusRequestTimeout, code == http.StatusTooEarly, code == http.StatusTooManyRequests, code/100 == 5:
		return &notify.DeliveryError{RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now()), Err: serr}
	default: // 3xx (not followed), other 4xx, anything else
		return notify.Permanent(serr)
	}
}

// maxRetryAfter caps the wait a gateway can ask for, so that a wild value
// cannot overflow a time.Duration; notify.Retry's MaxElapsed bounds the
// rest.
const maxRetryAfter = 24 * time.Hour

// retryAfter reads a Retry-After header, seconds or an HTTP date, as a
// wait from now; 0 when absent or unreadable.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return min(time.Duration(min(s, int64(maxRetryAfter/time.Second)))*time.Second, maxRetryAfter)
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), maxRetryAfter)
	}
	return 0
}

// isControl reports whether r cannot appear in a header value.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
