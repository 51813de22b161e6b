package incident_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
)

// dispatched returns a demo desk and an incident the Operations Centre
// has sent a patrol to (step 3).
func dispatched() (demo, incident.ID) {
	d := newDemo()
	ctx := context.Background()
	rc, err := d.desk.Report(ctx, threat())
	if err != nil {
		panic(err)
	}
	if _, err := d.desk.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, lucaActor, ""); err != nil {
		panic(err)
	}
	if _, err := d.desk.Dispatch(ctx, rc.ID, centreActor, incident.DispatchPatrol, ""); err != nil {
		panic(err)
	}
	return d, rc.ID
}

// --- The package's lists and texts ---

func ExampleCatalog() {
	p := incident.Catalog().Printer(language.English) // one printer per rendering
	fmt.Println(incident.PhysicalAggression.Name(p), "/", incident.DispatchBoth.Name(p))
	fmt.Println(incident.Catalog().Has(guideline.FindingKey(incident.FindingLateStep)))
	// Output:
	// physical aggression / Local Police patrol and Police Forces
	// true
}

// A deployment with texts of its own builds its catalog from the
// guideline's texts and this package's, and passes it to the renderings
// (or to the Desk, in Options.Catalog).
func ExampleMessages() {
	c, err := guideline.NewCatalog(guideline.Messages(), incident.Messages())
	if err != nil {
		panic(err)
	}
	a := incident.Alert{
		Key:      "incident/2026-000123/alert",
		To:       []incident.Staff{luca},
		Incident: threat(),
		Number:   guideline.MilanoOperationsCentrePhone,
	}
	m, err := a.Message(c)
	fmt.Println(m.Kind, m.Priority, err)
	// Output:
	// emergency.alert_colleagues urgent <nil>
}

// The findings' texts are a set of their own, so that a catalog holding
// the texts of several packages does not get a key twice; every code has
// one.
func ExampleFindingMessages() {
	c, err := guideline.NewCatalog(guideline.Messages(), incident.Messages(), incident.FindingMessages())
	if err != nil {
		panic(err)
	}
	missing := 0
	for _, code := range incident.FindingCodes() {
		if !c.Has(guideline.FindingKey(code)) {
			missing++
		}
	}
	fmt.Println(len(incident.FindingCodes()), "codes,", missing, "without a text")
	// Output:
	// 15 codes, 0 without a text
}

func ExampleFindingCodes() {
	fmt.Println(incident.FindingCodes())
	// Output:
	// [missing_step out_of_order late_step wrong_role dispatch_without_call report_not_filed report_not_evaluated escalated direct_call alert_undelivered checkout_missed duress support_not_offered injury_report_late command_evaluation_late]
}

func ExampleKindsBySeverity() {
	fmt.Println(incident.KindsBySeverity())
	// Output: [physical_aggression threat damage verbal_aggression]
}

func ExampleDispatchTargets() {
	for _, t := range incident.DispatchTargets() {
		fmt.Println(t, t.Roles())
	}
	// Output:
	// patrol [patrol]
	// police_forces [police_forces]
	// both [patrol police_forces]
}

func ExampleReportFields() {
	fmt.Println(incident.ReportFields())
	// Output: [summary actions people_identified injuries outcome]
}

func ExampleStates() {
	fmt.Println(incident.States())
	// Output: [new reported colleagues_alerted operations_centre_called dispatched patrol_report_filed command_evaluated shared_with_directorate closed]
}

func ExampleSteps() {
	g := guideline.Milano2021()
	for _, id := range incident.Steps() {
		s, _ := g.Step(id)
		fmt.Println(s.Number, id, s.Actor, "→", s.Counterparts)
	}
	// Output:
	// 1 emergency.alert_colleagues operator → []
	// 2 emergency.call_operations_centre operator → [operations_centre]
	// 3 emergency.dispatch operations_centre → [patrol police_forces]
	// 4 emergency.patrol_report patrol → [police_command social_policy_directorate]
}

// Notes are the entries an incident's stream may hold besides its steps:
// they never change its state.
func ExampleNotes() {
	for _, kind := range incident.Notes() {
		fmt.Println(kind)
	}
	// Output:
	// incident.confirmation_late
	// incident.escalated
	// followup.support_offered
	// followup.injury_reported
	// followup.evaluation_shared
}

