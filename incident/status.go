package incident

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/internal/lifecycle"
	"github.com/sostegno/sostegno/register"
)

// Names of the Data fields of an incident's entries, besides
// register.DataIncidentKind, [DataKinds] and [DataDispatchTarget]. They
// hold codes, staff numbers and counts, never personal data.
const (
	// DataVenue, in the report: the venue, as an object with its
	// territory, and "private": true for a private venue
	// ([Incident.PrivateVenue]). Never its name nor its address, which
	// are sealed in every report: an office's name is no secret, but one
	// rule for all means that a home visit reported in a hurry, without
	// the venue marked private, never writes whose home it was into the
	// clear part of the register.
	DataVenue = "venue"
	// DataInjured, in the report: whether someone is hurt.
	DataInjured = "injured"
	// DataPeoplePresent, in the report: how many people are present.
	DataPeoplePresent = "people_present"
	// DataReporter, in the report: the staff number of the person who
	// raised the alarm (who may differ from the entry's actor when the
	// library raised it for them).
	DataReporter = "reporter"
	// DataAlerted, in the report: the staff numbers of the colleagues
	// alerted.
	DataAlerted = "alerted"
	// DataCaller, in the report: the staff number of the colleague sent
	// the call script.
	DataCaller = "caller"
	// DataStep: the guideline step an entry concerns.
	DataStep = "step"
	// DataComment: true when the entry carries a comment, sealed in its
	// Personal.
	DataComment = "comment"
	// DataDirectCall, in the direct call: true.
	DataDirectCall = "direct_call"
	// DataFirstBy, in a late confirmation: who confirmed first, as an
	// object with role and id.
	DataFirstBy = "first_by"
	// DataReason, in an escalation: the [EscalationReason].
	DataReason = "reason"
	// DataRound and DataRung, in an escalation of the ladder: the round
	// (from 0) and the rung (from 0) taken.
	DataRound = "round"
	// DataRung: see [DataRound].
	DataRung = "rung"
	// DataEscalationActions, in an escalation: the actions taken, as
	// guideline.EscalationAction codes.
	DataEscalationActions = "actions"
	// DataUndeliveredKey, in an escalation for a dead-lettered message:
	// the message's idempotency key.
	DataUndeliveredKey = "undelivered_key"
	// DataReportFields, in the patrol's report: the parts it holds.
	DataReportFields = "report_fields"
	// DataSharedFields, in the sharing with the Directorate: the parts
	// shared.
	DataSharedFields = "shared_fields"
)

// StepRecord is one entry of an incident after its report: a step taken
// or confirmed (by whom, when), the Command's evaluation, sharing and
// closure, or a late confirmation of a step someone else had confirmed.
type StepRecord struct {
	// Action is the transition taken; for a late confirmation, the
	// confirmation the person made.
	Action Action
	// Step is the guideline step concerned, if any.
	Step guideline.StepID
	// State is the state after the entry.
	State State
	// By is who took it.
	By register.Actor
	// At is when it was recorded.
	At time.Time
	// Seq is the entry's sequence number in the register.
	Seq uint64
	// Comment reports whether the entry carries a comment (sealed; see
	// [Desk.Comments]).
	Comment bool
	// Deviation marks the direct call and the closing of an alarm that
	// needed no police.
	Deviation bool
	// Late marks a confirmation that came after another person's: it is
	// recorded, and changed nothing.
	Late bool
	// FirstBy is, for a late confirmation, who confirmed first (zero if
	// the step was passed over, as in a direct call).
	FirstBy register.Actor
}

// Escalation is one escalation recorded in an incident's stream.
type Escalation struct {
	// Step is the step escalated.
	Step guideline.StepID
	// Reason is why.
	Reason EscalationReason
	// Actions are what was done.
	Actions []guideline.EscalationAction
	// Round and Rung locate a rung of the ladder (see
	// guideline.Policy.Ladder); both -1 for another reason.
	Round, Rung int
	// UndeliveredKey is, for [ReasonUndelivered], the key of the message
	// that could not be delivered.
	UndeliveredKey string
	// At is when it was recorded.
	At time.Time
	// Seq is the entry's sequence number in the register.
	Seq uint64
}

