package register

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/sostegno/sostegno/guideline"
)

// Timeline is the portable history of one request or incident: the entries
// of its stream without personal data, together with what became of the
// notifications it caused (queued, failed, delivered, dead-lettered, with
// the recipients' roles), in the order they were appended. It is what a
// compliance check reads, and it can come from this register
// ([Log.Timeline]) or from another system ([LoadTimeline]). A document
// that does not have this shape is refused with an error that matches
// [ErrInvalidTimeline] and, when fields are invalid, holds a
// [*guideline.ValidationError] naming each by its path.
//
// Its JSON has exactly this shape (data is always an object):
//
//	{"guideline": "milano-2021-03-02", "stream": "incident/2026-000123", "entries": [
//	  {"time": "2026-11-03T10:15:00+01:00", "kind": "incident.reported", "territory": "municipio-5",
//	   "actor": {"role": "operator", "id": "A123"}, "data": {"incident_kind": "threat"}}]}
type Timeline struct {
	// Guideline identifies the version of the guideline the stream was
	// begun under, such as "milano-2021-03-02".
	Guideline string
	// Stream names the request or incident.
	Stream string
	// Entries are the events, oldest first.
	Entries []TimelineEntry
}

// TimelineEntry is one event of a [Timeline].
type TimelineEntry struct {
	// Time is when the event was recorded.
	Time time.Time
	// Kind is the kind of event: one of the Kind constants of this package
	// (including the outbox's [MessageKinds]) or another dotted lower-case
	// name.
	Kind string
	// Territory identifies the territory concerned, possibly empty.
	Territory string
	// Actor is who caused the event: a guideline role or [RoleSystem].
	Actor Actor
	// Data holds the event's non-personal facts as a JSON object; nil
	// when it has none.
	Data json.RawMessage
}

// ErrDataField is wrapped by the error of [TimelineEntry.Field] when the
// member is present but cannot be decoded into the value given.
var ErrDataField = errors.New("register: timeline: data field of the wrong type")

// dataFieldError is the error of [TimelineEntry.Field] for a member of the
// wrong type. It names the member, never its value: a timeline may come
// from another system, and any member may hold anything.
type dataFieldError struct{ name string }

func (e *dataFieldError) Error() string {
	return "register: timeline: data field " + strconv.Quote(e.name) + ": wrong type"
}

func (e *dataFieldError) Is(target error) bool { return target == ErrDataField }

// Field decodes the Data member name into v and reports whether it was
// present. A member that cannot be decoded into v gives an error that
// matches [ErrDataField] and names the member, never its value.
func (e TimelineEntry) Field(name string, v any) (bool, error) {
	if len(e.Data) == 0 {
		return false, nil
	}
	raw, ok, err := jsonField(e.Data, name)
	if err != nil || !ok {
		return false, err
	}
	if json.Unmarshal(raw, v) != nil {
		return true, &dataFieldError{name: name}
	}
	return true, nil
}

// timelineKinds are the outbox kinds a timeline shows; claims are the
// dispatcher's bookkeeping and are left out.
var timelineKinds = []string{KindMessageQueued, KindMessageFailed, KindMessageDelivered, KindMessageDeadLettered}

// ErrEmptyStream means a timeline was asked for a stream with no entries.
var ErrEmptyStream = errors.New("register: the stream has no entries")