func ExampleFollowUpRules() {
	for _, r := range incident.FollowUpRules() {
		fmt.Println(r.Kind, r.Roles, r.Rule)
	}
	// Output:
	// followup.support_offered [responsible_official area_director] support_offered
	// followup.injury_reported [responsible_official area_director] injury_report
	// followup.evaluation_shared [police_command] command_evaluation
}

// The call script reads the number aloud, so that nobody misdials under
// stress.
func ExampleReadAloud() {
	n := guideline.MilanoOperationsCentrePhone
	fmt.Println(incident.ReadAloud(incident.Catalog().Printer(language.Italian), n))
	fmt.Println(incident.ReadAloud(incident.Catalog().Printer(language.English), n))
	// Output:
	// zero due, sette sette, due sette, zero due, otto due
	// zero two, seven seven, two seven, zero two, eight two
}

// --- Identifiers ---

func ExampleNewID() {
	id, err := incident.NewID(2026, 45) // numbering is the caller's; Desk.Report numbers for itself
	fmt.Println(id, err)
	_, err = incident.NewID(2026, 0)
	fmt.Println(errors.Is(err, incident.ErrID))
	// Output:
	// incident/2026-000045 <nil>
	// true
}

func ExampleParseID() {
	id, err := incident.ParseID("incident/2026-000045")
	fmt.Println(id, err)
	// Only the canonical form: the number has six digits at least.
	_, err = incident.ParseID("incident/2026-45")
	fmt.Println(errors.Is(err, incident.ErrID))
	// Output:
	// incident/2026-000045 <nil>
	// true
}

func ExampleID_Number() {
	fmt.Println(incident.ID("incident/2026-000045").Number(), incident.ID("incident/26-45").Number())
	// Output: 45 0
}

func ExampleID_Year() {
	fmt.Println(incident.ID("incident/2026-000045").Year())
	// Output: 2026
}

// An incident's entries are the register stream named by its ID.
func ExampleID_Stream() {
	d := newDemo()
	ctx := context.Background()
	rc, _ := d.desk.Report(ctx, threat())
	for e, err := range d.log.Stream(ctx, rc.ID.Stream()) {
		fmt.Println(e.Stream, e.Version, e.Kind, err)
	}
	// Output:
	// incident/2026-000001 1 incident.reported <nil>
}

// --- Kinds of violent event ---

func ExampleNewKinds() {
	k := incident.NewKinds(incident.Damage, incident.Threat)
	fmt.Println(k, k.Valid())
	fmt.Println(incident.NewKinds("robbery").Valid()) // not a kind of the guideline
	// Output:
	// threat+damage true
	// false
}

func ExampleKind_Name() {
	it := incident.Catalog().Printer(language.Italian)
	fmt.Println(incident.PhysicalAggression.Name(it))
	// Output: aggressione fisica
}

func ExampleKinds_Has() {
	k := incident.NewKinds(incident.Threat, incident.Damage)
	fmt.Println(k.Has(incident.Threat), k.Has(incident.PhysicalAggression))
	// Output: true false
}

func ExampleKinds_Len() {
	fmt.Println(incident.NewKinds(incident.Threat, incident.Damage, incident.Threat).Len())
	// Output: 2
}

func ExampleKinds_List() {
	for _, k := range incident.NewKinds(incident.VerbalAggression, incident.PhysicalAggression).List() {
		fmt.Println(k)
	}
	// Output:
	// physical_aggression
	// verbal_aggression
}

func ExampleKinds_Names() {
	k := incident.NewKinds(incident.Threat, incident.Damage)
	fmt.Println(k.Names(incident.Catalog().Printer(language.Italian)))
	fmt.Println(k.Names(incident.Catalog().Printer(language.English)))
	// Output:
	// minaccia, danneggiamento
	// threat, damage to property
}

// The register's monitoring counts an event once, under its gravest
// kind.
func ExampleKinds_Primary() {
	fmt.Println(incident.NewKinds(incident.VerbalAggression, incident.Damage, incident.Threat).Primary())
	// Output: threat
}

