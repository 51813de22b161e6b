package register

import (
	"errors"
	"fmt"

	"golang.org/x/text/language"
)

// Errors returned by the portable [Log], wrapped, and recognised with
// [errors.Is]. Their messages never contain personal data.
var (
	// ErrTampered means the register's content, order or presence of
	// entries is not what was written: [Log.Verify] returns a
	// [*VerifyError] that matches it.
	ErrTampered = errors.New("register: register tampered with")
	// ErrKeyErased means the key that sealed some personal data was erased
	// (end of retention): the data can no longer be read.
	ErrKeyErased = errors.New("register: key erased, personal data no longer readable")
	// ErrUnknownKey means the sealed data names a key the keyring does not
	// hold.
	ErrUnknownKey = errors.New("register: unknown key")
	// ErrUnsealable means sealed data could not be opened: it was altered,
	// bound to another entry, or sealed with another key.
	ErrUnsealable = errors.New("register: personal data cannot be opened")
	// ErrNoSealer means an event carries personal data but the Log has no
	// Sealer: personal data is never stored in clear.
	ErrNoSealer = errors.New("register: no sealer configured, personal data cannot be stored")
	// ErrNoPersonalData means an entry carries no personal data to open.
	ErrNoPersonalData = errors.New("register: entry holds no personal data")
	// ErrInvalidEvent means an event to append is not valid; the wrapped
	// message names the field, never its value.
	ErrInvalidEvent = errors.New("register: invalid event")
	// ErrInvalidAccess means an access to personal data lacks a valid actor
	// or purpose.
	ErrInvalidAccess = errors.New("register: invalid access: an actor and a purpose are required")
	// ErrInvalidEntry means bytes are not a valid canonical entry encoding.
	ErrInvalidEntry = errors.New("register: invalid entry encoding")
	// ErrTimeOutOfRange means a time is outside the years 1 to 9999, which
	// an entry cannot carry: a clock ([Options.Now]) returning such a time
	// makes every append fail, and nothing is stored.
	ErrTimeOutOfRange = errors.New("register: time outside the years 1 to 9999")
	// ErrNoEntry means [Log.Unseal] was given an entry the register does
	// not hold at that sequence number.
	ErrNoEntry = errors.New("register: no such entry")
	// ErrEntryMismatch means [Log.Unseal] was given an entry whose hash is
	// not the one stored at its sequence number: it was changed, or comes
	// from another register.
	ErrEntryMismatch = errors.New("register: entry differs from the one stored")
	// ErrInvalidCheckpoint means a checkpoint is malformed, not signed by a
	// trusted key, or from another register.
	ErrInvalidCheckpoint = errors.New("register: invalid checkpoint")
	// ErrNoSigner means a checkpoint was requested from a Log opened
	// without a checkpoint signer.
	ErrNoSigner = errors.New("register: no checkpoint signer configured")
	// ErrTooManyRetries means an append kept losing the race for the head
	// of the register and gave up.
	ErrTooManyRetries = errors.New("register: too many concurrent append attempts")
	// ErrInvalidKey means a sealing or pseudonym key is not acceptable.
	ErrInvalidKey = errors.New("register: invalid key")
	// ErrInvalidCodiceFiscale means a value is not shaped like a codice
	// fiscale; the message never repeats the value.
	ErrInvalidCodiceFiscale = errors.New("register: invalid codice fiscale")
)

// Reason says what [Log.Verify] found wrong with an entry.
type Reason int

// The reasons of a [VerifyError].
const (
	// ReasonUndecodable: the stored body is not a valid canonical encoding.
	ReasonUndecodable Reason = iota + 1
	// ReasonHash: the stored hash is not the SHA-256 of the body, so the
	// body or the hash was changed.
	ReasonHash
	// ReasonChain: the body does not name the previous entry's hash, so an
	// entry before it was changed, removed or moved.
	ReasonChain
	// ReasonSequence: the sequence numbers have a gap or go backwards, so
	// an entry was removed, added or moved.
	ReasonSequence
	// ReasonIndex: an index column of the stored record (sequence, stream,
	// version, kind, territory, time) disagrees with the body.
	ReasonIndex
	// ReasonStreamVersion: a stream's versions have a gap or repeat.
	ReasonStreamVersion
	// ReasonTruncated: the register holds fewer entries than a checkpoint
	// that was issued earlier: its tail was cut off.
	ReasonTruncated
	// ReasonCheckpoint: the entry at a checkpoint's size does not have the
	// checkpoint's hash: the register was rewritten.
	ReasonCheckpoint
	// ReasonUnaccounted: the backend holds a row that no entry of the
	// chain can be, such as one with a sequence number or version below 1:
	// it was added behind the register's back.
	ReasonUnaccounted
)

// String returns the reason in English, for logs; [Reason.Message]
// renders it for a person.
func (r Reason) String() string {
	switch r {
	case ReasonUndecodable:
		return "undecodable body"
	case ReasonHash:
		return "hash does not match the body"
	case ReasonChain:
		return "chain broken: previous hash does not match"
	case ReasonSequence:
		return "sequence numbers not consecutive"
	case ReasonIndex:
		return "index columns disagree with the body"
	case ReasonStreamVersion:
		return "stream versions not consecutive"
	case ReasonTruncated:
		return "register shorter than an earlier checkpoint"
	case ReasonCheckpoint:
		return "hash differs from the checkpoint's"
	case ReasonUnaccounted:
		return "row not accounted for by the chain"
	default:
		return fmt.Sprintf("unknown reason (%d)", int(r))
	}
}

// Message returns the reason as a person reads it, in the language of tag:
// English for an English tag, Italian otherwise.
func (r Reason) Message(tag language.Tag) string {
	if r < ReasonUndecodable || r > ReasonUnaccounted {
		return render(tag, keyReasonUnknown, int(r))
	}
	return render(tag, reasonKey(r))
}

// VerifyError reports the first entry of the register that is not as it was
// written. It matches [ErrTampered] with [errors.Is].
type VerifyError struct {
	// Seq is the sequence number of the first entry found altered, missing
	// or out of place; for ReasonTruncated, the first entry missing; for
	// ReasonChain, see [Log.Verify].
	Seq uint64
	// Reason says what was found.
	Reason Reason
	// Field names the index column that disagrees, for ReasonIndex.
	Field string

	cause error
}

// Error returns an English description without any content of the entry.
func (e *VerifyError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("register: tampered at entry %d: %s (%s)", e.Seq, e.Reason, e.Field)
	}
	return fmt.Sprintf("register: tampered at entry %d: %s", e.Seq, e.Reason)
}

// Message returns the finding as a person reads it, in the language of tag:
// English for an English tag, Italian otherwise.
func (e *VerifyError) Message(tag language.Tag) string {
	if e.Field != "" {
		return render(tag, keyVerifyErrorField, e.Seq, e.Reason.Message(tag), e.Field)
	}
	return render(tag, keyVerifyError, e.Seq, e.Reason.Message(tag))
}

// Is reports whether target is [ErrTampered].
func (e *VerifyError) Is(target error) bool { return target == ErrTampered }

// Unwrap returns the backend's report of a row the chain does not account
// for ([ReasonUnaccounted]), nil otherwise.
func (e *VerifyError) Unwrap() error { return e.cause }
