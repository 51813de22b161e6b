package notify_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
)

const (
	knownName = "Mariarosa Brambilla"
	knownCF   = "BRMMRS80A41F205X"
)

func personal() notify.Message {
	return notify.Message{
		Key:      "request-7/submitted",
		Kind:     "request.submitted",
		Priority: notify.Urgent,
		To: []notify.Recipient{
			{Role: guideline.RolePoliceCommand, Name: "Comando", Email: "comando@example.org"},
			{Role: guideline.RoleAreaDirector, Name: knownName, Phone: "+393331234567"},
		},
		Subject:     "Richiesta per " + knownName,
		Text:        "Utente: " + knownName + ", codice fiscale " + knownCF,
		HTML:        "<p>" + knownCF + "</p>",
		Attachments: []notify.Attachment{{Name: knownCF + ".ics", Data: []byte(knownName)}},
		Personal:    true,
	}
}

func TestMessageNeverPrintsPersonalData(t *testing.T) {
	t.Parallel()
	m := personal()
	secrets := []string{knownName, knownCF, "comando@example.org", "+393331234567"}
	notifytest.AssertMessageNoLeak(t, secrets, m)
	notifytest.AssertNoLeak(t, secrets,
		fmt.Sprint(m.To), fmt.Sprintf("%+v", m.To[1]), fmt.Sprintf("%#v", m.To),
		fmt.Sprintf("%+v", m.Attachments), fmt.Sprintf("%#v", m.Attachments[0]),
		fmt.Errorf("invio di %v: %w", m, errors.New("x")).Error())
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("invio", "message", m, "to", m.To[1], "attachment", m.Attachments[0])
	notifytest.AssertNoLeak(t, secrets, buf.String())
	// What the redacted forms do show.
	for _, want := range []string{`"kind":"request.submitted"`, `"key":"request-7/submitted"`, `"priority":"urgent"`, `"recipients":2`, `"roles":["police_command","area_director"]`, `"channels":["phone"]`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log lacks %s: %s", want, buf.String())
		}
	}
	if s := m.String(); !strings.Contains(s, "request-7/submitted") || !strings.Contains(s, "recipients=2") {
		t.Errorf("String = %s", s)
	}
}

// TestAssertMessageNoLeakCatchesLeak shows the helper fails on a type
// that prints its fields.
func TestAssertNoLeakCatchesLeak(t *testing.T) {
	t.Parallel()
	type leaky struct{ Name string }
	tb := &failTB{TB: t}
	notifytest.AssertNoLeak(tb, []string{knownName}, fmt.Sprintf("%+v", leaky{knownName}))
	if !tb.failed {
		t.Error("AssertNoLeak did not catch a leak")
	}
}

type failTB struct {
	testing.TB
	failed bool
}

func (f *failTB) Helper()               {}
func (f *failTB) Errorf(string, ...any) { f.failed = true }

// holder nests messages, recipients and attachments in the fields of a
// struct, as an integrator's own types do.
type holder struct {
	ID          int
	Batch       []notify.Message
	Next        *notify.Message
	ByKey       map[string]notify.Message
	Addressee   notify.Recipient
	Recipients  map[string][]notify.Recipient
	Attachments []notify.Attachment
}

// TestContainersNeverPrintPersonalData logs messages, recipients and
// attachments inside slices, maps and struct fields every way a program
// does: LogValue is not applied to the elements of a container, so each
// type must redact itself under encoding/json and fmt as well.
func TestContainersNeverPrintPersonalData(t *testing.T) {
	t.Parallel()
	m := personal()
	secrets := []string{
		knownName, knownCF, "comando@example.org", "+393331234567",
		base64.StdEncoding.EncodeToString([]byte(knownName)),
	}
	containers := []struct {
		name  string
		value any
		// show is what the redacted form still shows, to check the value
		// was printed at all.
		show string
	}{
		{"[]Message", []notify.Message{m, m}, "request-7/submitted"},
		{"[]*Message", []*notify.Message{&m}, "request-7/submitted"},
		{"map[string]Message", map[string]notify.Message{"a": m}, "request-7/submitted"},
		{"[]Recipient", m.To, "area_director"},
		{"map[string]Recipient", map[string]notify.Recipient{"r": m.To[1]}, "area_director"},
		{"[]Attachment", m.Attachments, "size"},
		{"nested struct", holder{
			ID: 1, Batch: []notify.Message{m}, Next: &m,
			ByKey:       map[string]notify.Message{"k": m},
			Addressee:   m.To[1],
			Recipients:  map[string][]notify.Recipient{"all": m.To},
			Attachments: m.Attachments,
		}, "request-7/submitted"},
		{"*nested struct", &holder{Batch: []notify.Message{m}}, "request-7/submitted"},
	}
	loggers := []struct {
		name  string
		print func(v any) string
	}{
		{"slog text", func(v any) string {
			var b bytes.Buffer
			slog.New(slog.NewTextHandler(&b, nil)).Info("invio", "v", v)
			return b.String()
		}},
		{"slog JSON", func(v any) string {
			var b bytes.Buffer
			slog.New(slog.NewJSONHandler(&b, nil)).Info("invio", "v", v)
			return b.String()
		}},
		{"encoding/json", func(v any) string {
			b, err := json.Marshal(v)
			if err != nil {
				return "error: " + err.Error()
			}
			return string(b)
		}},
		{"encoding/json indent", func(v any) string {
			b, _ := json.MarshalIndent(v, "", "  ")
			return string(b)
		}},
		{"%v", func(v any) string { return fmt.Sprintf("%v", v) }},
		{"%+v", func(v any) string { return fmt.Sprintf("%+v", v) }},
		{"%#v", func(v any) string { return fmt.Sprintf("%#v", v) }},
		{"%s", func(v any) string { return fmt.Sprintf("%s", v) }},
	}
	for _, c := range containers {
		for _, l := range loggers {
			t.Run(c.name+"/"+l.name, func(t *testing.T) {
				t.Parallel()
				out := l.print(c.value)
				notifytest.AssertNoLeak(t, secrets, out)
				if !strings.Contains(out, c.show) {
					t.Errorf("the redacted form lacks %q", c.show)
				}
			})
		}
	}
}

// TestMessageJSONIsTheRedactedSummary pins what encoding/json writes for
// a Message, a Recipient and an Attachment: the fields of their LogValue.
func TestMessageJSONIsTheRedactedSummary(t *testing.T) {
	t.Parallel()
	m := personal()
	for _, tt := range []struct {
		v    any
		want string
	}{
		{m, `{"kind":"request.submitted","key":"request-7/submitted","priority":"urgent","recipients":2,"roles":["police_command","area_director"],"personal":true}`},
		{m.To[0], `{"role":"police_command","channels":["email"]}`},
		{m.Attachments[0], `{"type":"","size":19}`},
		{notify.Message{}, `{"kind":"","key":"","priority":"normal","recipients":0,"roles":[],"personal":false}`},
	} {
		b, err := json.Marshal(tt.v)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("json.Marshal = %s, want %s", b, tt.want)
		}
	}
}
