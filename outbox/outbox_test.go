package outbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
)

func TestQueueSealsContentAndKeepsFacts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := memLog(t, nil)
	queue(t, l, "request/1", "q", 1, notify.Urgent)
	es := entries(t, l, outbox.Stream("q-0"))
	if len(es) != 1 || es[0].Kind != register.KindMessageQueued || es[0].Actor != official || es[0].Territory != "municipio-5" {
		t.Fatalf("entries = %v", es)
	}
	var facts map[string]any
	if err := json.Unmarshal(es[0].Data, &facts); err != nil {
		t.Fatal(err)
	}
	for field, want := range map[string]string{
		register.DataCauseStream: "request/1", register.DataMessageKey: "q-0",
		register.DataMessageKind: "request.submitted", register.DataPriority: "urgent",
	} {
		if facts[field] != want {
			t.Errorf("Data %s = %v, want %s", field, facts[field], want)
		}
	}
	if got := fmt.Sprint(facts[register.DataRecipients]); got != "[map[channels:[email] role:police_command] map[channels:[email] role:area_director]]" {
		t.Errorf("recipients = %s", got)
	}
	assertNoPersonalData(t, l)

	// A person reading it is in the access log.
	reader := register.Access{Actor: official, Purpose: "verifica di un messaggio non consegnato"}
	m, err := outbox.Read(ctx, l, reader, "q-0")
	if err != nil {
		t.Fatal(err)
	}
	want := msg("q-0", notify.Urgent)
	if m.Subject != want.Subject || m.Text != want.Text || !slices.Equal(m.To, want.To) || m.Attachments[0].Name != "invito.ics" ||
		string(m.Attachments[0].Data) != string(want.Attachments[0].Data) || m.Priority != notify.Urgent || !m.Personal {
		t.Errorf("Read = %+v", m)
	}
	if acc := entries(t, l, register.AccessStream); len(acc) != 1 || acc[0].Actor != official {
		t.Errorf("access log = %v", acc)
	}
	if _, err := outbox.Read(ctx, l, reader, "nessuna"); !errors.Is(err, outbox.ErrNotQueued) {
		t.Errorf("unknown key: %v", err)
	}
}

func TestQueueRefusesBadMessages(t *testing.T) {
	t.Parallel()
	c := outbox.Cause{Stream: "request/1", Actor: official}
	for name, ms := range map[string][]notify.Message{
		"no key":        {{To: msg("a", 0).To}},
		"repeated key":  {msg("a", 0), msg("a", 0)},
		"no recipients": {{Key: "a"}},
		"bad role":      {{Key: "a", To: []notify.Recipient{{Role: "mayor", Name: knownName}}}},
		"long key":      {msg(strings.Repeat("k", outbox.MaxKeyLen+1), 0)},
	} {
		_, err := outbox.Events(c, ms...)
		if !errors.Is(err, outbox.ErrInvalidMessage) || strings.Contains(err.Error(), knownName) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := outbox.Events(outbox.Cause{}, msg("a", 0)); !errors.Is(err, outbox.ErrInvalidMessage) {
		t.Errorf("no cause: %v", err)
	}
	// A message queued twice is a conflict: nothing is written.
	l := memLog(t, nil)
	queue(t, l, "request/1", "q", 1, notify.Normal)
	if _, err := outbox.Queue(context.Background(), l, c, msg("q-0", 0)); !errors.Is(err, register.ErrVersionConflict) {
		t.Errorf("queued twice: %v", err)
	}
	// A register without a sealer never stores the content in clear.
	plain, _ := register.Open(context.Background(), memregister.New(), nil)
	if _, err := outbox.Queue(context.Background(), plain, c, msg("p", 0)); !errors.Is(err, register.ErrNoSealer) {
		t.Errorf("no sealer: %v", err)
	}
}

func TestDrainDeliversOnceAndLogsOneAccessPerBatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := memLog(t, nil)
	keys := queue(t, l, "request/1", "d", 5, notify.Normal)
	rec := &notifytest.Recorder{}
	d := outbox.NewDispatcher(l, rec, &outbox.Options{BatchSize: 3})
	st, err := d.Drain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Claimed != 5 || st.Delivered != 5 || st.Failed != 0 || st.DeadLettered != 0 {
		t.Errorf("stats = %+v", st)
	}
	if got := rec.Keys(); !slices.Equal(slices.Sorted(slices.Values(got)), keys) {
		t.Errorf("sent %v, want %v", got, keys)
	}
	if m := rec.Messages()[0]; m.Subject != "Richiesta per "+knownName || m.To[1].Email != knownEmail {
		t.Errorf("content not restored: %+v", m)
	}
	for _, k := range keys {
		if got := kinds(t, l, k); got != "queued claimed delivered" {
			t.Errorf("%s: %s", k, got)
		}
	}
	es := entries(t, l, outbox.Stream(keys[0]))
	if es[1].Actor != outbox.Actor || es[2].Actor.Role != register.RoleSystem {
		t.Errorf("dispatcher's actor = %v", es[1].Actor)
	}
	acc := entries(t, l, register.AccessStream)
	if len(acc) != 2 { // two batches: 3 and 2
		t.Errorf("%d access entries, want 2", len(acc))
	}
	for _, a := range acc {
		if a.Actor != outbox.Actor || !strings.Contains(string(a.Data), outbox.Purpose) {
			t.Errorf("access entry %v: %s", a.Actor, a.Data)
		}
	}
	// Nothing is due any more; the request's stream never moved.
	if st, err := d.Drain(ctx); err != nil || st != (outbox.DrainStats{}) {
		t.Errorf("second drain: %+v %v", st, err)
	}
	if v, _ := l.Backend().Version(ctx, "request/1"); v != 0 {
		t.Errorf("the cause stream moved to version %d", v)
	}
	assertNoPersonalData(t, l)
}

