package register

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/sostegno/sostegno/guideline"
)

// Actor is who caused an entry: a role of the guideline and an identifier
// of the person or office acting in it (a staff number, an office code),
// never a service user.
type Actor struct {
	// Role is the actor's role in the guideline.
	Role guideline.Role
	// ID identifies the person or office within the role.
	ID string
}

// String returns "role:id".
func (a Actor) String() string { return string(a.Role) + ":" + a.ID }

var (
	_ slog.LogValuer = Entry{}
	_ fmt.Formatter  = Entry{}
	_ fmt.Stringer   = Entry{}
	_ slog.LogValuer = Event{}
	_ fmt.Formatter  = Event{}
	_ fmt.Stringer   = Event{}
)

// Entry is one entry of the register as the [Log] returns it. Seq, Time,
// PrevHash and Hash are assigned by the Log when it appends.
//
// Entry holds no personal data in clear: Personal is sealed. Its String,
// Format and LogValue methods still print only the identifying fields.
type Entry struct {
	// Seq is the entry's position in the register, from 1, without gaps.
	Seq uint64
	// Time is when the entry was appended, in UTC, to the microsecond.
	Time time.Time
	// Stream is the request or incident the entry belongs to.
	Stream string
	// Version is the entry's position in its stream, from 1, without gaps.
	Version uint64
	// Kind is the kind of event, one of the Kind constants or a caller's own.
	Kind string
	// Territory identifies the territory concerned, possibly empty.
	Territory string
	// Actor is who caused the entry.
	Actor Actor
	// Guideline identifies the version of the guideline the entry was
	// written under, such as "milano-2021-03-02".
	Guideline string
	// Pseudonym is the keyed pseudonym of the service user concerned, if
	// any (see [Pseudonymizer]).
	Pseudonym Pseudonym
	// Data is non-personal data about the event, as JSON.
	Data json.RawMessage
	// Personal is the personal data sealed by the Log's [Sealer], exactly
	// as stored; nil when the event carried none. Its type prints and
	// marshals only its length.
	Personal Sealed
	// PrevHash is the previous entry's Hash, nil for the first entry.
	PrevHash []byte
	// Hash is the SHA-256 of the entry's canonical encoding (see
	// [EncodeEntry]); the encoding includes PrevHash, so the hashes form a
	// chain.
	Hash []byte
}

// String returns a summary of the entry with no data or personal data.
func (e Entry) String() string {
	return fmt.Sprintf("entry %d %s v%d %s", e.Seq, e.Stream, e.Version, e.Kind)
}

// Format prints the same summary as String for every verb and flag, so that
// %v, %+v and %#v cannot print the sealed bytes or the data.
func (e Entry) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(e.String())) }

// LogValue returns the identifying fields only.
func (e Entry) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Uint64("seq", e.Seq),
		slog.String("stream", e.Stream),
		slog.Uint64("version", e.Version),
		slog.String("kind", e.Kind),
		slog.String("territory", e.Territory),
		slog.String("actor_role", string(e.Actor.Role)),
		slog.Bool("sealed", len(e.Personal) > 0),
	)
}

// Event is what a caller appends: the Log turns it into an [Entry],
// sealing Personal first. Personal is in clear here, so Event redacts it
// in String, Format and LogValue.
type Event struct {
	// Stream is the request or incident the event belongs to. With
	// [Log.Append] it may be left empty.
	Stream string
	// Kind is the kind of event (required).
	Kind string
	// Territory identifies the territory concerned, possibly empty.
	Territory string
	// Actor is who causes the event (a valid role is required).
	Actor Actor
	// Guideline identifies the version of the guideline in force.
	Guideline string
	// Data is non-personal data about the event, as a JSON object; it must
	// never contain personal data because it is stored in clear.
	Data json.RawMessage
	// Personal is personal data in clear (any encoding the caller likes,
	// typically JSON). The Log seals it before the backend sees it. Its
	// type redacts itself however it is printed, logged or marshalled,
	// also inside slices, maps and other structs.
	Personal PersonalData
	// Pseudonym is the keyed pseudonym of the service user, if any.
	Pseudonym Pseudonym
}

// String returns a summary of the event without data or personal data.
func (e Event) String() string {
	return fmt.Sprintf("event %s %s", e.Stream, e.Kind)
}

// Format prints the same summary as String for every verb and flag.
func (e Event) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(e.String())) }

