package register_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
)

// outboxEvent is an entry the outbox would write for a message of cause.
func outboxEvent(kind, key, cause string) register.Event {
	data := `{"cause_stream":"` + cause + `","key":"` + key + `","message_kind":"incident.reported","priority":"urgent","recipients":[{"role":"operations_centre","channels":["phone"]}]}`
	return register.Event{Stream: register.MessageStreamPrefix + key, Kind: kind, Territory: "municipio-5",
		Actor: register.SystemActor("outbox"), Guideline: "milano-2021-03-02", Data: []byte(data)}
}

func TestTimelineRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := openLog(t, memregister.New(), nil)
	const stream = "incident/2026-000123"
	reported := event(register.KindIncidentReported, `{"incident_kind":"threat"}`)
	reported.Stream = stream
	reported.Territory = "municipio-5"
	reported.Personal = []byte(knownName)
	queued := outboxEvent(register.KindMessageQueued, "k1", stream)
	queued.Actor = operator
	queued.Personal = []byte(knownCF)
	if _, err := l.AppendBatch(ctx, map[string]uint64{stream: 0, queued.Stream: 0}, reported, queued); err != nil {
		t.Fatal(err)
	}
	// Another incident's message, and the dispatcher's claim: neither is
	// in the timeline.
	other := outboxEvent(register.KindMessageQueued, "k2", "incident/other")
	mustAppend(t, l, other.Stream, 0, other)
	mustAppend(t, l, queued.Stream, 1, outboxEvent(register.KindMessageClaimed, "k1", stream))
	mustAppend(t, l, stream, 1, event(register.KindIncidentColleaguesAlerted, ""))
	mustAppend(t, l, queued.Stream, 2, outboxEvent(register.KindMessageDelivered, "k1", stream))

	tl, err := l.Timeline(ctx, stream)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range tl.Entries {
		kinds = append(kinds, e.Kind)
	}
	want := []string{register.KindIncidentReported, register.KindMessageQueued, register.KindIncidentColleaguesAlerted, register.KindMessageDelivered}
	if strings.Join(kinds, " ") != strings.Join(want, " ") {
		t.Fatalf("kinds = %v, want %v", kinds, want)
	}
	if tl.Guideline != "milano-2021-03-02" || tl.Stream != stream {
		t.Errorf("header = %q %q", tl.Guideline, tl.Stream)
	}
	if d := tl.Entries[3]; d.Actor.Role != register.RoleSystem || d.Actor.ID != "outbox" {
		t.Errorf("delivery actor = %v", d.Actor)
	}
	var role []struct {
		Role guideline.Role `json:"role"`
	}
	if ok, err := tl.Entries[3].Field(register.DataRecipients, &role); !ok || err != nil || role[0].Role != guideline.RoleOperationsCentre {
		t.Errorf("recipients of the delivery: %v %v %v", ok, err, role)
	}
	if name, _ := tl.Entries[0].Time.Zone(); name != "CET" && name != "CEST" {
		t.Errorf("time zone = %s, want Europe/Rome", name)
	}

	b, err := json.Marshal(tl)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(knownName)) || bytes.Contains(b, []byte(knownCF)) {
		t.Fatalf("timeline JSON holds personal data: %s", b)
	}
	back, err := register.LoadTimeline(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Entries) != len(tl.Entries) || back.Stream != tl.Stream || back.Guideline != tl.Guideline {
		t.Fatalf("round trip: %+v", back)
	}
	for i := range tl.Entries {
		a, z := tl.Entries[i], back.Entries[i]
		if !a.Time.Equal(z.Time) || a.Kind != z.Kind || a.Territory != z.Territory || a.Actor != z.Actor || !bytes.Equal(a.Data, z.Data) {
			t.Errorf("entry %d: %+v, want %+v", i, z, a)
		}
	}
	again, _ := json.Marshal(back)
	if !bytes.Equal(again, b) {
		t.Errorf("second encoding differs:\n%s\n%s", again, b)
	}
}

