package register_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"iter"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
)

// Known personal data that must never leak.
const (
	knownName = "Gianfranca Bellavista"
	knownCF   = "BLLGFR80A41F205X"
)

var operator = register.Actor{Role: guideline.RoleOperator, ID: "op-17"}

// clock is a fake clock that advances by step on every reading.
type clock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func newClock(start time.Time, step time.Duration) *clock { return &clock{t: start, step: step} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

var epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newKeyring(t testing.TB) *register.Keyring {
	t.Helper()
	k, err := register.NewKeyring("k1", randomKey(t))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func randomKey(t testing.TB) []byte {
	t.Helper()
	key := make([]byte, register.KeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	return key
}

// openLog opens a Log over backend with a keyring and a fake clock.
func openLog(t testing.TB, backend register.Register, opts *register.Options) *register.Log {
	t.Helper()
	if opts == nil {
		opts = &register.Options{}
	}
	if opts.Sealer == nil {
		opts.Sealer = newKeyring(t)
	}
	if opts.Now == nil {
		opts.Now = newClock(epoch, time.Second).Now
	}
	l, err := register.Open(context.Background(), backend, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

func event(kind string, data string) register.Event {
	e := register.Event{Kind: kind, Territory: "municipio-3", Actor: operator, Guideline: "milano-2021-03-02"}
	if data != "" {
		e.Data = []byte(data)
	}
	return e
}

func mustAppend(t testing.TB, l *register.Log, stream string, version uint64, events ...register.Event) []register.Entry {
	t.Helper()
	es, err := l.Append(context.Background(), stream, version, events...)
	if err != nil {
		t.Fatalf("Append(%s, %d): %v", stream, version, err)
	}
	return es
}

func collect[T any](t testing.TB, seq iter.Seq2[T, error]) []T {
	t.Helper()
	var out []T
	for x, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, x)
	}
	return out
}

// editBackend wraps a backend and lets a test change what Scan returns, as
// an attacker with write access to the database would.
type editBackend struct {
	register.Register
	mu   sync.Mutex
	edit func([]register.Record) []register.Record
}

func (b *editBackend) setEdit(f func([]register.Record) []register.Record) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.edit = f
}

func (b *editBackend) Scan(ctx context.Context, f register.Filter) iter.Seq2[register.Record, error] {
	b.mu.Lock()
	edit := b.edit
	b.mu.Unlock()
	if edit == nil {
		return b.Register.Scan(ctx, f)
	}
	return func(yield func(register.Record, error) bool) {
		var all []register.Record
		for r, err := range b.Register.Scan(ctx, register.Filter{}) {
			if err != nil {
				yield(register.Record{}, err)
				return
			}
			r.Hash = bytes.Clone(r.Hash)
			r.Body = bytes.Clone(r.Body)
			all = append(all, r)
		}
		for _, r := range edit(slices.Clone(all)) {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func newMem() *memregister.Register { return memregister.New() }

// appendForeign appends entries to backend behind the Log's back, as an
// older version of the library or another tool could have written them:
// it chains and encodes them itself, skipping every check of the Log, and
// numbers each entry after the register's head and its stream's version.
func appendForeign(t testing.TB, backend register.Register, at time.Time, entries ...register.Entry) []register.Entry {
	t.Helper()
	ctx := context.Background()
	head, err := backend.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b := register.Batch{Head: head, Versions: map[string]uint64{}}
	next := map[string]uint64{}
	prev := head.Hash
	for i := range entries {
		e := &entries[i]
		if _, ok := b.Versions[e.Stream]; !ok {
			v, err := backend.Version(ctx, e.Stream)
			if err != nil {
				t.Fatal(err)
			}
			b.Versions[e.Stream], next[e.Stream] = v, v
		}
		next[e.Stream]++
		e.Seq, e.Version, e.Time, e.PrevHash = head.Seq+uint64(i)+1, next[e.Stream], at.UTC(), prev
		body, err := register.EncodeEntry(*e)
		if err != nil {
			t.Fatal(err)
		}
		e.Hash = register.HashBody(body)
		prev = e.Hash
		b.Records = append(b.Records, register.Record{Seq: e.Seq, Stream: e.Stream, Version: e.Version, Kind: e.Kind,
			Territory: e.Territory, Time: e.Time, Hash: e.Hash, Body: body})
	}
	if err := backend.Append(ctx, b); err != nil {
		t.Fatal(err)
	}
	return entries
}

// foreign returns an entry of kind with data, by operator.
func foreign(stream, kind, data string) register.Entry {
	return register.Entry{Stream: stream, Kind: kind, Actor: operator, Data: json.RawMessage(data)}
}
