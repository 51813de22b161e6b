package incident_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/notify/notifytest"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
)

// demo is what the examples share: a register in memory, a roster, a
// desk and a dispatcher into a recorder, on a fixed clock.
type demo struct {
	clock *fakeClock
	log   *register.Log
	desk  *incident.Desk
	rec   *notifytest.Recorder
	disp  *outbox.Dispatcher
}

func newDemo() demo {
	c := newFakeClock()
	key, _ := register.NewKeyring("k1", make([]byte, register.KeySize))
	l, err := register.Open(context.Background(), memregister.New(), &register.Options{Sealer: key, Now: c.Now})
	if err != nil {
		panic(err)
	}
	var roster incident.MemRoster
	from := c.Now().Add(-time.Hour)
	for _, s := range []incident.Staff{giulia, luca, paola} {
		if err := roster.Add(incident.Shift{Staff: s, Venue: sede, From: from, Until: from.Add(8 * time.Hour)}); err != nil {
			panic(err)
		}
	}
	rec := &notifytest.Recorder{}
	d := incident.New(l, guideline.Milano2021(), &roster, &incident.Options{Notifier: rec, Now: c.Now})
	return demo{clock: c, log: l, desk: d, rec: rec, disp: outbox.NewDispatcher(l, rec, &outbox.Options{Now: c.Now})}
}

func ExampleNew() {
	ctx := context.Background()
	key, _ := register.NewKeyring("k1", make([]byte, register.KeySize))
	log, _ := register.Open(ctx, memregister.New(), &register.Options{Sealer: key})
	defer log.Close()
	var roster incident.MemRoster // the integrator's shift roster
	rec := &notifytest.Recorder{} // the integrator's notifier
	desk := incident.New(log, guideline.Milano2021(), &roster, &incident.Options{Notifier: rec})
	// Deliver what the desk queues, and escalate what is not confirmed.
	dispatcher := outbox.NewDispatcher(log, rec, nil)
	escalator := incident.NewEscalator(desk, nil)
	_, _ = dispatcher, escalator // run both with Run(ctx) in their own goroutines
	fmt.Println(desk.Guideline().Version())
	// Output: milano-2021-03-02
}

func ExampleDesk_Report() {
	d := newDemo()
	ctx := context.Background()
	rc, err := d.desk.Report(ctx, incident.Incident{
		Kinds:    incident.NewKinds(incident.Threat),
		Venue:    sede,
		Reporter: giulia,
		Aggressor: incident.Aggressor{
			Name: incident.NewPrivate("Mario Rossi"), // sealed in the register
		},
		PeoplePresent: 2,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rc.ID, "caller:", rc.Caller.Name)
	_, _ = d.disp.Drain(ctx)
	for _, m := range d.rec.Messages() {
		if m.Kind == incident.KindCallScript {
			fmt.Println(m.Priority, m.Subject, "→", m.To[0].Name)
		}
	}
	// Output:
	// incident/2026-000001 caller: Luca Verdi
	// urgent Emergenza: chiami subito la Centrale Operativa della Polizia Locale → Luca Verdi
}

func ExampleDesk_ReportAs() {
	d := newDemo()
	// A check-in session that went unanswered raises the alarm for the
	// operator: the entry's actor is the library, the reporter the person.
	rc, err := d.desk.ReportAs(context.Background(), register.SystemActor("checkin"), threat())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rc.Entry.Actor, rc.Entry.Kind)
	// Output: system:checkin incident.reported
}

func ExampleDesk_Confirm() {
	d := newDemo()
	ctx := context.Background()
	rc, _ := d.desk.Report(ctx, threat())
	luca := register.Actor{Role: guideline.RoleOperator, ID: "op-120"}
	paola := register.Actor{Role: guideline.RoleResponsibleOfficial, ID: "po-5"}
	giulia := register.Actor{Role: guideline.RoleOperator, ID: "op-118"}

	first, _ := d.desk.Confirm(ctx, rc.ID, incident.StepAlertColleagues, luca, "Arrivo")
	late, _ := d.desk.Confirm(ctx, rc.ID, incident.StepAlertColleagues, paola, "")
	fmt.Println(first.State, first.Late)
	fmt.Println(late.Late, "first by", late.FirstBy)

	_, err := d.desk.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, giulia, "")
	var refused *incident.RefusedError
	if errors.As(err, &refused) {
		fmt.Println(refused.Message(language.Italian))
	}
	// Output:
	// colleagues_alerted false
	// true first by operator:op-120
	// Chi ha dato l'allarme non può confermare da sé il passo «Chiamata al Capo Turno della Centrale Operativa»: deve farlo un collega.
}