func TestRetryBackoffContinuesAfterRestart(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		l := memLog(t, nil)
		queue(t, l, "request/1", "r", 1, notify.Normal)
		rec := &notifytest.Recorder{}
		flaky := &notifytest.Flaky{FailFirst: 3, Next: rec}
		opts := &outbox.Options{Jitter: -1, InitialInterval: 5 * time.Second, Multiplier: 2}
		d := outbox.NewDispatcher(l, flaky, opts)
		start := time.Now()
		next := func() time.Time {
			es := entries(t, l, outbox.Stream("r-0"))
			var f struct {
				Next    time.Time     `json:"next_attempt_at"`
				Attempt int           `json:"attempt"`
				Reason  outbox.Reason `json:"reason"`
			}
			if err := json.Unmarshal(es[len(es)-1].Data, &f); err != nil || f.Reason != outbox.ReasonTemporary {
				t.Fatalf("last entry %s: %s (%v)", es[len(es)-1].Kind, es[len(es)-1].Data, err)
			}
			return f.Next
		}
		if st, _ := d.Drain(ctx); st.Failed != 1 {
			t.Fatalf("first drain: %+v", st)
		}
		if got := next().Sub(start); got != 5*time.Second {
			t.Errorf("first wait = %v, want 5s", got)
		}
		if st, _ := d.Drain(ctx); st != (outbox.DrainStats{}) {
			t.Errorf("drained before the next attempt: %+v", st)
		}
		time.Sleep(5 * time.Second)
		if st, _ := d.Drain(ctx); st.Failed != 1 {
			t.Fatalf("second drain: %+v", st)
		}
		if got := next().Sub(start); got != 15*time.Second {
			t.Errorf("second wait ends at %v, want 15s", got)
		}
		// A new dispatcher (a restart) continues the schedule from the
		// register: not before the next attempt, then the third wait.
		d = outbox.NewDispatcher(l, flaky, opts)
		time.Sleep(9 * time.Second)
		if st, _ := d.Drain(ctx); st != (outbox.DrainStats{}) {
			t.Errorf("restarted dispatcher drained early: %+v", st)
		}
		time.Sleep(time.Second)
		if st, _ := d.Drain(ctx); st.Failed != 1 {
			t.Fatalf("third drain: %+v", st)
		}
		if got := next().Sub(start); got != 35*time.Second {
			t.Errorf("third wait ends at %v, want 35s", got)
		}
		time.Sleep(20 * time.Second)
		if st, _ := d.Drain(ctx); st.Delivered != 1 {
			t.Fatalf("fourth drain: %+v", st)
		}
		if got := kinds(t, l, "r-0"); got != "queued claimed failed claimed failed claimed failed claimed delivered" {
			t.Errorf("history: %s", got)
		}
		if rec.Len() != 1 || flaky.Calls() != 4 {
			t.Errorf("delivered %d, calls %d", rec.Len(), flaky.Calls())
		}
	})
}

