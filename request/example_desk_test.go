package request_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify/notifytest"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
	"github.com/sostegno/sostegno/request"
)

// The actors of the examples.
var (
	exampleOfficial = register.Actor{Role: guideline.RoleResponsibleOfficial, ID: "PO-5-017"}
	exampleCommand  = register.Actor{Role: guideline.RolePoliceCommand, ID: "PL-GAB-2"}
)

// exampleDesk returns a desk on a register in memory whose clock reads
// *now, Monday 2 March 2026 at 9:00 in Milan to begin with.
func exampleDesk() (*request.Desk, *register.Log, *time.Time) {
	rome, _ := time.LoadLocation("Europe/Rome")
	now := new(time.Time)
	*now = time.Date(2026, 3, 2, 9, 0, 0, 0, rome)
	clock := func() time.Time { return *now }
	// A real key comes from the municipality's secret store.
	keys, err := register.NewKeyring("k1", make([]byte, register.KeySize))
	if err != nil {
		panic(err)
	}
	log, err := register.Open(context.Background(), memregister.New(), &register.Options{Sealer: keys, Now: clock})
	if err != nil {
		panic(err)
	}
	desk, err := request.New(log, exampleGuideline(), &request.Options{Now: clock})
	if err != nil {
		panic(err)
	}
	return desk, log, now
}

// exampleSubmitted is exampleDesk with the example request already
// submitted by the responsible official.
func exampleSubmitted(ctx context.Context) (*request.Desk, *register.Log, *time.Time, request.Preventive) {
	desk, log, now := exampleDesk()
	p := exampleRequest()
	if _, err := desk.Submit(ctx, p, exampleOfficial); err != nil {
		panic(err)
	}
	return desk, log, now, p
}

// A request from submission to completion, its e-mails delivered by the
// outbox, and its timeline checked.
func ExampleNew() {
	ctx := context.Background()
	desk, log, now := exampleDesk()
	defer log.Close()

	r, err := desk.Submit(ctx, exampleRequest(), exampleOfficial)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.State, r.Messages)

	// The dispatcher sends what the submission queued (here to a
	// recording notifier; smtpnotify in production).
	rec := &notifytest.Recorder{}
	if _, err := outbox.NewDispatcher(log, rec, &outbox.Options{Now: func() time.Time { return *now }}).Drain(ctx); err != nil {
		panic(err)
	}
	for _, role := range request.Recipients() {
		for _, m := range rec.To(role) {
			fmt.Println(role, m.Subject)
		}
	}

	*now = now.Add(4 * time.Hour)
	if _, err := desk.Accept(ctx, r.ID, exampleCommand, ""); err != nil {
		panic(err)
	}
	*now = time.Date(2026, 3, 5, 12, 30, 0, 0, now.Location())
	r, err = desk.Complete(ctx, r.ID, exampleOfficial, request.Completion{Outcome: request.OutcomePresenceProvided})
	fmt.Println(r.State, err)

	findings, err := desk.Check(ctx, r.ID)
	fmt.Println(len(findings), err)
	// Output:
	// submitted [request/2026-000123/submission/1/police_command request/2026-000123/submission/1/area_director]
	// police_command Richiesta di presenza cautelativa – Municipio 5 – colloquio programmato del 05/03/2026 (rif. 2026-000123)
	// area_director Richiesta di presenza cautelativa – Municipio 5 – colloquio programmato del 05/03/2026 (rif. 2026-000123)
	// completed <nil>
	// 0 <nil>
}

func ExampleDesk_Submit() {
	ctx := context.Background()
	desk, log, _ := exampleDesk()
	defer log.Close()

	// Only the responsible official submits: nothing is written.
	_, err := desk.Submit(ctx, exampleRequest(), exampleCommand)
	var te *request.TransitionError
	if errors.As(err, &te) {
		fmt.Println(te.Message(language.Italian))
	}

	r, err := desk.Submit(ctx, exampleRequest(), exampleOfficial)
	fmt.Println(r.State, r.Notice.LeadTime, r.Notice.Short, err)
	fmt.Println(string(r.Entry.Data))
	fmt.Println(r.Entry.Personal) // sealed, and printed redacted
	// Output:
	// L'azione «Invio» nello stato «Bozza» non spetta al ruolo «Comando di Polizia Locale».
	// submitted 3 false <nil>
	// {"appointment_at":"2026-03-05T10:30:00+01:00","appointment_end":"2026-03-05T11:30:00+01:00","appointment_kind":"scheduled_interview","submission":1,"personal_data":true,"lead_time_working_days":3,"min_lead_time_working_days":3,"short_notice":false,"urgency_reason_given":false}
	// [sealed 797 bytes]
}

func ExampleDesk_RequestInfo() {
	ctx := context.Background()
	desk, log, _, p := exampleSubmitted(ctx)
	defer log.Close()
	// The Command asks for more information in the register itself.
	r, err := desk.RequestInfo(ctx, p.ID, exampleCommand, "")
	fmt.Println(r.State, err, string(r.Entry.Data))
	// Output:
	// info_requested <nil> {"decided_by":"police_command"}
}

