package notify_test

import (
	"errors"
	"html"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
)

func script() notify.CallScript {
	return notify.CallScript{
		Key:           "incident-42/call",
		To:            []notify.Recipient{{Role: guideline.RoleOperator, Name: "Luca Verdi", Phone: "+393331234567"}},
		Caller:        "Giulia Bianchi",
		Service:       "Servizio Sociale Professionale Territoriale",
		Venue:         guideline.Venue{Name: "Servizio Sociale Professionale Territoriale – Municipio 5", Address: "via Ciriè 9, Milano", Territory: "municipio-5"},
		Event:         notify.EventPhysicalAggression,
		PeoplePresent: 3,
		Injured:       true,
		Number:        guideline.MilanoOperationsCentrePhone,
	}
}

func TestCallScriptItalian(t *testing.T) {
	t.Parallel()
	m, err := script().Message(nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Priority != notify.Urgent || m.Key != "incident-42/call" || m.Kind != notify.KindCallScript || m.Language != language.Italian {
		t.Errorf("message header wrong: %v", m)
	}
	for _, want := range []string{
		"Chiami subito il Capo Turno della Centrale Operativa della Polizia Locale.",
		"Numero: 02 77270282",
		"tel:+390277270282",
		"zero due, sette sette, due sette, zero due, otto due",
		"«Parla Giulia Bianchi, Servizio Sociale Professionale Territoriale.",
		"L'indirizzo è via Ciriè 9, Milano (Servizio Sociale Professionale Territoriale – Municipio 5).",
		"È in corso un'aggressione fisica al personale.",
		"Sono presenti 3 persone.",
		"C'è almeno una persona ferita.",
		"pattuglia",
	} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if h := html.UnescapeString(m.HTML); !strings.Contains(h, `href="tel:+390277270282"`) || !strings.Contains(h, "C'è almeno una persona ferita.") {
		t.Errorf("HTML lacks the tel: link or the text:\n%s", m.HTML)
	}
	if strings.Contains(m.Text, "%!") || strings.Contains(m.HTML, "%!") {
		t.Errorf("formatting error in the output:\n%s", m.Text)
	}
}

func TestCallScriptEnglishAndPlural(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lang   language.Tag
		people int
		want   string
	}{
		{language.Italian, 0, "Non so quante persone siano presenti."},
		{language.Italian, 1, "È presente 1 persona."},
		{language.Italian, 2, "Sono presenti 2 persone."},
		{language.English, 0, "I do not know how many people are present."},
		{language.English, 1, "1 person is present."},
		{language.English, 12, "12 people are present."},
		{language.BritishEnglish, 2, "2 people are present."},
		{language.French, 2, "Sono presenti 2 persone."},
	}
	for _, tt := range tests {
		s := script()
		s.Language = tt.lang
		s.PeoplePresent = tt.people
		m, err := s.Message(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Text, tt.want) {
			t.Errorf("%v, %d people: text lacks %q:\n%s", tt.lang, tt.people, tt.want, m.Text)
		}
	}
	s := script()
	s.Language = language.English
	m, _ := s.Message(nil)
	for _, want := range []string{"zero two, seven seven, two seven, zero two, eight two", "Call the shift supervisor of the Local Police Operations Centre now."} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("English text lacks %q:\n%s", want, m.Text)
		}
	}
}

