package incident_test

import (
	"errors"
	"html"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
)

var rome = guideline.Milano2021().Location()

func alert() incident.Alert {
	inc := validIncident()
	inc.Aggressor = aggressor()
	inc.Description = incident.NewPrivate(secretFacts)
	inc.Injured = true
	return incident.Alert{
		Key:      "incident/2026-000042/alert",
		To:       []incident.Staff{{ID: "op-120", Name: "Luca Verdi", Phone: "+393331112222"}, {ID: "op-121", Name: "Anna Neri", Email: "anna.neri@comune.milano.it"}},
		Incident: inc,
		At:       time.Date(2026, 3, 2, 10, 42, 0, 0, rome),
		Number:   guideline.MilanoOperationsCentrePhone,
	}
}

func TestAlertItalian(t *testing.T) {
	t.Parallel()
	m, err := alert().Message(nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Priority != notify.Urgent || m.Kind != incident.KindAlert || m.Key != "incident/2026-000042/alert" || m.Language != language.Italian || m.Personal {
		t.Errorf("header: %v", m)
	}
	if len(m.To) != 2 || m.To[0].Role != guideline.RoleOperator || m.To[0].Phone != "+393331112222" || m.To[1].Email != "anna.neri@comune.milano.it" {
		t.Errorf("recipients: %#v", m.To)
	}
	if m.Subject != "Emergenza presso Servizio Sociale Professionale Territoriale – Municipio 5: intervenga subito" {
		t.Errorf("subject %q", m.Subject)
	}
	want := "Emergenza in corso presso Servizio Sociale Professionale Territoriale – Municipio 5, via Ciriè 9, Milano.\n" +
		"Che cosa succede: minaccia, danneggiamento.\n" +
		"Ha dato l'allarme Giulia Bianchi alle 10:42.\n" +
		"C'è almeno una persona ferita.\n" +
		"Sono presenti 4 persone.\n" +
		"\n" +
		"Che cosa fare, subito:\n" +
		"1. Si rechi sul posto e presti assistenza ai colleghi, senza esporsi a rischi.\n" +
		"2. Telefoni al Capo Turno della Centrale Operativa della Polizia Locale, numero 02 77270282 (tel:+390277270282), e chieda l'intervento di una pattuglia.\n"
	if m.Text != want {
		t.Errorf("text:\n%s\nwant:\n%s", m.Text, want)
	}
	if h := html.UnescapeString(m.HTML); !strings.Contains(h, `href="tel:+390277270282"`) || !strings.Contains(h, "Si rechi sul posto") {
		t.Errorf("HTML:\n%s", m.HTML)
	}
	// No service user's name, codice fiscale or facts, anywhere.
	notifytest.AssertMessageNoLeak(t, secrets, m)
	notifytest.AssertNoLeak(t, secrets, m.Subject, m.Text, m.HTML)
}

func TestAlertEnglishReminderAndNoTime(t *testing.T) {
	t.Parallel()
	a := alert()
	a.Language = language.English
	a.Reminder = 2
	a.At = time.Time{}
	a.Incident.PeoplePresent = 0
	a.Incident.Injured = false
	m, err := a.Message(nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Reminder 2 – Emergency at Servizio Sociale Professionale Territoriale – Municipio 5: act now" {
		t.Errorf("subject %q", m.Subject)
	}
	for _, want := range []string{
		"Reminder no. 2: nobody has confirmed this alarm yet.",
		"What is happening: threat, damage to property.",
		"The alarm was raised by Giulia Bianchi.\n",
		"Nobody is hurt.",
		"It is not known how many people are present.",
		"1. Go to the place",
		"2. Phone the shift supervisor of the Local Police Operations Centre, number 02 77270282",
	} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	a.Language = language.Italian
	m, _ = a.Message(nil)
	if !strings.HasPrefix(m.Subject, "Sollecito 2 – Emergenza presso") || !strings.HasPrefix(m.Text, "Sollecito n. 2: nessuno ha ancora confermato questo allarme.\n\n") {
		t.Errorf("Italian reminder: %q\n%s", m.Subject, m.Text)
	}
}

func TestAlertInvalid(t *testing.T) {
	t.Parallel()
	a := alert()
	a.Key = "k\r\nBcc: x@y"
	a.To = []incident.Staff{{ID: "x", Name: "Luca\nVerdi"}}
	a.Incident.Venue.Address = ""
	a.Incident.Aggressor.TaxCode = incident.NewPrivate("Mario Rossi")
	a.Number = ""
	a.Reminder = -1
	_, err := a.Message(nil)
	assertInvalid(t, err, incident.ErrAlert, true,
		field{"key", "line"}, field{"to[0].name", "line"}, field{"incident.venue.address", "notblank"},
		field{"incident.aggressor.tax_code", "taxcode"}, field{"number", "required"}, field{"reminder", "gte"})
	notifytest.AssertNoLeak(t, append(secrets, "Bcc", "Verdi"), err.Error())
	if _, err := (incident.Alert{Key: "k", Incident: validIncident(), Number: guideline.MilanoOperationsCentrePhone}).Message(nil); !errors.Is(err, incident.ErrAlert) {
		t.Errorf("an alert to nobody: %v", err)
	}
}

func TestColleagues(t *testing.T) {
	t.Parallel()
	rep := reporter()
	onDuty := []incident.Staff{{ID: "a", Name: "A"}, rep, {ID: "b", Name: "B"}, {ID: "a", Name: "A again"}}
	got := incident.Colleagues(onDuty, rep)
	if len(got) != 2 || got[0].ID != "a" || got[0].Name != "A" || got[1].ID != "b" {
		t.Errorf("Colleagues = %v", got)
	}
	if got := incident.Colleagues([]incident.Staff{rep}, rep); len(got) != 0 {
		t.Errorf("the reporter alone: %v", got)
	}
}

func official() incident.OfficialAlert {
	a := alert()
	return incident.OfficialAlert{
		Key:      "incident/2026-000042/official/1",
		To:       incident.Staff{ID: "po-5", Name: "Paola Gialli", Role: guideline.RoleResponsibleOfficial, Email: "paola.gialli@comune.milano.it"},
		Incident: a.Incident,
		At:       a.At,
		Step:     incident.StepAlertColleagues,
		Reason:   incident.ReasonNotConfirmed,
		After:    guideline.Duration(time.Minute),
		Number:   guideline.MilanoOperationsCentrePhone,
	}
}

func TestOfficialAlert(t *testing.T) {
	t.Parallel()
	tests := []struct {
		reason incident.EscalationReason
		step   guideline.StepID
		lang   language.Tag
		want   []string
	}{
		{incident.ReasonNotConfirmed, incident.StepAlertColleagues, language.Italian, []string{
			"Il passo «Richiamo di altro personale» non è stato confermato entro 1 minuto.",
			"Le scriviamo come funzionario responsabile del servizio competente per territorio.",
			"1. Si accerti che qualcuno abbia chiamato il Capo Turno della Centrale Operativa della Polizia Locale, numero 02 77270282 (tel:+390277270282); altrimenti lo chiami Lei",
			"2. Contatti Giulia Bianchi al numero 333 1234567 e faccia raggiungere la sede da altro personale.",
			"Ha dato l'allarme Giulia Bianchi alle 10:42.",
		}},
		{incident.ReasonNotConfirmed, incident.StepCallOperationsCentre, language.English, []string{
			"was not confirmed within 1 minute.",
			"1. Make sure someone has called the shift supervisor",
		}},
		{incident.ReasonNoColleagues, incident.StepAlertColleagues, language.Italian, []string{
			"Nessun collega risulta in servizio presso la sede: l'allarme non ha raggiunto nessuno.",
		}},
		{incident.ReasonUndelivered, incident.StepAlertColleagues, language.English, []string{
			"The alarm to the colleagues could not be delivered.",
		}},
	}
	for _, tt := range tests {
		o := official()
		o.Reason, o.Step, o.Language = tt.reason, tt.step, tt.lang
		m, err := o.Message(nil)
		if err != nil {
			t.Fatal(err)
		}
		if m.Priority != notify.Urgent || m.Kind != incident.KindOfficialAlert || len(m.To) != 1 || m.To[0].Role != guideline.RoleResponsibleOfficial {
			t.Errorf("header: %v", m)
		}
		for _, w := range tt.want {
			if !strings.Contains(m.Text, w) {
				t.Errorf("%s/%v: text lacks %q:\n%s", tt.reason, tt.lang, w, m.Text)
			}
		}
		notifytest.AssertMessageNoLeak(t, secrets, m)
	}
	o := official()
	o.Incident.Reporter.Phone = ""
	m, _ := o.Message(nil)
	if !strings.Contains(m.Text, "2. Contatti Giulia Bianchi e faccia raggiungere la sede") {
		t.Errorf("reporter without phone:\n%s", m.Text)
	}
}

func TestOfficialAlertInvalid(t *testing.T) {
	t.Parallel()
	o := official()
	o.Step = incident.StepDispatch
	o.Reason = "late"
	o.To = incident.Staff{}
	_, err := o.Message(nil)
	ve := assertInvalid(t, err, incident.ErrAlert, false,
		field{"step", "emergency_step"}, field{"reason", "reason"}, field{"to.id", "required"}, field{"to.name", "notblank"})
	o = official()
	o.After = 0
	if _, err := o.Message(nil); !errors.As(err, &ve) || !ve.Has("after", "duration") {
		t.Errorf("not confirmed without a time: %v", err)
	}
	o.Reason = incident.ReasonNoColleagues
	if _, err := o.Message(nil); err != nil {
		t.Errorf("no colleagues needs no time: %v", err)
	}
}
