package register_test

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

func TestAppendAndRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := openLog(t, newMem(), nil)
	a := mustAppend(t, l, "request/1", 0,
		event(register.KindRequestSubmitted, `{"appointment_at":"2026-03-10T10:00:00Z"}`),
		event(register.KindRequestAccepted, ""))
	b := mustAppend(t, l, "incident/1", 0, event(register.KindIncidentReported, `{"incident_kind":"threat"}`))
	c := mustAppend(t, l, "request/1", 2, event(register.KindRequestCompleted, ""))

	all := append(append(a, b...), c...)
	for i, e := range all {
		if e.Seq != uint64(i+1) {
			t.Errorf("entry %d: Seq = %d", i, e.Seq)
		}
		if i > 0 && !bytes.Equal(e.PrevHash, all[i-1].Hash) {
			t.Errorf("entry %d: PrevHash is not the previous Hash", i)
		}
		body, err := register.EncodeEntry(e)
		if err != nil || !bytes.Equal(register.HashBody(body), e.Hash) {
			t.Errorf("entry %d: Hash is not the hash of its encoding (%v)", i, err)
		}
	}
	if c[0].Version != 3 || b[0].Version != 1 {
		t.Errorf("versions: %d, %d; want 3, 1", c[0].Version, b[0].Version)
	}

	got := collect(t, l.Stream(ctx, "request/1"))
	if len(got) != 3 {
		t.Fatalf("Stream returned %d entries, want 3", len(got))
	}
	for i, e := range got {
		if e.Version != uint64(i+1) || e.Stream != "request/1" {
			t.Errorf("stream entry %d: %v", i, e)
		}
	}
	if string(got[0].Data) != `{"appointment_at":"2026-03-10T10:00:00Z"}` {
		t.Errorf("Data = %s", got[0].Data)
	}
	if !got[0].Time.Equal(epoch) {
		t.Errorf("Time = %v, want %v", got[0].Time, epoch)
	}

	scanned := collect(t, l.Scan(ctx, register.Filter{Kinds: []string{register.KindIncidentReported, register.KindRequestCompleted}}))
	if len(scanned) != 2 || scanned[0].Seq != 3 || scanned[1].Seq != 4 {
		t.Errorf("Scan by kinds: %v", scanned)
	}
	if err := l.Verify(ctx); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

func TestAppendVersionConflict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := openLog(t, newMem(), nil)
	mustAppend(t, l, "incident/7", 0, event(register.KindIncidentReported, ""))
	for _, v := range []uint64{0, 2, 5} {
		_, err := l.Append(ctx, "incident/7", v, event(register.KindIncidentColleaguesAlerted, ""))
		if !errors.Is(err, register.ErrVersionConflict) {
			t.Errorf("expected version %d: err = %v, want ErrVersionConflict", v, err)
		}
	}
	if n := len(collect(t, l.Stream(ctx, "incident/7"))); n != 1 {
		t.Errorf("after conflicts the stream has %d entries, want 1", n)
	}
}

