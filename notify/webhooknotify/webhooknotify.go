// Package webhooknotify delivers notifications as signed JSON POST
// requests to HTTPS endpoints.
//
// Each request carries the message as a [Payload] and these headers:
//
//   - Idempotency-Key: the message's idempotency key, equal for every
//     attempt of the same message;
//   - X-Sostegno-Timestamp: the time of the attempt, in Unix seconds;
//   - X-Sostegno-Signature: "v1=" and the hex HMAC-SHA256, keyed with the
//     shared secret, of the timestamp, a dot and the body.
//
// # For the receiver
//
// Verify every request with [Verify] or [VerifyRequest] before trusting it:
// they check the signature in constant time and refuse a timestamp more
// than maxSkew away from the receiver's clock. The signature proves the
// sender knows the secret and that body and timestamp are unchanged; the
// timestamp bounds how long a captured request can be replayed. To refuse
// replays within that window too, remember the Idempotency-Key of every
// request accepted in the last maxSkew (twice, to be safe against clock
// drift) and answer 200 without acting to a key already seen: that is also
// how a legitimate resend of the same message (a retry after a lost
// answer) is recognised.
//
// Answer 2xx when the message is taken in charge. A 4xx answer is a
// permanent refusal, except 408 and 429 which, like 5xx answers, ask for a
// later attempt (with a Retry-After header if you want to say when).
// Redirects are not followed.
package webhooknotify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
)

// The headers of a webhook request.
const (
	// HeaderIdempotencyKey carries the message's idempotency key.
	HeaderIdempotencyKey = "Idempotency-Key"
	// HeaderTimestamp carries the time of the attempt in Unix seconds.
	HeaderTimestamp = "X-Sostegno-Timestamp"
	// HeaderSignature carries "v1=" and the hex HMAC-SHA256 of the
	// timestamp, a dot and the body.
	HeaderSignature = "X-Sostegno-Signature"
)

// Errors of this package, wrapped by the errors it returns.
var (
	// ErrInsecure: a message with personal data would go to a plain
	// http:// endpoint and the Options do not allow it.
	ErrInsecure = errors.New("webhooknotify: a message with personal data cannot go to a plain http:// endpoint")
	// ErrNoEndpoint: the message has no recipient with an endpoint and the
	// notifier has no default one.
	ErrNoEndpoint = errors.New("webhooknotify: no endpoint to send the message to")
	// ErrEndpoint: an endpoint is not an absolute http or https URL.
	ErrEndpoint = errors.New("webhooknotify: invalid endpoint")
	// ErrKey: the idempotency key is empty or cannot be a header value
	// (it holds control characters).
	ErrKey = errors.New("webhooknotify: missing or invalid idempotency key")
	// ErrStatus: the endpoint answered with a status other than 2xx. The
	// error is a [*StatusError], which holds the code.
	ErrStatus = errors.New("webhooknotify: unsuccessful response")
)

// Payload is the JSON body of a webhook request. It holds the whole
// message, personal data included, which is why it travels over HTTPS.
type Payload struct {
	// Key is the idempotency key, equal to the Idempotency-Key header.
	Key string `json:"key"`
	// Kind names what the message is, such as "request.submitted".
	Kind string `json:"kind"`
	// Priority is "normal" or "urgent".
	Priority string `json:"priority"`
	// Subject is the subject line.
	Subject string `json:"subject"`
	// Text is the plain-text body.
	Text string `json:"text"`
	// HTML is the HTML body, if any.
	HTML string `json:"html,omitempty"`
	// Language is the BCP 47 tag of the message's language, such as "it".
	Language string `json:"language"`
	// Personal reports whether the message carries personal data of a
	// service user.
	Personal bool `json:"personal"`
	// Recipients are the message's recipients.
	Recipients []Recipient `json:"recipients"`
	// Attachments are the message's attachments.
	Attachments []Attachment `json:"attachments,omitempty"`
}

// Recipient is a recipient in a [Payload].
type Recipient struct {
	// Role is the recipient's role in the guideline.
	Role guideline.Role `json:"role"`
	// Name is how the recipient is addressed.
	Name string `json:"name,omitempty"`
	// Email is the recipient's e-mail address, if any.
	Email string `json:"email,omitempty"`
	// Phone is the recipient's number in E.164 form, if any.
	Phone string `json:"phone,omitempty"`
}