// Timeline returns the timeline of stream: its entries, and the outbox
// entries (queued, failed, delivered, dead-lettered) of the messages it
// caused, merged in sequence order, with times in the Log's time zone. The
// Guideline is that of the stream's first entry. Personal data and
// pseudonyms are left out.
//
// It reads the stream, then the outbox entries appended since the stream
// began, keeping those whose [DataCauseStream] is stream.
func (l *Log) Timeline(ctx context.Context, stream string) (Timeline, error) {
	var own []Entry
	for e, err := range l.Stream(ctx, stream) {
		if err != nil {
			return Timeline{}, err
		}
		own = append(own, e)
	}
	if len(own) == 0 {
		return Timeline{}, fmt.Errorf("%w: %s", ErrEmptyStream, strconv.Quote(stream))
	}
	var caused []Entry
	for e, err := range l.Scan(ctx, Filter{Kinds: timelineKinds, AfterSeq: own[0].Seq - 1}) {
		if err != nil {
			return Timeline{}, err
		}
		raw, ok, _ := jsonField(e.Data, DataCauseStream)
		if s, isStr := jsonString(raw); ok && isStr && s == stream {
			caused = append(caused, e)
		}
	}
	t := Timeline{Guideline: own[0].Guideline, Stream: stream, Entries: make([]TimelineEntry, 0, len(own)+len(caused))}
	for len(own) > 0 || len(caused) > 0 {
		var e Entry
		if len(caused) == 0 || len(own) > 0 && own[0].Seq < caused[0].Seq {
			e, own = own[0], own[1:]
		} else {
			e, caused = caused[0], caused[1:]
		}
		t.Entries = append(t.Entries, TimelineEntry{
			Time:      e.Time.In(l.loc),
			Kind:      e.Kind,
			Territory: e.Territory,
			Actor:     e.Actor,
			Data:      e.Data,
		})
	}
	return t, nil
}

// The JSON shape of a timeline.
type (
	timelineJSON struct {
		Guideline string              `json:"guideline"`
		Stream    string              `json:"stream"`
		Entries   []timelineEntryJSON `json:"entries"`
	}
	timelineEntryJSON struct {
		Time      time.Time       `json:"time"`
		Kind      string          `json:"kind"`
		Territory string          `json:"territory"`
		Actor     actorJSON       `json:"actor"`
		Data      json.RawMessage `json:"data"`
	}
	actorJSON struct {
		Role guideline.Role `json:"role"`
		ID   string         `json:"id"`
	}
)

// MarshalJSON writes the timeline in its documented shape; an entry
// without Data gets an empty object.
func (t Timeline) MarshalJSON() ([]byte, error) {
	w := timelineJSON{Guideline: t.Guideline, Stream: t.Stream, Entries: make([]timelineEntryJSON, len(t.Entries))}
	for i, e := range t.Entries {
		data := e.Data
		if len(data) == 0 {
			data = json.RawMessage("{}")
		}
		w.Entries[i] = timelineEntryJSON{
			Time: e.Time, Kind: e.Kind, Territory: e.Territory,
			Actor: actorJSON{Role: e.Actor.Role, ID: e.Actor.ID}, Data: data,
		}
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads a timeline exactly as [LoadTimeline] does.
func (t *Timeline) UnmarshalJSON(b []byte) error {
	nt, err := parseTimeline(b)
	if err != nil {
		return err
	}
	*t = nt
	return nil
}

// MaxTimelineSize bounds the size of a timeline that [LoadTimeline] reads.
const MaxTimelineSize = 16 << 20

// ErrInvalidTimeline is wrapped by every error of [LoadTimeline] (and of
// [Timeline.UnmarshalJSON]) about the document: one that concerns it as a
// whole (too large, not JSON, not an object), and one that lists its
// invalid fields, which also wraps a [*guideline.ValidationError].
var ErrInvalidTimeline = errors.New("register: invalid timeline")

// LoadTimeline reads a timeline in the JSON shape documented on [Timeline],
// from this library or from another system. It reads at most
// [MaxTimelineSize] bytes. Every invalid field is reported at once, by its
// JSON path (such as "entries[2].actor.role"), in a
// [*guideline.ValidationError] with Italian and English messages, wrapped
// with [ErrInvalidTimeline] (errors.Is matches both, errors.As finds the
// ValidationError, and the error reads "register: invalid timeline: …"): a missing
// or mistyped field, a time that is not RFC 3339, a kind that is not a
// dotted lower-case name, a role that is neither a guideline role nor
// [RoleSystem], data that is not an object, and fields that the shape does
// not have (reported by the path of the object that holds them, never by
// their names, which could carry anything).
func LoadTimeline(r io.Reader) (Timeline, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxTimelineSize+1))
	if err != nil {
		return Timeline{}, fmt.Errorf("register: reading the timeline: %w", err)
	}
	if len(b) > MaxTimelineSize {
		return Timeline{}, fmt.Errorf("%w: larger than %d bytes", ErrInvalidTimeline, MaxTimelineSize)
	}
	return parseTimeline(b)
}