// A threat that turns into damage: the set grows, the report is the same.
func ExampleKinds_With() {
	k := incident.NewKinds(incident.Threat)
	more := k.With(incident.Damage)
	fmt.Println(k, more)
	// Output: threat threat+damage
}

// --- The incident and its personal data ---

func ExampleIncident_Territory() {
	fmt.Println(threat().Territory())
	// A report is not refused without a territory: nothing must delay an alarm.
	fmt.Printf("%q\n", incident.Incident{}.Territory())
	// Output:
	// municipio-5
	// ""
}

// In an emergency nobody waits for a name: the aggressor may be unknown.
func ExampleAggressor_IsZero() {
	fmt.Println(incident.Aggressor{}.IsZero())
	fmt.Println(incident.Aggressor{Description: incident.NewPrivate("un uomo sui quarant'anni")}.IsZero())
	// Output:
	// true
	// false
}

func ExampleNewPrivate() {
	name := incident.NewPrivate("Tizio Caio") // a made-up name
	b, _ := json.Marshal(map[string]any{"aggressor": name})
	fmt.Println(name, string(b))
	fmt.Printf("%v %q %#v\n", name, name, name)
	// Output:
	// [redacted] {"aggressor":"[redacted]"}
	// [redacted] "[redacted]" [redacted]
}

func ExamplePrivate_IsZero() {
	fmt.Println(incident.Private{}.IsZero(), incident.NewPrivate("").IsZero(), incident.NewPrivate("…").IsZero())
	// Output: true true false
}

// Reveal hands the text over to be sealed, or to a person entitled to
// read it; everything else sees it redacted.
func ExamplePrivate_Reveal() {
	desc := incident.NewPrivate("testo di prova") // what the reporter wrote
	b, _ := json.Marshal(desc)
	fmt.Println(string(b))
	fmt.Println(desc.Reveal())
	// Output:
	// "[redacted]"
	// testo di prova
}

// An integrator that keeps an incident's personal data in an entry of
// its own (here, a case file of its intake system) gets it back through
// register.Log.Unseal, which records who read it and why, and SetPersonal.
func ExampleIncident_SetPersonal() {
	d := newDemo()
	ctx := context.Background()
	inc := incident.Incident{Aggressor: incident.Aggressor{Name: incident.NewPrivate("Tizio Caio")}} // a made-up name
	personal, _ := inc.Personal()
	entries, err := d.log.Append(ctx, "intake/2026-000001", 0, register.Event{Kind: "intake.case_opened", Actor: officialActor, Personal: personal})
	if err != nil {
		fmt.Println(err)
		return
	}

	clear, err := d.log.Unseal(ctx, register.Access{Actor: officialActor, Purpose: "denuncia all'autorità giudiziaria"}, entries[0])
	if err != nil {
		fmt.Println(err)
		return
	}
	var back incident.Incident
	fmt.Println(back.SetPersonal(clear), back.Aggressor.Name.Reveal())
	for e := range d.log.Stream(ctx, register.AccessStream) {
		fmt.Println(e.Kind, e.Actor)
	}
	// Output:
	// <nil> Tizio Caio
	// register.access responsible_official:po-5
}

// --- Staff and the roster ---

func ExampleStaff_GuidelineRole() {
	fmt.Println(giulia.GuidelineRole(), paola.GuidelineRole()) // an empty Role is an operator
	// Output: operator responsible_official
}

func ExampleStaff_Recipient() {
	r := luca.Recipient()
	fmt.Println(r.Role, r.Name, r.Email)
	// Output: operator Luca Verdi luca.verdi@example.org
}

// The alarm goes to everyone on duty but who raised it, each once.
func ExampleColleagues() {
	for _, s := range incident.Colleagues([]incident.Staff{giulia, luca, anna, luca}, giulia) {
		fmt.Println(s.Name)
	}
	// Output:
	// Luca Verdi
	// Anna Neri
}

// Add takes all the shifts or none.
func ExampleMemRoster_Add() {
	rome := guideline.Milano2021().Location()
	from := time.Date(2026, 3, 2, 8, 0, 0, 0, rome)
	var roster incident.MemRoster
	err := roster.Add(
		incident.Shift{Staff: luca, Venue: sede, From: from, Until: from.Add(6 * time.Hour)},
		incident.Shift{Staff: anna, Venue: sede, From: from, Until: from.Add(-time.Hour)},
	)
	var ve *guideline.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(errors.Is(err, incident.ErrShift), ve.Fields[0].Path, ve.Fields[0].Rule)
	}
	fmt.Println(len(roster.Shifts()), "shifts")
	// Output:
	// true shifts[1].until after_start
	// 0 shifts
}