// Attachment is an attachment in a [Payload].
type Attachment struct {
	// Name is the file name.
	Name string `json:"name"`
	// ContentType is the MIME type.
	ContentType string `json:"content_type"`
	// Data is the content, base64 in JSON.
	Data []byte `json:"data"`
}

// Options configure a [Notifier]. A nil *Options, and any zero field,
// means the default written next to the field.
type Options struct {
	// Client sends the requests; default a new http.Client. Redirects are
	// never followed, whatever the client's CheckRedirect.
	Client *http.Client
	// Timeout bounds each request; default 10 s. Reaching it is a
	// temporary failure. A negative Timeout is refused by [New].
	Timeout time.Duration
	// AllowInsecure lets messages with personal data go to plain http://
	// endpoints. Leave it false outside of local development.
	AllowInsecure bool
	// Now is the clock of the timestamp header; default time.Now.
	Now func() time.Time
}

// Notifier is a [notify.Notifier] that POSTs each message to the endpoints
// of its recipients, or to its default endpoint when none has one. It is
// safe for concurrent use.
type Notifier struct {
	endpoint *url.URL
	secret   []byte
	client   http.Client
	opts     Options
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns a Notifier signing with secret (at least 32 random bytes are
// advisable; it must not be empty). endpoint is the default URL, used for
// messages whose recipients have no Endpoint; it may be empty.
func New(endpoint string, secret []byte, opts *Options) (*Notifier, error) {
	n := &Notifier{secret: slices.Clone(secret)}
	if opts != nil {
		n.opts = *opts
	}
	if len(secret) == 0 {
		return nil, errors.New("webhooknotify: empty signing secret")
	}
	if endpoint != "" {
		u, err := parseEndpoint(endpoint)
		if err != nil {
			return nil, err
		}
		n.endpoint = u
	}
	if n.opts.Client != nil {
		n.client = *n.opts.Client
	}
	n.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	switch {
	case n.opts.Timeout < 0:
		return nil, fmt.Errorf("webhooknotify: Options.Timeout is negative (%v): every delivery would fail before reaching the endpoint; use 0 for the default of 10 s", n.opts.Timeout)
	case n.opts.Timeout == 0:
		n.opts.Timeout = 10 * time.Second
	}
	if n.opts.Now == nil {
		n.opts.Now = time.Now
	}
	return n, nil
}

func parseEndpoint(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		// The address may hold a token: it is not repeated.
		return nil, ErrEndpoint
	}
	return u, nil
}

// validHeaderValue reports whether s is non-empty and has no control
// characters, so it can be sent as a header value unchanged.
func validHeaderValue(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

// redacted returns u's scheme and host only, for error messages: user
// information, path, query and fragment may hold tokens (many webhook
// services put the secret in the path).
func redacted(u *url.URL) string {
	r := url.URL{Scheme: u.Scheme, Host: u.Host}
	return r.String()
}

// Notify POSTs m to each endpoint concurrently, as [notify.FanOut] does.
func (n *Notifier) Notify(ctx context.Context, m notify.Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("webhooknotify: %w", err)
	}
	if !validHeaderValue(m.Key) {
		return notify.Permanent(ErrKey)
	}
	targets, err := n.targets(m)
	if err != nil {
		return notify.Permanent(err)
	}
	body, err := json.Marshal(payload(m))
	if err != nil {
		return notify.Permanent(fmt.Errorf("webhooknotify: encoding the message: %w", err))
	}
	ns := make([]notify.Notifier, len(targets))
	for i, u := range targets {
		ns[i] = notify.NotifierFunc(func(ctx context.Context, m notify.Message) error {
			return n.post(ctx, u, m.Key, body)
		})
	}
	if len(ns) == 1 {
		return ns[0].Notify(ctx, m)
	}
	return notify.FanOut(ns...).Notify(ctx, m)
}

// targets returns the distinct endpoints of m's recipients, or the default
// endpoint, checking that personal data goes only to https.
func (n *Notifier) targets(m notify.Message) ([]*url.URL, error) {
	var out []*url.URL
	seen := map[string]bool{}
	for i, r := range m.To {
		if r.Endpoint == "" || seen[r.Endpoint] {
			continue
		}
		seen[r.Endpoint] = true
		u, err := parseEndpoint(r.Endpoint)
		if err != nil {
			return nil, fmt.Errorf("%w (recipient %d)", err, i)
		}
		out = append(out, u)
	}
	if len(out) == 0 && n.endpoint != nil {
		out = append(out, n.endpoint)
	}
	if len(out) == 0 {
		return nil, ErrNoEndpoint
	}
	for _, u := range out {
		if u.Scheme != "https" && m.Personal && !n.opts.AllowInsecure {
			return nil, fmt.Errorf("%w: %s", ErrInsecure, redacted(u))
		}
	}
	return out, nil
}

func payload(m notify.Message) Payload {
	p := Payload{
		Key: m.Key, Kind: m.Kind, Priority: m.Priority.String(),
		Subject: m.Subject, Text: m.Text, HTML: m.HTML,
		Language: m.Language.String(), Personal: m.Personal,
		Recipients: make([]Recipient, len(m.To)),
	}
	for i, r := range m.To {
		p.Recipients[i] = Recipient{Role: r.Role, Name: r.Name, Email: r.Email, Phone: r.Phone}
	}
	for _, a := range m.Attachments {
		p.Attachments = append(p.Attachments, Attachment(a))
	}
	return p
}

// post sends one signed request and classifies the outcome.
func (n *Notifier) post(ctx context.Context, u *url.URL, key string, body []byte) error {
	where := redacted(u)
	rctx, cancel := context.WithTimeout(ctx, n.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return notify.Permanent(fmt.Errorf("webhooknotify: POST to %s: %w", where, ErrEndpoint))
	}
	ts := strconv.FormatInt(n.opts.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "sostegno-webhooknotify/1")
	req.Header.Set(HeaderIdempotencyKey, key)
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(n.secret, ts, body))
	resp, err := n.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("webhooknotify: POST to %s: %w", where, ctx.Err())
		}
		// The *url.Error repeats the whole URL, which may hold a token:
		// keep only its cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return notify.Temporary(fmt.Errorf("webhooknotify: POST to %s: %w", where, err))
	}
	defer resp.Body.Close()
	// Drain a little so the connection can be reused; the body is not
	// shown, since it may echo the message.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	return classify(resp, where, n.opts.Now())
}

