package register

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
)

// Options configures a [Log]. The zero value (or a nil *Options) is a Log
// that stores no personal data and issues no checkpoints.
type Options struct {
	// Sealer seals personal data. Without it, appending an event with
	// personal data fails with [ErrNoSealer].
	Sealer Sealer
	// Now returns the current time; time.Now if nil. Tests pass a fake.
	Now func() time.Time
	// Signer signs checkpoints; without it [Log.Checkpoint] fails with
	// [ErrNoSigner]. Create one with note.NewSigner from a key made by
	// note.GenerateKey, and keep the key outside the database.
	Signer note.Signer
	// Origin names the register in its checkpoints; the Signer's name if
	// empty. [Log.Verify] rejects checkpoints of another origin.
	Origin string
	// MaxAttempts bounds how many times an append is tried when other
	// writers keep moving the head; 100 if zero.
	MaxAttempts int
	// Location is the time zone of summaries and CSV exports; Europe/Rome
	// if nil.
	Location *time.Location
}

// Log is the portable register: it wraps any backend [Register] and does,
// once for all backends, what the guideline's register needs: sealing
// personal data, chaining hashes, checking stream versions, verifying,
// checkpoints, reading, the access log, summaries and export.
//
// A Log is safe for concurrent use. Several Logs, in several processes, may
// share one backend that supports it: appends race for the head and the
// loser retries.
type Log struct {
	backend     Register
	sealer      Sealer
	now         func() time.Time
	signer      note.Signer
	origin      string
	maxAttempts int
	loc         *time.Location

	// sem serialises the appends of this Log, so that its own goroutines do
	// not race each other for the head; it also guards head.
	sem    chan struct{}
	head   *Head // last head this Log saw, nil when unknown
	broken bool  // an append ended with ErrBroken: refuse the rest
}