// The path of an incident from the call to its closure, each step by the
// role the guideline gives it.
func ExampleDesk_Dispatch() {
	d := newDemo()
	ctx := context.Background()
	rc, _ := d.desk.Report(ctx, threat())
	_, _ = d.desk.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, lucaActor, "")
	r, err := d.desk.Dispatch(ctx, rc.ID, centreActor, incident.DispatchPatrol, "")
	fmt.Println(r.State, err)
	_, err = d.desk.FilePatrolReport(ctx, rc.ID, lucaActor, incident.PatrolReport{Summary: incident.NewPrivate("…")})
	var te *incident.TransitionError
	if errors.As(err, &te) {
		fmt.Println(te.Message(language.English))
	}
	// Output:
	// dispatched <nil>
	// The action “Filing of the report” in the state “Intervention dispatched” is not for the role “Social services operator”.
}

func ExampleDesk_ShareWithDirectorate() {
	d := newDemo()
	ctx := context.Background()
	rc, _ := d.desk.Report(ctx, threat())
	_, _ = d.desk.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, lucaActor, "")
	_, _ = d.desk.Dispatch(ctx, rc.ID, centreActor, incident.DispatchPatrol, "")
	_, _ = d.desk.FilePatrolReport(ctx, rc.ID, patrolActor, incident.PatrolReport{
		Summary:          incident.NewPrivate("All'arrivo la situazione era tranquilla."),
		PeopleIdentified: incident.NewPrivate("Mario Rossi"),
		Outcome:          incident.NewPrivate("Denuncia."),
	})
	_, _ = d.desk.Evaluate(ctx, rc.ID, cmdActor, "")
	// The Command shares a filtered copy: the summary and the outcome,
	// not who was identified.
	r, err := d.desk.ShareWithDirectorate(ctx, rc.ID, cmdActor, []incident.ReportField{incident.ReportSummary, incident.ReportOutcome}, "")
	fmt.Println(r.State, err)
	c, err := d.desk.Close(ctx, rc.ID, cmdActor, "")
	fmt.Println(c.State, err)
	// Output:
	// shared_with_directorate <nil>
	// closed <nil>
}

func ExampleDesk_State() {
	d := newDemo()
	ctx := context.Background()
	rc, _ := d.desk.Report(ctx, threat())
	d.clock.Add(40 * time.Second)
	_, _ = d.desk.Confirm(ctx, rc.ID, incident.StepAlertColleagues, lucaActor, "Arrivo tra un minuto")
	st, _ := d.desk.State(ctx, rc.ID)
	fmt.Println(st.State, st.Kinds.Primary(), st.Territory)
	step1, _ := st.Confirmed(incident.StepAlertColleagues)
	fmt.Println(step1.By, step1.At.Sub(st.ReportedAt), step1.Comment)
	comments, _ := d.desk.Comments(ctx, rc.ID, register.Access{Actor: lucaActor, Purpose: "coordinamento"})
	fmt.Println(comments[0].Text.Reveal())
	// Output:
	// colleagues_alerted threat municipio-5
	// operator:op-120 40s true
	// Arrivo tra un minuto
}

func ExampleEscalator_Tick() {
	d := newDemo()
	ctx := context.Background()
	x := incident.NewEscalator(d.desk, nil)
	rc, _ := d.desk.Report(ctx, threat())
	for _, after := range []time.Duration{time.Minute, time.Minute, time.Minute} {
		d.clock.Add(after)
		escs, _ := x.Tick(ctx, d.clock.Now())
		for _, e := range escs {
			fmt.Println(e.Step, e.Reason, e.Actions)
		}
	}
	escs, _ := d.desk.Escalations(ctx, rc.ID)
	fmt.Println(len(escs), "escalations recorded")
	// Output:
	// emergency.alert_colleagues not_confirmed [realert]
	// emergency.alert_colleagues not_confirmed [official]
	// emergency.alert_colleagues not_confirmed [direct_call]
	// 3 escalations recorded
}

func ExampleEscalator_Due() {
	d := newDemo()
	ctx := context.Background()
	x := incident.NewEscalator(d.desk, nil)
	_, _ = d.desk.Report(ctx, threat())
	due, _ := x.Due(ctx, d.clock.Now())
	fmt.Println(due.Sub(d.clock.Now()))
	// Output: 1m0s
}

