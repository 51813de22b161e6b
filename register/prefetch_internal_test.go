package register

import (
	"context"
	"iter"
	"sync/atomic"
	"testing"
)

// endless is a backend whose Scan never ends and ignores its context, the
// worst a backend can do to prefetch.
type endless struct {
	Register
	read atomic.Int64
}

func (b *endless) Scan(context.Context, Filter) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		for seq := uint64(1); ; seq++ {
			b.read.Add(1)
			if !yield(Record{Seq: seq}, nil) {
				return
			}
		}
	}
}

// Breaking out of a prefetching loop returns, with the reading goroutine
// stopped, even over a backend that ignores its context; the backend has
// read at most the chunks that prefetch holds, a bounded number.
func TestPrefetchEarlyBreak(t *testing.T) {
	t.Parallel()
	b := &endless{}
	l := &Log{backend: b}
	for _, stop := range []int{1, prefetchChunk, 3*prefetchChunk + 7} {
		b.read.Store(0)
		n := 0
		for rec, err := range l.prefetch(context.Background(), Filter{}) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; rec.Seq != uint64(n) {
				t.Fatalf("record %d has sequence %d", n, rec.Seq)
			}
			if n == stop {
				break
			}
		}
		// prefetch has returned, so its goroutine has too: read is final.
		if got, most := b.read.Load(), int64(stop+4*prefetchChunk); got > most {
			t.Errorf("break after %d records: the backend read %d, more than %d", stop, got, most)
		}
	}
}
