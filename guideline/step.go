package guideline

import "slices"

// StepID identifies a step of the procedure. The identifiers are fixed by
// this library, because the lifecycles in request and incident are written
// against them; a municipality's guideline may change who acts, the clause
// cited and its contacts, not the set of steps.
type StepID string

// The steps of the preventive phase, in order.
const (
	// StepAssessRisk: the Social Services judge beforehand that a scheduled
	// interview or a reception of the public may put staff at risk.
	StepAssessRisk StepID = "preventive.assess_risk"
	// StepSendRequest: the responsible official e-mails the Police Command
	// and the Area Director, in advance, with the service user's personal
	// data and a summary of the facts.
	StepSendRequest StepID = "preventive.send_request"
	// StepEvaluateRequest: the Police Command weighs the request and may
	// arrange a precautionary presence on site.
	StepEvaluateRequest StepID = "preventive.evaluate_request"
	// StepRecordRequest: the requesters record every request sent, for
	// monitoring.
	StepRecordRequest StepID = "preventive.record_request"
)

// The four steps of emergency management, in order.
const (
	// StepAlertColleagues (step 1): the operator immediately calls other
	// staff on duty to the scene.
	StepAlertColleagues StepID = "emergency.alert_colleagues"
	// StepCallOperationsCentre (step 2): the colleague alerted immediately
	// phones the shift supervisor of the Operations Centre.
	StepCallOperationsCentre StepID = "emergency.call_operations_centre"
	// StepDispatch (step 3): the Operations Centre sends a patrol and/or
	// passes the intervention to the Police Forces.
	StepDispatch StepID = "emergency.dispatch"
	// StepPatrolReport (step 4): the patrol writes a report for the Command,
	// which decides what to share with the Social Policies Directorate.
	StepPatrolReport StepID = "emergency.patrol_report"
)

// StepIDs returns every step identifier in the order of the document.
func StepIDs() []StepID {
	return []StepID{
		StepAssessRisk, StepSendRequest, StepEvaluateRequest, StepRecordRequest,
		StepAlertColleagues, StepCallOperationsCentre, StepDispatch, StepPatrolReport,
	}
}

// Valid reports whether id is one of [StepIDs].
func (id StepID) Valid() bool { return slices.Contains(StepIDs(), id) }

// NameKey is the catalog key of the step's short name.
func (id StepID) NameKey() string { return "step." + string(id) + ".name" }

// DutyKey is the catalog key of what the step requires of its actor.
func (id StepID) DutyKey() string { return "step." + string(id) + ".duty" }

// String returns the identifier.
func (id StepID) String() string { return string(id) }

// Step is one step of the procedure: who acts, towards whom, and the clause
// of the document it comes from.
type Step struct {
	// ID identifies the step.
	ID StepID `json:"id" validate:"step"`
	// Phase is the phase the step belongs to.
	Phase Phase `json:"phase" validate:"phase"`
	// Number is the step's position in its phase, from 1.
	Number int `json:"number" validate:"gte=1,lte=20"`
	// Actor is the role that acts.
	Actor Role `json:"actor" validate:"role"`
	// Counterparts are the roles the actor addresses: recipients of the
	// request, the party phoned, the parties dispatched.
	Counterparts []Role `json:"counterparts,omitempty" validate:"omitempty,dive,role"`
	// Clause is where the document says it.
	Clause Clause `json:"clause"`
}

// Clause points at a passage of the guideline: the phase, the paragraph
// within it (from 1) and, for a numbered step of the emergency phase, the
// item number. Findings and diagrams cite it.
type Clause struct {
	// Phase is the section of the document.
	Phase Phase `json:"phase" validate:"phase"`
	// Paragraph is the paragraph within the section, from 1.
	Paragraph int `json:"paragraph" validate:"gte=1,lte=20"`
	// Item is the number of the listed item (the emergency steps 1 to 4),
	// or 0 when the passage is not a listed item.
	Item int `json:"item,omitempty" validate:"gte=0,lte=20"`
}