func TestRunWaitsForTheNextAttempt(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		l := memLog(t, nil)
		rec := &notifytest.Recorder{}
		flaky := &notifytest.Flaky{FailFirst: 1, Next: rec}
		d := outbox.NewDispatcher(l, flaky, &outbox.Options{Jitter: -1, InitialInterval: time.Minute, PollInterval: 10 * time.Minute})
		stop := runInBackground(t, d)
		synctest.Wait()
		queue(t, l, "request/1", "run", 1, notify.Normal)
		// Run polls every ten minutes; the first attempt fails at the next
		// poll and the second follows the one-minute schedule, not the poll.
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		if flaky.Calls() != 1 {
			t.Fatalf("calls after the poll: %d", flaky.Calls())
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if rec.Len() != 1 {
			t.Fatalf("not delivered one minute after the failure (calls %d)", flaky.Calls())
		}
		stop()
	})
}

func TestDeadLetters(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		l := memLog(t, nil)
		queue(t, l, "request/p", "perm", 1, notify.Normal)
		queue(t, l, "request/a", "attempts", 1, notify.Normal)
		queue(t, l, "request/d", "deadline", 1, notify.Normal)
		queue(t, l, "request/ok", "ok", 1, notify.Normal)
		n := notify.NotifierFunc(func(ctx context.Context, m notify.Message) error {
			switch {
			case strings.HasPrefix(m.Key, "perm"):
				return notify.Permanent(fmt.Errorf("550 %s: utente sconosciuto", knownEmail))
			case strings.HasPrefix(m.Key, "ok"):
				return nil
			}
			return notify.Temporary(fmt.Errorf("451 %s: riprovare", knownEmail))
		})
		d := outbox.NewDispatcher(l, n, &outbox.Options{Jitter: -1, MaxAttempts: 3, InitialInterval: time.Second})
		// Two messages with their own, short deadlines: one passes when a
		// failure would schedule the next attempt after it, the other
		// while the message waits for its next attempt.
		for key, after := range map[string]time.Duration{"deadline2": 61 * time.Second, "deadline3": 90 * time.Second} {
			evs, err := outbox.EventsAt(outbox.Cause{Stream: "request/d2", Actor: official}, time.Time{}, time.Now().Add(after), msg(key, 0))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := l.AppendBatch(ctx, map[string]uint64{evs[0].Stream: 0}, evs...); err != nil {
				t.Fatal(err)
			}
		}
		for range 10 {
			if _, err := d.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Minute)
		}
		want := map[string]string{
			"perm-0":     "queued claimed dead_lettered",
			"attempts-0": "queued claimed failed claimed failed claimed dead_lettered",
			"deadline2":  "queued claimed failed claimed dead_lettered",
			"deadline3":  "queued claimed failed claimed failed dead_lettered",
			"ok-0":       "queued claimed delivered",
		}
		for k, w := range want {
			if got := kinds(t, l, k); got != w {
				t.Errorf("%s: %s, want %s", k, got, w)
			}
		}
		dead, err := outbox.DeadLetters(ctx, l)
		if err != nil {
			t.Fatal(err)
		}
		reasons := map[string]outbox.Reason{}
		for _, x := range dead {
			reasons[x.Key] = x.Reason
			if x.Status != outbox.StatusDeadLettered || x.Recipients[0].Role != guideline.RolePoliceCommand {
				t.Errorf("%s: %+v", x.Key, x)
			}
			if s := fmt.Sprintf("%+v", x); strings.Contains(s, knownEmail) || strings.Contains(s, knownName) {
				t.Errorf("dead letter leaks personal data: %s", s)
			}
		}
		if reasons["perm-0"] != outbox.ReasonPermanent || reasons["attempts-0"] != outbox.ReasonAttemptsExhausted ||
			reasons["deadline2"] != outbox.ReasonDeadlinePassed || reasons["deadline3"] != outbox.ReasonDeadlinePassed || reasons["deadline-0"] != outbox.ReasonAttemptsExhausted || len(dead) != 5 {
			t.Errorf("dead letters: %v", reasons)
		}
		p := outbox.Catalog().Printer(language.Italian)
		if s := outbox.ReasonPermanent.Name(p); !strings.Contains(s, "rifiutato") {
			t.Errorf("Italian reason: %s", s)
		}
		assertNoPersonalData(t, l)
	})
}

