package pgregister_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/pgregister"
)

// openLog opens a Log over a new Register in schema of pool. The Log is
// closed when the test ends, if the test has not closed it.
func openLog(t testing.TB, pool *pgxpool.Pool, schema string, opts *register.Options) *register.Log {
	t.Helper()
	ctx := context.Background()
	r, err := pgregister.Open(ctx, pool, &pgregister.Options{Schema: schema})
	if err != nil {
		t.Fatalf("pgregister.Open: %v", err)
	}
	l, err := register.Open(ctx, r, opts)
	if err != nil {
		t.Fatalf("register.Open: %v", err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// event returns a valid event with some non-personal data.
func event(kind string, n int) register.Event {
	return register.Event{
		Kind:      kind,
		Territory: "municipio-3",
		Actor:     register.Actor{Role: guideline.RoleOperator, ID: "op-17"},
		Data:      fmt.Appendf(nil, `{"n":%d}`, n),
	}
}

// verifyAll opens a fresh Log on schema and checks the whole chain.
func verifyAll(t testing.TB, pool *pgxpool.Pool, schema string) *register.Log {
	t.Helper()
	l := openLog(t, pool, schema, nil)
	if err := l.Verify(t.Context()); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return l
}

// Several Logs, each with its own connections as separate machines would
// have, append at once to their own streams and to one shared stream. In
// every round all of them expect the same version of the shared stream:
// exactly one wins, the others get ErrVersionConflict, and no successful
// append is lost.
func TestConcurrentLogs(t *testing.T) {
	t.Parallel()
	const writers, rounds = 4, 12
	admin := newPool(t, 2)
	schema := newSchema(t, admin)
	logs := make([]*register.Log, writers)
	for i := range logs {
		logs[i] = openLog(t, newPool(t, 2), schema, &register.Options{MaxAttempts: 10000})
	}
	ctx := t.Context()
	var (
		mu      sync.Mutex
		stored  = map[uint64][]byte{} // seq -> hash of every successful entry
		winners = 0
	)
	keep := func(entries []register.Entry) {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range entries {
			if _, dup := stored[e.Seq]; dup {
				t.Errorf("seq %d returned twice", e.Seq)
			}
			stored[e.Seq] = e.Hash
		}
	}
	for round := range rounds {
		var wg sync.WaitGroup
		for w, l := range logs {
			wg.Go(func() {
				own := fmt.Sprintf("writer-%d", w)
				base := 3 * uint64(round) // every round adds three entries to own
				entries, err := l.Append(ctx, own, base, event(register.KindIncidentReported, round))
				if err != nil {
					t.Errorf("append to own stream: %v", err)
					return
				}
				keep(entries)
				// One batch over two streams: the own stream always
				// matches, the shared one is contended.
				shared := event(register.KindIncidentColleaguesAlerted, round)
				shared.Stream = "shared"
				mine := event(register.KindIncidentDispatched, round)
				mine.Stream = own
				entries, err = l.AppendBatch(ctx, map[string]uint64{"shared": uint64(round), own: base + 1}, shared, mine)
				switch {
				case err == nil:
					keep(entries)
					mu.Lock()
					winners++
					mu.Unlock()
					// The winner's own stream moved on one more version.
					entries, err = l.Append(ctx, own, base+2, event(register.KindIncidentClosed, round))
					if err != nil {
						t.Errorf("append after winning: %v", err)
						return
					}
					keep(entries)
				case errors.Is(err, register.ErrVersionConflict):
					// Keep the own stream in step with the winners'.
					entries, err = l.Append(ctx, own, base+1, event(register.KindIncidentDispatched, round), event(register.KindIncidentClosed, round))
					if err != nil {
						t.Errorf("append after losing: %v", err)
						return
					}
					keep(entries)
				default:
					t.Errorf("contended append: %v, want nil or ErrVersionConflict", err)
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
		if winners != round+1 {
			t.Fatalf("round %d: %d winners in total, want %d", round, winners, round+1)
		}
	}
	l := verifyAll(t, admin, schema)
	var n uint64
	for e, err := range l.Scan(ctx, register.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if e.Seq != n {
			t.Fatalf("seq %d at position %d: a gap", e.Seq, n)
		}
		if h, ok := stored[e.Seq]; !ok || !bytes.Equal(h, e.Hash) {
			t.Fatalf("entry %d is not the one its append returned", e.Seq)
		}
	}
	if n != uint64(len(stored)) {
		t.Fatalf("%d entries stored, %d appends succeeded", n, len(stored))
	}
	if v, err := l.Backend().Version(ctx, "shared"); err != nil || v != rounds {
		t.Fatalf("shared stream at version %d, %v; want %d", v, err, rounds)
	}
}
