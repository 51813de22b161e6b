package request

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

// The Data the desk writes has exactly the keys of the exported Data
// constants, the contract of a request's timeline that Check reads: the
// struct tags repeat them as literals, which nothing else ties together.
func TestDataKeysAreTheDataConstants(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		v    any
		want []string
	}{
		{"submission", submissionData{
			AppointmentAt: "2026-11-10T10:00:00+01:00", AppointmentEnd: "2026-11-10T11:00:00+01:00",
			AppointmentKind: ScheduledInterview, Submission: 1, PersonalData: true,
			Notice: Notice{LeadTime: 3, MinLeadTime: 2, Short: true, UrgencyReasonGiven: true},
		}, []string{
			register.DataAppointment, DataAppointmentEnd, DataAppointmentKind, DataSubmission, DataPersonalData,
			DataLeadTime, DataMinLeadTime, DataShortNotice, DataUrgencyReasonGiven,
		}},
		{"decision", decisionData{DecidedBy: guideline.RolePoliceCommand, Via: ViaEmail}, []string{DataDecidedBy, DataReceivedVia}},
		{"completion", completionData{Outcome: OutcomeIncident, Incident: "incident/2026-000045"}, []string{register.DataOutcome, DataIncidentStream}},
	} {
		b, err := json.Marshal(tt.v)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if got, want := slices.Sorted(maps.Keys(m)), slices.Sorted(slices.Values(tt.want)); !slices.Equal(got, want) {
			t.Errorf("%s: keys %q, want %q", tt.name, got, want)
		}
	}
	// The desk reads back the appointment it wrote.
	var at time.Time
	b, _ := json.Marshal(submissionData{AppointmentAt: "2026-11-10T10:00:00+01:00"})
	if ok, err := (register.TimelineEntry{Data: b}).Field(register.DataAppointment, &at); !ok || err != nil || at.IsZero() {
		t.Errorf("appointment not read back: %v %v %v", ok, err, at)
	}
}