// Open returns a Log over backend. It reads the backend's head, so it fails
// if the backend cannot be reached. The Log owns the backend: Close closes
// it.
func Open(ctx context.Context, backend Register, opts *Options) (*Log, error) {
	if backend == nil {
		return nil, errors.New("register: no backend")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	l := &Log{
		backend:     backend,
		sealer:      o.Sealer,
		now:         o.Now,
		signer:      o.Signer,
		origin:      o.Origin,
		maxAttempts: o.MaxAttempts,
		loc:         o.Location,
		sem:         make(chan struct{}, 1),
	}
	if l.now == nil {
		l.now = time.Now
	}
	if l.origin == "" && l.signer != nil {
		l.origin = l.signer.Name()
	}
	if l.maxAttempts <= 0 {
		l.maxAttempts = 100
	}
	if l.loc == nil {
		loc, err := time.LoadLocation("Europe/Rome")
		if err != nil {
			return nil, fmt.Errorf("register: time zone Europe/Rome not available: %w", err)
		}
		l.loc = loc
	}
	h, err := backend.Head(ctx)
	if err != nil {
		return nil, err
	}
	l.head = &h
	return l, nil
}

// Close closes the backend.
func (l *Log) Close() error { return l.backend.Close() }

// Backend returns the Register the Log wraps.
func (l *Log) Backend() Register { return l.backend }

// Append appends events to one stream atomically, provided the stream is at
// expectedVersion (0 for a new stream); otherwise it fails with an error
// wrapping [ErrVersionConflict] and appends nothing. Events with an empty
// Stream get stream; a different Stream is an error. It returns the
// entries as stored.
func (l *Log) Append(ctx context.Context, stream string, expectedVersion uint64, events ...Event) ([]Entry, error) {
	evs := make([]Event, len(events))
	for i, e := range events {
		if e.Stream == "" {
			e.Stream = stream
		}
		if e.Stream != stream {
			return nil, &EventError{Index: i, Field: "Stream", Rule: RuleStream}
		}
		evs[i] = e
	}
	return l.AppendBatch(ctx, map[string]uint64{stream: expectedVersion}, evs...)
}

// AppendBatch appends events that may belong to several streams, all or
// none. expected gives, for every stream written, the version it must have;
// a stream of an event missing from expected is an error. A stream in
// expected that gets no event is checked too, so a decision recorded on one
// stream can be guarded by the version of another. Events of one stream get
// consecutive versions in the order given.
func (l *Log) AppendBatch(ctx context.Context, expected map[string]uint64, events ...Event) ([]Entry, error) {
	return l.appendBatch(ctx, expected, events, false)
}

// appendBatch is AppendBatch; internal allows the access stream.
func (l *Log) appendBatch(ctx context.Context, expected map[string]uint64, events []Event, internal bool) ([]Entry, error) {
	if len(events) == 0 {
		return nil, &EventError{Index: -1, Field: "events", Rule: RuleRequired}
	}
	next := make(map[string]uint64, len(expected))
	entries := make([]Entry, len(events))
	for i := range events {
		ev := &events[i]
		if err := l.checkEvent(i, ev, internal); err != nil {
			return nil, err
		}
		v, ok := expected[ev.Stream]
		if !ok {
			return nil, &EventError{Index: i, Field: "Stream", Rule: RuleExpectedVersion}
		}
		if n, ok := next[ev.Stream]; ok {
			v = n
		}
		v++
		next[ev.Stream] = v
		e := &entries[i]
		*e = Entry{
			Stream:    ev.Stream,
			Version:   v,
			Kind:      ev.Kind,
			Territory: ev.Territory,
			Actor:     ev.Actor,
			Guideline: ev.Guideline,
			Pseudonym: ev.Pseudonym,
			Data:      cloneOrNil(ev.Data),
		}
		if len(ev.Personal) > 0 {
			sealed, err := l.sealer.Seal(ev.Personal, entryAAD(e.Stream, e.Version, e.Kind))
			if err != nil {
				return nil, fmt.Errorf("register: sealing personal data: %w", err)
			}
			e.Personal = sealed
		}
	}
	// Streams that get no event are checked as names too.
	for s := range expected {
		if rule := checkName(s, true); rule != "" {
			return nil, &EventError{Index: -1, Field: "expected", Rule: rule}
		}
	}
	// Every stream named in expected is checked, including one that gets
	// no event: a caller may use it to guard a decision on another stream.
	versions := maps.Clone(expected)

	select {
	case l.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-l.sem }()
	if l.broken {
		return nil, fmt.Errorf("register: an earlier append ended with an unknown outcome: %w", ErrBroken)
	}

	records := make([]Record, len(entries))
	offsets := make([]int, len(entries)+1)
	size := 0
	for i := range entries {
		size += encodedSizeHint(&entries[i])
	}
	for attempt := 1; ; attempt++ {
		head, err := l.currentHead(ctx)
		if err != nil {
			return nil, err
		}
		// The clock is checked before any conversion: a time outside the
		// encodable range must not wrap around into it.
		t := l.now()
		if !TimeInRange(t) {
			return nil, ErrTimeOutOfRange
		}
		now := t.UTC().Truncate(time.Microsecond)
		prev := head.Hash
		// A fresh buffer per attempt: a backend may keep the bodies.
		buf := make([]byte, 0, size)
		for i := range entries {
			e := &entries[i]
			e.Seq = head.Seq + uint64(i) + 1
			e.Time = now
			e.PrevHash = prev
			if err := checkEntry(e); err != nil {
				return nil, err
			}
			start := len(buf)
			buf = appendEntry(buf, e)
			offsets[i+1] = len(buf)
			e.Hash = HashBody(buf[start:])
			prev = e.Hash
		}
		// Slice the bodies only now: buf may have moved while growing.
		for i := range entries {
			body := buf[offsets[i]:offsets[i+1]:offsets[i+1]]
			records[i] = record(&entries[i], body)
		}
		err = l.backend.Append(ctx, Batch{Head: head, Versions: versions, Records: records})
		if err == nil {
			last := &entries[len(entries)-1]
			l.head = &Head{Seq: last.Seq, Hash: bytes.Clone(last.Hash)}
			return entries, nil
		}
		l.head = nil
		if errors.Is(err, ErrBroken) {
			// Whether the batch was stored is unknown: never guess, never
			// retry, even if the error also reports a moved head; the
			// caller reopens the register and reads it.
			l.broken = true
			return nil, err
		}
		if !errors.Is(err, ErrHeadMoved) {
			return nil, err
		}
		if attempt >= l.maxAttempts {
			return nil, fmt.Errorf("%w: %w", ErrTooManyRetries, err)
		}
		if err := backoff(ctx, attempt); err != nil {
			return nil, err
		}
	}
}

// encodedSizeHint is an upper estimate of the size of e's encoding once
// its sequence, time and previous hash are set.
func encodedSizeHint(e *Entry) int {
	return 1 + 3*binary.MaxVarintLen64 + HashSize + 10*binary.MaxVarintLen64 +
		len(e.Stream) + len(e.Kind) + len(e.Territory) + len(e.Actor.Role) + len(e.Actor.ID) +
		len(e.Guideline) + len(e.Pseudonym) + len(e.Data) + len(e.Personal)
}

// currentHead returns the cached head or reads it from the backend. The
// caller holds sem.
func (l *Log) currentHead(ctx context.Context) (Head, error) {
	if l.head != nil {
		return *l.head, nil
	}
	h, err := l.backend.Head(ctx)
	if err != nil {
		return Head{}, err
	}
	return h, nil
}

// backoff waits a little, growing with attempt and jittered, before the
// next try of an append that lost the race for the head. The first retry
// is immediate.
func backoff(ctx context.Context, attempt int) error {
	if attempt <= 1 {
		return ctx.Err()
	}
	d := time.Duration(1<<min(attempt, 10)) * 50 * time.Microsecond
	d = min(d, 50*time.Millisecond)
	d = d/2 + rand.N(d/2+1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// MaxFieldLen is the maximum length, in bytes, of an event's Stream,
// Kind, Territory, Actor.ID and Guideline. Each must also be valid UTF-8
// without control characters. The Log checks these limits itself, so that
// every backend accepts and refuses exactly the same events.
const MaxFieldLen = 256

// checkName returns the rule a stream, kind, territory, actor id or
// guideline version breaks, or "". An empty value breaks RuleRequired
// only if required.
func checkName(s string, required bool) string {
	switch {
	case strings.TrimSpace(s) == "":
		if required || s != "" {
			return RuleRequired
		}
	case !utf8.ValidString(s):
		return RuleUTF8
	case len(s) > MaxFieldLen:
		return RuleTooLong
	case strings.ContainsFunc(s, unicode.IsControl):
		return RuleControl
	}
	return ""
}

// ValidKind reports whether kind is dotted lower case, as the Kind
// constants are: two or more parts separated by dots, each starting with a
// letter a-z and made of letters a-z, digits and underscores, such as
// "request.submitted", at most [MaxFieldLen] bytes in all.
func ValidKind(kind string) bool {
	if len(kind) > MaxFieldLen {
		return false
	}
	parts := 0
	for part := range strings.SplitSeq(kind, ".") {
		if part == "" || part[0] < 'a' || part[0] > 'z' {
			return false
		}
		for i := 0; i < len(part); i++ {
			if c := part[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
				return false
			}
		}
		parts++
	}
	return parts >= 2
}

// checkEvent validates one event; the error names the field, not its value.
func (l *Log) checkEvent(i int, ev *Event, internal bool) error {
	bad := func(field, rule string) error { return &EventError{Index: i, Field: field, Rule: rule} }
	for _, f := range []struct {
		name, value string
		required    bool
	}{
		{"Stream", ev.Stream, true},
		{"Kind", ev.Kind, true},
		{"Territory", ev.Territory, false},
		{"Actor.ID", ev.Actor.ID, true},
		{"Guideline", ev.Guideline, false},
	} {
		if rule := checkName(f.value, f.required); rule != "" {
			return bad(f.name, rule)
		}
	}
	switch {
	case !internal && (ev.Stream == AccessStream || ev.Kind == KindAccess):
		return bad("Kind", RuleReserved)
	case !ValidKind(ev.Kind):
		return bad("Kind", RuleKindFormat)
	case !ValidActorRole(ev.Actor.Role):
		return bad("Actor.Role", RuleRole)
	case ev.Pseudonym != "" && !ev.Pseudonym.Valid():
		return bad("Pseudonym", RulePseudonym)
	case len(ev.Data) > 0 && (!json.Valid(ev.Data) || !isObject(ev.Data)):
		return bad("Data", RuleJSONObject)
	case len(ev.Personal) > 0 && l.sealer == nil:
		return fmt.Errorf("register: event %d: %w", i, ErrNoSealer)
	}
	if field, rule := checkData(ev.Kind, ev.Data); rule != "" {
		if field != "" {
			return bad("Data."+field, rule)
		}
		return bad("Data", rule)
	}
	return nil
}

func isObject(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

// Stream returns the entries of one stream in order. An empty name is an
// error wrapping [ErrInvalidEvent] (a Filter with no Stream would select the
// whole register).
func (l *Log) Stream(ctx context.Context, stream string) iter.Seq2[Entry, error] {
	if stream == "" {
		return func(yield func(Entry, error) bool) {
			yield(Entry{}, &EventError{Index: -1, Field: "stream", Rule: RuleRequired})
		}
	}
	return l.Scan(ctx, Filter{Stream: stream})
}

// Scan returns the entries that match f in sequence order, streaming. The
// iteration stops at the first error, yielded with a zero Entry. Each
// entry's Hash is the one stored, not recomputed: [Log.Verify] is what
// checks it.
//
// Every entry is returned whole: Scan ignores f.IndexOnly and f.BodyKinds,
// which are hints between the Log and its backend.
func (l *Log) Scan(ctx context.Context, f Filter) iter.Seq2[Entry, error] {
	f.IndexOnly, f.BodyKinds = false, nil
	return func(yield func(Entry, error) bool) {
		for rec, err := range l.backend.Scan(ctx, f) {
			if err != nil {
				yield(Entry{}, err)
				return
			}
			var v view
			if err := v.parse(rec.Body); err != nil {
				yield(Entry{}, fmt.Errorf("%w: entry %d", err, rec.Seq))
				return
			}
			e := v.entry()
			e.Hash = cloneOrNil(rec.Hash)
			if !yield(e, nil) {
				return
			}
		}
	}
}

// Access is who opens personal data and why: both are required, and both
// are written in the access log. Purpose must not contain personal data.
type Access struct {
	// Actor is who reads.
	Actor Actor
	// Purpose says why, such as "valutazione della richiesta" or
	// "richiesta dell'autorità giudiziaria".
	Purpose string
}

// maxPurpose bounds the length of an access purpose, in bytes.
const maxPurpose = 500

func (a Access) check() error {
	p := strings.TrimSpace(a.Purpose)
	switch {
	case !ValidActorRole(a.Actor.Role):
		return fmt.Errorf("%w: actor role", ErrInvalidAccess)
	case checkName(a.Actor.ID, true) != "":
		return fmt.Errorf("%w: actor id", ErrInvalidAccess)
	case p == "" || !utf8.ValidString(p):
		return fmt.Errorf("%w: purpose missing", ErrInvalidAccess)
	case len(p) > maxPurpose:
		return fmt.Errorf("%w: purpose too long", ErrInvalidAccess)
	}
	return nil
}

// Unseal returns the personal data of the entry e in clear. It reads the
// entry at e.Seq from the register and opens that, never the bytes the
// caller passes: e.Hash must be the stored entry's hash (as every entry the
// Log returns has), and its Stream, Version, Kind and Personal those
// stored, or Unseal fails with [ErrEntryMismatch]; with no entry
// at e.Seq it fails with [ErrNoEntry]. It then appends an access entry
// (kind [KindAccess]) recording a.Actor, the entry's sequence number,
// stream and version, the time and a.Purpose, so that every reading of
// personal data is in the register; if that append fails, nothing is
// opened. It fails with [ErrKeyErased] when the data's key was erased.
func (l *Log) Unseal(ctx context.Context, a Access, e Entry) ([]byte, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	if l.sealer == nil {
		return nil, ErrNoSealer
	}
	stored, err := l.stored(ctx, e.Seq)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(stored.Hash, e.Hash) || stored.Stream != e.Stream || stored.Version != e.Version ||
		stored.Kind != e.Kind || !bytes.Equal(stored.Personal, e.Personal) {
		return nil, fmt.Errorf("%w: entry %d", ErrEntryMismatch, e.Seq)
	}
	if len(stored.Personal) == 0 {
		return nil, ErrNoPersonalData
	}
	data := map[string]any{
		DataPurpose:      strings.TrimSpace(a.Purpose),
		DataEntrySeq:     stored.Seq,
		DataEntryStream:  stored.Stream,
		DataEntryVersion: stored.Version,
	}
	if err := l.logAccess(ctx, a, data); err != nil {
		return nil, err
	}
	return l.open(stored)
}

// stored reads the entry at seq from the backend, checking that its stored
// hash is the hash of its body.
func (l *Log) stored(ctx context.Context, seq uint64) (Entry, error) {
	if seq == 0 {
		return Entry{}, fmt.Errorf("%w: entry 0", ErrNoEntry)
	}
	for rec, err := range l.backend.Scan(ctx, Filter{AfterSeq: seq - 1, Limit: 1}) {
		if err != nil {
			return Entry{}, err
		}
		if rec.Seq != seq {
			break
		}
		if !bytes.Equal(HashBody(rec.Body), rec.Hash) {
			return Entry{}, &VerifyError{Seq: seq, Reason: ReasonHash}
		}
		var v view
		if err := v.parse(rec.Body); err != nil {
			return Entry{}, &VerifyError{Seq: seq, Reason: ReasonUndecodable}
		}
		if f := indexMismatch(&rec, &v); f != "" {
			return Entry{}, &VerifyError{Seq: seq, Reason: ReasonIndex, Field: f}
		}
		e := v.entry()
		e.Hash = bytes.Clone(rec.Hash)
		return e, nil
	}
	return Entry{}, fmt.Errorf("%w: entry %d", ErrNoEntry, seq)
}

// open opens e.Personal without logging; callers log first.
func (l *Log) open(e Entry) ([]byte, error) {
	pt, err := l.sealer.Open(e.Personal, entryAAD(e.Stream, e.Version, e.Kind))
	if err != nil {
		return nil, fmt.Errorf("%w: entry %d", err, e.Seq)
	}
	return pt, nil
}

// logAccess appends one access entry, retrying when another writer
// appended to the access stream first.
func (l *Log) logAccess(ctx context.Context, a Access, data map[string]any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	ev := Event{Stream: AccessStream, Kind: KindAccess, Actor: a.Actor, Data: raw}
	for attempt := 1; ; attempt++ {
		v, err := l.backend.Version(ctx, AccessStream)
		if err != nil {
			return err
		}
		_, err = l.appendBatch(ctx, map[string]uint64{AccessStream: v}, []Event{ev}, true)
		if err == nil {
			return nil
		}
		if !errors.Is(err, ErrVersionConflict) || attempt >= l.maxAttempts {
			return fmt.Errorf("register: logging the access: %w", err)
		}
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
}
