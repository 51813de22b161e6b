package incident_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
)

// A check-in session's duress code raises the emergency silently: the
// colleague is alerted and given the call script, and nothing reaches
// the operator who gave the code. (The checkin package's Watcher calls
// Raise; here it is called by hand.)
func ExampleDesk_Raise() {
	d := newDemo()
	ctx := context.Background()
	id, err := d.desk.Raise(ctx, incident.Incident{
		ID:       "incident/2026-900000000001",
		Kinds:    incident.NewKinds(incident.Threat),
		Venue:    sede,
		Reporter: giulia,
	}, register.SystemActor("checkin"), register.AlarmDuress)
	if err != nil {
		fmt.Println(err)
		return
	}
	st, _ := d.desk.State(ctx, id)
	fmt.Println(st.State, st.AlarmCause, st.Silent())
	_, _ = d.disp.Drain(ctx)
	for _, m := range d.rec.Messages() {
		fmt.Println(m.Kind, "to", m.To[0].Name)
	}
	// Raising again with the same ID is not a second incident.
	again, err := d.desk.Raise(ctx, incident.Incident{ID: id, Kinds: incident.NewKinds(incident.Threat), Venue: sede, Reporter: giulia},
		register.SystemActor("checkin"), register.AlarmDuress)
	fmt.Println(again == id, err)
	// Unordered output:
	// reported duress true
	// emergency.alert_colleagues to Luca Verdi
	// emergency.call_script to Luca Verdi
	// true <nil>
}

// After an incident, the responsible official records the support
// offered to the staff involved and a worker's injury; FollowUps says
// where each duty stands, and Check finds the injury report to INAIL
// that was never filed.
func ExampleDesk_OfferSupport() {
	d := newDemo()
	ctx := context.Background()
	rc, _ := d.desk.Report(ctx, incident.Incident{Kinds: incident.NewKinds(incident.PhysicalAggression), Venue: sede, Reporter: giulia, Injured: true})
	official := register.Actor{Role: guideline.RoleResponsibleOfficial, ID: paola.ID}
	_, _ = d.desk.Close(ctx, rc.ID, official, "")

	d.clock.Add(24 * time.Hour) // follow-ups may come after closure
	_, err := d.desk.OfferSupport(ctx, rc.ID, official, incident.Support{Kinds: []string{register.SupportPsychological, register.SupportLegal}}, "")
	fmt.Println(err)
	_, err = d.desk.RecordInjury(ctx, rc.ID, official, incident.Injury{PrognosisDays: 10}, "")
	fmt.Println(err)

	d.clock.Add(5 * 24 * time.Hour)
	fs, _ := d.desk.FollowUps(ctx, rc.ID)
	for _, f := range fs {
		fmt.Println(f.Duty, f.Status)
	}
	tl, _ := d.desk.Timeline(ctx, rc.ID)
	for _, f := range incident.CheckAt(guideline.Milano2021(), tl, d.clock.Now()) {
		if slices.Contains([]string{incident.FindingInjuryReportLate, incident.FindingSupportNotOffered}, f.Code) {
			fmt.Println(f.Code+":", f.Message(language.English))
		}
	}
	// Output:
	// <nil>
	// <nil>
	// support_offered met
	// injury_report missing
	// command_evaluation not_due
	// injury_report_late: The injury report to INAIL was not filed: it is due within 2 days of learning of an injury with a prognosis over three days. The duty is not in the guideline: the law sets it (DPR 1124/1965, art. 53).
}