// kindPattern is the shape of a kind: dotted lower-case names.
var kindPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)

// Length bounds of the text fields of a loaded timeline, in bytes.
const (
	maxTimelineName = 500 // guideline, stream, territory, actor id
	maxTimelineKind = 100
)

// timelineValidator holds the messages of the rules of a timeline.
var timelineValidator = sync.OnceValue(func() *guideline.Validator {
	v := guideline.NewValidator()
	for _, r := range []struct{ tag, it, en string }{
		{"actor_role",
			"{0} deve essere uno dei ruoli previsti dalle linee guida oppure \"system\"",
			"{0} must be one of the roles of the guideline or \"system\""},
		{"kind",
			"{0} deve essere un tipo di voce in lettere minuscole, con parti separate da punti, per esempio incident.reported",
			"{0} must be a kind of entry in lower case, with parts separated by dots, such as incident.reported"},
		{"rfc3339",
			"{0} deve essere una data con ora e fuso orario nel formato RFC 3339, per esempio 2026-11-03T10:15:00+01:00",
			"{0} must be a date with time and time zone in RFC 3339 form, such as 2026-11-03T10:15:00+01:00"},
		{"unknown",
			"{0} contiene campi non previsti ({1})",
			"{0} has fields that are not expected ({1})"},
		{"maxlen",
			"{0} può contenere al massimo {1} byte",
			"{0} must be at most {1} bytes long"},
		// The "type" rule, one message for each JSON type expected (see
		// timelineParser.failType).
		{"type_object", "{0} deve essere un oggetto JSON", "{0} must be a JSON object"},
		{"type_string", "{0} deve essere un testo (stringa JSON)", "{0} must be a JSON string"},
		{"type_array", "{0} deve essere un elenco (array JSON)", "{0} must be a JSON array"},
	} {
		must(v.RegisterRule(r.tag, nil, r.it, r.en))
	}
	return v
})

func must(err error) {
	if err != nil {
		// The rules are fixed data checked by this package's tests.
		panic(err)
	}
}

// timelineParser collects every invalid field of a document.
type timelineParser struct {
	v      *guideline.Validator
	fields []guideline.FieldError
}

func (p *timelineParser) fail(path, rule, param string) {
	p.fields = append(p.fields, p.v.Fail(path, rule, param))
}

