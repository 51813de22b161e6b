package register

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"sync/atomic"
)

// Verify walks the whole register and returns nil if every entry is as it
// was written, or a [*VerifyError] (matching [ErrTampered]) for the first
// entry whose content, order or presence changed. It reads every row the
// backend holds: a row that no entry can be (a backend reports it with an
// error wrapping [ErrTampered], see [Register]) is reported as
// [ReasonUnaccounted]. Any other backend failure is returned as it is, not
// as tampering.
//
// For every stored record it checks that the stored hash is the SHA-256 of
// the body, that the body is a canonical encoding, that sequence numbers
// run from 1 without gaps, that the body names the previous entry's hash,
// that the record's index columns (Seq, Stream, Version, Kind, Territory,
// Time) agree with the body, and that each stream's versions run from 1
// without gaps.
//
// When the chain is broken between entries k and k+1 (entry k+1 does not
// name entry k's hash, although both hashes match their bodies), the error
// reports Seq k with [ReasonChain]: entry k, or entry k+1's link to it, was
// rewritten. For entry 1 claiming a predecessor it reports Seq 1.
//
// The chain cannot see the tail cut off or the whole register rewritten
// consistently: pass checkpoints issued earlier (see [ParseCheckpoint]) and
// Verify also checks that the register is at least as long as each, with
// the checkpoint's hash at the checkpoint's size.
//
// Verify reads the backend in one goroutine and checks in another, so that
// on a machine with two cores the hashing overlaps the reading.
func (l *Log) Verify(ctx context.Context, checkpoints ...Checkpoint) error {
	cps := slices.Clone(checkpoints)
	for _, c := range cps {
		if err := c.check(); err != nil {
			return err
		}
		if l.origin != "" && c.Origin != l.origin {
			return fmt.Errorf("%w: origin differs from the register's", ErrInvalidCheckpoint)
		}
	}
	slices.SortFunc(cps, func(a, b Checkpoint) int { return compareUint(a.Size, b.Size) })
	// Checkpoints of size 0 say nothing.
	for len(cps) > 0 && cps[0].Size == 0 {
		cps = cps[1:]
	}
	c := &chainChecker{
		cps:      cps,
		expect:   1,
		versions: make(map[streamKey]uint64),
		seeds:    [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
	}

	// The reader copies records into chunks; the checker goroutine checks
	// them in order and hands the chunks back. Three chunks circulate.
	const chunks = 3
	work := make(chan *verifyChunk, chunks)
	free := make(chan *verifyChunk, chunks)
	for range chunks {
		free <- newVerifyChunk()
	}
	var found atomic.Bool
	result := make(chan error, 1)
	go func() {
		var err error
		for ch := range work {
			if err == nil {
				for i := range ch.recs {
					if err = c.check(&ch.recs[i]); err != nil {
						found.Store(true)
						break
					}
				}
			}
			free <- ch
		}
		result <- err
	}()

	var scanErr error
	cur := <-free
	for rec, err := range l.backend.Scan(ctx, Filter{}) {
		if err != nil {
			scanErr = err
			break
		}
		if !cur.add(&rec) {
			work <- cur
			if found.Load() {
				cur = nil
				break
			}
			cur = <-free
			cur.reset()
			cur.add(&rec)
		}
	}
	if cur != nil && len(cur.recs) > 0 {
		work <- cur
	}
	close(work)
	// An entry found altered comes before a later read error.
	if err := <-result; err != nil {
		return err
	}
	if scanErr != nil {
		var ve *VerifyError
		if errors.Is(scanErr, ErrTampered) && !errors.As(scanErr, &ve) {
			// The backend holds a row it cannot even return as a record:
			// the chain does not account for it.
			return &VerifyError{Seq: c.expect, Reason: ReasonUnaccounted, cause: scanErr}
		}
		return scanErr
	}
	return c.finish()
}

// Chunk limits: records per chunk, and bytes of bodies and hashes.
const (
	chunkRecords = 256
	chunkBytes   = 256 << 10
)

// verifyChunk holds copies of consecutive records; their Body and Hash
// point into arena, which never grows, so they stay valid.
type verifyChunk struct {
	recs  []Record
	arena []byte
}

func newVerifyChunk() *verifyChunk {
	return &verifyChunk{recs: make([]Record, 0, chunkRecords), arena: make([]byte, 0, chunkBytes)}
}

func (ch *verifyChunk) reset() {
	clear(ch.recs)
	ch.recs = ch.recs[:0]
	ch.arena = ch.arena[:0]
}

// add copies rec into the chunk, or reports false when it is full. An
// empty chunk always takes the record, copying an oversized one apart.
func (ch *verifyChunk) add(rec *Record) bool {
	need := len(rec.Body) + len(rec.Hash)
	if len(ch.recs) > 0 && (len(ch.recs) == cap(ch.recs) || len(ch.arena)+need > cap(ch.arena)) {
		return false
	}
	r := *rec
	if len(ch.arena)+need <= cap(ch.arena) {
		r.Body = ch.copy(rec.Body)
		r.Hash = ch.copy(rec.Hash)
	} else {
		r.Body = bytes.Clone(rec.Body)
		r.Hash = bytes.Clone(rec.Hash)
	}
	ch.recs = append(ch.recs, r)
	return true
}

func (ch *verifyChunk) copy(b []byte) []byte {
	start := len(ch.arena)
	ch.arena = append(ch.arena, b...)
	return ch.arena[start:len(ch.arena):len(ch.arena)]
}

// chainChecker checks records one by one, in order.
type chainChecker struct {
	cps      []Checkpoint // not yet reached, by ascending size
	prev     [HashSize]byte
	expect   uint64
	versions map[streamKey]uint64
	seeds    [2]maphash.Seed
	v        view
}

// streamKey identifies a stream in Verify.
type streamKey [2]uint64

func (c *chainChecker) check(rec *Record) error {
	seq := c.expect
	sum := sha256.Sum256(rec.Body)
	if !bytes.Equal(sum[:], rec.Hash) {
		return &VerifyError{Seq: seq, Reason: ReasonHash}
	}
	v := &c.v
	if err := v.parse(rec.Body); err != nil {
		return &VerifyError{Seq: seq, Reason: ReasonUndecodable}
	}
	if v.seq != seq {
		return &VerifyError{Seq: seq, Reason: ReasonSequence}
	}
	if seq == 1 {
		if len(v.prevHash) != 0 {
			return &VerifyError{Seq: 1, Reason: ReasonChain}
		}
	} else if !bytes.Equal(v.prevHash, c.prev[:]) {
		return &VerifyError{Seq: seq - 1, Reason: ReasonChain}
	}
	if f := indexMismatch(rec, v); f != "" {
		return &VerifyError{Seq: seq, Reason: ReasonIndex, Field: f}
	}
	// Streams are keyed by a 128-bit keyed hash of their name, which
	// costs no allocation per stream. A collision (odds about n²/2¹²⁹)
	// could only confuse this version check, never hide an altered
	// entry, which the hash chain catches.
	key := streamKey{maphash.Bytes(c.seeds[0], v.stream), maphash.Bytes(c.seeds[1], v.stream)}
	if v.version != c.versions[key]+1 {
		return &VerifyError{Seq: seq, Reason: ReasonStreamVersion}
	}
	c.versions[key] = v.version
	for len(c.cps) > 0 && c.cps[0].Size == seq {
		if !bytes.Equal(c.cps[0].Hash, sum[:]) {
			return &VerifyError{Seq: seq, Reason: ReasonCheckpoint}
		}
		c.cps = c.cps[1:]
	}
	c.prev = sum
	c.expect++
	return nil
}

// finish checks, once every record was read, that no checkpoint is beyond
// the end of the register.
func (c *chainChecker) finish() error {
	if len(c.cps) > 0 {
		return &VerifyError{Seq: c.expect, Reason: ReasonTruncated}
	}
	return nil
}

// indexMismatch names the first index column of rec that disagrees with
// its body, or returns "".
func indexMismatch(rec *Record, v *view) string {
	switch {
	case rec.Seq != v.seq:
		return "Seq"
	case rec.Stream != string(v.stream):
		return "Stream"
	case rec.Version != v.version:
		return "Version"
	case rec.Kind != string(v.kind):
		return "Kind"
	case rec.Territory != string(v.territory):
		return "Territory"
	case !TimeInRange(rec.Time) || rec.Time.UnixMicro() != v.micros || rec.Time.Nanosecond()%1000 != 0:
		return "Time"
	}
	return ""
}

func compareUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
