package webhooknotify

import (
	"crypto/hmac"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Errors of [Verify] and [VerifyRequest].
var (
	// ErrSignature: the signature is missing or does not match.
	ErrSignature = errors.New("webhooknotify: missing or invalid signature")
	// ErrTimestamp: the timestamp is missing, malformed, or further than
	// the allowed skew from the receiver's clock (a possible replay).
	ErrTimestamp = errors.New("webhooknotify: missing timestamp or outside the allowed skew")
)

// MaxBodySize is the largest body [VerifyRequest] reads.
const MaxBodySize = 10 << 20

// Verify checks that header carries a valid signature of body with secret
// and a timestamp within maxSkew of now. It compares in constant time. See
// the package documentation for refusing replays within the window.
func Verify(secret []byte, header http.Header, body []byte, maxSkew time.Duration, now time.Time) error {
	ts := header.Get(HeaderTimestamp)
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrTimestamp
	}
	if skew := now.Sub(time.Unix(sec, 0)); skew > maxSkew || skew < -maxSkew {
		return fmt.Errorf("%w: skew of %v", ErrTimestamp, skew.Round(time.Second))
	}
	got := header.Get(HeaderSignature)
	if got == "" || !hmac.Equal([]byte(got), []byte(Sign(secret, ts, body))) {
		return ErrSignature
	}
	return nil
}

// VerifyRequest reads r's body (at most [MaxBodySize] bytes), verifies it
// with [Verify], checks that the Idempotency-Key header equals the
// payload's key, and returns the payload.
func VerifyRequest(secret []byte, r *http.Request, maxSkew time.Duration, now time.Time) (Payload, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodySize+1))
	if err != nil {
		return Payload{}, fmt.Errorf("webhooknotify: reading the request: %w", err)
	}
	if len(body) > MaxBodySize {
		return Payload{}, errors.New("webhooknotify: request body larger than MaxBodySize")
	}
	if err := Verify(secret, r.Header, body, maxSkew, now); err != nil {
		return Payload{}, err
	}
	var p Payload
	if err := json.Unmarshal(body, &p); err != nil {
		return Payload{}, fmt.Errorf("webhooknotify: invalid payload: %w", err)
	}
	if p.Key == "" || r.Header.Get(HeaderIdempotencyKey) != p.Key {
		return Payload{}, errors.New("webhooknotify: the Idempotency-Key header does not match the payload's key")
	}
	return p, nil
}
