package register_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
	"golang.org/x/text/language"
)

// Unseal opens the entry the register holds at the given sequence number,
// never bytes the caller passes, and the access log names that entry and
// its version: a sequence number that the register does not hold, or an
// entry that differs from the stored one, is refused and nothing is logged.
func TestUnsealOpensTheStoredEntry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := openLog(t, newMem(), &register.Options{Sealer: newKeyring(t)})
	mine := event(register.KindRequestSubmitted, "")
	mine.Personal = []byte(knownName)
	other := event(register.KindRequestSubmitted, "")
	other.Personal = []byte("altra persona")
	es := mustAppend(t, l, "request/1", 0, mine, other)
	official := register.Actor{Role: guideline.RoleResponsibleOfficial, ID: "po-3"}
	a := register.Access{Actor: official, Purpose: "valutazione"}

	wrongSeq := es[0]
	wrongSeq.Seq = 999999
	if _, err := l.Unseal(ctx, a, wrongSeq); !errors.Is(err, register.ErrNoEntry) {
		t.Errorf("Seq the register does not hold: %v, want ErrNoEntry", err)
	}
	// Entry 1's sealed data presented as entry 2: entry 2 is what the
	// register holds at that number, and its hash is not entry 1's.
	swapped := es[0]
	swapped.Seq = es[1].Seq
	if _, err := l.Unseal(ctx, a, swapped); !errors.Is(err, register.ErrEntryMismatch) {
		t.Errorf("entry 1 presented as entry 2: %v, want ErrEntryMismatch", err)
	}
	forged := es[1]
	forged.Personal = es[0].Personal
	if _, err := l.Unseal(ctx, a, forged); !errors.Is(err, register.ErrEntryMismatch) {
		t.Errorf("entry 2 carrying entry 1's sealed data: %v, want ErrEntryMismatch", err)
	}
	if n := len(collect(t, l.Stream(ctx, register.AccessStream))); n != 0 {
		t.Fatalf("refused Unseal calls logged %d accesses", n)
	}

	pt, err := l.Unseal(ctx, a, es[1])
	if err != nil || string(pt) != "altra persona" {
		t.Fatalf("Unseal(entry 2) = %q, %v", pt, err)
	}
	acc := collect(t, l.Stream(ctx, register.AccessStream))
	var d map[string]any
	if err := json.Unmarshal(acc[0].Data, &d); err != nil {
		t.Fatal(err)
	}
	if d[register.DataEntrySeq] != float64(es[1].Seq) || d[register.DataEntryStream] != "request/1" ||
		d[register.DataEntryVersion] != float64(es[1].Version) {
		t.Errorf("access log data %v, want entry %d, version %d", d, es[1].Seq, es[1].Version)
	}
}

// holder nests an Event and an Entry in a struct of a caller.
type holder struct {
	Name  string
	Event register.Event
	Entry register.Entry
	Ptr   *register.Event
}

// Personal data stays redacted however an Event (or an Entry) is logged or
// printed: in slices, maps and nested structs, through slog's text and
// JSON handlers, encoding/json and fmt's verbs.
func TestRedactionInContainers(t *testing.T) {
	t.Parallel()
	personal := []byte(`{"nome":"` + knownName + `","codice_fiscale":"` + knownCF + `"}`)
	ev := event(register.KindRequestSubmitted, "")
	ev.Stream = "request/1"
	ev.Personal = personal
	sealed := register.Entry{Seq: 1, Stream: "request/1", Version: 1, Kind: register.KindRequestSubmitted, Personal: personal}
	containers := map[string]any{
		"slice of events":  []register.Event{ev, ev},
		"map of events":    map[string]register.Event{"a": ev},
		"nested struct":    holder{Name: "x", Event: ev, Entry: sealed, Ptr: &ev},
		"slice of structs": []holder{{Event: ev}},
		"map of pointers":  map[string]*register.Event{"a": &ev},
		"slice of entries": []register.Entry{sealed},
		"personal alone":   []register.PersonalData{ev.Personal},
	}
	encoders := map[string]func(v any) string{
		"slog text": func(v any) string {
			var b bytes.Buffer
			slog.New(slog.NewTextHandler(&b, nil)).Info("m", "v", v)
			return b.String()
		},
		"slog JSON": func(v any) string {
			var b bytes.Buffer
			slog.New(slog.NewJSONHandler(&b, nil)).Info("m", "v", v)
			return b.String()
		},
		"encoding/json": func(v any) string {
			b, err := json.Marshal(v)
			if err != nil {
				return "error: " + err.Error()
			}
			return string(b)
		},
		"fmt %v":  func(v any) string { return fmt.Sprintf("%v", v) },
		"fmt %+v": func(v any) string { return fmt.Sprintf("%+v", v) },
		"fmt %#v": func(v any) string { return fmt.Sprintf("%#v", v) },
		"fmt %s":  func(v any) string { return fmt.Sprintf("%s", v) },
		"fmt %x":  func(v any) string { return fmt.Sprintf("%x", v) },
	}
	secrets := []string{
		knownName, knownCF, "Bellavista",
		base64.StdEncoding.EncodeToString(personal),
		fmt.Sprintf("%x", personal),
		fmt.Sprint(personal[:8]),
		fmt.Sprintf("%#v", personal[:4]),
	}
	for cname, c := range containers {
		for ename, enc := range encoders {
			out := enc(c)
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("%s through %s leaks personal data (%d bytes of output)", cname, ename, len(out))
					break
				}
			}
			if strings.HasPrefix(out, "error:") {
				t.Errorf("%s through %s: %s", cname, ename, out)
			}
		}
	}
	// The redaction says that something was there, and callers still use
	// the field as a byte slice.
	if b, _ := json.Marshal(ev); !strings.Contains(string(b), `"Personal":"[REDACTED]"`) {
		t.Errorf("json of an Event: %s", b)
	}
	var raw []byte = ev.Personal
	if !bytes.Equal(raw, personal) {
		t.Error("PersonalData is not the caller's bytes")
	}
}

