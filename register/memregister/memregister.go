// Package memregister is an in-memory [register.Register], for tests and
// demonstrations. It keeps everything in a slice and loses it when the
// process ends.
package memregister

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/sostegno/sostegno/register"
)

var _ register.Register = (*Register)(nil)

// Register is an in-memory backend. It is safe for concurrent use; its
// zero value is an empty register, as [New] returns.
type Register struct {
	mu       sync.RWMutex
	records  []register.Record // in sequence order
	versions map[string]uint64 // stream -> number of records
	closed   bool
	reads    atomic.Uint64 // records taken by Scan, for the conformance suite
}

// New returns an empty in-memory register.
func New() *Register {
	return &Register{versions: make(map[string]uint64)}
}

// Head returns the last record's sequence number and hash.
func (r *Register) Head(ctx context.Context) (register.Head, error) {
	if err := ctx.Err(); err != nil {
		return register.Head{}, err
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		return register.Head{}, register.ErrClosed
	}
	if len(r.records) == 0 {
		return register.Head{}, nil
	}
	last := r.records[len(r.records)-1]
	return register.Head{Seq: last.Seq, Hash: bytes.Clone(last.Hash)}, nil
}

// Version returns the number of records of stream.
func (r *Register) Version(ctx context.Context, stream string) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		return 0, register.ErrClosed
	}
	return r.versions[stream], nil
}

// Append stores b.Records atomically after checking the versions and the
// head. It copies the records, so the caller may reuse them.
func (r *Register) Append(ctx context.Context, b register.Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return register.ErrClosed
	}
	for stream, want := range b.Versions {
		if got := r.versions[stream]; got != want {
			return fmt.Errorf("memregister: stream at version %d, expected %d: %w", got, want, register.ErrVersionConflict)
		}
	}
	var head register.Head
	if n := len(r.records); n > 0 {
		head = register.Head{Seq: r.records[n-1].Seq, Hash: r.records[n-1].Hash}
	}
	if head.Seq != b.Head.Seq || !bytes.Equal(head.Hash, b.Head.Hash) {
		return register.ErrHeadMoved
	}
	// Check the batch before changing anything, so that it is all or none.
	if err := register.CheckBatch(b); err != nil {
		return err
	}
	if r.versions == nil {
		r.versions = make(map[string]uint64)
	}
	for _, rec := range b.Records {
		rec.Time = rec.Time.UTC()
		rec.Hash = bytes.Clone(rec.Hash)
		rec.Body = bytes.Clone(rec.Body)
		r.records = append(r.records, rec)
		r.versions[rec.Stream] = rec.Version
	}
	return nil
}

// Scan yields the records matching f in order. It does not hold the lock
// while yielding, so the loop body may call the register; records appended
// during the scan may or may not be seen. The yielded records are copies,
// which the caller may change.
func (r *Register) Scan(ctx context.Context, f register.Filter) iter.Seq2[register.Record, error] {
	return func(yield func(register.Record, error) bool) {
		n := 0
		for i := 0; ; i++ {
			if err := ctx.Err(); err != nil {
				yield(register.Record{}, err)
				return
			}
			r.mu.RLock()
			closed := r.closed
			var rec register.Record
			ok := i < len(r.records)
			if ok {
				rec = r.records[i]
				r.reads.Add(1)
			}
			r.mu.RUnlock()
			if closed {
				yield(register.Record{}, register.ErrClosed)
				return
			}
			if !ok {
				return
			}
			if !match(&rec, &f) {
				continue
			}
			// The caller owns what it is given: never the stored slices.
			rec.Hash, rec.Body = bytes.Clone(rec.Hash), bytes.Clone(rec.Body)
			if !yield(rec, nil) {
				return
			}
			n++
			if f.Limit > 0 && n >= f.Limit {
				return
			}
		}
	}
}

func match(rec *register.Record, f *register.Filter) bool {
	switch {
	case rec.Seq <= f.AfterSeq:
		return false
	case f.Stream != "" && rec.Stream != f.Stream:
		return false
	case len(f.Kinds) > 0 && !slices.Contains(f.Kinds, rec.Kind):
		return false
	case len(f.Territories) > 0 && !slices.Contains(f.Territories, rec.Territory):
		return false
	case !f.From.IsZero() && rec.Time.Before(f.From):
		return false
	case !f.To.IsZero() && !rec.Time.Before(f.To):
		return false
	}
	return true
}

// Close closes the register; later calls fail with [register.ErrClosed].
func (r *Register) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	return nil
}