// Two instances acting on the same incident: exactly one wins each version.
func TestAppendConcurrentInstances(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mem := newMem()
	logs := []*register.Log{openLog(t, mem, nil), openLog(t, mem, nil), openLog(t, mem, nil)}
	const perLog = 40
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i, l := range logs {
		wg.Go(func() {
			for j := range perLog {
				// An independent stream per goroutine: never conflicts, only
				// races for the head.
				if _, err := l.Append(ctx, "own/"+strconv.Itoa(i)+"/"+strconv.Itoa(j), 0, event("test.own", "")); err != nil {
					t.Error(err)
					return
				}
				// A shared stream: conflicts are expected, lost updates not.
				for {
					v, err := mem.Version(ctx, "incident/shared")
					if err != nil {
						t.Error(err)
						return
					}
					_, err = l.Append(ctx, "incident/shared", v, event("test.shared", ""))
					if err == nil {
						mu.Lock()
						wins++
						mu.Unlock()
						break
					}
					if !errors.Is(err, register.ErrVersionConflict) {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	shared := collect(t, logs[0].Stream(ctx, "incident/shared"))
	if len(shared) != wins || wins != len(logs)*perLog {
		t.Errorf("shared stream has %d entries, %d appends succeeded, want %d", len(shared), wins, len(logs)*perLog)
	}
	if err := logs[1].Verify(ctx); err != nil {
		t.Errorf("Verify after concurrent appends: %v", err)
	}
}

func TestAppendBatchAtomic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := openLog(t, newMem(), nil)
	mustAppend(t, l, "b", 0, event("test.x", ""))
	ev := func(stream string) register.Event { e := event("test.y", ""); e.Stream = stream; return e }

	// b is at 1, not 0: nothing of the batch is stored.
	_, err := l.AppendBatch(ctx, map[string]uint64{"a": 0, "b": 0}, ev("a"), ev("b"))
	if !errors.Is(err, register.ErrVersionConflict) {
		t.Fatalf("err = %v, want ErrVersionConflict", err)
	}
	if n := len(collect(t, l.Stream(ctx, "a"))); n != 0 {
		t.Errorf("failed batch left %d entries in a", n)
	}
	es, err := l.AppendBatch(ctx, map[string]uint64{"a": 0, "b": 1}, ev("a"), ev("b"), ev("a"))
	if err != nil {
		t.Fatal(err)
	}
	if es[0].Version != 1 || es[1].Version != 2 || es[2].Version != 2 {
		t.Errorf("versions %d %d %d, want 1 2 2", es[0].Version, es[1].Version, es[2].Version)
	}
	if es[2].Seq != 4 {
		t.Errorf("last seq %d, want 4", es[2].Seq)
	}
}

func TestAppendRejects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	noSealer, err := register.Open(ctx, newMem(), nil)
	if err != nil {
		t.Fatal(err)
	}
	sealed := openLog(t, newMem(), nil)
	personal := event("test.p", "")
	personal.Personal = []byte(knownName)
	withStream := func(e register.Event, s string) register.Event { e.Stream = s; return e }
	for _, tc := range []struct {
		name   string
		log    *register.Log
		stream string
		events []register.Event
		want   error
	}{
		{"personal data without sealer", noSealer, "s", []register.Event{personal}, register.ErrNoSealer},
		{"no events", sealed, "s", nil, register.ErrInvalidEvent},
		{"empty stream", sealed, "", []register.Event{event("test.k", "")}, register.ErrInvalidEvent},
		{"no kind", sealed, "s", []register.Event{event("", "")}, register.ErrInvalidEvent},
		{"bad role", sealed, "s", []register.Event{{Kind: "test.k", Actor: register.Actor{Role: "boss", ID: "x"}}}, register.ErrInvalidEvent},
		{"data not an object", sealed, "s", []register.Event{event("test.k", `[1]`)}, register.ErrInvalidEvent},
		{"data not JSON", sealed, "s", []register.Event{event("test.k", `{`)}, register.ErrInvalidEvent},
		{"other stream", sealed, "s", []register.Event{withStream(event("test.k", ""), "t")}, register.ErrInvalidEvent},
		{"access stream", sealed, register.AccessStream, []register.Event{event("test.k", "")}, register.ErrInvalidEvent},
		{"access kind", sealed, "s", []register.Event{event(register.KindAccess, "")}, register.ErrInvalidEvent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.log.Append(ctx, tc.stream, 0, tc.events...)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if err != nil {
				assertNoLeak(t, err.Error())
			}
		})
	}
	if h, _ := noSealer.Backend().Head(ctx); h.Seq != 0 {
		t.Errorf("rejected appends stored %d entries", h.Seq)
	}
}

// headMover is a backend that moves the head under the Log: another writer
// appends before each of the first n appends of the Log.
type headMover struct {
	register.Register
	other *register.Log
	n     int
	calls int
}

func (h *headMover) Append(ctx context.Context, b register.Batch) error {
	h.calls++
	if h.n > 0 {
		h.n--
		if _, err := h.other.Append(ctx, "other/"+strconv.Itoa(h.n), 0, event("test.other", "")); err != nil {
			return err
		}
	}
	return h.Register.Append(ctx, b)
}

func TestAppendRetriesWhenHeadMoves(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mem := newMem()
	hm := &headMover{Register: mem, other: openLog(t, mem, nil), n: 3}
	l := openLog(t, hm, nil)
	es := mustAppend(t, l, "mine", 0, event("test.mine", ""))
	if hm.calls != 4 {
		t.Errorf("backend Append called %d times, want 4", hm.calls)
	}
	if es[0].Seq != 4 {
		t.Errorf("Seq = %d, want 4 (after the other writer's 3)", es[0].Seq)
	}
	if err := l.Verify(ctx); err != nil {
		t.Errorf("Verify: %v", err)
	}

	hm.n = 1000
	l2 := openLog(t, hm, &register.Options{MaxAttempts: 3})
	if _, err := l2.Append(ctx, "mine2", 0, event("test.mine", "")); !errors.Is(err, register.ErrTooManyRetries) {
		t.Errorf("err = %v, want ErrTooManyRetries", err)
	}
}

func TestAppendContextAndClose(t *testing.T) {
	t.Parallel()
	mem := newMem()
	l := openLog(t, mem, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Append(ctx, "s", 0, event("test.k", "")); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled append: %v", err)
	}
	scanned := 0
	for _, err := range l.Scan(ctx, register.Filter{}) {
		scanned++
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled scan: %v", err)
		}
	}
	if scanned != 1 {
		t.Errorf("cancelled scan yielded %d times, want once, with the error", scanned)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(context.Background(), "s", 0, event("test.k", "")); !errors.Is(err, register.ErrClosed) {
		t.Errorf("append after close: %v", err)
	}
	if err := l.Verify(context.Background()); !errors.Is(err, register.ErrClosed) || errors.Is(err, register.ErrTampered) {
		t.Errorf("verify after close: %v", err)
	}
}

// breakOnce fails the first Append with ErrBroken and counts calls.
type breakOnce struct {
	register.Register
	calls int
}

func (b *breakOnce) Append(ctx context.Context, batch register.Batch) error {
	b.calls++
	if b.calls == 1 {
		return register.ErrBroken
	}
	return b.Register.Append(ctx, batch)
}

func TestAppendDoesNotRetryBroken(t *testing.T) {
	t.Parallel()
	b := &breakOnce{Register: newMem()}
	l := openLog(t, b, nil)
	for i := range 2 {
		if _, err := l.Append(context.Background(), "s", 0, event("test.k", "")); !errors.Is(err, register.ErrBroken) {
			t.Errorf("append %d: err = %v, want ErrBroken", i, err)
		}
	}
	if b.calls != 1 {
		t.Errorf("backend Append called %d times, want 1: no retry after an uncertain commit", b.calls)
	}
}

// breakMoved fails every Append with an error that reports both a moved
// head and an uncertain commit, as a backend whose rollback failed after a
// lost race does, and counts calls.
type breakMoved struct {
	register.Register
	calls int
}

func (b *breakMoved) Append(context.Context, register.Batch) error {
	b.calls++
	return errors.Join(register.ErrHeadMoved, register.ErrBroken)
}

func TestAppendDoesNotRetryBrokenHeadMoved(t *testing.T) {
	t.Parallel()
	b := &breakMoved{Register: newMem()}
	l := openLog(t, b, nil)
	if _, err := l.Append(context.Background(), "s", 0, event("test.k", "")); !errors.Is(err, register.ErrBroken) {
		t.Errorf("err = %v, want ErrBroken", err)
	}
	if b.calls != 1 {
		t.Errorf("backend Append called %d times, want 1: an uncertain commit is never retried", b.calls)
	}
}

func TestTimesAreUTCMicroseconds(t *testing.T) {
	t.Parallel()
	rome, _ := time.LoadLocation("Europe/Rome")
	now := time.Date(2026, 7, 1, 12, 0, 0, 123456789, rome)
	l := openLog(t, newMem(), &register.Options{Now: func() time.Time { return now }})
	e := mustAppend(t, l, "s", 0, event("test.k", ""))[0]
	if e.Time.Location() != time.UTC || !e.Time.Equal(now.Truncate(time.Microsecond)) {
		t.Errorf("Time = %v", e.Time)
	}
	if e.Actor.Role != guideline.RoleOperator {
		t.Errorf("Actor = %v", e.Actor)
	}
}

func TestAppendBatchChecksStreamsWithoutEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := openLog(t, newMem(), nil)
	mustAppend(t, l, "incident/1", 0, event(register.KindIncidentReported, `{"incident_kind":"threat"}`))
	// The request is decided only if the incident is still at version 1.
	_, err := l.AppendBatch(ctx, map[string]uint64{"request/1": 0, "incident/1": 0},
		register.Event{Stream: "request/1", Kind: register.KindRequestSubmitted, Actor: operator})
	if !errors.Is(err, register.ErrVersionConflict) {
		t.Fatalf("stale guard on a stream without events: %v, want ErrVersionConflict", err)
	}
	if got := collect(t, l.Stream(ctx, "request/1")); len(got) != 0 {
		t.Fatalf("the batch was refused but %d entries were stored", len(got))
	}
	if _, err := l.AppendBatch(ctx, map[string]uint64{"request/1": 0, "incident/1": 1},
		register.Event{Stream: "request/1", Kind: register.KindRequestSubmitted, Actor: operator}); err != nil {
		t.Fatalf("current guard: %v", err)
	}
}

func TestStreamRejectsTheEmptyName(t *testing.T) {
	t.Parallel()
	l := openLog(t, newMem(), nil)
	mustAppend(t, l, "request/1", 0, event(register.KindRequestSubmitted, ""))
	n := 0
	var got error
	for _, err := range l.Stream(context.Background(), "") {
		n++
		got = err
	}
	if n != 1 || !errors.Is(got, register.ErrInvalidEvent) {
		t.Fatalf("Stream(\"\") yielded %d values, last error %v; want one ErrInvalidEvent", n, got)
	}
}