// A clock beyond what an entry can encode is refused before any
// conversion can wrap it into range, and nothing is stored.
func TestFarFutureClockRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, now := range []time.Time{
		time.Unix(18446744073709, 0),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(0, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Unix(-62135596801, 0),
	} {
		mem := newMem()
		l := openLog(t, mem, &register.Options{Now: func() time.Time { return now }})
		if _, err := l.Append(ctx, "request/1", 0, event(register.KindRequestSubmitted, "")); !errors.Is(err, register.ErrTimeOutOfRange) {
			t.Errorf("clock at %v: %v, want ErrTimeOutOfRange", now, err)
		}
		if h, err := mem.Head(ctx); err != nil || h.Seq != 0 {
			t.Errorf("clock at %v: head %d, %v: something was stored", now, h.Seq, err)
		}
	}
	l := openLog(t, newMem(), &register.Options{Now: func() time.Time { return time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC) }})
	mustAppend(t, l, "request/1", 0, event(register.KindRequestSubmitted, ""))
}

// The Log checks every text field of an event itself, for every backend
// alike: valid UTF-8, no control characters, at most MaxFieldLen bytes;
// and it accepts only a dotted lower-case kind, a non-blank actor id, a
// pseudonym of the shape a Pseudonymizer produces, and, in the Data it
// reads itself, an RFC 3339 appointment and known codes.
func TestAppendValidatesEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pz, err := register.NewPseudonymizer(randomKey(t))
	if err != nil {
		t.Fatal(err)
	}
	pseudo, err := pz.CodiceFiscale(knownCF)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", register.MaxFieldLen+1)
	edit := func(f func(e *register.Event)) register.Event {
		e := event(register.KindRequestSubmitted, "")
		f(&e)
		return e
	}
	tests := []struct {
		name   string
		stream string
		ev     register.Event
		field  string
		rule   string
	}{
		{"NUL in stream", "request/\x00", event(register.KindRequestSubmitted, ""), "Stream", register.RuleControl},
		{"long stream", "request/" + long, event(register.KindRequestSubmitted, ""), "Stream", register.RuleTooLong},
		{"invalid UTF-8 stream", "request/\xff", event(register.KindRequestSubmitted, ""), "Stream", register.RuleUTF8},
		{"NUL in kind", "s", edit(func(e *register.Event) { e.Kind = "request.sub\x00mitted" }), "Kind", register.RuleControl},
		{"invalid UTF-8 kind", "s", edit(func(e *register.Event) { e.Kind = "request.\xff" }), "Kind", register.RuleUTF8},
		{"kind with spaces", "s", edit(func(e *register.Event) { e.Kind = "Request Submitted" }), "Kind", register.RuleKindFormat},
		{"kind without a dot", "s", edit(func(e *register.Event) { e.Kind = "submitted" }), "Kind", register.RuleKindFormat},
		{"kind upper case", "s", edit(func(e *register.Event) { e.Kind = "Request.Submitted" }), "Kind", register.RuleKindFormat},
		{"kind empty part", "s", edit(func(e *register.Event) { e.Kind = "request..submitted" }), "Kind", register.RuleKindFormat},
		{"long kind", "s", edit(func(e *register.Event) { e.Kind = "a." + long }), "Kind", register.RuleTooLong},
		{"NUL in territory", "s", edit(func(e *register.Event) { e.Territory = "municipio\x003" }), "Territory", register.RuleControl},
		{"newline in territory", "s", edit(func(e *register.Event) { e.Territory = "municipio\n3" }), "Territory", register.RuleControl},
		{"long territory", "s", edit(func(e *register.Event) { e.Territory = long }), "Territory", register.RuleTooLong},
		{"empty actor id", "s", edit(func(e *register.Event) { e.Actor.ID = "" }), "Actor.ID", register.RuleRequired},
		{"blank actor id", "s", edit(func(e *register.Event) { e.Actor.ID = "  " }), "Actor.ID", register.RuleRequired},
		{"actor id with NUL", "s", edit(func(e *register.Event) { e.Actor.ID = "op\x00" }), "Actor.ID", register.RuleControl},
		{"guideline with NUL", "s", edit(func(e *register.Event) { e.Guideline = "m\x00" }), "Guideline", register.RuleControl},
		{"codice fiscale as pseudonym", "s", edit(func(e *register.Event) { e.Pseudonym = knownCF }), "Pseudonym", register.RulePseudonym},
		{"upper-case pseudonym", "s", edit(func(e *register.Event) { e.Pseudonym = register.Pseudonym(strings.ToUpper(string(pseudo))) }), "Pseudonym", register.RulePseudonym},
		{"appointment not a time", "s", event(register.KindRequestSubmitted, `{"appointment_at":"domani"}`), "Data.appointment_at", register.RuleTime},
		{"appointment a number", "s", event(register.KindRequestSubmitted, `{"appointment_at":1}`), "Data.appointment_at", register.RuleTime},
		{"unknown outcome", "s", event(register.KindRequestCompleted, `{"outcome":"boh"}`), "Data.outcome", register.RuleCode},
		{"outcome not a string", "s", event(register.KindRequestCompleted, `{"outcome":["x"]}`), "Data.outcome", register.RuleCode},
		{"unknown incident kind", "s", event(register.KindIncidentReported, `{"incident_kind":"rissa"}`), "Data.incident_kind", register.RuleCode},
		{"reserved kind", "s", edit(func(e *register.Event) { e.Kind = register.KindAccess }), "Kind", register.RuleReserved},
		{"role not of the guideline", "s", edit(func(e *register.Event) { e.Actor.Role = "boss" }), "Actor.Role", register.RuleRole},
	}
	for _, tt := range tests {
		mem := newMem()
		l := openLog(t, mem, nil)
		_, err := l.Append(ctx, tt.stream, 0, tt.ev)
		var ee *register.EventError
		if !errors.As(err, &ee) || !errors.Is(err, register.ErrInvalidEvent) || ee.Field != tt.field || ee.Rule != tt.rule {
			t.Errorf("%s: %v, want field %s rule %s", tt.name, err, tt.field, tt.rule)
			continue
		}
		if !strings.HasPrefix(err.Error(), "register: ") {
			t.Errorf("%s: %q lacks the package prefix", tt.name, err)
		}
		assertNoLeak(t, err.Error())
		if it, en := ee.Message(language.Italian), ee.Message(language.English); it == en || !strings.Contains(it, tt.field) {
			t.Errorf("%s: messages %q and %q", tt.name, it, en)
		}
		if h, _ := mem.Head(ctx); h.Seq != 0 {
			t.Errorf("%s: stored", tt.name)
		}
	}
	// What the docs allow is accepted.
	l := openLog(t, newMem(), nil)
	ok := []register.Event{
		edit(func(e *register.Event) { e.Pseudonym = pseudo }),
		edit(func(e *register.Event) { e.Kind = "caller.own_kind2.sub" }),
		edit(func(e *register.Event) { e.Territory = "" }),
		event(register.KindRequestSubmitted, `{"appointment_at":"2026-03-10T10:00:00+01:00"}`),
		event(register.KindRequestSubmitted, `{"appointment_at":null,"other":"x"}`),
		event(register.KindRequestCompleted, `{}`),
		event(register.KindIncidentReported, `{"incident_kind":"physical_aggression"}`),
	}
	for _, o := range register.Outcomes() {
		ok = append(ok, event(register.KindRequestCompleted, `{"outcome":"`+o+`"}`))
	}
	for _, k := range register.IncidentKinds() {
		ok = append(ok, event(register.KindIncidentReported, `{"incident_kind":"`+k+`"}`))
	}
	for i, e := range ok {
		if _, err := l.Append(ctx, fmt.Sprint("s/", i), 0, e); err != nil {
			t.Errorf("event %d: %v", i, err)
		}
	}
	// The Log still writes its own access kind.
	sl := openLog(t, newMem(), &register.Options{Sealer: newKeyring(t)})
	p := event(register.KindRequestSubmitted, "")
	p.Personal = []byte("x")
	es := mustAppend(t, sl, "request/1", 0, p)
	if _, err := sl.Unseal(ctx, register.Access{Actor: operator, Purpose: "verifica"}, es[0]); err != nil {
		t.Fatalf("Unseal: %v", err)
	}
	if acc := collect(t, sl.Stream(ctx, register.AccessStream)); len(acc) != 1 || acc[0].Kind != register.KindAccess {
		t.Errorf("access log: %v", acc)
	}
}

