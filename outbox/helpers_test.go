package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
)

// Known personal data that must never leak.
const (
	knownName  = "Gianfranca Bellavista"
	knownEmail = "gianfranca.bellavista@example.org"
	knownCF    = "BLLGFR80A41F205X"
)

var official = register.Actor{Role: guideline.RoleResponsibleOfficial, ID: "po-3"}

// testKey is the sealing key of every test register, so that a child
// process and its parent open the same content.
var testKey = make([]byte, register.KeySize)

func keyring(t testing.TB) *register.Keyring {
	t.Helper()
	k, err := register.NewKeyring("k1", testKey)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// clock is a fake clock, moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// memLog returns a Log over a new in-memory register, with now as its
// clock (time.Now if nil).
func memLog(t testing.TB, now func() time.Time) *register.Log {
	t.Helper()
	l, err := register.Open(context.Background(), memregister.New(), &register.Options{Sealer: keyring(t), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// msg returns a message with personal data to the Police Command.
func msg(key string, p notify.Priority) notify.Message {
	return notify.Message{
		Key: key, Kind: "request.submitted", Priority: p,
		To: []notify.Recipient{
			{Role: guideline.RolePoliceCommand, Name: "Comando", Email: "pl@example.org"},
			{Role: guideline.RoleAreaDirector, Name: knownName, Email: knownEmail},
		},
		Subject: "Richiesta per " + knownName, Text: "Codice fiscale " + knownCF, Personal: true,
		Attachments: []notify.Attachment{{Name: "invito.ics", ContentType: "text/calendar", Data: []byte("BEGIN:VCALENDAR " + knownName)}},
	}
}

// queue queues n messages keyed prefix-i, caused by stream.
func queue(t testing.TB, l *register.Log, stream, prefix string, n int, p notify.Priority) []string {
	t.Helper()
	keys := make([]string, n)
	msgs := make([]notify.Message, n)
	for i := range n {
		keys[i] = fmt.Sprintf("%s-%d", prefix, i)
		msgs[i] = msg(keys[i], p)
	}
	if _, err := outbox.Queue(context.Background(), l, outbox.Cause{Stream: stream, Territory: "municipio-5", Guideline: "milano-2021-03-02", Actor: official}, msgs...); err != nil {
		t.Fatal(err)
	}
	return keys
}

// entries returns the entries of stream.
func entries(t testing.TB, l *register.Log, stream string) []register.Entry {
	t.Helper()
	var out []register.Entry
	for e, err := range l.Stream(context.Background(), stream) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// kinds returns the kinds of the entries of the message with key.
func kinds(t testing.TB, l *register.Log, key string) string {
	t.Helper()
	var ks []string
	for _, e := range entries(t, l, outbox.Stream(key)) {
		ks = append(ks, strings.TrimPrefix(e.Kind, "message."))
	}
	return strings.Join(ks, " ")
}

// assertNoPersonalData fails if any entry's clear fields hold the known
// personal data.
func assertNoPersonalData(t testing.TB, l *register.Log) {
	t.Helper()
	for e, err := range l.Scan(context.Background(), register.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		clear := e.Stream + e.Kind + e.Territory + e.Actor.ID + string(e.Data) + string(e.Personal)
		for _, s := range []string{knownName, knownEmail, knownCF, "Richiesta per", "VCALENDAR"} {
			if strings.Contains(clear, s) {
				t.Fatalf("entry %d (%s) holds %q in clear", e.Seq, e.Kind, s)
			}
		}
	}
}

// maxTime is after every message's queueing.
var maxTime = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// runInBackground starts d.Run and returns stop, which cancels Run's
// context and checks that Run returns context.Canceled.
func runInBackground(t *testing.T, d *outbox.Dispatcher) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	return func() {
		t.Helper()
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v", err)
		}
	}
}

// dyingNotifier returns a context, and a notifier that cancels it on the
// first message it is given and fails with its error: a dispatcher
// draining with them dies while sending, leaving its claim behind.
func dyingNotifier() (context.Context, notify.Notifier) {
	ctx, cancel := context.WithCancel(context.Background())
	return ctx, notify.NotifierFunc(func(ctx context.Context, m notify.Message) error {
		cancel()
		return ctx.Err()
	})
}
