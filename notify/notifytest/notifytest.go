// Package notifytest helps test code that sends notifications, and
// notifiers themselves.
//
// For code that sends: [Recorder] records what it is given, [Flaky] fails
// on demand, and [AssertSent], [AssertNoLeak] and [AssertMessageNoLeak]
// check the results. For a [notify.Notifier] implementation: [Run] (or
// [Check], which returns an error instead of failing a test) is the
// conformance suite every adapter of this module runs and any third-party
// adapter can run, in the manner of testing/slogtest.
//
// # The conformance suite's harness
//
// A harness makes a fresh notifier for each case, delivering to a peer the
// test controls (an SMTP server, an HTTP endpoint) that behaves as a
// [Peer] says, and reports what that peer received. [Rules] lists what
// each case checks, one sentence each.
//
// # The stalling peer
//
// The case ContextCancelledWhileStalled gives the notifier a [Stall] peer
// (one that takes the request and never answers), cancels the context
// and expects Notify to return promptly with an error wrapping
// ctx.Err(). The case then ends with the peer still waiting, so the peer
// must stop waiting on its own once the case is over, without answering:
// otherwise the harness's cleanup, such as httptest.Server.Close, which
// waits for every handler to return, blocks for ever.
//
// With [Run], stop waiting when the t.Context() of the t given to
// [NewNotifier] is done: the testing package cancels it just before the
// subtest's cleanups run. Waiting only for the peer's side of the
// connection to close is not enough for an HTTP peer: net/http cancels
// a handler's r.Context() when the client goes away only once the handler
// has read the request body to the end, so a handler that waits on
// r.Context() without reading the body never returns. Read the body, then
// wait on both:
//
//	case notifytest.Stall:
//		_, _ = io.Copy(io.Discard, r.Body)
//		select {
//		case <-r.Context().Done():
//		case <-t.Context().Done():
//		}
//		panic(http.ErrAbortHandler) // go away without answering
//
// If the cleanups registered during such a case have not returned
// [ReleaseWithin] after it ended, Run stops the test binary with a panic
// that names the case and says this, instead of hanging until go test's
// -timeout. With [Check] there is no t: release the stalled peers once
// Check has returned, before closing the servers behind them.
package notifytest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
)

// Recorder is a [notify.Notifier] that records every message it is given
// and always delivers. The zero value is ready to use; it is safe for
// concurrent use. It honours ctx: when ctx is done it records nothing and
// returns an error wrapping ctx.Err().
type Recorder struct {
	mu   sync.Mutex
	msgs []notify.Message
}

var _ notify.Notifier = (*Recorder)(nil)

// Notify records m.
func (r *Recorder) Notify(ctx context.Context, m notify.Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("notifytest: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m)
	return nil
}

// Messages returns the messages recorded so far, in order.
func (r *Recorder) Messages() []notify.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.msgs)
}

// Len returns the number of messages recorded so far.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs)
}

// Keys returns the idempotency keys of the messages recorded so far, in
// order, repeated if a message was recorded more than once.
func (r *Recorder) Keys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	keys := make([]string, len(r.msgs))
	for i, m := range r.msgs {
		keys[i] = m.Key
	}
	return keys
}

// To returns the messages recorded so far that have a recipient of role.
func (r *Recorder) To(role guideline.Role) []notify.Message {
	var out []notify.Message
	for _, m := range r.Messages() {
		if hasRole(m, role) {
			out = append(out, m)
		}
	}
	return out
}

// Reset forgets every message recorded.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = nil
}

func hasRole(m notify.Message, role guideline.Role) bool {
	return slices.ContainsFunc(m.To, func(rc notify.Recipient) bool { return rc.Role == role })
}

// ErrInjected is wrapped by every failure [Flaky] makes up.
var ErrInjected = errors.New("notifytest: injected failure")

// Flaky is a [notify.Notifier] that fails on demand. Each call first waits
// Delay (returning an error wrapping ctx.Err() if ctx ends first), then
// fails if it is one of the first FailFirst calls or if Always is set, and
// otherwise passes the message to Next (or just succeeds when Next is nil).
// The failures wrap [ErrInjected] in a [notify.DeliveryError] whose
// Permanent and RetryAfter are the fields of the same name.
//
// The zero value always delivers. Set the fields before first use; Flaky
// is then safe for concurrent use.
type Flaky struct {
	// FailFirst is the number of calls that fail before calls succeed.
	FailFirst int
	// Always makes every call fail.
	Always bool
	// Permanent makes the failures permanent; they are temporary otherwise.
	Permanent bool
	// RetryAfter is put in the failures' DeliveryError.
	RetryAfter time.Duration
	// Delay is how long each call takes before answering.
	Delay time.Duration
	// Next receives the messages of the calls that succeed.
	Next notify.Notifier

	mu    sync.Mutex
	calls int
}

var _ notify.Notifier = (*Flaky)(nil)

// Notify fails or delivers as the fields say.
func (f *Flaky) Notify(ctx context.Context, m notify.Message) error {
	f.mu.Lock()
	f.calls++
	n := f.calls
	f.mu.Unlock()
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return fmt.Errorf("notifytest: wait interrupted: %w", ctx.Err())
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("notifytest: %w", err)
	}
	if f.Always || n <= f.FailFirst {
		return &notify.DeliveryError{
			Permanent:  f.Permanent,
			RetryAfter: f.RetryAfter,
			Err:        fmt.Errorf("%w (call %d)", ErrInjected, n),
		}
	}
	if f.Next != nil {
		return f.Next.Notify(ctx, m)
	}
	return nil
}

// Calls returns the number of calls made so far.
func (f *Flaky) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// AssertSent fails t unless one of msgs has a recipient of role, and
// returns the first such message.
func AssertSent(t testing.TB, msgs []notify.Message, role guideline.Role) notify.Message {
	t.Helper()
	for _, m := range msgs {
		if hasRole(m, role) {
			return m
		}
	}
	t.Errorf("no message for role %s among %d messages", role, len(msgs))
	return notify.Message{}
}

// AssertNoLeak fails t if any of secrets (a name, a codice fiscale)
// appears in any of texts (error strings, captured logs). The failure
// names the secret and the text by position only, so the test output does
// not leak them either. Empty secrets are ignored.
func AssertNoLeak(t testing.TB, secrets []string, texts ...string) {
	t.Helper()
	for i, s := range secrets {
		if s == "" {
			continue
		}
		for j, text := range texts {
			if strings.Contains(text, s) {
				t.Errorf("secret %d appears in text %d", i, j)
			}
		}
	}
}

// AssertMessageNoLeak fails t if any of secrets appears in how m prints:
// with String, with the fmt verbs %v, %+v, %#v, %s and %q, and as a slog
// value in text and JSON.
func AssertMessageNoLeak(t testing.TB, secrets []string, m notify.Message) {
	t.Helper()
	var buf strings.Builder
	slog.New(slog.NewTextHandler(&buf, nil)).Info("m", "message", m)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "message", m)
	AssertNoLeak(t, secrets,
		m.String(),
		fmt.Sprintf("%v", m), fmt.Sprintf("%+v", m), fmt.Sprintf("%#v", m),
		fmt.Sprintf("%s", m), fmt.Sprintf("%q", m),
		buf.String())
}