func TestCallScriptInvalid(t *testing.T) {
	t.Parallel()
	s := notify.CallScript{Caller: "Giulia Bianchi", Service: "  ", Number: "0277"}
	_, err := s.Message(nil)
	if !errors.Is(err, notify.ErrCallScript) {
		t.Fatalf("err = %v", err)
	}
	var ve *guideline.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a *guideline.ValidationError", err)
	}
	for _, f := range []struct{ path, rule string }{
		{"key", "required"}, {"to", "min"}, {"service", "notblank"}, {"venue.name", "notblank"},
		{"venue.address", "notblank"}, {"event", "event"}, {"number", "phone"},
	} {
		if !ve.Has(f.path, f.rule) {
			t.Errorf("error does not name %s (%s): %v", f.path, f.rule, err)
		}
	}
	if len(ve.Fields) != 7 {
		t.Errorf("%d fields reported, want 7: %v", len(ve.Fields), err)
	}
	for _, f := range ve.Fields {
		if strings.Contains(f.Italian, "non rispetta la regola") {
			t.Errorf("%s (%s) has no Italian message", f.Path, f.Rule)
		}
	}
	notifytest.AssertNoLeak(t, []string{"Giulia Bianchi", "0277"}, err.Error())
	c, err := guideline.NewCatalog(guideline.Messages())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := script().Message(c); !errors.Is(err, notify.ErrCallScript) {
		t.Errorf("catalog without notify's texts: err = %v", err)
	}
}

// The number is checked as guideline.Phone checks it: with its '+', so that
// its tel: URI dials it from any country; validator's "e164" would take it
// without.
func TestCallScriptNumber(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		number guideline.Phone
		ok     bool
	}{
		{guideline.MilanoOperationsCentrePhone, true},
		{"+39112", true},
		{"390277270282", false},
		{"+0277270282", false},
		{"+39 02 77270282", false},
		{"", false},
	} {
		s := script()
		s.Number = tt.number
		_, err := s.Message(nil)
		var ve *guideline.ValidationError
		if bad := errors.As(err, &ve) && ve.Has("number", ""); bad == tt.ok {
			t.Errorf("number %q: err = %v, want valid %v", tt.number, err, tt.ok)
		}
	}
}

func TestReadAloud(t *testing.T) {
	t.Parallel()
	it := notify.Catalog().Printer(language.Italian)
	en := notify.Catalog().Printer(language.English)
	tests := []struct {
		number  guideline.Phone
		italian string
		english string
	}{
		{"+390277270282", "zero due, sette sette, due sette, zero due, otto due", "zero two, seven seven, two seven, zero two, eight two"},
		{"+390111234567", "zero uno uno, uno due, tre quattro, cinque sei, sette", "zero one one, one two, three four, five six, seven"},
		{"+41446681800", "più, quattro uno, quattro quattro, sei sei, otto uno, otto zero, zero", "plus, four one, four four, six six, eight one, eight zero, zero"},
	}
	for _, tt := range tests {
		if got := notify.ReadAloud(it, tt.number); got != tt.italian {
			t.Errorf("ReadAloud(it, %s) = %q, want %q", tt.number, got, tt.italian)
		}
		if got := notify.ReadAloud(en, tt.number); got != tt.english {
			t.Errorf("ReadAloud(en, %s) = %q, want %q", tt.number, got, tt.english)
		}
	}
}

func TestMessagesRenderInBothLanguages(t *testing.T) {
	t.Parallel()
	c := notify.Catalog()
	it, en := c.Printer(language.Italian), c.Printer(language.English)
	for _, txt := range notify.Messages() {
		if !strings.HasPrefix(txt.Key, "notify.") {
			t.Errorf("key %q lacks the notify. prefix, and may collide", txt.Key)
		}
		args := []any{"A", "B"}
		if txt.Key == "notify.call.people" {
			args = []any{2}
		}
		i, e := it.Sprintf(txt.Key, args...), en.Sprintf(txt.Key, args...)
		if i == txt.Key || e == txt.Key || i == "" || e == "" {
			t.Errorf("key %q does not render: %q / %q", txt.Key, i, e)
		}
		if i == e && txt.Key != "notify.digit.0" {
			t.Errorf("key %q renders the same in Italian and English: %q", txt.Key, i)
		}
	}
}

// An emergency call script is never refused for a detail it does not use.
func TestCallScriptWithoutTerritory(t *testing.T) {
	t.Parallel()
	s := script()
	s.Venue.Territory = ""
	if _, err := s.Message(nil); err != nil {
		t.Fatalf("a venue without territory: %v", err)
	}
}
