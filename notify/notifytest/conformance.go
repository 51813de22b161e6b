package notifytest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
)

// Peer says how the test's receiving end behaves for a notifier under test.
type Peer int

// The behaviours of a peer.
const (
	// Accept receives every message.
	Accept Peer = iota
	// RejectPermanently refuses every message in a way that retrying
	// cannot fix (an SMTP 5xx reply, an HTTP 400).
	RejectPermanently
	// FailTemporarily fails every message in a way a later attempt may fix
	// (an SMTP 4xx reply, an HTTP 503).
	FailTemporarily
	// Stall never answers: the peer takes the request and waits, so that
	// the notifier must give up when its context is done. Once the case
	// is over the peer must stop waiting and go away without answering;
	// see "The stalling peer" in the package documentation for what this
	// asks of a harness, and why a peer that waits only on an HTTP
	// request's context never stops.
	Stall
)

// String returns the peer's name.
func (p Peer) String() string {
	switch p {
	case Accept:
		return "Accept"
	case RejectPermanently:
		return "RejectPermanently"
	case FailTemporarily:
		return "FailTemporarily"
	case Stall:
		return "Stall"
	}
	return fmt.Sprintf("Peer(%d)", int(p))
}

// NewNotifier returns a fresh notifier delivering to a peer the test
// controls, behaving as peer. It may call t.Skip for a peer the adapter
// cannot be given; the cases that need it are then skipped.
type NewNotifier func(t *testing.T, peer Peer) notify.Notifier

// Delivered is what a peer received: the idempotency key as carried on the
// wire (decoded by the harness if the wire form differs, as with a
// Message-ID), subject and text body.
type Delivered struct{ Key, Subject, Text string }

// Inspect returns what the peer behind n has received so far.
type Inspect func(t *testing.T, n notify.Notifier) []Delivered

// ErrUnsupportedPeer is returned by a [Harness]'s New for a peer the
// adapter cannot be given; [Check] then skips the cases that need it.
var ErrUnsupportedPeer = errors.New("notifytest: peer behaviour not available")

// Harness is the error-returning form of [NewNotifier] and [Inspect], for
// [Check].
type Harness struct {
	// New returns a fresh notifier whose peer behaves as peer, or an error
	// wrapping ErrUnsupportedPeer.
	New func(peer Peer) (notify.Notifier, error)
	// Inspect returns what the peer behind n has received so far.
	Inspect func(n notify.Notifier) ([]Delivered, error)
}

// Run runs the conformance suite on the notifiers made by newNotifier,
// one subtest per rule, with a fresh notifier for each. Every adapter of
// this module runs it from its conformance_test.go.
//
// A case with a [Stall] peer ends with the peer still waiting: the
// subtest's t.Context() is then cancelled and its cleanups run, and the
// peer must stop waiting by then. If the cleanups registered while the
// case ran have not returned [ReleaseWithin] after the case ended, Run
// stops the test binary with a panic that names the case and explains
// the rule, rather than leaving the test to hang until go test's
// -timeout.
func Run(t *testing.T, newNotifier NewNotifier, inspect Inspect) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Cleanups run last-registered first: released is closed once
			// every cleanup the harness registered has returned.
			released := make(chan struct{})
			t.Cleanup(func() { close(released) })
			var stalled bool
			h := Harness{
				New: func(p Peer) (notify.Notifier, error) {
					stalled = stalled || p == Stall
					return newNotifier(t, p), nil
				},
				Inspect: func(n notify.Notifier) ([]Delivered, error) {
					return inspect(t, n), nil
				},
			}
			defer func() {
				if stalled {
					t.Cleanup(func() { go watchRelease(c.name, released) })
				}
			}()
			err := c.run(h)
			if errors.Is(err, ErrUnsupportedPeer) {
				t.Skip(err)
			}
			if err != nil {
				t.Errorf("rule: %s\n%v", c.rule, err)
			}
		})
	}
}

// Check runs the conformance suite with h and returns the failures joined,
// each prefixed by its rule, or nil. Cases whose peer h does not support
// are skipped. A [Stall] peer made by h keeps waiting after its case: h
// must release it itself once Check has returned (see "The stalling
// peer" in the package documentation).
func Check(h Harness) error {
	var errs []error
	for _, c := range cases {
		err := c.run(h)
		if err != nil && !errors.Is(err, ErrUnsupportedPeer) {
			errs = append(errs, fmt.Errorf("%s (%s): %w", c.name, c.rule, err))
		}
	}
	return errors.Join(errs...)
}