func TestUndelivered(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		l := memLog(t, nil)
		queue(t, l, "request/1", "late", 1, notify.Normal)
		time.Sleep(time.Hour)
		queue(t, l, "request/2", "recent", 1, notify.Normal)
		queue(t, l, "request/3", "sent", 1, notify.Normal)
		n := notify.NotifierFunc(func(ctx context.Context, m notify.Message) error {
			if m.Key == "sent-0" {
				return nil
			}
			return notify.Temporary(errors.New("servizio non disponibile"))
		})
		d := outbox.NewDispatcher(l, n, &outbox.Options{Jitter: -1})
		if _, err := d.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		late, err := outbox.Undelivered(ctx, l, time.Now().Add(-30*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if len(late) != 1 || late[0].Key != "late-0" || late[0].Attempts != 1 || late[0].Reason != outbox.ReasonTemporary ||
			late[0].Status != outbox.StatusPending || !late[0].NextAttempt.Equal(time.Now().Add(5*time.Second)) || late[0].Cause != "request/1" {
			t.Errorf("undelivered = %+v", late)
		}
		all, _ := outbox.Undelivered(ctx, l, time.Now().Add(time.Second))
		if len(all) != 2 {
			t.Errorf("%d undelivered, want 2", len(all))
		}
	})
}

func TestUnreadableContentIsDeadLettered(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	k := keyring(t)
	l, err := register.Open(ctx, memregister.New(), &register.Options{Sealer: k})
	if err != nil {
		t.Fatal(err)
	}
	queue(t, l, "request/1", "erased", 1, notify.Normal)
	if err := k.Erase("k1"); err != nil {
		t.Fatal(err)
	}
	rec := &notifytest.Recorder{}
	st, err := outbox.NewDispatcher(l, rec, nil).Drain(ctx)
	if err != nil || st.DeadLettered != 1 || rec.Len() != 0 {
		t.Fatalf("stats %+v, err %v, sent %d", st, err, rec.Len())
	}
	dead, _ := outbox.DeadLetters(ctx, l)
	if len(dead) != 1 || dead[0].Reason != outbox.ReasonUnreadable {
		t.Errorf("dead letters = %+v", dead)
	}
}

func TestUrgentBeforeBacklog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := memLog(t, nil)
	queue(t, l, "request/1", "normal", 10, notify.Normal)
	queue(t, l, "incident/1", "urgent", 1, notify.Urgent)
	var (
		mu           sync.Mutex
		sent         []string
		queuedDuring bool
	)
	n := notify.NotifierFunc(func(ctx context.Context, m notify.Message) error {
		mu.Lock()
		defer mu.Unlock()
		sent = append(sent, m.Key)
		if strings.HasPrefix(m.Key, "normal") && !queuedDuring {
			// An emergency arrives while the backlog is being drained.
			queuedDuring = true
			queue(t, l, "incident/2", "later", 1, notify.Urgent)
		}
		return nil
	})
	d := outbox.NewDispatcher(l, n, &outbox.Options{BatchSize: 4, Concurrency: 1})
	if _, err := d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sent) != 12 || slices.Index(sent, "urgent-0") > 1 || slices.Index(sent, "later-0") > 5 {
		t.Errorf("order: %v", sent)
	}
}

func TestUrgentDoesNotWaitForASlowBatch(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		l := memLog(t, nil)
		queue(t, l, "request/1", "slow", 4, notify.Normal)
		rec := &notifytest.Recorder{}
		n := notify.NotifierFunc(func(ctx context.Context, m notify.Message) error {
			if m.Priority == notify.Normal {
				time.Sleep(10 * time.Minute) // a mail server that answers slowly
			}
			return rec.Notify(ctx, m)
		})
		d := outbox.NewDispatcher(l, n, &outbox.Options{Lease: time.Hour, PollInterval: time.Second})
		stop := runInBackground(t, d)
		time.Sleep(time.Minute)
		queue(t, l, "incident/1", "emergency", 1, notify.Urgent)
		time.Sleep(5 * time.Second)
		synctest.Wait()
		if keys := rec.Keys(); !slices.Equal(keys, []string{"emergency-0"}) {
			t.Fatalf("sent while the normal batch is still being sent: %v", keys)
		}
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		if rec.Len() != 5 {
			t.Errorf("sent %d of 5", rec.Len())
		}
		stop()
	})
}

