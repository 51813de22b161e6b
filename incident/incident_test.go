package incident_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/notify/notifytest"
)

func reporter() incident.Staff {
	return incident.Staff{ID: "op-118", Name: "Giulia Bianchi", Role: guideline.RoleOperator, Phone: "+393331234567"}
}

func validIncident() incident.Incident {
	return incident.Incident{
		ID:            "incident/2026-000042",
		Kinds:         incident.NewKinds(incident.Threat, incident.Damage),
		Venue:         venue(),
		Reporter:      reporter(),
		StaffInvolved: []incident.Staff{{ID: "op-120", Name: "Luca Verdi"}},
		PeoplePresent: 4,
	}
}

func TestIncidentValid(t *testing.T) {
	t.Parallel()
	inc := validIncident()
	inc.Aggressor = aggressor()
	inc.Description = incident.NewPrivate(secretFacts + "\nPoi è uscito.\tFine.")
	if err := inc.Validate(); err != nil {
		t.Fatal(err)
	}
	// What a report needs at the least: nothing waits on a form.
	minimal := incident.Incident{Kinds: incident.NewKinds(incident.VerbalAggression),
		Venue: guideline.Venue{Name: "Sede", Address: "via Ciriè 9"}, Reporter: incident.Staff{ID: "1", Name: "G"}}
	if err := minimal.Validate(); err != nil {
		t.Errorf("minimal report refused: %v", err)
	}
	if minimal.Territory() != "" || inc.Territory() != "municipio-5" {
		t.Error("Territory wrong")
	}
}

// Every invalid field at once, by its path, with messages that name the
// field as a person knows it, never the value.
func TestIncidentInvalid(t *testing.T) {
	t.Parallel()
	inc := incident.Incident{
		ID:    "incident/26-1",
		Kinds: incident.NewKinds("insult"),
		Venue: guideline.Venue{Name: " ", Address: "via\nCiriè", Territory: "m\x005"},
		Reporter: incident.Staff{ID: "op\r\n1", Name: "Giulia Bianchi", Role: guideline.RolePatrol,
			Email: "giulia", Phone: "333", Endpoint: "ftp//x"},
		StaffInvolved: []incident.Staff{{ID: "a", Name: "Luca"}, {Name: "Anna\u2029"}},
		Aggressor: incident.Aggressor{
			Name:        incident.NewPrivate("Mario\nRossi"),
			TaxCode:     incident.NewPrivate("RSSMRA80"),
			Description: incident.NewPrivate(strings.Repeat("è", 2001)),
		},
		Description:   incident.NewPrivate("Mario Rossi \x00"),
		PeoplePresent: -1,
	}
	err := inc.Validate()
	ve := assertInvalid(t, err, incident.ErrInvalid, true,
		field{"id", "incidentid"}, field{"kinds", "kinds"},
		field{"venue.name", "notblank"}, field{"venue.address", "line"}, field{"venue.territory", "line"},
		field{"reporter.id", "line"}, field{"reporter.role", "reporter"}, field{"reporter.email", "email"},
		field{"reporter.phone", "phone"}, field{"reporter.endpoint", "url"},
		field{"staff_involved[1].id", "required"}, field{"staff_involved[1].name", "line"},
		field{"aggressor.name", "line"}, field{"aggressor.tax_code", "taxcode"}, field{"aggressor.description", "max"},
		field{"description", "text"}, field{"people_present", "gte"})
	notifytest.AssertNoLeak(t, append(secrets, "Giulia Bianchi", "Ciriè", "giulia"), err.Error())
	for _, f := range ve.Fields {
		notifytest.AssertNoLeak(t, append(secrets, "Ciriè", "giulia"), f.Italian, f.English)
	}
	// A sample of the wording.
	for path, it := range map[string]string{
		"venue.address":          "Indirizzo della sede: deve stare su una riga, senza caratteri di controllo o non validi",
		"staff_involved[1].id":   "Matricola del collega coinvolto n. 2: campo obbligatorio",
		"aggressor.description":  "Descrizione dell'aggressore: al massimo 2.000 caratteri",
		"people_present":         "Numero di persone presenti: non può essere inferiore a 0",
		"kinds":                  "Tipo di evento: indichi almeno uno tra aggressione verbale, aggressione fisica, minaccia, danneggiamento",
		"reporter.role":          "Ruolo di chi segnala: deve essere operatore dei servizi sociali o funzionario responsabile",
		"aggressor.tax_code":     "Codice fiscale dell'aggressore: deve essere un codice fiscale: 16 lettere e cifre, o 11 cifre",
		"staff_involved[1].name": "Nome del collega coinvolto n. 2: deve stare su una riga, senza caratteri di controllo o non validi",
	} {
		for _, f := range ve.Fields {
			if f.Path == path && f.Italian != it {
				t.Errorf("%s: Italian %q, want %q", path, f.Italian, it)
			}
		}
	}
	for _, f := range ve.Fields {
		if f.Path == "venue.address" && f.English != "Venue address: must be one line, without control or invalid characters" {
			t.Errorf("English: %q", f.English)
		}
	}
}