// Rules returns the rules of the conformance suite, one sentence each,
// in the order they are checked.
func Rules() []string {
	rs := make([]string, len(cases))
	for i, c := range cases {
		rs[i] = c.rule
	}
	return rs
}

type testCase struct {
	name, rule string
	run        func(Harness) error
}

// Secrets put in the messages of the suite, that no error may contain.
const (
	secretName = "Mariarosa Brambilla"
	secretCF   = "BRMMRS80A41F205X"
)

// message returns a message of the suite with key and text.
func message(key, subject, text string) notify.Message {
	return notify.Message{
		Key:      key,
		Kind:     "notifytest.conformance",
		Priority: notify.Normal,
		To: []notify.Recipient{{
			Role:  guideline.RolePoliceCommand,
			Name:  "Comando di Polizia Locale",
			Email: "comando@example.org",
			Phone: "+390200000000",
		}},
		Subject:  subject,
		Text:     text,
		Language: language.Italian,
	}
}

// promptly bounds how long a notifier may take to return after its
// context is done.
const promptly = 5 * time.Second

// ReleaseWithin is how long [Run] waits, after a case with a [Stall] peer
// has ended, for the cleanups registered during the case (a test server's
// Close) to return before it stops the test binary with an explanation.
const ReleaseWithin = 10 * time.Second

// watchRelease panics, naming the case, if released is not closed within
// ReleaseWithin: a harness whose stalled peer never stops would otherwise
// hang the test until go test's -timeout with no word of why.
func watchRelease(name string, released <-chan struct{}) {
	t := time.NewTimer(ReleaseWithin)
	defer t.Stop()
	select {
	case <-released:
	case <-t.C:
		panic(fmt.Sprintf("notifytest: case %s: the harness's cleanups have not returned %v after the case ended: "+
			"its Stall peer is still waiting. A Stall peer must stop waiting when the test's context (t.Context()) is done. "+
			"An HTTP handler that waits only on r.Context() without reading the request body never stops: "+
			"net/http notices a client going away only once the body has been read, and httptest.Server.Close waits for the handler. "+
			"Read the body to the end and wait on both r.Context() and t.Context() (see the notifytest package documentation)",
			name, ReleaseWithin))
	}
}

var cases = []testCase{
	{
		name: "DeliveredOnceWithKey",
		rule: "a message the peer accepts is delivered once, with its idempotency key, its subject and its text",
		run: func(h Harness) error {
			n, err := h.New(Accept)
			if err != nil {
				return err
			}
			m := message("conformance-once-1", "Prova di consegna", "Testo della prova.\nSeconda riga.")
			if err := n.Notify(context.Background(), m); err != nil {
				return fmt.Errorf("Notify: %w", err)
			}
			return expectDelivered(h, n, m)
		},
	},
	{
		name: "ContextDoneBeforeSend",
		rule: "with a context already done, Notify delivers nothing and returns an error wrapping ctx.Err()",
		run: func(h Harness) error {
			n, err := h.New(Accept)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			err = n.Notify(ctx, message("conformance-cancelled-1", "Annullato", "Non deve arrivare."))
			if !errors.Is(err, context.Canceled) {
				return fmt.Errorf("error %v, want an error wrapping context.Canceled", err)
			}
			got, err := h.Inspect(n)
			if err != nil {
				return err
			}
			if len(got) != 0 {
				return fmt.Errorf("%d messages delivered, want 0", len(got))
			}
			return nil
		},
	},
	{
		name: "ContextCancelledWhileStalled",
		rule: "when the peer never answers, Notify returns promptly once the context is done, with an error wrapping ctx.Err() that is not permanent",
		run: func(h Harness) error {
			n, err := h.New(Stall)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			res := make(chan error, 1)
			go func() {
				res <- n.Notify(ctx, message("conformance-stall-1", "In attesa", "Il destinatario non risponde."))
			}()
			select {
			case err := <-res:
				return fmt.Errorf("Notify returned before the context was done: %v", err)
			case <-time.After(100 * time.Millisecond):
			}
			cancel()
			select {
			case err := <-res:
				switch {
				case !errors.Is(err, context.Canceled):
					return fmt.Errorf("error %v, want an error wrapping context.Canceled", err)
				case notify.IsPermanent(err):
					return fmt.Errorf("error %v classified as permanent", err)
				}
				return nil
			case <-time.After(promptly):
				return fmt.Errorf("Notify did not return within %v of the context being done", promptly)
			}
		},
	},
	{
		name: "PermanentRejection",
		rule: "a permanent refusal by the peer is classified permanent (notify.IsPermanent), and the error holds neither the text nor the names of the message",
		run: func(h Harness) error {
			return checkClassified(h, RejectPermanently, "conformance-permanent-1", "Rifiuto", true)
		},
	},
	{
		name: "TemporaryFailure",
		rule: "a temporary failure of the peer is not classified permanent, and the error holds neither the text nor the names of the message",
		run: func(h Harness) error {
			return checkClassified(h, FailTemporarily, "conformance-temporary-1", "Guasto", false)
		},
	},
	{
		name: "ItalianAccents",
		rule: "a UTF-8 subject and text with Italian accented letters arrive unchanged",
		run: func(h Harness) error {
			n, err := h.New(Accept)
			if err != nil {
				return err
			}
			m := message("conformance-utf8-1",
				"Perché è urgente: l'attività di lunedì è già più vicina",
				"È così: è à ù ò ì é.\nCittà, virtù, però, lunedì, perché.\nÀ È Ì Ò Ù – «virgolette» €")
			if err := n.Notify(context.Background(), m); err != nil {
				return fmt.Errorf("Notify: %w", err)
			}
			return expectDelivered(h, n, m)
		},
	},
	{
		name: "ConcurrentUse",
		rule: "used by several goroutines at once, the notifier delivers each message once",
		run: func(h Harness) error {
			n, err := h.New(Accept)
			if err != nil {
				return err
			}
			const count = 8
			msgs := make([]notify.Message, count)
			errs := make([]error, count)
			var wg sync.WaitGroup
			for i := range msgs {
				msgs[i] = message(fmt.Sprintf("conformance-concurrent-%d", i), fmt.Sprintf("Messaggio %d", i), fmt.Sprintf("Testo numero %d.", i))
				wg.Go(func() { errs[i] = n.Notify(context.Background(), msgs[i]) })
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				return fmt.Errorf("Notify: %w", err)
			}
			return expectDelivered(h, n, msgs...)
		},
	},
}