func TestTimelineShape(t *testing.T) {
	t.Parallel()
	in := `{"guideline": "milano-2021-03-02", "stream": "incident/2026-000123", "entries": [
  {"time": "2026-11-03T10:15:00+01:00", "kind": "incident.reported", "territory": "municipio-5",
   "actor": {"role": "operator", "id": "A123"}, "data": {"incident_kind": "threat"}}]}`
	tl, err := register.LoadTimeline(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	e := tl.Entries[0]
	if e.Kind != register.KindIncidentReported || e.Actor.Role != guideline.RoleOperator || e.Actor.ID != "A123" ||
		!e.Time.Equal(time.Date(2026, 11, 3, 9, 15, 0, 0, time.UTC)) || string(e.Data) != `{"incident_kind":"threat"}` {
		t.Fatalf("entry = %+v", e)
	}
	out, _ := json.Marshal(tl)
	var compact bytes.Buffer
	_ = json.Compact(&compact, []byte(in))
	if string(out) != compact.String() {
		t.Errorf("MarshalJSON:\n%s\nwant\n%s", out, compact.String())
	}
	var viaUnmarshal register.Timeline
	if err := json.Unmarshal([]byte(in), &viaUnmarshal); err != nil || len(viaUnmarshal.Entries) != 1 {
		t.Errorf("json.Unmarshal: %v", err)
	}
}

func TestLoadTimelineReportsEveryField(t *testing.T) {
	t.Parallel()
	in := `{"guideline": "", "stream": 5, "secret_field_Gianfranca": 1, "entries": [
	  {"time": "ieri", "kind": "Incident Reported", "actor": {"role": "mayor"}, "data": [1]},
	  {"kind": "incident.reported", "actor": {"role": "system", "id": "outbox", "name": "x"}, "territory": 3},
	  7]}`
	_, err := register.LoadTimeline(strings.NewReader(in))
	var ve *guideline.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, guideline.ErrInvalid) {
		t.Fatalf("err = %v, want a *guideline.ValidationError", err)
	}
	want := []struct{ path, rule string }{
		{"$", "unknown"},
		{"guideline", "notblank"},
		{"stream", "type"},
		{"entries[0].time", "rfc3339"},
		{"entries[0].kind", "kind"},
		{"entries[0].actor.role", "actor_role"},
		{"entries[0].data", "type"},
		{"entries[1].time", "required"},
		{"entries[1].territory", "type"},
		{"entries[1].actor", "unknown"},
		{"entries[2]", "type"},
	}
	for _, w := range want {
		if !ve.Has(w.path, w.rule) {
			t.Errorf("missing %s (%s) in %v", w.path, w.rule, err)
		}
	}
	if len(ve.Fields) != len(want) {
		t.Errorf("%d errors, want %d: %v", len(ve.Fields), len(want), err)
	}
	for _, f := range ve.Fields {
		if f.Italian == "" || f.English == "" || f.Italian == f.English {
			t.Errorf("%s: messages %q / %q", f.Path, f.Italian, f.English)
		}
		if strings.Contains(f.Message(language.Italian), "non rispetta la regola") {
			t.Errorf("%s: rule %s has no Italian message: %q", f.Path, f.Rule, f.Italian)
		}
	}
	if strings.Contains(err.Error(), "Gianfranca") || strings.Contains(err.Error(), "secret_field") {
		t.Errorf("the error repeats an unknown key: %v", err)
	}
	if !strings.Contains(ve.Fields[4].Italian, "minuscole") {
		t.Errorf("Italian message of kind: %q", ve.Fields[4].Italian)
	}
}

// Field errors are a register error like the others: they match
// ErrInvalidTimeline, read "register: …", and still hold the
// *guideline.ValidationError with every field.
func TestLoadTimelineFieldErrorsAreRegisterErrors(t *testing.T) {
	t.Parallel()
	in := `{"guideline": "g", "stream": "s", "entries": [{"time": "2026-11-03T10:15:00+01:00",
	  "kind": "incident.reported", "actor": {"role": "operator"}, "data": [1]}]}`
	var viaUnmarshal register.Timeline
	for name, err := range map[string]error{
		"LoadTimeline":  func() error { _, err := register.LoadTimeline(strings.NewReader(in)); return err }(),
		"UnmarshalJSON": json.Unmarshal([]byte(in), &viaUnmarshal),
	} {
		if !errors.Is(err, register.ErrInvalidTimeline) {
			t.Errorf("%s: err = %v, want it to match ErrInvalidTimeline", name, err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "register: ") {
			t.Errorf("%s: err = %q, want the register: prefix", name, err)
		}
		var ve *guideline.ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, guideline.ErrInvalid) || !ve.Has("entries[0].data", "type") {
			t.Errorf("%s: err = %v, want a *guideline.ValidationError on entries[0].data", name, err)
		}
	}
}