func TestIncidentLimits(t *testing.T) {
	t.Parallel()
	inc := validIncident()
	inc.StaffInvolved = make([]incident.Staff, 51)
	for i := range inc.StaffInvolved {
		inc.StaffInvolved[i] = incident.Staff{ID: "x", Name: "y"}
	}
	inc.PeoplePresent = 10001
	err := inc.Validate()
	var ve *guideline.ValidationError
	if !errors.As(err, &ve) || !ve.Has("staff_involved", "max") || !ve.Has("people_present", "lte") || len(ve.Fields) != 2 {
		t.Fatalf("err = %v", err)
	}
	for _, f := range ve.Fields {
		if f.Path == "staff_involved" && f.Italian != "Personale coinvolto: al massimo 50 elementi" {
			t.Errorf("Italian %q", f.Italian)
		}
		if f.Path == "people_present" && f.Italian != "Numero di persone presenti: non può essere superiore a 10.000" {
			t.Errorf("Italian %q", f.Italian)
		}
	}
}

func TestStaff(t *testing.T) {
	t.Parallel()
	s := incident.Staff{ID: "op-1", Name: "Giulia", Email: "g@comune.milano.it", Phone: "+393331234567"}
	if s.GuidelineRole() != guideline.RoleOperator {
		t.Errorf("role %s", s.GuidelineRole())
	}
	r := s.Recipient()
	if r.Role != guideline.RoleOperator || r.Name != "Giulia" || r.Email != s.Email || r.Phone != "+393331234567" {
		t.Errorf("Recipient = %#v", r)
	}
	s.Role = guideline.RoleResponsibleOfficial
	if s.Recipient().Role != guideline.RoleResponsibleOfficial {
		t.Error("role not kept")
	}
}

func TestIncidentPersonal(t *testing.T) {
	t.Parallel()
	inc := validIncident()
	if b, err := inc.Personal(); err != nil || b != nil {
		t.Errorf("no personal data: %q, %v", b, err)
	}
	inc.Aggressor = aggressor()
	inc.Description = incident.NewPrivate("descrizione")
	b, err := inc.Personal()
	if err != nil || !bytes.Contains(b, []byte(secretCode)) {
		t.Fatalf("Personal = %q, %v", b, err)
	}
	var back incident.Incident
	if err := back.SetPersonal(b); err != nil {
		t.Fatal(err)
	}
	if back.Aggressor.Name.Reveal() != secretName || back.Aggressor.TaxCode.Reveal() != secretCode ||
		back.Aggressor.Description.Reveal() != secretFacts || back.Description.Reveal() != "descrizione" {
		t.Errorf("round trip lost data")
	}
	if err := back.SetPersonal(nil); err != nil || !back.Aggressor.IsZero() || !back.Description.IsZero() {
		t.Errorf("SetPersonal(nil) = %v", err)
	}
	for _, bad := range []string{`{"aggressor":{"nome":"Mario Rossi"}}`, `{"description":"Mario Rossi"} x`, `Mario Rossi`, `[]`} {
		err := back.SetPersonal([]byte(bad))
		if !errors.Is(err, incident.ErrPersonal) {
			t.Errorf("SetPersonal(%s) = %v", bad, err)
		} else {
			notifytest.AssertNoLeak(t, secrets, err.Error())
		}
	}
}