// LogValue returns the identifying fields only; personal data is redacted.
func (e Event) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("stream", e.Stream),
		slog.String("kind", e.Kind),
		slog.String("territory", e.Territory),
		slog.String("actor_role", string(e.Actor.Role)),
		slog.Bool("personal", len(e.Personal) > 0),
	)
}

// Canonical encoding, format version 1. Every entry has exactly one
// encoding: integers are minimal varints, strings and byte fields are
// prefixed with their length as a minimal uvarint, and no byte may follow
// the last field. In order:
//
//	byte     format version (1)
//	uvarint  Seq
//	varint   Time, microseconds since the Unix epoch (UTC)
//	bytes    Stream
//	uvarint  Version
//	bytes    Kind
//	bytes    Territory
//	bytes    PrevHash (0 or 32 bytes)
//	bytes    Actor.Role
//	bytes    Actor.ID
//	bytes    Guideline
//	bytes    Pseudonym
//	bytes    Data
//	bytes    Personal (sealed)
//
// Text fields must be valid UTF-8. The indexed fields come first so that
// Verify can check them without decoding the rest.
const formatV1 = 1

// HashSize is the size of an entry hash (SHA-256).
const HashSize = sha256.Size

// maxField bounds every length-prefixed field, so that a corrupt length
// cannot ask for an absurd allocation.
const maxField = 1 << 30

// EncodeEntry returns the canonical encoding of e, the Body of its
// [Record]. It ignores e.Hash, which is [HashBody] of the result. Time is
// stored in UTC to the microsecond; finer precision is dropped.
func EncodeEntry(e Entry) ([]byte, error) {
	if err := checkEntry(&e); err != nil {
		return nil, err
	}
	return appendEntry(nil, &e), nil
}

// HashBody returns the chain hash of a canonical body: SHA-256 of the body,
// which itself contains the previous entry's hash.
func HashBody(body []byte) []byte {
	h := sha256.Sum256(body)
	return h[:]
}

func checkEntry(e *Entry) error {
	if len(e.PrevHash) != 0 && len(e.PrevHash) != HashSize {
		return fmt.Errorf("%w: previous hash length", ErrInvalidEntry)
	}
	for _, s := range []struct {
		name, v string
	}{
		{"Stream", e.Stream}, {"Kind", e.Kind}, {"Territory", e.Territory},
		{"Actor.Role", string(e.Actor.Role)}, {"Actor.ID", e.Actor.ID},
		{"Guideline", e.Guideline}, {"Pseudonym", string(e.Pseudonym)},
	} {
		if !utf8.ValidString(s.v) {
			return fmt.Errorf("%w: field %s is not valid UTF-8", ErrInvalidEntry, s.name)
		}
		if len(s.v) > maxField {
			return fmt.Errorf("%w: field %s too long", ErrInvalidEntry, s.name)
		}
	}
	if !TimeInRange(e.Time) {
		return fmt.Errorf("%w: %w", ErrInvalidEntry, ErrTimeOutOfRange)
	}
	if len(e.Data) > maxField || len(e.Personal) > maxField {
		return fmt.Errorf("%w: data too long", ErrInvalidEntry)
	}
	return nil
}