// A value of the wrong type is reported by the type expected, not as if
// it were the type found.
func TestLoadTimelineWrongTypeSaysWhatIsExpected(t *testing.T) {
	t.Parallel()
	in := `{"guideline": "g", "stream": 5, "entries": [{"time": "2026-11-03T10:15:00+01:00",
	  "kind": "incident.reported", "actor": {"role": "operator"}, "data": [1]}, 7]}`
	_, err := register.LoadTimeline(strings.NewReader(in))
	var ve *guideline.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a *guideline.ValidationError", err)
	}
	want := map[string][2]string{
		"stream":          {"stream deve essere un testo (stringa JSON)", "stream must be a JSON string"},
		"entries[0].data": {"data deve essere un oggetto JSON", "data must be a JSON object"},
		"entries[1]":      {"entries[1] deve essere un oggetto JSON", "entries[1] must be a JSON object"},
	}
	for _, f := range ve.Fields {
		w, ok := want[f.Path]
		if !ok {
			t.Errorf("unexpected %s (%s): %s", f.Path, f.Rule, f.English)
			continue
		}
		delete(want, f.Path)
		if f.Rule != "type" || f.Italian != w[0] || f.English != w[1] {
			t.Errorf("%s: rule %s, %q / %q, want type, %q / %q", f.Path, f.Rule, f.Italian, f.English, w[0], w[1])
		}
	}
	for path := range want {
		t.Errorf("%s not reported: %v", path, err)
	}
	_, err = register.LoadTimeline(strings.NewReader(`{"guideline": "g", "stream": "s", "entries": {}}`))
	if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Rule != "type" ||
		ve.Fields[0].Italian != "entries deve essere un elenco (array JSON)" || ve.Fields[0].English != "entries must be a JSON array" {
		t.Errorf("entries as an object: %v", err)
	}
}

func TestLoadTimelineDocumentErrors(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]string{
		"not JSON":   `{"guideline":`,
		"array":      `[]`,
		"null":       `null`,
		"trailing":   `{} {}`,
		"too large":  `{"guideline":"` + strings.Repeat("x", register.MaxTimelineSize) + `"}`,
		"empty":      ``,
		"bare value": `"Gianfranca Bellavista"`,
	} {
		_, err := register.LoadTimeline(strings.NewReader(in))
		if !errors.Is(err, register.ErrInvalidTimeline) {
			t.Errorf("%s: err = %v, want ErrInvalidTimeline", name, err)
		}
		if err != nil && strings.Contains(err.Error(), knownName) {
			t.Errorf("%s: error repeats the input", name)
		}
	}
	_, err := register.LoadTimeline(strings.NewReader(`{"guideline":"g","stream":"s"}`))
	var ve *guideline.ValidationError
	if !errors.As(err, &ve) || !ve.Has("entries", "required") {
		t.Errorf("missing entries: %v", err)
	}
}

func TestTimelineOfEmptyStream(t *testing.T) {
	t.Parallel()
	l := openLog(t, memregister.New(), nil)
	if _, err := l.Timeline(context.Background(), "incident/none"); !errors.Is(err, register.ErrEmptyStream) {
		t.Fatalf("err = %v, want ErrEmptyStream", err)
	}
}

