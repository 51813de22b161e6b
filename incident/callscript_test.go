package incident_test

import (
	"errors"
	"html"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
)

func script() incident.CallScript {
	return incident.CallScript{
		Key:           "incident/2026-000042/call",
		To:            []notify.Recipient{{Role: guideline.RoleOperator, Name: "Luca Verdi", Phone: "+393331234567"}},
		Caller:        "Giulia Bianchi",
		Service:       "Servizio Sociale Professionale Territoriale",
		Venue:         venue(),
		Kinds:         incident.NewKinds(incident.PhysicalAggression),
		PeoplePresent: 3,
		Injured:       true,
		Number:        guideline.MilanoOperationsCentrePhone,
	}
}

func venue() guideline.Venue {
	return guideline.Venue{Name: "Servizio Sociale Professionale Territoriale – Municipio 5", Address: "via Ciriè 9, Milano", Territory: "municipio-5"}
}

func TestCallScriptItalian(t *testing.T) {
	t.Parallel()
	m, err := script().Message(nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Priority != notify.Urgent || m.Key != "incident/2026-000042/call" || m.Kind != incident.KindCallScript || m.Language != language.Italian {
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

// Every kind of the set is said, the most severe first.
func TestCallScriptSeveralKinds(t *testing.T) {
	t.Parallel()
	s := script()
	s.Kinds = incident.NewKinds(incident.Damage, incident.Threat)
	m, err := s.Message(nil)
	if err != nil {
		t.Fatal(err)
	}
	threat := strings.Index(m.Text, "Il personale è stato minacciato.")
	damage := strings.Index(m.Text, "Sono in corso danneggiamenti alla sede.")
	if threat < 0 || damage < 0 || threat > damage {
		t.Errorf("want the threat, then the damage:\n%s", m.Text)
	}
	if strings.Contains(m.Text, "aggressione") {
		t.Errorf("a kind not in the set is said:\n%s", m.Text)
	}
}

func TestCallScriptDirect(t *testing.T) {
	t.Parallel()
	s := script()
	s.Direct = true
	m, err := s.Message(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Subject, "nessun collega ha confermato") ||
		!strings.HasPrefix(m.Text, "Nessun collega ha confermato l'allarme: chiami Lei, subito,") {
		t.Errorf("direct call script: %q\n%s", m.Subject, m.Text)
	}
	plain, _ := script().Message(nil)
	if plain.Subject == m.Subject {
		t.Error("the direct call script has the plain subject")
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
	s := incident.CallScript{Caller: "Giulia Bianchi", Service: "  ", Number: "0277"}
	_, err := s.Message(nil)
	assertInvalid(t, err, incident.ErrCallScript, true,
		field{"key", "required"}, field{"to", "min"}, field{"service", "notblank"}, field{"venue.name", "notblank"},
		field{"venue.address", "notblank"}, field{"kinds", "kinds"}, field{"number", "phone"})
	if !strings.HasPrefix(err.Error(), "incident: ") {
		t.Errorf("error lacks the package prefix: %v", err)
	}
	notifytest.AssertNoLeak(t, []string{"Giulia Bianchi", "0277"}, err.Error())
	c, err := guideline.NewCatalog(guideline.Messages())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := script().Message(c); !errors.Is(err, incident.ErrCatalog) {
		t.Errorf("catalog without incident's texts: err = %v", err)
	}
}

// assertLabelled fails if a field's message is the validator's fallback or
// names the field by its JSON path rather than as a person knows it.
// Defect 8 of issue 7: the call script refused nothing that would break a
// header or a phone's display (a CR/LF in the key, NUL or invalid UTF-8 in
// the caller's name); the adapters refused them later, less clearly. Every
// string field is checked at the source, with a typed field error.
func TestCallScriptRefusesControlCharacters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(*incident.CallScript)
		field string
	}{
		{"CRLF in key", func(s *incident.CallScript) { s.Key = "k\r\nBcc: x@y" }, "key"},
		{"tab in key", func(s *incident.CallScript) { s.Key = "k\tk" }, "key"},
		{"NUL in caller", func(s *incident.CallScript) { s.Caller = "Giulia\x00Bianchi" }, "caller"},
		{"invalid UTF-8 in caller", func(s *incident.CallScript) { s.Caller = "Giulia \xff" }, "caller"},
		{"LF in service", func(s *incident.CallScript) { s.Service = "Servizio\nSociale" }, "service"},
		{"line separator in venue name", func(s *incident.CallScript) { s.Venue.Name = "Sede\u2028due" }, "venue.name"},
		{"CR in venue address", func(s *incident.CallScript) { s.Venue.Address = "via Ciriè 9\rMilano" }, "venue.address"},
		{"bidi override in territory", func(s *incident.CallScript) { s.Venue.Territory = "municipio-\u202e5" }, "venue.territory"},
		{"LF in a recipient's name", func(s *incident.CallScript) { s.To[0].Name = "Luca\nBcc: x@y" }, "to[0].name"},
		{"NUL in a recipient's e-mail", func(s *incident.CallScript) { s.To[0].Email = "a@b.it\x00" }, "to[0].email"},
		{"invalid UTF-8 in a recipient's phone", func(s *incident.CallScript) { s.To[0].Phone = "+39\xfe" }, "to[0].phone"},
		{"CRLF in a recipient's endpoint", func(s *incident.CallScript) { s.To[0].Endpoint = "https://x.it/\r\n" }, "to[0].endpoint"},
		{"unknown role of a recipient", func(s *incident.CallScript) { s.To[0].Role = "capo" }, "to[0].role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := script()
			s.To = append([]notify.Recipient(nil), s.To...)
			tt.edit(&s)
			_, err := s.Message(nil)
			var ve *guideline.ValidationError
			if !errors.Is(err, incident.ErrCallScript) || !errors.As(err, &ve) {
				t.Fatalf("err = %v, want ErrCallScript with a *guideline.ValidationError", err)
			}
			if !ve.Has(tt.field, "") || len(ve.Fields) != 1 {
				t.Errorf("err = %v, want one error on %s", err, tt.field)
			}
			assertLabelled(t, ve)
			notifytest.AssertNoLeak(t, []string{"Bcc", "Bianchi", "Milano", "Sociale"}, err.Error())
		})
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
	it := incident.Catalog().Printer(language.Italian)
	en := incident.Catalog().Printer(language.English)
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
		if got := incident.ReadAloud(it, tt.number); got != tt.italian {
			t.Errorf("ReadAloud(it, %s) = %q, want %q", tt.number, got, tt.italian)
		}
		if got := incident.ReadAloud(en, tt.number); got != tt.english {
			t.Errorf("ReadAloud(en, %s) = %q, want %q", tt.number, got, tt.english)
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

// Any strings in a call script either are refused with field errors or
// give a message whose key and subject are one line: never a panic, never
// a header broken at the source.
func FuzzCallScript(f *testing.F) {
	f.Add("incident/2026-000001/call", "Giulia Bianchi", "Servizio", "Sede", "via Ciriè 9", "Luca", "+390277270282", 3)
	f.Add("k\r\nBcc: x@y", "Giulia\x00", "\xff", "Sede\u2028", "", "Luca\n", "0277", -1)
	f.Fuzz(func(t *testing.T, key, caller, service, name, address, recipient, number string, people int) {
		s := incident.CallScript{
			Key: key, Caller: caller, Service: service,
			To:            []notify.Recipient{{Role: guideline.RoleOperator, Name: recipient, Phone: "+393331234567"}},
			Venue:         guideline.Venue{Name: name, Address: address},
			Kinds:         incident.NewKinds(incident.Threat),
			PeoplePresent: people,
			Number:        guideline.Phone(number),
		}
		m, err := s.Message(nil)
		if err != nil {
			var ve *guideline.ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) == 0 {
				t.Fatalf("err = %v, want field errors", err)
			}
			return
		}
		if strings.ContainsAny(m.Key+m.Subject+m.To[0].Name, "\r\n\x00") {
			t.Errorf("a control character reached the message")
		}
	})
}
