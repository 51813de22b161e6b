package register

import (
	"errors"
	"fmt"
)

// Errors returned by the portable [Log], wrapped, and recognised with
// [errors.Is]. Their messages never contain personal data.
var (
	// ErrTampered means the register's content, order or presence of
	// entries is not what was written: [Log.Verify] returns a
	// [*VerifyError] that matches it.
	ErrTampered = errors.New("register: registro alterato")
	// ErrKeyErased means the key that sealed some personal data was erased
	// (end of retention): the data can no longer be read.
	ErrKeyErased = errors.New("register: chiave cancellata, dati personali non più leggibili")
	// ErrUnknownKey means the sealed data names a key the keyring does not
	// hold.
	ErrUnknownKey = errors.New("register: chiave sconosciuta")
	// ErrUnsealable means sealed data could not be opened: it was altered,
	// bound to another entry, or sealed with another key.
	ErrUnsealable = errors.New("register: dati personali non apribili")
	// ErrNoSealer means an event carries personal data but the Log has no
	// Sealer: personal data is never stored in clear.
	ErrNoSealer = errors.New("register: nessun sigillatore configurato, impossibile registrare dati personali")
	// ErrNoPersonalData means an entry carries no personal data to open.
	ErrNoPersonalData = errors.New("register: la voce non contiene dati personali")
	// ErrInvalidEvent means an event to append is not valid; the wrapped
	// message names the field, never its value.
	ErrInvalidEvent = errors.New("register: evento non valido")
	// ErrInvalidAccess means an access to personal data lacks a valid actor
	// or purpose.
	ErrInvalidAccess = errors.New("register: accesso non valido: servono attore e finalità")
	// ErrInvalidEntry means bytes are not a valid canonical entry encoding.
	ErrInvalidEntry = errors.New("register: codifica della voce non valida")
	// ErrInvalidCheckpoint means a checkpoint is malformed, not signed by a
	// trusted key, or from another register.
	ErrInvalidCheckpoint = errors.New("register: checkpoint non valido")
	// ErrNoSigner means a checkpoint was requested from a Log opened
	// without a checkpoint signer.
	ErrNoSigner = errors.New("register: nessuna chiave di firma dei checkpoint configurata")
	// ErrTooManyRetries means an append kept losing the race for the head
	// of the register and gave up.
	ErrTooManyRetries = errors.New("register: troppi tentativi di scrittura concorrenti")
	// ErrInvalidKey means a sealing or pseudonym key is not acceptable.
	ErrInvalidKey = errors.New("register: chiave non valida")
	// ErrInvalidCodiceFiscale means a value is not shaped like a codice
	// fiscale; the message never repeats the value.
	ErrInvalidCodiceFiscale = errors.New("register: codice fiscale non valido")
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
)

// String returns the reason in Italian.
func (r Reason) String() string {
	switch r {
	case ReasonUndecodable:
		return "codifica non leggibile"
	case ReasonHash:
		return "hash non corrispondente al contenuto"
	case ReasonChain:
		return "catena interrotta: hash precedente non corrispondente"
	case ReasonSequence:
		return "numerazione non consecutiva"
	case ReasonIndex:
		return "colonne indice non corrispondenti al contenuto"
	case ReasonStreamVersion:
		return "versioni dello stream non consecutive"
	case ReasonTruncated:
		return "registro più corto di un checkpoint precedente"
	case ReasonCheckpoint:
		return "hash diverso da quello del checkpoint"
	default:
		return fmt.Sprintf("motivo sconosciuto (%d)", int(r))
	}
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
}

// Error returns an Italian description without any content of the entry.
func (e *VerifyError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("register: registro alterato alla voce %d: %s (%s)", e.Seq, e.Reason, e.Field)
	}
	return fmt.Sprintf("register: registro alterato alla voce %d: %s", e.Seq, e.Reason)
}

// Is reports whether target is [ErrTampered].
func (e *VerifyError) Is(target error) bool { return target == ErrTampered }
