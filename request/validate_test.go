package request_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/request"
)

func validationError(t *testing.T, err error) *guideline.ValidationError {
	t.Helper()
	var ve *guideline.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v is not a *guideline.ValidationError", err)
	}
	if !errors.Is(err, guideline.ErrInvalid) {
		t.Fatalf("error does not match guideline.ErrInvalid")
	}
	return ve
}

func TestValidRequest(t *testing.T) {
	t.Parallel()
	g := milano(t)
	if err := valid().Validate(g, sentAt); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	// A lower-case code with spaces around it is the same code.
	p := valid()
	p.ServiceUser.PersonalData.CodiceFiscale = request.CodiceFiscale(" " + strings.ToLower(knownCode) + " ")
	if err := p.Validate(g, sentAt); err != nil {
		t.Fatalf("lower-case code: %v", err)
	}
	// An omocodic code of the same person is accepted.
	p.ServiceUser.PersonalData.CodiceFiscale = request.CodiceFiscale(genOmocodic(knownCode, 2))
	if err := p.Validate(g, sentAt); err != nil {
		t.Fatalf("omocodic code: %v", err)
	}
}

// Each rule: the change that breaks it, the field, the rule and the exact
// Italian and English messages.
func TestValidationRules(t *testing.T) {
	t.Parallel()
	g := milano(t)
	for _, tc := range []struct {
		name             string
		change           func(*request.Preventive)
		path, rule       string
		italian, english string
	}{
		{"id", func(p *request.Preventive) { p.ID = "2026-123" }, "id", "request_id",
			"Numero della richiesta deve avere la forma request/AAAA-NNNNNN, per esempio request/2026-000123",
			"Request number must have the form request/YYYY-NNNNNN, such as request/2026-000123"},
		{"given name", func(p *request.Preventive) { p.ServiceUser.PersonalData.GivenName = "  " },
			"service_user.personal_data.given_name", "notblank",
			"Nome: campo obbligatorio, non può contenere solo spazi", "Given name: required field, must not be only spaces"},
		{"birth date in the future", func(p *request.Preventive) {
			d := &p.ServiceUser.PersonalData
			d.BirthDate = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
			d.CodiceFiscale = request.CodiceFiscale(genCF(d.FamilyName, d.GivenName, d.BirthDate, d.Sex, "F205"))
		}, "service_user.personal_data.birth_date", "past",
			"Data di nascita deve essere nel passato", "Date of birth must be in the past"},
		{"birth place too long", func(p *request.Preventive) { p.ServiceUser.PersonalData.BirthPlace = strings.Repeat("à", 101) },
			"service_user.personal_data.birth_place", "maxchars",
			"Luogo di nascita: al massimo 100 caratteri", "Place of birth: at most 100 characters"},
		{"birth date", func(p *request.Preventive) { p.ServiceUser.PersonalData.BirthDate = time.Time{} },
			"service_user.personal_data.birth_date", "required",
			"Data di nascita: campo obbligatorio", "Date of birth: required field"},
		{"birth place", func(p *request.Preventive) { p.ServiceUser.PersonalData.BirthPlace = "" },
			"service_user.personal_data.birth_place", "notblank",
			"Luogo di nascita: campo obbligatorio, non può contenere solo spazi", "Place of birth: required field, must not be only spaces"},
		{"sex", func(p *request.Preventive) { p.ServiceUser.PersonalData.Sex = "X" },
			"service_user.personal_data.sex", "sex",
			"Sesso deve essere M o F, come nel codice fiscale", "Sex must be M or F, as on the codice fiscale"},
		{"codice fiscale missing", func(p *request.Preventive) { p.ServiceUser.PersonalData.CodiceFiscale = "" },
			"service_user.personal_data.codice_fiscale", "required",
			"Codice fiscale: campo obbligatorio", "Codice fiscale (tax code): required field"},
		{"codice fiscale short", func(p *request.Preventive) { p.ServiceUser.PersonalData.CodiceFiscale = "ZNZRNG75D25F205" },
			"service_user.personal_data.codice_fiscale", "codice_fiscale",
			"Codice fiscale deve avere 16 caratteri", "Codice fiscale (tax code) must have 16 characters"},
		{"codice fiscale character", func(p *request.Preventive) {
			p.ServiceUser.PersonalData.CodiceFiscale = request.CodiceFiscale(knownCode[:6] + "7A" + knownCode[8:])
		}, "service_user.personal_data.codice_fiscale", "codice_fiscale",
			"Codice fiscale contiene un carattere non ammesso in posizione 8",
			"Codice fiscale (tax code) has a character that is not allowed at position 8"},
		{"codice fiscale month", func(p *request.Preventive) {
			p.ServiceUser.PersonalData.CodiceFiscale = request.CodiceFiscale(knownCode[:8] + "Z" + knownCode[9:])
		}, "service_user.personal_data.codice_fiscale", "codice_fiscale",
			"Codice fiscale: la lettera del mese di nascita (il nono carattere) non è valida",
			"Codice fiscale (tax code): the letter of the month of birth (the ninth character) is not valid"},
		{"codice fiscale check", func(p *request.Preventive) {
			last := "A"
			if knownCode[15] == 'A' {
				last = "B"
			}
			p.ServiceUser.PersonalData.CodiceFiscale = request.CodiceFiscale(knownCode[:15] + last)
		}, "service_user.personal_data.codice_fiscale", "codice_fiscale",
			"Codice fiscale: il carattere di controllo non corrisponde; verifichi di averlo trascritto correttamente",
			"Codice fiscale (tax code): the check character does not match; please check that it was copied correctly"},
		{"codice fiscale of someone else", func(p *request.Preventive) { p.ServiceUser.PersonalData.FamilyName = "Brambilla" },
			"service_user.personal_data.codice_fiscale", "codice_fiscale",
			"Codice fiscale non corrisponde al cognome", "Codice fiscale (tax code) does not match the family name"},
		{"codice fiscale other sex", func(p *request.Preventive) { p.ServiceUser.PersonalData.Sex = request.SexFemale },
			"service_user.personal_data.codice_fiscale", "codice_fiscale",
			"Codice fiscale non corrisponde al sesso", "Codice fiscale (tax code) does not match the sex"},
		{"residence", func(p *request.Preventive) { p.ServiceUser.PersonalData.Residence = "" },
			"service_user.personal_data.residence", "notblank",
			"Residenza: campo obbligatorio, non può contenere solo spazi", "Residence: required field, must not be only spaces"},
		{"kind", func(p *request.Preventive) { p.Appointment.Kind = "visit" }, "appointment.kind", "appointment_kind",
			"Tipo di appuntamento deve essere un colloquio programmato o un ricevimento di utenza",
			"Type of appointment must be a scheduled interview or a reception of the public"},
		{"start missing", func(p *request.Preventive) { p.Appointment.Start = time.Time{} }, "appointment.start", "required",
			"Data del colloquio: campo obbligatorio", "Date of the interview: required field"},
		{"start past", func(p *request.Preventive) { p.Appointment.Start = sentAt.Add(-time.Minute) }, "appointment.start", "future",
			"Data del colloquio deve essere nel futuro", "Date of the interview must be in the future"},
		{"reception past", func(p *request.Preventive) {
			p.Appointment.Kind = request.Reception
			p.Appointment.Start = sentAt
		}, "appointment.start", "future",
			"Data del ricevimento deve essere nel futuro", "Date of the reception must be in the future"},
		{"duration", func(p *request.Preventive) { p.Appointment.Duration = guideline.Duration(13 * time.Hour) },
			"appointment.expected_duration", "expected_duration",
			"Durata prevista deve essere compresa tra 1 minuto e 12 ore", "Expected duration must be between 1 minute and 12 hours"},
		{"venue", func(p *request.Preventive) { p.Appointment.Venue.Name = "" }, "appointment.venue.name", "notblank",
			"Sede: campo obbligatorio, non può contenere solo spazi", "Venue: required field, must not be only spaces"},
		{"venue address", func(p *request.Preventive) { p.Appointment.Venue.Address = strings.Repeat("x", 301) },
			"appointment.venue.address", "max",
			"Indirizzo della sede: al massimo 300 caratteri", "Address of the venue: at most 300 characters"},
		{"territory missing", func(p *request.Preventive) { p.Appointment.Venue.Territory = "" },
			"appointment.venue.territory", "required",
			"Territorio: campo obbligatorio", "Territory: required field"},
		{"territory unknown", func(p *request.Preventive) { p.Appointment.Venue.Territory = "municipio-10" },
			"appointment.venue.territory", "territory",
			"Territorio deve essere uno dei territori previsti dalle linee guida", "Territory must be one of the territories of the guideline"},
		{"role", func(p *request.Preventive) { p.RequestedBy.Role = guideline.RoleOperator }, "requested_by.role", "requesting_role",
			"Ruolo del richiedente deve essere il Funzionario P.O. responsabile del Servizio Sociale Professionale competente per territorio",
			"Role of the requester must be the official (P.O.) responsible for the Professional Social Service of the territory"},
		{"official id", func(p *request.Preventive) { p.RequestedBy.ID = "" }, "requested_by.id", "notblank",
			"Matricola del funzionario: campo obbligatorio, non può contenere solo spazi",
			"Official's staff number: required field, must not be only spaces"},
		{"official e-mail", func(p *request.Preventive) { p.RequestedBy.Email = "lucia.ferri" }, "requested_by.email", "email",
			"Posta elettronica del funzionario deve essere un indirizzo di posta elettronica valido",
			"Official's e-mail address must be a valid e-mail address"},
		{"facts short", func(p *request.Preventive) { p.Facts = "Ha minacciato l'assistente sociale." }, "facts", "facts",
			"Descrizione dei fatti deve contenere tra 50 e 4000 caratteri: una sintesi che permetta di valutare la richiesta",
			"Summary of the facts must hold between 50 and 4000 characters: a summary from which the request can be judged"},
		{"facts blank", func(p *request.Preventive) { p.Facts = request.Facts(strings.Repeat(" ", 60)) }, "facts", "facts",
			"Descrizione dei fatti deve contenere tra 50 e 4000 caratteri: una sintesi che permetta di valutare la richiesta",
			"Summary of the facts must hold between 50 and 4000 characters: a summary from which the request can be judged"},
		{"risk factor unknown", func(p *request.Preventive) { p.RiskFactors = []request.RiskFactor{request.RiskThreats, "anger"} },
			"risk_factors[1]", "risk_factor",
			"Fattori di rischio, voce 2 deve essere uno dei fattori di rischio dell'elenco",
			"Risk factors, item 2 must be one of the listed risk factors"},
		{"risk factor repeated", func(p *request.Preventive) {
			p.RiskFactors = []request.RiskFactor{request.RiskThreats, request.RiskThreats}
		},
			"risk_factors", "unique",
			"Fattori di rischio: ogni voce può comparire una sola volta", "Risk factors: each item may appear only once"},
		{"other risk factors", func(p *request.Preventive) { p.OtherRiskFactors = request.Note(strings.Repeat("è", 1001)) },
			"other_risk_factors", "maxchars",
			"Altri fattori di rischio: al massimo 1.000 caratteri", "Other risk factors: at most 1,000 characters"},
		{"short notice without reason", func(p *request.Preventive) { p.Appointment.Start = time.Date(2026, 3, 4, 10, 0, 0, 0, rome) },
			"urgency_reason", "urgency_reason",
			"Motivo dell'urgenza è obbligatorio quando il preavviso è inferiore al minimo previsto: il preavviso è di 2 giorni lavorativi, il minimo è di 3 giorni lavorativi",
			"Reason for urgency is required when the notice is shorter than the minimum: the notice is 2 working days, the minimum is 3 working days"},
		{"same day without reason", func(p *request.Preventive) { p.Appointment.Start = sentAt.Add(3 * time.Hour) },
			"urgency_reason", "urgency_reason",
			"Motivo dell'urgenza è obbligatorio quando il preavviso è inferiore al minimo previsto: il preavviso è di 0 giorni lavorativi, il minimo è di 3 giorni lavorativi",
			"Reason for urgency is required when the notice is shorter than the minimum: the notice is 0 working days, the minimum is 3 working days"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := valid()
			tc.change(&p)
			ve := validationError(t, p.Validate(g, sentAt))
			if len(ve.Fields) != 1 {
				t.Fatalf("%d errors, want 1: %v", len(ve.Fields), ve)
			}
			f := ve.Fields[0]
			if f.Path != tc.path || f.Rule != tc.rule {
				t.Errorf("field %s rule %s, want %s %s", f.Path, f.Rule, tc.path, tc.rule)
			}
			if f.Italian != tc.italian {
				t.Errorf("Italian:\n got %q\nwant %q", f.Italian, tc.italian)
			}
			if got := f.Message(language.English); got != tc.english {
				t.Errorf("English:\n got %q\nwant %q", got, tc.english)
			}
			for _, secret := range []string{knownFamily, knownGiven, knownCode, "minacciato"} {
				if strings.Contains(ve.Error(), secret) || strings.Contains(f.English, secret) {
					t.Errorf("the error shows personal data")
				}
			}
		})
	}
}