// Log.Scan returns whole entries even when the caller's Filter carries the
// backend hint IndexOnly, on a backend that honours it.
func TestLogScanIgnoresIndexOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := openLog(t, &indexOnlyBackend{Register: newMem()}, nil)
	want := mustAppend(t, l, "request/1", 0, event(register.KindRequestSubmitted, `{"appointment_at":"2026-03-10T10:00:00Z"}`))
	got := collect(t, l.Scan(ctx, register.Filter{IndexOnly: true, BodyKinds: []string{"x.y"}}))
	if len(got) != 1 || got[0].Seq != want[0].Seq || !bytes.Equal(got[0].Hash, want[0].Hash) || string(got[0].Data) != string(want[0].Data) {
		t.Fatalf("Scan with IndexOnly = %v", got)
	}
}

// Every verification reason, and a VerifyError, is rendered through the
// catalog in Italian by default and in English, while the error string is
// English with the package prefix.
func TestVerifyMessages(t *testing.T) {
	t.Parallel()
	for r := register.ReasonUndecodable; r <= register.ReasonUnaccounted; r++ {
		it, en := r.Message(language.Italian), r.Message(language.English)
		def := r.Message(language.French)
		if it == "" || en == "" || it == en || def != it || strings.Contains(it, "%!") || strings.HasPrefix(it, "register.") {
			t.Errorf("reason %d: Italian %q, English %q, default %q", r, it, en, def)
		}
		if r.String() != strings.ToLower(r.String()) && r.String() == it {
			t.Errorf("reason %d: String is not the English log form", r)
		}
	}
	e := &register.VerifyError{Seq: 12, Reason: register.ReasonIndex, Field: "Kind"}
	if got := e.Error(); got != "register: tampered at entry 12: index columns disagree with the body (Kind)" {
		t.Errorf("Error() = %q", got)
	}
	if got := e.Message(language.Italian); got != "Registro alterato alla voce 12: le colonne indice non corrispondono al contenuto (Kind)." {
		t.Errorf("Italian = %q", got)
	}
	if got := e.Message(language.BritishEnglish); got != "Register tampered with at entry 12: the index columns disagree with the content (Kind)." {
		t.Errorf("English = %q", got)
	}
	if !errors.Is(e, register.ErrTampered) {
		t.Error("VerifyError does not match ErrTampered")
	}
	if _, err := guideline.NewCatalog(guideline.Messages(), register.Messages()); err != nil {
		t.Errorf("register.Messages does not join the guideline's catalog: %v", err)
	}
}