func FuzzLoadTimeline(f *testing.F) {
	f.Add([]byte(`{"guideline": "milano-2021-03-02", "stream": "incident/2026-000123", "entries": [
  {"time": "2026-11-03T10:15:00+01:00", "kind": "incident.reported", "territory": "municipio-5",
   "actor": {"role": "operator", "id": "A123"}, "data": {"incident_kind": "threat"}}]}`))
	f.Add([]byte(`{"guideline":"","stream":5,"entries":[{"time":"x","actor":{"role":"system"}},null,7]}`))
	f.Add([]byte(`{"entries":[{"data":{"a":[{"b":null}]}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tl, err := register.LoadTimeline(bytes.NewReader(b))
		if err != nil {
			var ve *guideline.ValidationError
			if !errors.As(err, &ve) && !errors.Is(err, register.ErrInvalidTimeline) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		// What loads, encodes and loads again to the same timeline.
		out, err := json.Marshal(tl)
		if err != nil {
			t.Fatal(err)
		}
		back, err := register.LoadTimeline(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("reloading %s: %v", out, err)
		}
		if len(back.Entries) != len(tl.Entries) {
			t.Fatalf("reloaded %d entries of %d", len(back.Entries), len(tl.Entries))
		}
	})
}

func TestSystemActor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := openLog(t, memregister.New(), nil)
	ev := event("incident.escalated", "")
	ev.Actor = register.SystemActor("escalation")
	if _, err := l.Append(ctx, "incident/1", 0, ev); err != nil {
		t.Fatalf("system actor refused: %v", err)
	}
	if register.RoleSystem.Valid() {
		t.Error("RoleSystem is a guideline role")
	}
	ev.Actor = register.Actor{Role: "mayor", ID: "x"}
	if _, err := l.Append(ctx, "incident/1", 1, ev); !errors.Is(err, register.ErrInvalidEvent) {
		t.Errorf("unknown role: err = %v", err)
	}
}

func TestUnsealBatchLogsOneAccess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := openLog(t, memregister.New(), nil)
	a := event(register.KindRequestSubmitted, "")
	a.Personal = []byte(knownName)
	b := event(register.KindRequestSubmitted, "")
	b.Personal = []byte(knownCF)
	plain := event(register.KindRequestSubmitted, "")
	entries := mustAppend(t, l, "request/1", 0, a, b, plain)
	access := register.Access{Actor: register.SystemActor("outbox"), Purpose: "invio della notifica"}
	opened, err := l.UnsealBatch(ctx, access, entries)
	if err != nil {
		t.Fatal(err)
	}
	if string(opened[0].Plain) != knownName || string(opened[1].Plain) != knownCF || !errors.Is(opened[2].Err, register.ErrNoPersonalData) {
		t.Fatalf("opened = %v", opened)
	}
	var logged []register.Entry
	for e, err := range l.Stream(ctx, register.AccessStream) {
		if err != nil {
			t.Fatal(err)
		}
		logged = append(logged, e)
	}
	if len(logged) != 1 {
		t.Fatalf("%d access entries, want 1", len(logged))
	}
	var data struct {
		Seqs    []uint64 `json:"entry_seqs"`
		Streams []string `json:"entry_streams"`
		Purpose string   `json:"purpose"`
	}
	if err := json.Unmarshal(logged[0].Data, &data); err != nil {
		t.Fatal(err)
	}
	if len(data.Seqs) != 2 || data.Seqs[0] != entries[0].Seq || data.Seqs[1] != entries[1].Seq || data.Streams[0] != "request/1" || data.Purpose == "" {
		t.Errorf("access data = %+v", data)
	}
	if logged[0].Actor != access.Actor {
		t.Errorf("access actor = %v", logged[0].Actor)
	}
	if _, err := l.UnsealBatch(ctx, register.Access{Actor: access.Actor}, entries); !errors.Is(err, register.ErrInvalidAccess) {
		t.Errorf("no purpose: err = %v", err)
	}
}

// A Data member of the wrong type is reported by its name alone: the json
// package's error would repeat the value (for a time, `parsing time
// "Gianfranca Bellavista …"`), and a timeline from another system may hold
// anything in any member.
func TestTimelineEntryFieldWrongTypeNamesNoValue(t *testing.T) {
	t.Parallel()
	value := knownName + " " + knownCF
	e := register.TimelineEntry{Data: []byte(`{"offered_at":"` + value + `","prognosis_days":"` + value + `","support":{"x":"` + value + `"}}`)}
	var at time.Time
	var days int
	var codes []string
	for name, v := range map[string]any{register.DataOfferedAt: &at, register.DataPrognosisDays: &days, register.DataSupport: &codes} {
		ok, err := e.Field(name, v)
		if !ok || !errors.Is(err, register.ErrDataField) {
			t.Errorf("%s: ok = %v, err = %v, want true and ErrDataField", name, ok, err)
			continue
		}
		if want := `register: timeline: data field "` + name + `": wrong type`; err.Error() != want {
			t.Errorf("%s: err = %q, want %q", name, err, want)
		}
		if s := err.Error(); strings.Contains(s, knownName) || strings.Contains(s, knownCF) {
			t.Errorf("%s: the error repeats the value: %s", name, s)
		}
	}
	if ok, err := e.Field("absent", &at); ok || err != nil {
		t.Errorf("absent: ok = %v, err = %v", ok, err)
	}
}