func ExampleMemRoster_OnDuty() {
	rome := guideline.Milano2021().Location()
	from := time.Date(2026, 3, 2, 8, 0, 0, 0, rome)
	var roster incident.MemRoster
	_ = roster.Add(
		incident.Shift{Staff: luca, Venue: sede, From: from, Until: from.Add(6 * time.Hour)},
		incident.Shift{Staff: anna, Venue: sede, From: from.Add(6 * time.Hour), Until: from.Add(12 * time.Hour)},
	)
	for _, at := range []time.Time{from.Add(time.Hour), from.Add(7 * time.Hour)} {
		onDuty, _ := roster.OnDuty(context.Background(), sede, at)
		fmt.Println(at.Format("15:04"), onDuty[0].Name)
	}
	// Output:
	// 09:00 Luca Verdi
	// 15:00 Anna Neri
}

// An unanswered alarm escalates to the responsible official of the
// territory.
func ExampleMemRoster_ResponsibleOfficial() {
	rome := guideline.Milano2021().Location()
	from := time.Date(2026, 3, 2, 8, 0, 0, 0, rome)
	var roster incident.MemRoster
	_ = roster.Add(incident.Shift{Staff: paola, Venue: sede, From: from, Until: from.Add(9 * time.Hour)})
	ctx := context.Background()
	official, err := roster.ResponsibleOfficial(ctx, "municipio-5", from.Add(time.Hour))
	fmt.Println(official.Name, err)
	_, err = roster.ResponsibleOfficial(ctx, "municipio-5", from.Add(10*time.Hour))
	fmt.Println(errors.Is(err, incident.ErrNoOfficial))
	// Output:
	// Paola Gialli <nil>
	// true
}

func ExampleMemRoster_Shifts() {
	rome := guideline.Milano2021().Location()
	from := time.Date(2026, 3, 2, 8, 0, 0, 0, rome)
	var roster incident.MemRoster
	_ = roster.Add(incident.Shift{Staff: luca, Venue: sede, From: from, Until: from.Add(6 * time.Hour)})
	for _, s := range roster.Shifts() {
		fmt.Println(s.Staff.ID, s.Venue.Name, s.From.Format("15:04"), s.Until.Format("15:04"))
	}
	// Output:
	// op-120 Sede di via Ciriè 08:00 14:00
}

// --- Names in the catalog ---

func ExampleState_Name() {
	fmt.Println(incident.StateOperationsCentreCalled.Name(incident.Catalog().Printer(language.Italian)))
	// Output: Centrale Operativa chiamata
}

func ExampleAction_Name() {
	fmt.Println(incident.ActionClose.Name(incident.Catalog().Printer(language.English)))
	// Output: Closure of the incident
}

func ExampleDispatchTarget_Name() {
	fmt.Println(incident.DispatchBoth.Name(incident.Catalog().Printer(language.Italian)))
	// Output: pattuglia della Polizia Locale e Forze di Polizia
}

func ExampleDispatchTarget_Roles() {
	fmt.Println(incident.DispatchBoth.Roles())
	// Output: [patrol police_forces]
}

func ExampleEscalationReason_Name() {
	fmt.Println(incident.ReasonNoColleagues.Name(incident.Catalog().Printer(language.English)))
	// Output: no colleague on duty at the venue
}

func ExampleReportField_Name() {
	fmt.Println(incident.ReportPeople.Name(incident.Catalog().Printer(language.Italian)))
	// Output: Persone identificate
}

// --- The patrol's report ---

func ExamplePatrolReport_Field() {
	r := incident.PatrolReport{Summary: incident.NewPrivate("…"), Outcome: incident.NewPrivate("…")}
	fmt.Println(r.Field(incident.ReportOutcome), r.Field(incident.ReportInjuries).IsZero())
	// Output: [redacted] true
}