// The Log's validation of events never panics, refuses only with an
// EventError naming a field, and stores what it accepts unchanged.
func FuzzAppendValidation(f *testing.F) {
	f.Add("request/1", register.KindRequestSubmitted, "municipio-3", "op-1", "", `{"appointment_at":"2026-03-10T10:00:00Z"}`)
	f.Add("s\x00", "Request Submitted", "t\n", " ", "RSSMRA80A01F205X", `{"outcome":"x"}`)
	f.Add("\xff", "a..b", "", "", "", `{"incident_kind":7}`)
	f.Fuzz(func(t *testing.T, stream, kind, territory, actorID, pseudonym, data string) {
		ctx := context.Background()
		l, err := register.Open(ctx, newMem(), nil)
		if err != nil {
			t.Fatal(err)
		}
		ev := register.Event{Kind: kind, Territory: territory, Actor: register.Actor{Role: guideline.RoleOperator, ID: actorID},
			Pseudonym: register.Pseudonym(pseudonym), Data: []byte(data)}
		es, err := l.Append(ctx, stream, 0, ev)
		if err != nil {
			var ee *register.EventError
			if !errors.As(err, &ee) || ee.Field == "" || ee.Rule == "" {
				t.Fatalf("refused without an EventError: %v", err)
			}
			return
		}
		got := collect(t, l.Stream(ctx, stream))
		if len(got) != 1 || got[0].Stream != stream || got[0].Kind != kind || got[0].Territory != territory ||
			got[0].Actor.ID != actorID || !bytes.Equal(got[0].Hash, es[0].Hash) {
			t.Fatal("accepted event not stored unchanged")
		}
	})
}
