package sostegno_test

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/notify/notifytest"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
	"github.com/sostegno/sostegno/request"
)

// Example_tutorial is the README's tutorial: validate and submit a
// preventive request, report an incident, confirm a step, check a timeline.
// The README shows its body; TestReadmeTutorialIsTheExample keeps the two
// identical.
func Example_tutorial() {
	ctx := context.Background()
	keys, _ := register.NewKeyring("2026-1", demoKey()) // keep real keys in a secrets store
	log, _ := register.Open(ctx, memregister.New(), &register.Options{Sealer: keys, Now: clock})
	g := milan() // Milan's guideline, with the Area Director's address added

	// Preventive phase: the official submits a request for a police presence.
	requests, _ := request.New(log, g, &request.Options{Now: clock})
	p := form() // the request as the official filled it in
	if err := p.Validate(g, clock()); err != nil {
		fmt.Println(err) // every invalid field at once, Italian via Message
	}
	rc, err := requests.Submit(ctx, p, official)
	fmt.Println(rc.State, rc.Messages, err) // one e-mail per recipient, queued

	// Emergency: an operator reports a threat; a colleague on duty confirms.
	var roster incident.MemRoster // the staff roster: who is on duty where
	_ = roster.Add(incident.Shift{Staff: colleague, Venue: venue, From: clock(), Until: clock().Add(8 * time.Hour)})
	incidents := incident.New(log, g, &roster, &incident.Options{Now: clock})
	inc, err := incidents.Report(ctx, incident.Incident{
		Kinds: incident.NewKinds(incident.Threat), Venue: venue, Reporter: operator})
	fmt.Println(inc.ID, inc.Caller.Name, err)
	step, err := incidents.Confirm(ctx, inc.ID, incident.StepAlertColleagues, colleagueActor, "Arrivo")
	fmt.Println(step.State, err)

	// The outbox delivers what was queued, through any notify.Notifier.
	sent := &notifytest.Recorder{} // in production: smtpnotify, webhooknotify…
	_, err = outbox.NewDispatcher(log, sent, &outbox.Options{Now: clock}).Drain(ctx)
	fmt.Println(len(sent.Messages()), "messages delivered", err)

	// Compliance: ten minutes on, step 2 (the call to the Operations
	// Centre) is still missing. Check reads any system's timeline.
	tl, _ := log.Timeline(ctx, inc.ID.Stream())
	for _, f := range incident.CheckAt(g, tl, clock().Add(10*time.Minute)) {
		fmt.Println(f.Code, "–", f.Message(language.Italian))
	}
	fmt.Println(log.Verify(ctx)) // the hash chain is intact
	// Output:
	// submitted [request/2026-000001/submission/1/police_command request/2026-000001/submission/1/area_director] <nil>
	// incident/2026-000001 Luca Esempio <nil>
	// colleagues_alerted <nil>
	// 4 messages delivered <nil>
	// late_step – Il passo «Chiamata al Capo Turno della Centrale Operativa» non risulta ancora confermato a 10 minuti dal passo 1: le regole dell'ente prevedono al massimo 2 minuti.
	// <nil>
}

// The tutorial's fixtures: fictitious people and a fixed clock.
var (
	venue = guideline.Venue{Name: "Servizio Sociale Professionale Territoriale – Municipio 5",
		Address: "Via Tibaldi 41, Milano", Territory: "municipio-5"}
	operator       = incident.Staff{ID: "op-118", Name: "Giulia Esempio", Email: "giulia.esempio@example.org"}
	colleague      = incident.Staff{ID: "op-120", Name: "Luca Esempio", Email: "luca.esempio@example.org"}
	colleagueActor = register.Actor{Role: guideline.RoleOperator, ID: colleague.ID}
	official       = register.Actor{Role: guideline.RoleResponsibleOfficial, ID: "PO-5-017"}
)

func clock() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }

func demoKey() []byte { return make([]byte, register.KeySize) }

func milan() guideline.Guideline {
	spec := guideline.Milano2021().Spec()
	for i := range spec.Contacts {
		if spec.Contacts[i].Role == guideline.RoleAreaDirector {
			spec.Contacts[i].Email = "direzione.territorialita@example.org"
		}
	}
	g, err := guideline.New(spec)
	if err != nil {
		panic(err)
	}
	return g
}

func form() request.Preventive {
	rome, _ := time.LoadLocation("Europe/Rome")
	return request.Preventive{
		ID: "request/2026-000001",
		ServiceUser: request.ServiceUser{PersonalData: request.PersonalData{
			GivenName: "Mario", FamilyName: "Esempio", BirthDate: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC),
			BirthPlace: "Milano", Sex: request.SexMale, CodiceFiscale: "SMPMRA80A01F205M", Residence: "Via dell'Esempio 1, Milano",
		}},
		Appointment: request.Appointment{Kind: request.ScheduledInterview,
			Start: time.Date(2026, 3, 10, 10, 30, 0, 0, rome), Duration: guideline.Duration(time.Hour), Venue: venue},
		RequestedBy: request.Official{Role: guideline.RoleResponsibleOfficial, ID: official.ID,
			Name: "Lucia Esempio", Email: "lucia.esempio@example.org"},
		Facts:       "Durante l'ultimo colloquio l'utente ha minacciato l'assistente sociale dopo la sospensione del contributo.",
		RiskFactors: []request.RiskFactor{request.RiskThreats},
	}
}