func TestLeaseOfADeadDispatcher(t *testing.T) {
	t.Parallel()
	clk := newClock()
	l := memLog(t, clk.Now)
	queue(t, l, "request/1", "lease", 1, notify.Normal)
	// Dispatcher A dies while sending: its claim stays.
	ctx, hang := dyingNotifier()
	opts := func(holder string) *outbox.Options {
		return &outbox.Options{Holder: holder, Lease: time.Minute, Now: clk.Now}
	}
	if _, err := outbox.NewDispatcher(l, hang, opts("A")).Drain(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("A: %v", err)
	}
	if got := kinds(t, l, "lease-0"); got != "queued claimed" {
		t.Fatalf("after A: %s", got)
	}
	// B waits for A's lease.
	rec := &notifytest.Recorder{}
	b := outbox.NewDispatcher(l, rec, opts("B"))
	if st, _ := b.Drain(context.Background()); st.Claimed != 0 {
		t.Fatalf("B took a claim still held: %+v", st)
	}
	clk.Add(time.Minute)
	if st, _ := b.Drain(context.Background()); st.Delivered != 1 {
		t.Fatalf("B after the lease: %+v", st)
	}
	es := entries(t, l, outbox.Stream("lease-0"))
	if !strings.Contains(string(es[3].Data), `"attempt":2`) {
		t.Errorf("delivery: %s", es[3].Data)
	}
}

func TestRestartTakesBackOwnClaims(t *testing.T) {
	t.Parallel()
	clk := newClock()
	l := memLog(t, clk.Now)
	queue(t, l, "request/1", "own", 3, notify.Normal)
	ctx, hang := dyingNotifier()
	opts := &outbox.Options{Holder: "primary", Lease: time.Hour, Now: clk.Now, Concurrency: 1}
	_, _ = outbox.NewDispatcher(l, hang, opts).Drain(ctx)
	// The same dispatcher, restarted, does not wait an hour.
	rec := &notifytest.Recorder{}
	st, err := outbox.NewDispatcher(l, rec, opts).Drain(context.Background())
	if err != nil || st.Delivered != 3 {
		t.Fatalf("restart: %+v %v", st, err)
	}
}

func TestTimelineShowsDeliveries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := memLog(t, nil)
	const stream = "request/2026-000042"
	change := register.Event{Stream: stream, Kind: register.KindRequestSubmitted, Territory: "municipio-5", Actor: official,
		Guideline: "milano-2021-03-02", Data: []byte(`{"appointment_at":"2026-11-10T10:00:00+01:00"}`)}
	good, bad := msg("tl-good", 0), msg("tl-bad", 0)
	evs, err := outbox.Events(outbox.Cause{Stream: stream, Territory: "municipio-5", Actor: official}, good, bad)
	if err != nil {
		t.Fatal(err)
	}
	expected := map[string]uint64{stream: 0}
	outbox.Expect(expected, evs)
	if _, err := l.AppendBatch(ctx, expected, append([]register.Event{change}, evs...)...); err != nil {
		t.Fatal(err)
	}
	n := notify.NotifierFunc(func(ctx context.Context, m notify.Message) error {
		if m.Key == "tl-bad" {
			return notify.Permanent(errors.New("rifiutato"))
		}
		return nil
	})
	if _, err := outbox.NewDispatcher(l, n, &outbox.Options{Concurrency: 1}).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	tl, err := l.Timeline(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range tl.Entries {
		var key string
		_, _ = e.Field(register.DataMessageKey, &key)
		got = append(got, strings.TrimSpace(e.Kind+" "+key))
	}
	want := []string{"request.submitted", "message.queued tl-good", "message.queued tl-bad", "message.delivered tl-good", "message.dead_lettered tl-bad"}
	if !slices.Equal(got, want) {
		t.Errorf("timeline: %v, want %v", got, want)
	}
	b, _ := json.Marshal(tl)
	if strings.Contains(string(b), knownName) || strings.Contains(string(b), knownEmail) {
		t.Errorf("timeline leaks: %s", b)
	}
}

func TestABatchEndsBeforeItsLease(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		l := memLog(t, nil)
		queue(t, l, "request/1", "slow", 3, notify.Normal)
		n := notify.NotifierFunc(func(ctx context.Context, m notify.Message) error {
			select {
			case <-time.After(100 * time.Second):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		d := outbox.NewDispatcher(l, n, &outbox.Options{Lease: 4 * time.Minute, Concurrency: 1, Jitter: -1})
		start := time.Now()
		st, err := d.Drain(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		// Sending stops at three quarters of the lease: one message was
		// sent, the others time out and wait for their next attempt.
		if st.Delivered != 1 || st.Failed != 2 || time.Since(start) >= 4*time.Minute {
			t.Errorf("stats %+v after %v", st, time.Since(start))
		}
		late, _ := outbox.Undelivered(context.Background(), l, maxTime)
		for _, x := range late {
			if x.Reason != outbox.ReasonTimeout {
				t.Errorf("%s: reason %s", x.Key, x.Reason)
			}
		}
	})
}
