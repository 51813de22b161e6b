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
		return nil, errors.New("register: nessun backend")
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
			return nil, fmt.Errorf("register: fuso orario Europe/Rome non disponibile: %w", err)
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
			return nil, fmt.Errorf("%w: evento %d: lo stream non è quello dell'append", ErrInvalidEvent, i)
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
		return nil, fmt.Errorf("%w: nessun evento", ErrInvalidEvent)
	}
	for s := range expected {
		if s == "" || !utf8.ValidString(s) {
			return nil, fmt.Errorf("%w: nome dello stream", ErrInvalidEvent)
		}
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
			return nil, fmt.Errorf("%w: evento %d: stream senza versione attesa", ErrInvalidEvent, i)
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
				return nil, fmt.Errorf("register: sigillatura dei dati personali non riuscita: %w", err)
			}
			e.Personal = sealed
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
		return nil, fmt.Errorf("%w: un'operazione precedente non è terminata con certezza", ErrBroken)
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
		now := l.now().UTC().Truncate(time.Microsecond)
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

// checkEvent validates one event; the error names the field, not its value.
func (l *Log) checkEvent(i int, ev *Event, internal bool) error {
	bad := func(field, rule string) error {
		return fmt.Errorf("%w: evento %d: %s %s", ErrInvalidEvent, i, field, rule)
	}
	switch {
	case ev.Stream == "":
		return bad("Stream", "è obbligatorio")
	case ev.Kind == "" || !utf8.ValidString(ev.Kind):
		return bad("Kind", "è obbligatorio")
	case !internal && (ev.Stream == AccessStream || ev.Kind == KindAccess):
		return bad("Kind", "è riservato al registro degli accessi")
	case !ValidActorRole(ev.Actor.Role):
		return bad("Actor.Role", "non è un ruolo delle linee guida")
	case !utf8.ValidString(ev.Territory):
		return bad("Territory", "non è UTF-8 valido")
	case !utf8.ValidString(ev.Actor.ID):
		return bad("Actor.ID", "non è UTF-8 valido")
	case !utf8.ValidString(ev.Guideline):
		return bad("Guideline", "non è UTF-8 valido")
	case !utf8.ValidString(string(ev.Pseudonym)):
		return bad("Pseudonym", "non è UTF-8 valido")
	case len(ev.Data) > 0 && (!json.Valid(ev.Data) || !isObject(ev.Data)):
		return bad("Data", "non è un oggetto JSON")
	case len(ev.Personal) > 0 && l.sealer == nil:
		return fmt.Errorf("evento %d: %w", i, ErrNoSealer)
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
			yield(Entry{}, fmt.Errorf("%w: nome dello stream mancante", ErrInvalidEvent))
		}
	}
	return l.Scan(ctx, Filter{Stream: stream})
}

// Scan returns the entries that match f in sequence order, streaming. The
// iteration stops at the first error, yielded with a zero Entry. Each
// entry's Hash is the one stored, not recomputed: [Log.Verify] is what
// checks it.
func (l *Log) Scan(ctx context.Context, f Filter) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for rec, err := range l.backend.Scan(ctx, f) {
			if err != nil {
				yield(Entry{}, err)
				return
			}
			var v view
			if err := v.parse(rec.Body); err != nil {
				yield(Entry{}, fmt.Errorf("voce %d: %w", rec.Seq, err))
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
		return fmt.Errorf("%w: ruolo dell'attore", ErrInvalidAccess)
	case strings.TrimSpace(a.Actor.ID) == "" || !utf8.ValidString(a.Actor.ID):
		return fmt.Errorf("%w: identificativo dell'attore", ErrInvalidAccess)
	case p == "" || !utf8.ValidString(p):
		return fmt.Errorf("%w: finalità mancante", ErrInvalidAccess)
	case len(p) > maxPurpose:
		return fmt.Errorf("%w: finalità troppo lunga", ErrInvalidAccess)
	}
	return nil
}

// Unseal returns the personal data of e in clear. It first appends an
// access entry (kind [KindAccess]) recording a.Actor, the entry's sequence
// and stream, the time and a.Purpose, so that every reading of personal
// data is in the register; if that append fails, nothing is opened. It
// fails with [ErrKeyErased] when the data's key was erased.
func (l *Log) Unseal(ctx context.Context, a Access, e Entry) ([]byte, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	if len(e.Personal) == 0 {
		return nil, ErrNoPersonalData
	}
	if l.sealer == nil {
		return nil, ErrNoSealer
	}
	data := map[string]any{
		DataPurpose:     strings.TrimSpace(a.Purpose),
		DataEntrySeq:    e.Seq,
		DataEntryStream: e.Stream,
	}
	if err := l.logAccess(ctx, a, data); err != nil {
		return nil, err
	}
	return l.open(e)
}

// open opens e.Personal without logging; callers log first.
func (l *Log) open(e Entry) ([]byte, error) {
	pt, err := l.sealer.Open(e.Personal, entryAAD(e.Stream, e.Version, e.Kind))
	if err != nil {
		return nil, fmt.Errorf("voce %d: %w", e.Seq, err)
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
			return fmt.Errorf("register: registrazione dell'accesso non riuscita: %w", err)
		}
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
}
