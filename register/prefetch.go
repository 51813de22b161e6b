package register

import (
	"cmp"
	"context"
	"errors"
	"iter"
	"sync"
)

// prefetchChunk is the number of records the reading goroutine of
// [Log.prefetch] hands over at once: large enough that the channel costs
// little per record, small enough that memory stays constant.
const prefetchChunk = 512

type scanChunk struct {
	recs []Record
	err  error
	end  bool // the scan finished without error
}

// errScanStopped is yielded if the scan stops without finishing and without
// an error of its own, which only a cancelled context causes.
var errScanStopped = errors.New("register: scan stopped")

// prefetch is the backend's Scan run in its own goroutine, a few chunks
// ahead of the caller, so that reading (on one core) and the caller's work
// (on another) overlap. Memory stays constant: at most four chunks are
// held at once (one being filled, two queued, one being yielded). Breaking
// out of the loop stops the scan through the context, or, for a backend
// that ignores it, when the next chunk cannot be handed over.
func (l *Log) prefetch(ctx context.Context, f Filter) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		defer func() {
			cancel()
			wg.Wait()
		}()
		ch := make(chan scanChunk, 2)
		wg.Go(func() {
			defer close(ch)
			send := func(c scanChunk) bool {
				select {
				case ch <- c:
					return true
				case <-ctx.Done():
					return false
				}
			}
			buf := make([]Record, 0, prefetchChunk)
			for rec, err := range l.backend.Scan(ctx, f) {
				if err != nil {
					send(scanChunk{err: err})
					return
				}
				buf = append(buf, rec)
				if len(buf) == prefetchChunk {
					if !send(scanChunk{recs: buf}) {
						return
					}
					buf = make([]Record, 0, prefetchChunk)
				}
			}
			send(scanChunk{recs: buf, end: true})
		})
		for {
			c, ok := <-ch
			switch {
			case !ok:
				yield(Record{}, cmp.Or(ctx.Err(), errScanStopped))
				return
			case c.err != nil:
				yield(Record{}, c.err)
				return
			}
			for _, rec := range c.recs {
				if !yield(rec, nil) {
					return
				}
			}
			if c.end {
				return
			}
		}
	}
}