// Status is where an incident stands, folded from its register stream:
// what [Desk.State] returns. It holds no personal data.
type Status struct {
	// ID is the incident.
	ID ID
	// State is its state.
	State State
	// Version is its stream's version.
	Version uint64
	// Guideline is the version of the guideline it was reported under.
	Guideline string
	// Territory is its territory.
	Territory string
	// Kinds are the kinds of violent event.
	Kinds Kinds
	// Venue is where it happened, as the report's Data says: the
	// territory only. The name and the address are sealed in every
	// report: [Desk.Open] returns them, with an entry in the access log
	// (the [Escalator] reads them the same way).
	Venue guideline.Venue
	// PrivateVenue reports that the venue is private
	// ([Incident.PrivateVenue]): the messages that come later (the
	// sharing with the Directorate) do not name it.
	PrivateVenue bool
	// Injured and PeoplePresent are as reported.
	Injured bool
	// PeoplePresent is as reported; 0 means not known.
	PeoplePresent int
	// Reporter is the staff number of who raised the alarm.
	Reporter string
	// ReportedBy is the actor of the report's entry.
	ReportedBy register.Actor
	// ReportedAt is when it was reported.
	ReportedAt time.Time
	// Alerted are the staff numbers of the colleagues alerted.
	Alerted []string
	// Caller is the staff number of the colleague sent the call script.
	Caller string
	// Steps are the entries after the report, in order, late
	// confirmations included.
	Steps []StepRecord
	// Escalations are the escalations recorded, in order.
	Escalations []Escalation
	// DispatchTarget is whom the Operations Centre sent, once it did.
	DispatchTarget DispatchTarget
	// DirectCall reports whether the Operations Centre was called
	// directly, without colleagues alerted (the deviation).
	DirectCall bool
	// FollowUps are the follow-ups recorded, in order (see
	// [FollowUpRules]); [Desk.FollowUps] says whether each duty was met.
	FollowUps []FollowUpRecord
	// AlarmCause is, for an incident the library raised (see
	// [Desk.Raise]), its register.DataAlarmCause; empty when a person
	// reported it.
	AlarmCause string

	report register.Entry // the report's entry, to unseal
	patrol register.Entry // the patrol report's entry, if any
}

// Silent reports whether the alarm is silent (raised with the duress
// code): nothing may be sent to the reporter.
func (s Status) Silent() bool { return s.AlarmCause == register.AlarmDuress }

// Open reports whether the incident is reported and not closed.
func (s Status) Open() bool { return s.State != StateNew && s.State != StateClosed }

// Confirmed returns the first record of step (its confirmation, or the
// dispatch or report of steps 3 and 4), if any. For step 1 with no
// record of its own, the Operations Centre's confirmation of the call
// confirms it too (see [Desk.Confirm]); a direct call does not.
func (s Status) Confirmed(step guideline.StepID) (StepRecord, bool) {
	for _, r := range s.Steps {
		if r.Step == step && !r.Late {
			return r, true
		}
	}
	if step == StepAlertColleagues {
		for _, r := range s.Steps {
			if r.Step == StepCallOperationsCentre && !r.Late && !r.Deviation {
				return r, true
			}
		}
	}
	return StepRecord{}, false
}

// confirmedBy returns who's record of step: their confirmation that came
// first, or their late one.
func (s Status) confirmedBy(step guideline.StepID, who register.Actor) (StepRecord, bool) {
	if first, ok := s.Confirmed(step); ok && first.By == who {
		return first, true
	}
	for _, r := range s.Steps {
		if r.Late && r.Step == step && r.By == who {
			return r, true
		}
	}
	return StepRecord{}, false
}

// pending returns the step waiting for its confirmation, and since when:
// step 1 from the report, step 2 from step 1's confirmation.
func (s Status) pending() (guideline.StepID, time.Time, bool) {
	switch s.State {
	case StateReported:
		return StepAlertColleagues, s.ReportedAt, true
	case StateColleaguesAlerted:
		r, _ := s.Confirmed(StepAlertColleagues)
		return StepCallOperationsCentre, r.At, true
	}
	return "", time.Time{}, false
}

// transitions is the table, read once.
var transitions = table.Transitions()

// foldStatus replays an incident's entries, in order, with the table's
// own step (lifecycle.Table.Step), so that it refuses what the table's
// fold refuses and reaches the state it reaches; it reads besides the
// facts of each entry.
func foldStatus(id ID, entries []register.Entry) (Status, error) {
	st := Status{ID: id, State: StateNew}
	for _, e := range entries {
		next, tr, note, err := table.Step(lifecycle.Snapshot[State]{State: st.State, Version: st.Version}, e)
		if err != nil {
			return Status{}, fmt.Errorf("incident: %s: %w", id, err)
		}
		if note {
			st.note(e)
		} else {
			st.transition(tr, e)
		}
		st.State, st.Version = next.State, next.Version
	}
	return st, nil
}