func ExampleCheck() {
	f, err := os.Open("testdata/timelines/direct_call.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	tl, err := register.LoadTimeline(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, finding := range incident.Check(guideline.Milano2021(), tl) {
		fmt.Println(finding.Code, finding.Severity)
		fmt.Println(finding.Text(language.Italian))
	}
	// Output:
	// direct_call warning
	// La Centrale Operativa è stata chiamata direttamente da chi ha dato l'allarme, senza colleghi allertati: scostamento consentito all'operatore che è da solo in servizio. (Gestione dell'emergenza, capoverso 1, punto 2)
}

func ExampleCheckAt() {
	d := newDemo()
	ctx := context.Background()
	rc, _ := d.desk.Report(ctx, threat())
	tl, _ := d.desk.Timeline(ctx, rc.ID)
	// Nobody has confirmed step 1: at the deadline it is fine, later not.
	for _, after := range []time.Duration{time.Minute, 3 * time.Minute} {
		fs := incident.CheckAt(guideline.Milano2021(), tl, d.clock.Now().Add(after))
		for _, f := range fs {
			if f.Code == incident.FindingLateStep {
				fmt.Println(after, f.Message(language.English))
			}
		}
	}
	// Output:
	// 3m0s The step “Calling other staff” is still not confirmed 3 minutes after the report: the municipality's policy allows at most 1 minute.
}

func ExampleGraph() {
	g := incident.Graph(language.English)
	mermaid := g.Mermaid()
	fmt.Println(strings.SplitN(mermaid, "\n", 2)[0])
	fmt.Println(strings.Contains(mermaid, "-.->"), "(deviations are dashed)")
	// Output:
	// flowchart TD
	// true (deviations are dashed)
}

func ExampleNext() {
	tr, err := incident.Next(incident.StateReported, incident.ActionCallDirectly, guideline.RoleOperator)
	fmt.Println(tr.To, tr.Kind, tr.Deviation, err)
	_, err = incident.Next(incident.StateOperationsCentreCalled, incident.ActionDispatch, guideline.RolePatrol)
	fmt.Println(errors.Is(err, incident.ErrNotAllowed))
	// Output:
	// operations_centre_called incident.operations_centre_called true <nil>
	// true
}

func ExampleTransitions() {
	for _, tr := range incident.Transitions() {
		if tr.Action == incident.ActionDispatch || tr.Action == incident.ActionFileReport {
			fmt.Println(tr.From, "→", tr.To, tr.Roles)
		}
	}
	// Output:
	// operations_centre_called → dispatched [operations_centre]
	// dispatched → patrol_report_filed [patrol]
}

func ExampleFold() {
	d := newDemo()
	ctx := context.Background()
	rc, _ := d.desk.Report(ctx, threat())
	_, _ = d.desk.Confirm(ctx, rc.ID, incident.StepAlertColleagues, lucaActor, "")
	var entries []register.Entry
	for e, err := range d.log.Stream(ctx, rc.ID.Stream()) {
		if err != nil {
			fmt.Println(err)
			return
		}
		entries = append(entries, e)
	}
	state, version, err := incident.Fold(entries)
	fmt.Println(state, version, err)
	// Output: colleagues_alerted 2 <nil>
}

func ExamplePatrolReport_Filter() {
	r := incident.PatrolReport{
		Summary:          incident.NewPrivate("Situazione tranquilla"),
		PeopleIdentified: incident.NewPrivate("Mario Rossi"),
	}
	shared := r.Filter(incident.ReportSummary)
	fmt.Println(r.Fields(), shared.Fields())
	// Output: [summary people_identified] [summary]
}

func ExampleNotRecordedError() {
	c := newFakeClock()
	l, _ := register.Open(context.Background(), broken{memregister.New()}, nil)
	var roster incident.MemRoster
	from := c.Now().Add(-time.Hour)
	_ = roster.Add(incident.Shift{Staff: giulia, Venue: sede, From: from, Until: from.Add(8 * time.Hour)},
		incident.Shift{Staff: luca, Venue: sede, From: from, Until: from.Add(8 * time.Hour)})
	rec := &notifytest.Recorder{}
	d := incident.New(l, guideline.Milano2021(), &roster, &incident.Options{Notifier: rec, Now: c.Now})
	inc := threat()
	inc.Aggressor, inc.Description = incident.Aggressor{}, incident.Private{}
	_, err := d.Report(context.Background(), inc)
	var nr *incident.NotRecordedError
	if errors.As(err, &nr) {
		fmt.Println(errors.Is(err, incident.ErrNotRecorded), len(nr.Sent), "messages sent directly")
		fmt.Println(nr.Message(language.Italian))
	}
	// Output:
	// true 2 messages sent directly
	// Attenzione: l'allarme è stato inviato ma NON è stato registrato (il registro non risponde). Lo annoti e avvisi il responsabile.
}