// The fixes of the failing cases pass: an urgency reason makes short
// notice acceptable, and so on.
func TestValidationPassingCases(t *testing.T) {
	t.Parallel()
	g := milano(t)
	for name, change := range map[string]func(*request.Preventive){
		"short notice with reason": func(p *request.Preventive) {
			p.Appointment.Start = time.Date(2026, 3, 4, 10, 0, 0, 0, rome)
			p.UrgencyReason = "L'utente ha chiesto il colloquio ieri dopo un nuovo episodio di minacce."
		},
		"exactly the minimum notice": func(p *request.Preventive) { p.Appointment.Start = time.Date(2026, 3, 5, 8, 0, 0, 0, rome) },
		"reception":                  func(p *request.Preventive) { p.Appointment.Kind = request.Reception },
		"female with accents": func(p *request.Preventive) {
			d := &p.ServiceUser.PersonalData
			d.FamilyName, d.GivenName, d.Sex = "Dell'Orto", "Maria Grazia Niccolò", request.SexFemale
			d.CodiceFiscale = request.CodiceFiscale(genCF(d.FamilyName, d.GivenName, d.BirthDate, d.Sex, "Z330"))
		},
		"no risk factors":         func(p *request.Preventive) { p.RiskFactors = nil },
		"facts at the maximum":    func(p *request.Preventive) { p.Facts = request.Facts(strings.Repeat("è", request.MaxFactsLength)) },
		"facts at the minimum":    func(p *request.Preventive) { p.Facts = request.Facts(strings.Repeat("a", request.MinFactsLength)) },
		"one minute appointment":  func(p *request.Preventive) { p.Appointment.Duration = guideline.Duration(time.Minute) },
		"twelve hour appointment": func(p *request.Preventive) { p.Appointment.Duration = guideline.Duration(12 * time.Hour) },
		"every risk factor":       func(p *request.Preventive) { p.RiskFactors = request.RiskFactors() },
	} {
		p := valid()
		change(&p)
		if err := p.Validate(g, sentAt); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Every problem is reported at once, in Italian by default.
func TestValidationReportsEverything(t *testing.T) {
	t.Parallel()
	var p request.Preventive
	ve := validationError(t, p.Validate(milano(t), sentAt))
	for _, path := range []string{
		"id", "service_user.personal_data.given_name", "service_user.personal_data.family_name",
		"service_user.personal_data.birth_date", "service_user.personal_data.birth_place",
		"service_user.personal_data.sex", "service_user.personal_data.codice_fiscale",
		"service_user.personal_data.residence", "appointment.kind", "appointment.start",
		"appointment.expected_duration", "appointment.venue.name", "appointment.venue.address",
		"appointment.venue.territory", "requested_by.role", "requested_by.id", "requested_by.name",
		"requested_by.email", "facts",
	} {
		if !ve.Has(path, "") {
			t.Errorf("no error for %s", path)
		}
	}
	if len(ve.Fields) != 19 {
		t.Errorf("%d errors, want 19: %v", len(ve.Fields), ve)
	}
	if !strings.HasPrefix(ve.Error(), "guideline: invalid data: id: Request number") {
		t.Errorf("Error() = %q", ve.Error())
	}
	if !strings.HasPrefix(ve.Message(language.Italian), "id: Numero della richiesta") {
		t.Errorf("Message(it) = %q", ve.Message(language.Italian))
	}
}

// Lead time in working days, across weekends and holidays, in Milan's
// time zone; the minimum is 3 working days.
func TestLeadTime(t *testing.T) {
	t.Parallel()
	g := milano(t)
	day := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, rome) }
	for _, tc := range []struct {
		name        string
		sent, start time.Time
		lead        guideline.WorkingDays
	}{
		{"weekend: Friday for Tuesday", day(2026, 3, 6, 10, 0), day(2026, 3, 10, 10, 0), 2},
		{"weekend: Friday for Wednesday", day(2026, 3, 6, 10, 0), day(2026, 3, 11, 10, 0), 3},
		{"Christmas: 23 December for 29 December", day(2025, 12, 23, 9, 0), day(2025, 12, 29, 9, 0), 2},
		{"Christmas: 22 December for 29 December", day(2025, 12, 22, 9, 0), day(2025, 12, 29, 9, 0), 3},
		{"25 April: Wednesday 23 for Monday 28", day(2025, 4, 23, 9, 0), day(2025, 4, 28, 9, 0), 2},
		{"25 April: Tuesday 22 for Monday 28", day(2025, 4, 22, 9, 0), day(2025, 4, 28, 9, 0), 3},
		{"Easter Monday: Thursday 2 April for Tuesday 7", day(2026, 4, 2, 9, 0), day(2026, 4, 7, 9, 0), 2},
		{"Easter Monday: Thursday 2 April for Wednesday 8", day(2026, 4, 2, 9, 0), day(2026, 4, 8, 9, 0), 3},
		{"Sant'Ambrogio and Immacolata: Friday 4 December for Thursday 10", day(2026, 12, 4, 9, 0), day(2026, 12, 10, 9, 0), 2},
		{"Sant'Ambrogio and Immacolata: Friday 4 December for Friday 11", day(2026, 12, 4, 9, 0), day(2026, 12, 11, 9, 0), 3},
		// Sent Friday 27 March 2026 at 23:30 UTC, already Saturday in
		// Milan; the appointment is Wednesday 1 April at 00:15 in Milan,
		// still Tuesday in UTC; summer time begins on Sunday 29. Counted
		// in UTC the notice would be 2 days.
		{"daylight saving change", time.Date(2026, 3, 27, 23, 30, 0, 0, time.UTC), time.Date(2026, 3, 31, 22, 15, 0, 0, time.UTC), 3},
	} {
		p := valid()
		p.Appointment.Start = tc.start
		n := p.Notice(g, tc.sent)
		if n.LeadTime != tc.lead || n.MinLeadTime != 3 || n.Short != (tc.lead < 3) || n.UrgencyReasonGiven {
			t.Errorf("%s: notice %+v, want lead time %d", tc.name, n, tc.lead)
		}
		err := p.Validate(g, tc.sent)
		if short := tc.lead < 3; short {
			if ve := validationError(t, err); !ve.Has("urgency_reason", "urgency_reason") || len(ve.Fields) != 1 {
				t.Errorf("%s: short notice accepted silently: %v", tc.name, err)
			}
		} else if err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// Without Milan's local holiday, 7 December counts as a working day.
	spec := milano(t).Spec()
	spec.Policy.LocalHolidays = nil
	elsewhere, err := guideline.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	p := valid()
	p.Appointment.Start = day(2026, 12, 10, 9, 0)
	if n := p.Notice(elsewhere, day(2026, 12, 4, 9, 0)); n.LeadTime != 3 || n.Short {
		t.Errorf("without Sant'Ambrogio: %+v", n)
	}
}

// Validation of a valid request allocates a bounded amount: the struct
// walk, the lead time, nothing per character of the texts.
func TestValidateAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not stable under the race detector (sync.Pool drops items at random); go test without -race measures them")
	}
	g := milano(t)
	p := valid()
	n := testing.AllocsPerRun(50, func() { _ = p.Validate(g, sentAt) })
	p.Facts = request.Facts(strings.Repeat("È una descrizione. ", 200))
	long := testing.AllocsPerRun(50, func() { _ = p.Validate(g, sentAt) })
	if n > 30 || long != n {
		t.Errorf("Validate allocates %.0f times (%.0f with long facts), want at most 30 and no more for longer texts", n, long)
	}
}
