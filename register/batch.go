package register

import (
	"errors"
	"fmt"
)

// ErrMalformedBatch is wrapped by [CheckBatch]'s errors: the batch is not
// one the Log would build, so it is a caller's bug, not a conflict.
var ErrMalformedBatch = errors.New("register: malformed batch")

// CheckBatch checks the shape of a batch, for backends to call before
// storing it: the records' sequence numbers continue from b.Head.Seq without
// gaps, every record's stream is in b.Versions, the records of each stream
// continue its version without gaps, and every record has a hash and a
// body. It does not look at the register: the compare-and-swap checks are
// the backend's.
func CheckBatch(b Batch) error {
	next := make(map[string]uint64, len(b.Versions))
	for i, rec := range b.Records {
		if want := b.Head.Seq + uint64(i) + 1; rec.Seq != want {
			return fmt.Errorf("%w: record %d has sequence number %d instead of %d", ErrMalformedBatch, i, rec.Seq, want)
		}
		v, ok := next[rec.Stream]
		if !ok {
			if v, ok = b.Versions[rec.Stream]; !ok {
				return fmt.Errorf("%w: record %d belongs to a stream without an expected version", ErrMalformedBatch, i)
			}
		}
		if rec.Version != v+1 {
			return fmt.Errorf("%w: record %d has version %d instead of %d", ErrMalformedBatch, i, rec.Version, v+1)
		}
		next[rec.Stream] = rec.Version
		if len(rec.Hash) == 0 || len(rec.Body) == 0 {
			return fmt.Errorf("%w: record %d has no hash or body", ErrMalformedBatch, i)
		}
	}
	return nil
}
