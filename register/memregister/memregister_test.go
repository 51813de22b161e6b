package memregister_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func rec(seq uint64, stream string, version uint64, kind string) register.Record {
	return register.Record{
		Seq: seq, Stream: stream, Version: version, Kind: kind, Territory: "m" + stream,
		Time: t0.Add(time.Duration(seq) * time.Minute), Hash: []byte{byte(seq)}, Body: []byte{byte(seq)},
	}
}

func fill(t *testing.T) *memregister.Register {
	t.Helper()
	r := memregister.New()
	ctx := context.Background()
	steps := []register.Batch{
		{Versions: map[string]uint64{"a": 0}, Records: []register.Record{rec(1, "a", 1, "x"), rec(2, "a", 2, "y")}},
		{Head: register.Head{Seq: 2, Hash: []byte{2}}, Versions: map[string]uint64{"b": 0, "a": 2},
			Records: []register.Record{rec(3, "b", 1, "x"), rec(4, "a", 3, "z")}},
	}
	for _, b := range steps {
		if err := r.Append(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func seqs(t *testing.T, r *memregister.Register, f register.Filter) []uint64 {
	t.Helper()
	var out []uint64
	for rec, err := range r.Scan(context.Background(), f) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec.Seq)
	}
	return out
}

func TestAppendChecks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := fill(t)
	head := register.Head{Seq: 4, Hash: []byte{4}}
	for _, tc := range []struct {
		name string
		b    register.Batch
		want error
	}{
		{"stale head", register.Batch{Head: register.Head{Seq: 3, Hash: []byte{3}}, Versions: map[string]uint64{"c": 0},
			Records: []register.Record{rec(4, "c", 1, "x")}}, register.ErrHeadMoved},
		{"wrong head hash", register.Batch{Head: register.Head{Seq: 4, Hash: []byte{9}}, Versions: map[string]uint64{"c": 0},
			Records: []register.Record{rec(5, "c", 1, "x")}}, register.ErrHeadMoved},
		{"version conflict wins over head", register.Batch{Head: register.Head{Seq: 1}, Versions: map[string]uint64{"a": 1},
			Records: []register.Record{rec(5, "a", 2, "x")}}, register.ErrVersionConflict},
	} {
		if err := r.Append(ctx, tc.b); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
	// Malformed batches are refused whole.
	for name, b := range map[string]register.Batch{
		"seq gap":        {Head: head, Versions: map[string]uint64{"c": 0}, Records: []register.Record{rec(5, "c", 1, "x"), rec(7, "c", 2, "x")}},
		"version gap":    {Head: head, Versions: map[string]uint64{"c": 0}, Records: []register.Record{rec(5, "c", 1, "x"), rec(6, "c", 3, "x")}},
		"unknown stream": {Head: head, Versions: map[string]uint64{"c": 0}, Records: []register.Record{rec(5, "d", 1, "x")}},
	} {
		if err := r.Append(ctx, b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if h, _ := r.Head(ctx); h.Seq != 4 {
		t.Errorf("head after refusals = %d, want 4", h.Seq)
	}
	if v, _ := r.Version(ctx, "c"); v != 0 {
		t.Errorf("version of c = %d, want 0", v)
	}
	if v, _ := r.Version(ctx, "a"); v != 3 {
		t.Errorf("version of a = %d, want 3", v)
	}
}

func TestZeroValue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var r memregister.Register
	if err := r.Append(ctx, register.Batch{Versions: map[string]uint64{"a": 0}, Records: []register.Record{rec(1, "a", 1, "x")}}); err != nil {
		t.Fatalf("Append on the zero value: %v", err)
	}
	if v, err := r.Version(ctx, "a"); err != nil || v != 1 {
		t.Errorf("Version = %d, %v; want 1", v, err)
	}
}

func TestScanFilters(t *testing.T) {
	t.Parallel()
	r := fill(t)
	for _, tc := range []struct {
		name string
		f    register.Filter
		want []uint64
	}{
		{"all", register.Filter{}, []uint64{1, 2, 3, 4}},
		{"stream", register.Filter{Stream: "a"}, []uint64{1, 2, 4}},
		{"kinds", register.Filter{Kinds: []string{"x", "z"}}, []uint64{1, 3, 4}},
		{"territory", register.Filter{Territories: []string{"mb"}}, []uint64{3}},
		{"from", register.Filter{From: t0.Add(2 * time.Minute)}, []uint64{2, 3, 4}},
		{"to", register.Filter{To: t0.Add(2 * time.Minute)}, []uint64{1}},
		{"after", register.Filter{AfterSeq: 2}, []uint64{3, 4}},
		{"limit", register.Filter{Stream: "a", Limit: 2}, []uint64{1, 2}},
		{"combined", register.Filter{Stream: "a", Kinds: []string{"x", "z"}, AfterSeq: 1}, []uint64{4}},
	} {
		got := seqs(t, r, tc.f)
		if len(got) != len(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
				break
			}
		}
	}
}

func TestScanDoesNotHoldTheLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := fill(t)
	n := 0
	for _, err := range r.Scan(ctx, register.Filter{Limit: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		// Appending from inside the loop would deadlock if Scan held the lock.
		err := r.Append(ctx, register.Batch{Head: register.Head{Seq: 4, Hash: []byte{4}}, Versions: map[string]uint64{"c": 0},
			Records: []register.Record{rec(5, "c", 1, "x")}})
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 {
		t.Errorf("Limit 1 yielded %d", n)
	}
}

func TestContextAndClose(t *testing.T) {
	t.Parallel()
	r := fill(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Head(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Head: %v", err)
	}
	if err := r.Append(ctx, register.Batch{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Append: %v", err)
	}
	for rec, err := range r.Scan(context.Background(), register.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if rec.Seq == 2 {
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	bg := context.Background()
	if _, err := r.Head(bg); !errors.Is(err, register.ErrClosed) {
		t.Errorf("Head after Close: %v", err)
	}
	if _, err := r.Version(bg, "a"); !errors.Is(err, register.ErrClosed) {
		t.Errorf("Version after Close: %v", err)
	}
	if err := r.Append(bg, register.Batch{}); !errors.Is(err, register.ErrClosed) {
		t.Errorf("Append after Close: %v", err)
	}
	var scanErr error
	for _, err := range r.Scan(bg, register.Filter{}) {
		scanErr = err
		break
	}
	if !errors.Is(scanErr, register.ErrClosed) {
		t.Errorf("Scan after Close: %v", scanErr)
	}
}