func TestIncidentLogValue(t *testing.T) {
	t.Parallel()
	inc := validIncident()
	inc.Aggressor = aggressor()
	var b bytes.Buffer
	slog.New(slog.NewJSONHandler(&b, nil)).Info("reported", "incident", inc)
	var rec struct {
		Incident map[string]any `json:"incident"`
	}
	if err := json.Unmarshal(b.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Incident["id"] != "incident/2026-000042" || rec.Incident["kinds"] != "threat+damage" || rec.Incident["aggressor_known"] != true {
		t.Errorf("log = %s", b.String())
	}
	notifytest.AssertNoLeak(t, append(secrets, "Giulia Bianchi"), b.String())
}

const report = `{
  "kinds": ["physical_aggression", "threat"],
  "venue": {"name": "Servizio Sociale Professionale Territoriale – Municipio 5", "address": "via Ciriè 9, Milano", "territory": "municipio-5"},
  "reporter": {"id": "op-118", "name": "Giulia Bianchi", "phone": "+393331234567"},
  "aggressor": {"name": "Mario Rossi", "tax_code": "RSSMRA80A01F205X"},
  "description": "ha colpito Giulia con una sedia",
  "injured": true,
  "people_present": 3
}`

func TestParseIncident(t *testing.T) {
	t.Parallel()
	inc, err := incident.ParseIncident([]byte(report))
	if err != nil {
		t.Fatal(err)
	}
	if inc.Kinds.Primary() != incident.PhysicalAggression || inc.Aggressor.TaxCode.Reveal() != secretCode ||
		inc.Description.Reveal() != secretFacts || !inc.Injured || inc.PeoplePresent != 3 || inc.Reporter.ID != "op-118" {
		t.Errorf("decoded wrongly: %+v", inc)
	}
	tests := []struct {
		name  string
		in    string
		is    error
		field string
	}{
		{"unknown field named after a person", `{"Mario Rossi": 1}`, incident.ErrReport, ""},
		{"malformed", `{"kinds": [`, incident.ErrReport, ""},
		{"syntax", `{"kinds" "Mario Rossi"}`, incident.ErrReport, ""},
		{"trailing", report + ` {"Mario Rossi": 1}`, incident.ErrReport, ""},
		{"not an object", `"Mario Rossi"`, incident.ErrReport, ""},
		{"wrong type", strings.Replace(report, `"people_present": 3`, `"people_present": "tre"`, 1), incident.ErrInvalid, "people_present"},
		{"placeholder", strings.Replace(report, `"Mario Rossi"`, `"[redacted]"`, 1), incident.ErrRedacted, ""},
		{"unknown kind", strings.Replace(report, `"threat"`, `"Mario Rossi"`, 1), incident.ErrInvalid, "kinds"},
		{"too large", `{"description":"` + strings.Repeat("x", incident.MaxReportSize) + `"}`, incident.ErrReport, ""},
		{"empty", ``, incident.ErrReport, ""},
	}
	for _, tt := range tests {
		_, err := incident.ParseIncident([]byte(tt.in))
		if !errors.Is(err, tt.is) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.is)
			continue
		}
		notifytest.AssertNoLeak(t, append(secrets, "tre"), err.Error())
		if !strings.HasPrefix(err.Error(), "incident: ") {
			t.Errorf("%s: error lacks the prefix: %v", tt.name, err)
		}
		if tt.field != "" {
			var ve *guideline.ValidationError
			if !errors.As(err, &ve) || !ve.Has(tt.field, "") {
				t.Errorf("%s: err = %v, want the field %s", tt.name, err, tt.field)
			}
		}
	}
	// A field of the wrong type is reported with the other invalid fields.
	_, err = incident.ParseIncident([]byte(`{"people_present": "tre", "venue": {"name": "x"}}`))
	var ve *guideline.ValidationError
	if !errors.As(err, &ve) || !ve.Has("people_present", "type") || !ve.Has("venue.address", "notblank") || !ve.Has("kinds", "kinds") {
		t.Errorf("err = %v", err)
	} else {
		assertLabelled(t, ve)
	}
}

// Decoding and validating any input never panics, never accepts an
// invalid incident, and never repeats the input in an error.
func FuzzParseIncident(f *testing.F) {
	f.Add([]byte(report))
	f.Add([]byte(`{"kinds":["threat"],"venue":{"name":"a","address":"b"},"reporter":{"id":"1","name":"x"}}`))
	f.Add([]byte(`{"kinds":["threat"],"staff_involved":[{"id":"\u0000"}],"aggressor":{"tax_code":"RSSMRA80A01F205X"}}`))
	f.Add([]byte(`{"id":"incident/2026-000001","people_present":1e99}`))
	f.Add([]byte(`{"description":"[redacted]"}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		inc, err := incident.ParseIncident(data)
		if err != nil {
			if len(data) >= 12 && strings.Contains(err.Error(), string(data)) {
				t.Errorf("error repeats the input: %v", err)
			}
			return
		}
		if err := inc.Validate(); err != nil {
			t.Fatalf("ParseIncident accepted what Validate refuses: %v", err)
		}
		if _, err := inc.Personal(); err != nil {
			t.Fatalf("Personal: %v", err)
		}
		a := incident.Alert{Key: "k", To: []incident.Staff{{ID: "x", Name: "y"}}, Incident: inc, Number: guideline.MilanoOperationsCentrePhone}
		if _, err := a.Message(nil); err != nil {
			t.Fatalf("a valid incident's alert: %v", err)
		}
	})
}