// failType reports that the value at path is not of the JSON type want
// ("object", "string" or "array"): rule "type" with want as its
// parameter, and a message that says what is expected.
func (p *timelineParser) failType(path, want string) {
	f := p.v.Fail(path, "type_"+want, "")
	f.Rule, f.Param = "type", want
	p.fields = append(p.fields, f)
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// object decodes raw as an object with the keys allowed; a missing or null
// value is reported as required when required is set.
func (p *timelineParser) object(path string, raw json.RawMessage, required bool, allowed ...string) (map[string]json.RawMessage, bool) {
	if isNull(raw) {
		if required {
			p.fail(path, "required", "")
		}
		return nil, false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		p.failType(path, "object")
		return nil, false
	}
	unknown := 0
	for k := range m {
		found := false
		for _, a := range allowed {
			if k == a {
				found = true
				break
			}
		}
		if !found {
			unknown++
		}
	}
	if unknown > 0 {
		p.fail(path, "unknown", strconv.Itoa(unknown))
	}
	return m, true
}

// str decodes a string member; absent or null is reported when required.
func (p *timelineParser) str(path string, raw json.RawMessage, required bool, maxLen int) (string, bool) {
	if isNull(raw) {
		if required {
			p.fail(path, "required", "")
		}
		return "", !required
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		p.failType(path, "string")
		return "", false
	}
	switch {
	case required && len(bytes.TrimSpace([]byte(s))) == 0:
		p.fail(path, "notblank", "")
		return "", false
	case len(s) > maxLen:
		p.fail(path, "maxlen", strconv.Itoa(maxLen))
		return "", false
	}
	return s, true
}

// parseTimeline decodes and checks a whole document.
func parseTimeline(b []byte) (Timeline, error) {
	if !json.Valid(b) {
		var se *json.SyntaxError
		var v any
		if err := json.Unmarshal(b, &v); errors.As(err, &se) {
			return Timeline{}, fmt.Errorf("%w: malformed JSON at byte %d", ErrInvalidTimeline, se.Offset)
		}
		return Timeline{}, fmt.Errorf("%w: malformed JSON", ErrInvalidTimeline)
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(b, &top) != nil || top == nil {
		return Timeline{}, fmt.Errorf("%w: the document is not a JSON object", ErrInvalidTimeline)
	}
	p := &timelineParser{v: timelineValidator()}
	// "$" is the document itself, as in JSONPath.
	p.object("$", b, true, "guideline", "stream", "entries")
	var t Timeline
	t.Guideline, _ = p.str("guideline", top["guideline"], true, maxTimelineName)
	t.Stream, _ = p.str("stream", top["stream"], true, maxTimelineName)
	var raws []json.RawMessage
	switch raw := top["entries"]; {
	case isNull(raw):
		p.fail("entries", "required", "")
	case json.Unmarshal(raw, &raws) != nil:
		p.failType("entries", "array")
	}
	t.Entries = make([]TimelineEntry, 0, len(raws))
	for i, raw := range raws {
		path := "entries[" + strconv.Itoa(i) + "]"
		m, ok := p.object(path, raw, true, "time", "kind", "territory", "actor", "data")
		if !ok {
			continue
		}
		var e TimelineEntry
		if s, ok := p.str(path+".time", m["time"], true, maxTimelineName); ok {
			tm, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				p.fail(path+".time", "rfc3339", "")
			}
			e.Time = tm
		}
		if s, ok := p.str(path+".kind", m["kind"], true, maxTimelineKind); ok {
			if !kindPattern.MatchString(s) {
				p.fail(path+".kind", "kind", "")
			}
			e.Kind = s
		}
		e.Territory, _ = p.str(path+".territory", m["territory"], false, maxTimelineName)
		if am, ok := p.object(path+".actor", m["actor"], true, "role", "id"); ok {
			if s, ok := p.str(path+".actor.role", am["role"], true, maxTimelineKind); ok {
				if !ValidActorRole(guideline.Role(s)) {
					p.fail(path+".actor.role", "actor_role", "")
				}
				e.Actor.Role = guideline.Role(s)
			}
			e.Actor.ID, _ = p.str(path+".actor.id", am["id"], false, maxTimelineName)
		}
		if raw := m["data"]; !isNull(raw) {
			var obj map[string]json.RawMessage
			if json.Unmarshal(raw, &obj) != nil {
				p.failType(path+".data", "object")
			} else if len(obj) > 0 {
				var buf bytes.Buffer
				_ = json.Compact(&buf, raw) // raw is valid JSON
				e.Data = buf.Bytes()
			}
		}
		t.Entries = append(t.Entries, e)
	}
	if len(p.fields) > 0 {
		return Timeline{}, fmt.Errorf("%w: %w", ErrInvalidTimeline, &guideline.ValidationError{Fields: p.fields})
	}
	return t, nil
}
