package register

import (
	"context"
	"errors"
	"iter"
	"time"
)

// Register is the port a storage backend implements: it stores records that
// the portable [Log] has already sealed, encoded and hashed, and reads them
// back in sequence order. It knows nothing of hashing, sealing or personal
// data; it only guarantees atomicity and the two compare-and-swap checks of
// [Batch].
//
// Memory is never shared across the port. A record's Hash and Body passed
// to Append belong to the caller again once Append returns: a backend that
// keeps them copies them. A record yielded by Scan belongs to the caller,
// who may change its Hash and Body: a backend never yields slices that
// alias its own storage or another record.
//
// Implementations must be safe for concurrent use. Every method that can
// block takes a context and must return promptly, with an error wrapping
// ctx.Err(), once the context is done. After Close, every method returns an
// error wrapping [ErrClosed].
//
// Backends in this module: memregister, sqliteregister, pgregister. The
// conformance suite in registertest is the specification; a third-party
// backend runs it from its own tests.
type Register interface {
	// Head returns the last stored record's sequence number and hash; the
	// zero Head for an empty register.
	Head(ctx context.Context) (Head, error)

	// Version returns the number of records stored for stream (0 if none).
	Version(ctx context.Context, stream string) (uint64, error)

	// Append stores b.Records atomically: all of them or none.
	//
	// It fails with an error wrapping [ErrHeadMoved] when the register's
	// head is not b.Head, and with an error wrapping [ErrVersionConflict]
	// when the version of a stream named in b.Versions is not the one
	// given. The version check takes precedence when both fail. A nil error
	// means the records are durable.
	//
	// If the backend cannot tell whether a commit happened (a failed commit
	// or fsync), it returns an error wrapping [ErrBroken] and refuses every
	// later Append with [ErrBroken] until it is reopened: it never retries
	// a commit blindly.
	Append(ctx context.Context, b Batch) error

	// Scan returns the records that match f in ascending sequence order.
	// It streams: it yields the first record before it reads the rest,
	// and memory use does not grow with the number of records. The
	// iteration stops at the first error, which is yielded with a zero
	// Record.
	//
	// Every stored row is returned: a row that cannot be a record (a
	// sequence number or version below 1, or beyond what a uint64 holds)
	// is reported with an error wrapping [ErrTampered], never skipped and
	// never as a conversion error, so that [Log.Verify] sees every row
	// that Version counts.
	Scan(ctx context.Context, f Filter) iter.Seq2[Record, error]

	// Close releases the backend's resources. Calling it twice is harmless.
	Close() error
}

// Head identifies the last record of a register: the compare-and-swap value
// of [Batch]. The zero Head is the head of an empty register.
type Head struct {
	// Seq is the sequence number of the last record, 0 when empty.
	Seq uint64
	// Hash is the chain hash of the last record, nil when empty.
	Hash []byte
}

// Record is one entry as a backend stores it. Body is authoritative; the
// other fields are copies of values found in Body, kept as columns so that a
// backend can index and filter them. [Log.Verify] checks that they agree.
type Record struct {
	// Seq is the record's position in the register, from 1, without gaps.
	Seq uint64
	// Stream is the request or incident the record belongs to.
	Stream string
	// Version is the record's position in its stream, from 1, without gaps.
	Version uint64
	// Kind is the kind of event, such as "request.submitted".
	Kind string
	// Territory is the identifier of the territory concerned, possibly empty.
	Territory string
	// Time is when the entry was appended, in UTC, to the microsecond.
	Time time.Time
	// Hash is the SHA-256 chain hash of the record (32 bytes).
	Hash []byte
	// Body is the canonical encoding of the entry; personal data inside it
	// is already sealed.
	Body []byte
}

// Batch is one atomic append.
type Batch struct {
	// Head is the head the register must have for the append to happen.
	Head Head
	// Versions maps every stream written by Records to the version it must
	// have before the append.
	Versions map[string]uint64
	// Records are stored in order; their Seq values continue from Head.Seq
	// and their Version values continue from Versions.
	Records []Record
}

// Filter selects records in a [Register.Scan]. The zero Filter selects all.
// Conditions combine with AND; values inside one slice combine with OR.
type Filter struct {
	// Stream, if set, selects one stream.
	Stream string
	// Kinds, if not empty, selects records of these kinds.
	Kinds []string
	// Territories, if not empty, selects records of these territories.
	Territories []string
	// From, if not zero, selects records with Time >= From.
	From time.Time
	// To, if not zero, selects records with Time < To.
	To time.Time
	// AfterSeq selects records with Seq > AfterSeq.
	AfterSeq uint64
	// Limit, if positive, stops the scan after that many records.
	Limit int
	// IndexOnly asks for the index columns only: a backend may then leave
	// Hash and Body nil in every record whose Kind is not in BodyKinds,
	// which spares it reading bodies the caller does not need ([Log.Summary]
	// uses it). It is a hint between the Log and its backend: a backend may
	// ignore it and return every record whole, and [Log.Scan] ignores it,
	// always returning whole entries.
	IndexOnly bool
	// BodyKinds lists the kinds whose records keep Hash and Body even with
	// IndexOnly.
	BodyKinds []string
}

// Errors that backends return, wrapped, and that callers test with
// [errors.Is].
var (
	// ErrVersionConflict means a stream's version was not the one expected:
	// another writer appended to the same request or incident first.
	ErrVersionConflict = errors.New("register: stream version mismatch")
	// ErrHeadMoved means the register's head changed since it was read;
	// the portable Log retries on it, so callers of Log never see it.
	ErrHeadMoved = errors.New("register: register head moved")
	// ErrClosed means the register was closed.
	ErrClosed = errors.New("register: register closed")
	// ErrBroken means a commit may or may not have happened; the register
	// refuses further appends until it is reopened.
	ErrBroken = errors.New("register: append outcome unknown, reopen the register")
)