func appendEntry(b []byte, e *Entry) []byte {
	b = append(b, formatV1)
	b = binary.AppendUvarint(b, e.Seq)
	b = binary.AppendVarint(b, e.Time.UnixMicro())
	b = appendString(b, e.Stream)
	b = binary.AppendUvarint(b, e.Version)
	b = appendString(b, e.Kind)
	b = appendString(b, e.Territory)
	b = appendBytes(b, e.PrevHash)
	b = appendString(b, string(e.Actor.Role))
	b = appendString(b, e.Actor.ID)
	b = appendString(b, e.Guideline)
	b = appendString(b, string(e.Pseudonym))
	b = appendBytes(b, e.Data)
	b = appendBytes(b, e.Personal)
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBytes(b, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// DecodeEntry decodes a canonical body into an Entry, with Hash set to
// [HashBody] of body. It fails with an error wrapping [ErrInvalidEntry] on
// any input that [EncodeEntry] could not have produced, and never panics.
func DecodeEntry(body []byte) (Entry, error) {
	var v view
	if err := v.parse(body); err != nil {
		return Entry{}, err
	}
	e := v.entry()
	e.Hash = HashBody(body)
	return e, nil
}

// view is a decoded body whose fields point into the body: parsing it
// allocates nothing.
type view struct {
	seq       uint64
	micros    int64
	stream    []byte
	version   uint64
	kind      []byte
	territory []byte
	prevHash  []byte
	role      []byte
	actorID   []byte
	guideline []byte
	pseudonym []byte
	data      []byte
	personal  []byte
}

// reader consumes a body; the first error sticks.
type reader struct {
	b   []byte
	err bool
}

func (r *reader) uvarint() uint64 {
	if r.err {
		return 0
	}
	x, n := binary.Uvarint(r.b)
	// n <= 0: truncated or overflow; a longer encoding than the minimal
	// one is not canonical.
	if n <= 0 || n != uvarintLen(x) {
		r.err = true
		return 0
	}
	r.b = r.b[n:]
	return x
}

func (r *reader) varint() int64 {
	if r.err {
		return 0
	}
	x, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = true
		return 0
	}
	ux := uint64(x) << 1
	if x < 0 {
		ux = ^ux
	}
	if n != uvarintLen(ux) {
		r.err = true
		return 0
	}
	r.b = r.b[n:]
	return x
}

func (r *reader) bytes() []byte {
	n := r.uvarint()
	if r.err {
		return nil
	}
	if n > uint64(len(r.b)) || n > maxField {
		r.err = true
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) text() []byte {
	v := r.bytes()
	if !r.err && !utf8.Valid(v) {
		r.err = true
	}
	return v
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// parse checks that body is a canonical encoding and points v's fields
// into it.
func (v *view) parse(body []byte) error {
	if len(body) == 0 || body[0] != formatV1 {
		return fmt.Errorf("%w: unsupported format version", ErrInvalidEntry)
	}
	r := reader{b: body[1:]}
	v.seq = r.uvarint()
	v.micros = r.varint()
	v.stream = r.text()
	v.version = r.uvarint()
	v.kind = r.text()
	v.territory = r.text()
	v.prevHash = r.bytes()
	v.role = r.text()
	v.actorID = r.text()
	v.guideline = r.text()
	v.pseudonym = r.text()
	v.data = r.bytes()
	v.personal = r.bytes()
	switch {
	case r.err:
		return fmt.Errorf("%w: truncated or non-canonical field", ErrInvalidEntry)
	case len(r.b) != 0:
		return fmt.Errorf("%w: trailing bytes", ErrInvalidEntry)
	case len(v.prevHash) != 0 && len(v.prevHash) != HashSize:
		return fmt.Errorf("%w: previous hash length", ErrInvalidEntry)
	case v.micros < minMicros || v.micros > maxMicros:
		return fmt.Errorf("%w: %w", ErrInvalidEntry, ErrTimeOutOfRange)
	}
	return nil
}

// The times an entry may carry: years 1 to 9999, so that every decoded
// time encodes back to the same microseconds.
var (
	minTime   = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime   = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
	minMicros = minTime.UnixMicro()
	maxMicros = maxTime.UnixMicro()
)

// TimeInRange reports whether t is within the years 1 to 9999 (UTC), the
// times an entry can carry. It compares times, never converting t first,
// so a time far outside the range cannot wrap around into it.
func TimeInRange(t time.Time) bool { return !t.Before(minTime) && !t.After(maxTime) }

func cloneOrNil(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}

// entry copies the view into an Entry that owns its memory.
func (v *view) entry() Entry {
	return Entry{
		Seq:       v.seq,
		Time:      time.UnixMicro(v.micros).UTC(),
		Stream:    string(v.stream),
		Version:   v.version,
		Kind:      string(v.kind),
		Territory: string(v.territory),
		Actor:     Actor{Role: guideline.Role(v.role), ID: string(v.actorID)},
		Guideline: string(v.guideline),
		Pseudonym: Pseudonym(v.pseudonym),
		Data:      json.RawMessage(cloneOrNil(v.data)),
		Personal:  Sealed(cloneOrNil(v.personal)),
		PrevHash:  cloneOrNil(v.prevHash),
	}
}

// record builds the backend record of an entry whose Hash is set.
func record(e *Entry, body []byte) Record {
	return Record{
		Seq:       e.Seq,
		Stream:    e.Stream,
		Version:   e.Version,
		Kind:      e.Kind,
		Territory: e.Territory,
		Time:      e.Time,
		Hash:      e.Hash,
		Body:      body,
	}
}