// expectDelivered checks that the peer behind n received exactly msgs, in
// any order, each once.
func expectDelivered(h Harness, n notify.Notifier, msgs ...notify.Message) error {
	got, err := h.Inspect(n)
	if err != nil {
		return err
	}
	want := make([]Delivered, len(msgs))
	for i, m := range msgs {
		want[i] = Delivered{Key: m.Key, Subject: m.Subject, Text: normalizeNewlines(m.Text)}
	}
	norm := make([]Delivered, len(got))
	for i, d := range got {
		norm[i] = Delivered{Key: d.Key, Subject: d.Subject, Text: normalizeNewlines(d.Text)}
	}
	cmp := func(a, b Delivered) int { return strings.Compare(a.Key, b.Key) }
	slices.SortFunc(want, cmp)
	slices.SortFunc(norm, cmp)
	if !slices.Equal(norm, want) {
		return fmt.Errorf("delivered:\n%s\nwant:\n%s", list(norm), list(want))
	}
	return nil
}

// normalizeNewlines turns CRLF line ends into LF and drops the final line
// end, which mail transports add.
func normalizeNewlines(s string) string {
	return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
}

func list(ds []Delivered) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "  %q %q %q\n", d.Key, d.Subject, d.Text)
	}
	if len(ds) == 0 {
		b.WriteString("  (none)\n")
	}
	return b.String()
}

func noLeak(err error) error {
	for _, s := range []string{secretName, secretCF} {
		if strings.Contains(err.Error(), s) {
			return errors.New("the error holds personal data of the message")
		}
	}
	return nil
}

// checkClassified sends a message carrying personal data to a peer that
// fails, and checks that the error says nothing of the message and is
// classified as permanent exactly when permanent is set.
func checkClassified(h Harness, peer Peer, key, subject string, permanent bool) error {
	n, err := h.New(peer)
	if err != nil {
		return err
	}
	m := message(key, subject, "Riguarda "+secretName+", codice fiscale "+secretCF+".")
	m.To[0].Name = secretName
	err = n.Notify(context.Background(), m)
	// The leak is checked first, so a failure never prints the secrets.
	if err == nil {
		return errors.New("Notify returned no error")
	}
	if lerr := noLeak(err); lerr != nil {
		return lerr
	}
	switch {
	case permanent && !notify.IsPermanent(err):
		return fmt.Errorf("error %v not classified as permanent", err)
	case !permanent && notify.IsPermanent(err):
		return fmt.Errorf("error %v classified as permanent", err)
	}
	return nil
}