func ExamplePatrolReport_Fields() {
	r := incident.PatrolReport{Summary: incident.NewPrivate("…"), Outcome: incident.NewPrivate("…")}
	fmt.Println(r.Fields())
	// Output: [summary outcome]
}

// --- Where an incident stands ---

func ExampleStatus_Confirmed() {
	d := newDemo()
	ctx := context.Background()
	rc, _ := d.desk.Report(ctx, threat())
	d.clock.Add(30 * time.Second)
	_, _ = d.desk.Confirm(ctx, rc.ID, incident.StepAlertColleagues, lucaActor, "")
	st, _ := d.desk.State(ctx, rc.ID)
	step1, ok := st.Confirmed(incident.StepAlertColleagues)
	fmt.Println(ok, step1.By, step1.At.Sub(st.ReportedAt))
	_, ok = st.Confirmed(incident.StepCallOperationsCentre)
	fmt.Println(ok)
	// Output:
	// true operator:op-120 30s
	// false
}

func ExampleStatus_Open() {
	d := newDemo()
	ctx := context.Background()
	rc, _ := d.desk.Report(ctx, threat())
	st, _ := d.desk.State(ctx, rc.ID)
	fmt.Println(st.State, st.Open())
	// An alarm that needed no police: the official closes it.
	_, _ = d.desk.Close(ctx, rc.ID, officialActor, "")
	st, _ = d.desk.State(ctx, rc.ID)
	fmt.Println(st.State, st.Open())
	// Output:
	// reported true
	// closed false
}

// A duress alarm is silent: nothing may reach the operator who raised it.
func ExampleStatus_Silent() {
	d := newDemo()
	ctx := context.Background()
	rc, _ := d.desk.Report(ctx, threat())
	st, _ := d.desk.State(ctx, rc.ID)
	fmt.Println(st.Silent())
	inc := threat()
	inc.Reporter = anna
	id, _ := d.desk.Raise(ctx, inc, register.SystemActor("checkin"), register.AlarmDuress)
	st, _ = d.desk.State(ctx, id)
	fmt.Println(st.Silent(), st.AlarmCause)
	// Output:
	// false
	// true duress
}

// --- The Desk ---

func ExampleDesk_Guideline() {
	d := newDemo()
	g := d.desk.Guideline()
	fmt.Println(g.Version(), time.Duration(g.Policy().AlertColleaguesTimeout))
	// Output: milano-2021-03-02 1m0s
}

// An alarm that needed no police, closed by the responsible official: a
// deviation, which stops every escalation.
func ExampleDesk_Close() {
	d := newDemo()
	ctx := context.Background()
	rc, _ := d.desk.Report(ctx, threat())
	r, err := d.desk.Close(ctx, rc.ID, officialActor, "Falso allarme, la situazione si è calmata")
	fmt.Println(r.State, r.Deviation, r.Comment, err)
	// Output: closed true true <nil>
}

// Comments are sealed: reading them is an entry of the access log.
func ExampleDesk_Comments() {
	d := newDemo()
	ctx := context.Background()
	rc, _ := d.desk.Report(ctx, threat())
	_, _ = d.desk.Confirm(ctx, rc.ID, incident.StepAlertColleagues, lucaActor, "Arrivo tra due minuti")
	comments, err := d.desk.Comments(ctx, rc.ID, register.Access{Actor: officialActor, Purpose: incident.CommentPurpose})
	for _, c := range comments {
		fmt.Println(c.Step.Step, c.Step.By, c.Text.Reveal())
	}
	fmt.Println(err)
	for e := range d.log.Stream(ctx, register.AccessStream) {
		fmt.Println(e.Kind, e.Actor)
	}
	// Output:
	// emergency.alert_colleagues operator:op-120 Arrivo tra due minuti
	// <nil>
	// register.access responsible_official:po-5
}

func ExampleDesk_Escalations() {
	d := newDemo()
	ctx := context.Background()
	rc, _ := d.desk.Report(ctx, threat())
	x := incident.NewEscalator(d.desk, nil)
	d.clock.Add(time.Minute) // nobody confirmed step 1 in time
	_, _ = x.Tick(ctx, d.clock.Now())
	escs, err := d.desk.Escalations(ctx, rc.ID)
	for _, e := range escs {
		fmt.Println(e.Step, e.Reason, e.Actions, e.Round, e.Rung, e.At.Sub(rc.Entry.Time))
	}
	fmt.Println(err)
	// Output:
	// emergency.alert_colleagues not_confirmed [realert] 0 0 1m0s
	// <nil>
}

