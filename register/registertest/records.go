package registertest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/sostegno/sostegno/register"
)

// spec is a record to append through the port: the suite fills in the rest.
type spec struct {
	stream, kind, territory string
}

// baseTime is the time of the suite's records: a microsecond past a whole
// second, so that a backend that rounds times shows it.
var baseTime = time.Date(2026, time.March, 2, 8, 0, 0, 1000, time.UTC)

// recordTime is not monotonic in seq, as a clock set back would be, so that
// a backend that orders by time rather than by sequence shows it.
func recordTime(seq uint64) time.Time {
	return baseTime.Add(time.Duration((seq*7)%24)*time.Hour + time.Duration(seq)*time.Microsecond)
}

// makeRecord returns a record whose body names every column and the
// previous hash, and holds bytes that are not text, like a sealed field.
func makeRecord(seq uint64, s spec, version uint64, prev []byte) register.Record {
	body := fmt.Appendf(nil, "registertest seq=%d stream=%s version=%d kind=%s territory=%s prev=%x ", seq, s.stream, version, s.kind, s.territory, prev)
	body = append(body, 0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff, '\'', '"', '\\', ';')
	sum := sha256.Sum256(body)
	return register.Record{
		Seq:       seq,
		Stream:    s.stream,
		Version:   version,
		Kind:      s.kind,
		Territory: s.territory,
		Time:      recordTime(seq),
		Hash:      sum[:],
		Body:      body,
	}
}

// batchAt returns the batch that appends specs after head, with the streams
// at the given versions (missing streams at 0).
func batchAt(head register.Head, versions map[string]uint64, specs ...spec) register.Batch {
	b := register.Batch{Head: head, Versions: make(map[string]uint64)}
	next := make(map[string]uint64)
	prev := head.Hash
	for i, s := range specs {
		if _, ok := b.Versions[s.stream]; !ok {
			b.Versions[s.stream] = versions[s.stream]
			next[s.stream] = versions[s.stream]
		}
		next[s.stream]++
		rec := makeRecord(head.Seq+uint64(i)+1, s, next[s.stream], prev)
		b.Records = append(b.Records, rec)
		prev = rec.Hash
	}
	return b
}

// writer appends through the port as a Log would, keeping the head and the
// stream versions it has written, and everything it wrote.
type writer struct {
	reg      register.Register
	head     register.Head
	versions map[string]uint64
	written  []register.Record
}

func newWriter(reg register.Register) *writer {
	return &writer{reg: reg, versions: make(map[string]uint64)}
}

// batch returns the batch that appends specs after what w wrote.
func (w *writer) batch(specs ...spec) register.Batch {
	return batchAt(w.head, w.versions, specs...)
}

// append appends specs in one batch and records the result.
func (w *writer) append(ctx context.Context, specs ...spec) error {
	b := w.batch(specs...)
	if err := w.reg.Append(ctx, b); err != nil {
		return fmt.Errorf("reg.Append of %d records after %d: %w", len(specs), w.head.Seq, err)
	}
	w.accept(b)
	return nil
}

// accept records b as stored.
func (w *writer) accept(b register.Batch) {
	for _, rec := range b.Records {
		w.versions[rec.Stream] = rec.Version
		w.written = append(w.written, cloneRecord(rec))
	}
	last := b.Records[len(b.Records)-1]
	w.head = register.Head{Seq: last.Seq, Hash: bytes.Clone(last.Hash)}
}

// check verifies that the register holds exactly what w wrote: head,
// versions and records.
func (w *writer) check(ctx context.Context) error {
	h, err := w.reg.Head(ctx)
	if err != nil {
		return fmt.Errorf("reg.Head: %w", err)
	}
	if h.Seq != w.head.Seq || !bytes.Equal(h.Hash, w.head.Hash) {
		return fmt.Errorf("reg.Head = %d %x, want %d %x", h.Seq, h.Hash, w.head.Seq, w.head.Hash)
	}
	for _, stream := range sortedKeys(w.versions) {
		v, err := w.reg.Version(ctx, stream)
		if err != nil {
			return fmt.Errorf("reg.Version(%q): %w", stream, err)
		}
		if v != w.versions[stream] {
			return fmt.Errorf("reg.Version(%q) = %d, want %d", stream, v, w.versions[stream])
		}
	}
	got, err := collect(ctx, w.reg, register.Filter{})
	if err != nil {
		return err
	}
	return sameRecords(got, w.written)
}

func sortedKeys(m map[string]uint64) []string {
	return slices.Sorted(maps.Keys(m))
}

// collect scans f to the end.
func collect(ctx context.Context, reg register.Register, f register.Filter) ([]register.Record, error) {
	var out []register.Record
	for rec, err := range reg.Scan(ctx, f) {
		if err != nil {
			return out, fmt.Errorf("reg.Scan(%+v) after %d records: %w", f, len(out), err)
		}
		out = append(out, rec)
	}
	return out, nil
}

func cloneRecord(r register.Record) register.Record {
	r.Hash = bytes.Clone(r.Hash)
	r.Body = bytes.Clone(r.Body)
	return r
}

// sameRecords reports the first difference between got and want.
func sameRecords(got, want []register.Record) error {
	for i := range min(len(got), len(want)) {
		if err := sameRecord(got[i], want[i]); err != nil {
			return fmt.Errorf("record %d of %d: %w", i+1, len(want), err)
		}
	}
	if len(got) != len(want) {
		return fmt.Errorf("read %d records (sequences %v), want %d (sequences %v)", len(got), seqs(got), len(want), seqs(want))
	}
	return nil
}

// sameRecord compares every field; Time must be the same instant, in UTC.
func sameRecord(got, want register.Record) error {
	switch {
	case got.Seq != want.Seq:
		return fmt.Errorf("seq = %d, want %d", got.Seq, want.Seq)
	case got.Stream != want.Stream:
		return fmt.Errorf("seq %d: Stream = %q, want %q", want.Seq, got.Stream, want.Stream)
	case got.Version != want.Version:
		return fmt.Errorf("seq %d: Version = %d, want %d", want.Seq, got.Version, want.Version)
	case got.Kind != want.Kind:
		return fmt.Errorf("seq %d: Kind = %q, want %q", want.Seq, got.Kind, want.Kind)
	case got.Territory != want.Territory:
		return fmt.Errorf("seq %d: Territory = %q, want %q", want.Seq, got.Territory, want.Territory)
	case !got.Time.Equal(want.Time):
		return fmt.Errorf("seq %d: Time = %s, want %s", want.Seq, got.Time.Format(time.RFC3339Nano), want.Time.Format(time.RFC3339Nano))
	case got.Time.Location() != time.UTC:
		return fmt.Errorf("seq %d: Time in zone %q, want UTC", want.Seq, got.Time.Location())
	case !bytes.Equal(got.Hash, want.Hash):
		return fmt.Errorf("seq %d: Hash = %x, want %x", want.Seq, got.Hash, want.Hash)
	case !bytes.Equal(got.Body, want.Body):
		return fmt.Errorf("seq %d: Body differs from the one written (%d bytes instead of %d)", want.Seq, len(got.Body), len(want.Body))
	}
	return nil
}

func seqs(recs []register.Record) []uint64 {
	out := make([]uint64, len(recs))
	for i, r := range recs {
		out[i] = r.Seq
	}
	return out
}