func ExampleDesk_Resubmit() {
	ctx := context.Background()
	desk, log, now, p := exampleSubmitted(ctx)
	defer log.Close()
	if _, err := desk.RequestInfo(ctx, p.ID, exampleCommand, ""); err != nil {
		panic(err)
	}
	*now = now.Add(24 * time.Hour)
	p.Facts += " Si aggiungono le informazioni richieste dal Comando."
	r, err := desk.Resubmit(ctx, p, exampleOfficial)
	// The notice still counts from the first submission.
	fmt.Println(r.State, r.Submissions, r.Notice.LeadTime, err)
	fmt.Println(r.Messages[0])
	// Output:
	// submitted 2 3 <nil>
	// request/2026-000123/submission/2/police_command
}

func ExampleDesk_Accept() {
	ctx := context.Background()
	desk, log, _, p := exampleSubmitted(ctx)
	defer log.Close()
	// The Command answered by phone: the official records its decision.
	_, err := desk.Accept(ctx, p.ID, exampleOfficial, "")
	fmt.Println(errors.Is(err, request.ErrVia))
	r, err := desk.Accept(ctx, p.ID, exampleOfficial, request.ViaPhone)
	fmt.Println(r.State, r.Entry.Actor, string(r.Entry.Data), err)
	// Output:
	// true
	// accepted responsible_official:PO-5-017 {"decided_by":"police_command","received_via":"phone"} <nil>
}

func ExampleDesk_Decline() {
	ctx := context.Background()
	desk, log, _, p := exampleSubmitted(ctx)
	defer log.Close()
	r, err := desk.Decline(ctx, p.ID, exampleOfficial, request.ViaEmail)
	fmt.Println(r.State, string(r.Entry.Data), err)
	// Output:
	// declined {"decided_by":"police_command","received_via":"email"} <nil>
}

func ExampleDesk_Complete() {
	ctx := context.Background()
	desk, log, _, p := exampleSubmitted(ctx)
	defer log.Close()
	if _, err := desk.Accept(ctx, p.ID, exampleCommand, ""); err != nil {
		panic(err)
	}
	r, err := desk.Complete(ctx, p.ID, exampleOfficial, request.Completion{
		Outcome: request.OutcomeIncident, Incident: "incident/2026-000045",
	})
	fmt.Println(r.State, string(r.Entry.Data), err)
	// Output:
	// completed {"outcome":"incident","incident_stream":"incident/2026-000045"} <nil>
}

func ExampleCompletion_Validate() {
	fmt.Println(request.Completion{Outcome: request.OutcomeNoEvent}.Validate())
	fmt.Println(request.Completion{Outcome: request.OutcomeIncident}.Validate())
	// Output:
	// <nil>
	// request: invalid completion: Incident must be an incident's stream, such as incident/2026-000045
}

func ExampleDesk_Cancel() {
	ctx := context.Background()
	desk, log, now, p := exampleSubmitted(ctx)
	defer log.Close()
	r, err := desk.Cancel(ctx, p.ID, exampleOfficial)
	fmt.Println(r.State, r.Messages, err)

	rec := &notifytest.Recorder{}
	if _, err := outbox.NewDispatcher(log, rec, &outbox.Options{Now: func() time.Time { return *now }}).Drain(ctx); err != nil {
		panic(err)
	}
	for _, role := range request.Recipients() {
		for _, m := range rec.To(role) {
			if m.Kind == register.KindRequestCancelled {
				fmt.Println(role, m.Attachments[0].ContentType)
			}
		}
	}
	// Output:
	// cancelled [request/2026-000123/cancellation/2/police_command request/2026-000123/cancellation/2/area_director] <nil>
	// police_command text/calendar; charset=utf-8; method=CANCEL
	// area_director text/calendar; charset=utf-8; method=CANCEL
}

func ExampleDesk_State() {
	ctx := context.Background()
	desk, log, _ := exampleDesk()
	defer log.Close()
	p := exampleRequest()
	st, _ := desk.State(ctx, p.ID)
	fmt.Println(st.State, st.Version)
	if _, err := desk.Submit(ctx, p, exampleOfficial); err != nil {
		panic(err)
	}
	st, err := desk.State(ctx, p.ID)
	fmt.Println(st.State, st.Version, st.Submissions, st.Territory, st.Appointment.Format(time.RFC3339), err)
	fmt.Println(st.State.Name(request.Catalog().Printer(language.Italian)))
	// Output:
	// draft 0
	// submitted 1 1 municipio-5 2026-03-05T10:30:00+01:00 <nil>
	// Inviata
}