// The patrol files its report for the Command (step 4): the report is
// sealed, and the entry says only which parts it holds.
func ExampleDesk_FilePatrolReport() {
	d, id := dispatched()
	ctx := context.Background()
	r, err := d.desk.FilePatrolReport(ctx, id, patrolActor, incident.PatrolReport{
		Summary: incident.NewPrivate("All'arrivo la situazione era tranquilla."),
		Actions: incident.NewPrivate("Identificazione dei presenti."),
	})
	fmt.Println(r.State, r.Step, r.By, err)
	// Output:
	// patrol_report_filed emergency.patrol_report patrol:pl-77 <nil>
}

func ExampleDesk_Evaluate() {
	d, id := dispatched()
	ctx := context.Background()
	_, _ = d.desk.FilePatrolReport(ctx, id, patrolActor, incident.PatrolReport{Summary: incident.NewPrivate("…")})
	r, err := d.desk.Evaluate(ctx, id, cmdActor, "")
	fmt.Println(r.State, r.By, err)
	// Output:
	// command_evaluated police_command:gab-1 <nil>
}

func ExampleDesk_Timeline() {
	d := newDemo()
	ctx := context.Background()
	rc, _ := d.desk.Report(ctx, threat())
	_, _ = d.disp.Drain(ctx)
	_, _ = d.desk.Confirm(ctx, rc.ID, incident.StepAlertColleagues, lucaActor, "")
	tl, err := d.desk.Timeline(ctx, rc.ID)
	for _, e := range tl.Entries {
		fmt.Println(e.Kind, e.Actor)
	}
	fmt.Println(err, len(incident.Check(d.desk.Guideline(), tl)), "findings")
	// Output:
	// incident.reported operator:op-118
	// message.queued operator:op-118
	// message.queued operator:op-118
	// message.delivered system:outbox
	// message.delivered system:outbox
	// incident.colleagues_alerted operator:op-120
	// <nil> 0 findings
}

// The employer's duties after an incident, as of the desk's clock.
func ExampleDesk_FollowUps() {
	d := newDemo()
	ctx := context.Background()
	rc, _ := d.desk.Report(ctx, threat())
	_, _ = d.desk.OfferSupport(ctx, rc.ID, officialActor, incident.Support{Kinds: []string{register.SupportPsychological}}, "")
	fs, err := d.desk.FollowUps(ctx, rc.ID)
	for _, f := range fs {
		fmt.Println(f.Duty, f.Status)
	}
	fmt.Println(err)
	// Output:
	// support_offered met
	// injury_report not_due
	// command_evaluation not_due
	// <nil>
}

// A worker was hurt, with a prognosis over three days: the report to
// INAIL is due, and FollowUps tracks it until it is filed.
func ExampleDesk_RecordInjury() {
	d := newDemo()
	ctx := context.Background()
	rc, _ := d.desk.Report(ctx, threat())
	r, err := d.desk.RecordInjury(ctx, rc.ID, officialActor, incident.Injury{PrognosisDays: 10}, "")
	fmt.Println(r.Kind, r.By, err)
	fs, _ := d.desk.FollowUps(ctx, rc.ID)
	for _, f := range fs {
		if f.Duty == register.DutyInjuryReport {
			fmt.Println(f.Status, f.Deadline.Format("02/01/2006 15:04"))
		}
	}
	// Output:
	// followup.injury_reported responsible_official:po-5 <nil>
	// pending 05/11/2026 23:59
}

func ExampleDesk_RecordInjuryReportFiled() {
	d := newDemo()
	ctx := context.Background()
	rc, _ := d.desk.Report(ctx, threat())
	_, _ = d.desk.RecordInjury(ctx, rc.ID, officialActor, incident.Injury{PrognosisDays: 10}, "")
	d.clock.Add(24 * time.Hour)
	_, err := d.desk.RecordInjuryReportFiled(ctx, rc.ID, officialActor, time.Time{}, "") // filed now
	fmt.Println(err)
	fs, _ := d.desk.FollowUps(ctx, rc.ID)
	for _, f := range fs {
		if f.Duty == register.DutyInjuryReport {
			fmt.Println(f.Status)
		}
	}
	// Output:
	// <nil>
	// met
}