// classify turns a response into nil or a classified error, in the manner
// of Alertmanager's notify/util.go.
func classify(resp *http.Response, where string, now time.Time) error {
	code := resp.StatusCode
	if code/100 == 2 {
		return nil
	}
	// resp.Status is not used: its reason phrase is the receiver's own
	// text, which may echo the message.
	err := &StatusError{Code: code, Endpoint: where}
	switch {
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code/100 == 5:
		return &notify.DeliveryError{RetryAfter: retryAfter(resp.Header.Get("Retry-After"), now), Err: err}
	default: // 3xx (not followed), other 4xx, anything else
		return notify.Permanent(err)
	}
}

// StatusError is the error of an endpoint that answered with a status
// other than 2xx. It keeps the status code and never the remote side's
// text (the reason phrase or the body), which a receiver could fill with
// the personal data it was sent. It matches [ErrStatus] with [errors.Is].
type StatusError struct {
	// Code is the HTTP status code, such as 503.
	Code int
	// Endpoint is the endpoint's scheme and host, without path or query
	// (which may hold a token).
	Endpoint string
}

// Error returns the endpoint, the code and the standard text of the code,
// such as "webhooknotify: POST to https://example.org: status 503
// (Service Unavailable)".
func (e *StatusError) Error() string {
	s := fmt.Sprintf("webhooknotify: POST to %s: status %d", e.Endpoint, e.Code)
	if t := http.StatusText(e.Code); t != "" {
		s += " (" + t + ")"
	}
	return s
}

// Is reports whether target is [ErrStatus].
func (e *StatusError) Is(target error) bool { return target == ErrStatus }

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Sign returns the signature header value for a timestamp and a body:
// "v1=" and the hex HMAC-SHA256 of timestamp + "." + body.
func Sign(secret []byte, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1=" + hex.EncodeToString(mac.Sum(nil))
}