func ExampleDesk_Open() {
	ctx := context.Background()
	desk, log, _, p := exampleSubmitted(ctx)
	defer log.Close()
	got, err := desk.Open(ctx, register.Access{Actor: exampleCommand, Purpose: "valutazione della richiesta"}, p.ID)
	fmt.Println(got.ServiceUser.PersonalData.FamilyName == "Rossi", err)

	// The reading is in the access log.
	for e, err := range log.Stream(ctx, register.AccessStream) {
		fmt.Println(e.Actor, string(e.Data), err)
	}
	// Output:
	// true <nil>
	// police_command:PL-GAB-2 {"entry_seq":1,"entry_stream":"request/2026-000123","entry_version":1,"purpose":"valutazione della richiesta"} <nil>
}

func ExampleDesk_Check() {
	ctx := context.Background()
	desk, log, _, p := exampleSubmitted(ctx)
	defer log.Close()
	// No dispatcher ran yet: neither recipient has the request.
	findings, err := desk.Check(ctx, p.ID)
	for _, f := range findings {
		fmt.Println(f.Text(language.Italian))
	}
	fmt.Println(err)
	// Output:
	// Il destinatario «Comando di Polizia Locale» non risulta raggiunto: il messaggio non risulta ancora consegnato. (Fase preventiva, capoverso 2)
	// Il destinatario «Direttore di Area Territorialità della Direzione Politiche Sociali» non risulta raggiunto: il messaggio non risulta ancora consegnato. (Fase preventiva, capoverso 2)
	// <nil>
}

// A timeline exported by another system, checked against the guideline.
func ExampleCheck() {
	const exported = `{"guideline": "milano-2021-03-02", "stream": "request/2026-000123", "entries": [
	  {"time": "2026-03-04T09:00:00+01:00", "kind": "request.submitted", "territory": "municipio-5",
	   "actor": {"role": "responsible_official", "id": "PO-5-017"},
	   "data": {"appointment_at": "2026-03-05T10:30:00+01:00", "personal_data": true, "urgency_reason_given": false}},
	  {"time": "2026-03-04T11:00:00+01:00", "kind": "request.accepted", "territory": "municipio-5",
	   "actor": {"role": "responsible_official", "id": "PO-5-017"}, "data": {}}]}`
	t, err := register.LoadTimeline(strings.NewReader(exported))
	if err != nil {
		panic(err)
	}
	for _, f := range request.Check(exampleGuideline(), t) {
		fmt.Println(f.Code, f.Severity, f.Entry)
		fmt.Println(f.Text(language.English))
	}
	// Output:
	// short_notice_without_reason error 0
	// The request was sent with a notice of 1 working day, shorter than the minimum of 3 working days, without a reason for urgency. (Preventive phase, paragraph 3)
	// wrong_role error 1
	// The action “Acceptance” was recorded by the role “Official (P.O.) responsible for the Professional Social Service of the territory”, to which the guideline does not give it. (Preventive phase, paragraph 3)
	// missing_recipient error 0
	// The recipient “Local Police Command” was not reached: no message was sent to it. (Preventive phase, paragraph 2)
	// missing_recipient error 0
	// The recipient “Director of the Territoriality Area, Social Policies Directorate” was not reached: no message was sent to it. (Preventive phase, paragraph 2)
}

func ExampleCheckAt() {
	const exported = `{"guideline": "milano-2021-03-02", "stream": "request/2026-000123", "entries": [
	  {"time": "2026-03-02T09:00:00+01:00", "kind": "request.submitted", "territory": "municipio-5",
	   "actor": {"role": "responsible_official", "id": "PO-5-017"},
	   "data": {"appointment_at": "2026-03-05T10:30:00+01:00", "appointment_end": "2026-03-05T11:30:00+01:00", "personal_data": true}},
	  {"time": "2026-03-02T09:00:01+01:00", "kind": "message.delivered", "actor": {"role": "system", "id": "outbox"},
	   "data": {"key": "a", "message_kind": "request.submitted", "recipients": [{"role": "police_command"}]}}]}`
	t, err := register.LoadTimeline(strings.NewReader(exported))
	if err != nil {
		panic(err)
	}
	rome, _ := time.LoadLocation("Europe/Rome")
	g := exampleGuideline()
	fmt.Println(len(request.CheckAt(g, t, time.Date(2026, 3, 5, 11, 0, 0, 0, rome))))
	for _, f := range request.CheckAt(g, t, time.Date(2026, 3, 6, 9, 0, 0, 0, rome)) {
		if f.Code == request.FindingOpenAfterAppointment {
			fmt.Println(f.Message(language.Italian))
		}
	}
	// Output:
	// 2
	// L'appuntamento si è concluso ma la richiesta è ancora nello stato «Inviata»: ne va registrato l'esito o l'annullamento.
}

func ExampleDiagram() {
	g := request.Diagram(language.English)
	fmt.Println(len(g.Nodes), len(g.Edges))
	fmt.Print(strings.SplitAfter(g.Mermaid(), "\n")[0])
	// Output:
	// 7 11
	// flowchart TD
}