// The Command records its evaluation made in its own system, and that it
// shared nothing with the Directorate.
func ExampleDesk_RecordEvaluation() {
	d, id := dispatched()
	ctx := context.Background()
	_, _ = d.desk.FilePatrolReport(ctx, id, patrolActor, incident.PatrolReport{Summary: incident.NewPrivate("…")})
	r, err := d.desk.RecordEvaluation(ctx, id, cmdActor, incident.Evaluation{Shared: false}, "")
	fmt.Println(r.Kind, r.By, err)
	fs, _ := d.desk.FollowUps(ctx, id)
	for _, f := range fs {
		if f.Duty == register.DutyCommandEvaluation {
			fmt.Println(f.Duty, f.Status)
		}
	}
	// Output:
	// followup.evaluation_shared police_command:gab-1 <nil>
	// command_evaluation met
}

// --- Refusals a person reads ---

func ExampleRefusedError_Message() {
	d := newDemo()
	ctx := context.Background()
	rc, _ := d.desk.Report(ctx, threat())
	_, _ = d.desk.Close(ctx, rc.ID, officialActor, "")
	_, err := d.desk.Confirm(ctx, rc.ID, incident.StepAlertColleagues, lucaActor, "")
	var refused *incident.RefusedError
	if errors.As(err, &refused) {
		fmt.Println(errors.Is(err, incident.ErrClosed))
		fmt.Println(refused.Message(language.Italian))
		fmt.Println(refused.Message(language.English))
	}
	// Output:
	// true
	// L'evento è chiuso.
	// The incident is closed.
}

// What the reporter reads when the register could not record the alarm
// depends on what went out directly (see ExampleNotRecordedError for how
// it happens).
func ExampleNotRecordedError_Message() {
	for _, e := range []*incident.NotRecordedError{
		{Sent: []string{"alert", "call-script"}},
		{Sent: []string{"alert"}, Unsent: []string{"call-script"}},
		{Unsent: []string{"alert", "call-script"}},
	} {
		fmt.Println(e.Message(language.English))
	}
	// Output:
	// Warning: the alarm was sent but NOT recorded (the register does not answer). Note it down and tell the official in charge.
	// Warning: the alarm was NOT recorded and some messages did not go out. Phone the Operations Centre now.
	// Warning: the alarm was neither recorded nor sent. Phone the Operations Centre now.
}

// --- Escalation ---

func ExampleNewEscalator() {
	d := newDemo()
	x := incident.NewEscalator(d.desk, &incident.EscalatorOptions{
		PollInterval: 5 * time.Second,
		OnError:      func(err error) { fmt.Println("escalation:", err) }, // a logger, in a process
	})
	due, err := x.Due(context.Background(), d.clock.Now())
	fmt.Println(due.IsZero(), err) // nothing open, nothing due
	// Output:
	// true <nil>
}

// A process runs the Escalator for its whole life, beside the outbox's
// Dispatcher, and stops it by cancelling ctx. Here it runs until the
// first escalation is in the register.
func ExampleEscalator_Run() {
	d := newDemo()
	ctx, cancel := context.WithCancel(context.Background())
	rc, _ := d.desk.Report(ctx, threat())
	d.clock.Add(time.Minute) // nobody confirmed step 1 in time

	done := make(chan error)
	go func() { done <- incident.NewEscalator(d.desk, nil).Run(ctx) }()

	// Wait for the escalation, as the example must end; a process does
	// not wait.
	st, _ := d.desk.State(ctx, rc.ID)
	for len(st.Escalations) == 0 {
		time.Sleep(time.Millisecond)
		st, _ = d.desk.State(ctx, rc.ID)
	}
	cancel()
	fmt.Println(<-done)
	fmt.Println(st.Escalations[0].Step, st.Escalations[0].Reason, st.Escalations[0].Actions)
	// Output:
	// context canceled
	// emergency.alert_colleagues not_confirmed [realert]
}