// note folds the entry of a note: a late confirmation, an escalation, a
// follow-up.
func (st *Status) note(e register.Entry) {
	switch {
	case e.Kind == KindConfirmationLate:
		var d struct {
			Step    guideline.StepID `json:"step"`
			FirstBy actorData        `json:"first_by"`
			Comment bool             `json:"comment"`
		}
		_ = json.Unmarshal(e.Data, &d)
		st.Steps = append(st.Steps, StepRecord{
			Action: confirmAction(d.Step), Step: d.Step, State: st.State, By: e.Actor, At: e.Time, Seq: e.Seq,
			Comment: d.Comment, Late: true, FirstBy: register.Actor{Role: d.FirstBy.Role, ID: d.FirstBy.ID},
		})
	case e.Kind == KindEscalated:
		var d struct {
			Step    guideline.StepID             `json:"step"`
			Reason  EscalationReason             `json:"reason"`
			Actions []guideline.EscalationAction `json:"actions"`
			Round   *int                         `json:"round"`
			Rung    *int                         `json:"rung"`
			Key     string                       `json:"undelivered_key"`
		}
		_ = json.Unmarshal(e.Data, &d)
		esc := Escalation{Step: d.Step, Reason: d.Reason, Actions: d.Actions, Round: -1, Rung: -1, UndeliveredKey: d.Key, At: e.Time, Seq: e.Seq}
		if d.Round != nil && d.Rung != nil {
			esc.Round, esc.Rung = *d.Round, *d.Rung
		}
		st.Escalations = append(st.Escalations, esc)
	case slices.Contains(register.FollowUpKinds(), e.Kind):
		var d struct {
			Comment bool `json:"comment"`
		}
		_ = json.Unmarshal(e.Data, &d)
		st.FollowUps = append(st.FollowUps, FollowUpRecord{Kind: e.Kind, By: e.Actor, At: e.Time, Seq: e.Seq, Comment: d.Comment})
	}
}

func confirmAction(step guideline.StepID) Action {
	if step == StepAlertColleagues {
		return ActionConfirmAlert
	}
	return ActionConfirmCall
}

// transition folds the entry of a transition.
func (st *Status) transition(t Transition, e register.Entry) {
	if t.Action == ActionReport {
		var d struct {
			Kinds Kinds `json:"incident_kinds"`
			Venue struct {
				Territory string `json:"territory"`
				Private   bool   `json:"private"`
			} `json:"venue"`
			Injured  bool     `json:"injured"`
			People   int      `json:"people_present"`
			Reporter string   `json:"reporter"`
			Alerted  []string `json:"alerted"`
			Caller   string   `json:"caller"`
			Cause    string   `json:"alarm_cause"`
		}
		_ = json.Unmarshal(e.Data, &d)
		st.AlarmCause = d.Cause
		st.Guideline, st.Territory, st.Kinds, st.Venue, st.PrivateVenue = e.Guideline, e.Territory, d.Kinds, guideline.Venue{Territory: d.Venue.Territory}, d.Venue.Private
		st.Injured, st.PeoplePresent, st.Reporter, st.Alerted, st.Caller = d.Injured, d.People, d.Reporter, d.Alerted, d.Caller
		st.ReportedBy, st.ReportedAt, st.report = e.Actor, e.Time, e
		return
	}
	var d struct {
		Target  DispatchTarget `json:"dispatch_target"`
		Comment bool           `json:"comment"`
	}
	_ = json.Unmarshal(e.Data, &d)
	step, _ := stepOf(t.Kind)
	switch t.Action {
	case ActionCallDirectly:
		st.DirectCall = true
	case ActionDispatch:
		st.DispatchTarget = d.Target
	case ActionFileReport:
		st.patrol = e
	case ActionClose:
		step = ""
	}
	st.Steps = append(st.Steps, StepRecord{
		Action: t.Action, Step: step, State: t.To, By: e.Actor, At: e.Time, Seq: e.Seq,
		Comment: d.Comment, Deviation: t.Deviation,
	})
}

// actorData is an actor in Data.
type actorData struct {
	Role guideline.Role `json:"role"`
	ID   string         `json:"id"`
}

// incident returns the incident as its report's Data describes it,
// without what is sealed (see Incident.unseal).
func (s Status) incident() Incident {
	return Incident{
		ID: s.ID, Kinds: s.Kinds, Venue: s.Venue, PrivateVenue: s.PrivateVenue, Injured: s.Injured, PeoplePresent: s.PeoplePresent,
		Reporter: Staff{ID: s.Reporter, Name: s.Reporter},
	}
}

// unseal completes inc with the sealed part of its report, in clear.
func (inc *Incident) unseal(b []byte) error {
	var sr sealedReport
	if json.Unmarshal(b, &sr) != nil {
		return ErrPersonal
	}
	inc.Reporter, inc.StaffInvolved = sr.Reporter, sr.StaffInvolved
	if sr.Venue != nil {
		inc.Venue = *sr.Venue
	}
	return inc.SetPersonal(sr.Personal)
}
