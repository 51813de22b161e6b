package incident

import (
	"slices"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/internal/lifecycle"
	"github.com/sostegno/sostegno/register"
)

// State is where an incident stands: the fold of its register stream.
type State string

// The states of an incident, in the order of the guideline.
const (
	// StateNew is the state of an incident with no entries yet.
	StateNew State = "new"
	// StateReported: the alarm was raised.
	StateReported State = "reported"
	// StateColleaguesAlerted: step 1 confirmed, a colleague is coming.
	StateColleaguesAlerted State = "colleagues_alerted"
	// StateOperationsCentreCalled: step 2 confirmed, the shift
	// supervisor of the Operations Centre was phoned.
	StateOperationsCentreCalled State = "operations_centre_called"
	// StateDispatched: step 3, the Operations Centre sent a patrol, the
	// Police Forces, or both.
	StateDispatched State = "dispatched"
	// StatePatrolReportFiled: step 4, the patrol's report reached the
	// Command.
	StatePatrolReportFiled State = "patrol_report_filed"
	// StateCommandEvaluated: the Command evaluated the report.
	StateCommandEvaluated State = "command_evaluated"
	// StateSharedWithDirectorate: the Command shared part of the report
	// with the Social Policies Directorate.
	StateSharedWithDirectorate State = "shared_with_directorate"
	// StateClosed: the incident is closed.
	StateClosed State = "closed"
)

// States returns every state, in the order of the guideline.
func States() []State {
	return []State{StateNew, StateReported, StateColleaguesAlerted, StateOperationsCentreCalled, StateDispatched,
		StatePatrolReportFiled, StateCommandEvaluated, StateSharedWithDirectorate, StateClosed}
}

// Action is what an actor does to an incident: a transition of the table.
type Action string

// The actions of the table.
const (
	// ActionReport raises the alarm.
	ActionReport Action = "report"
	// ActionConfirmAlert confirms step 1: a colleague received the alarm
	// and is coming.
	ActionConfirmAlert Action = "confirm_alert"
	// ActionConfirmCall confirms step 2: the shift supervisor of the
	// Operations Centre was phoned.
	ActionConfirmCall Action = "confirm_call"
	// ActionCallDirectly is the deviation the guideline allows: the
	// operator alone on duty phones the Operations Centre without
	// alerting colleagues first.
	ActionCallDirectly Action = "call_directly"
	// ActionDispatch is step 3, by the Operations Centre.
	ActionDispatch Action = "dispatch"
	// ActionFileReport is step 4, by the patrol.
	ActionFileReport Action = "file_report"
	// ActionEvaluate is the Command's evaluation of the patrol's report.
	ActionEvaluate Action = "evaluate"
	// ActionShare is the Command sharing part of the report with the
	// Social Policies Directorate.
	ActionShare Action = "share"
	// ActionClose closes the incident.
	ActionClose Action = "close"
)

// Kinds of the notes of an incident's stream: entries that record a fact
// without changing its state.
const (
	// KindConfirmationLate: someone confirmed a step that another person
	// had already confirmed. Data carries [DataStep] and [DataFirstBy].
	KindConfirmationLate = "incident.confirmation_late"
	// KindEscalated: a step was escalated, by the system actor
	// register.SystemActor("escalation"). Data carries [DataStep],
	// [DataReason], and for a rung of the ladder [DataRound], [DataRung]
	// and [DataEscalationAction].
	KindEscalated = "incident.escalated"
)

// Notes returns the kinds that may appear in an incident's stream without
// changing its state: a late confirmation, an escalation, and the
// follow-ups of register.FollowUpKinds (see [FollowUpRules]).
func Notes() []string {
	return append([]string{KindConfirmationLate, KindEscalated}, register.FollowUpKinds()...)
}

// Transition is one row of the incident's transition table.
type Transition = lifecycle.Transition[State, Action]

// TransitionError is a refused transition: the action is not possible
// from the incident's state, or not for the actor's role. Nothing was
// written. It renders itself for a person with its Message method, in
// Italian or English. It is the same type as request.TransitionError.
type TransitionError = lifecycle.TransitionError

// ErrNotAllowed is matched by every [*TransitionError] with errors.Is.
var ErrNotAllowed = lifecycle.ErrNotAllowed

var (
	// Who may raise the alarm: an operator, the responsible official, or
	// the library itself on a person's behalf (a check-in session that
	// went unanswered).
	reporters = []guideline.Role{guideline.RoleOperator, guideline.RoleResponsibleOfficial, register.RoleSystem}
	// Who confirms step 1: the colleague who comes.
	colleagues = []guideline.Role{guideline.RoleOperator, guideline.RoleResponsibleOfficial}
	// Who confirms step 2: the colleague who phoned, or the Operations
	// Centre that took the call.
	callers = []guideline.Role{guideline.RoleOperator, guideline.RoleResponsibleOfficial, guideline.RoleOperationsCentre}
	centre  = []guideline.Role{guideline.RoleOperationsCentre}
	patrol  = []guideline.Role{guideline.RolePatrol}
	command = []guideline.Role{guideline.RolePoliceCommand}
	// Who closes an alarm that needed no police (a false alarm, an event
	// over before the call): the responsible official or the Command.
	closers = []guideline.Role{guideline.RoleResponsibleOfficial, guideline.RolePoliceCommand}
)

var table = func() *lifecycle.Table[State, Action] {
	tr := func(from State, a Action, to State, roles []guideline.Role, kind string) Transition {
		return Transition{From: from, Action: a, To: to, Roles: roles, Kind: kind}
	}
	return lifecycle.MustNew(lifecycle.Spec[State, Action]{
		Name:    "incident",
		Initial: StateNew,
		States:  States(),
		Transitions: []Transition{
			tr(StateNew, ActionReport, StateReported, reporters, register.KindIncidentReported),
			tr(StateReported, ActionConfirmAlert, StateColleaguesAlerted, colleagues, register.KindIncidentColleaguesAlerted),
			{From: StateReported, Action: ActionCallDirectly, To: StateOperationsCentreCalled, Roles: colleagues,
				Kind: register.KindIncidentOperationsCentreCalled, Deviation: true, Description: keyDirectCallDescription},
			tr(StateColleaguesAlerted, ActionConfirmCall, StateOperationsCentreCalled, callers, register.KindIncidentOperationsCentreCalled),
			// The Operations Centre received the call before anyone
			// confirmed step 1: the call is the evidence that both steps
			// happened. Its entry has the direct call's kind; the
			// Centre's role tells them apart.
			{From: StateReported, Action: ActionConfirmCall, To: StateOperationsCentreCalled, Roles: centre,
				Kind: register.KindIncidentOperationsCentreCalled, Description: keyCentreConfirmsBothDescription},
			tr(StateOperationsCentreCalled, ActionDispatch, StateDispatched, centre, register.KindIncidentDispatched),
			tr(StateDispatched, ActionFileReport, StatePatrolReportFiled, patrol, register.KindIncidentPatrolReportFiled),
			tr(StatePatrolReportFiled, ActionEvaluate, StateCommandEvaluated, command, register.KindIncidentCommandEvaluated),
			tr(StateCommandEvaluated, ActionShare, StateSharedWithDirectorate, command, register.KindIncidentSharedWithDirectorate),
			tr(StateCommandEvaluated, ActionClose, StateClosed, command, register.KindIncidentClosed),
			tr(StateSharedWithDirectorate, ActionClose, StateClosed, command, register.KindIncidentClosed),
			// Only the Police Forces went: there is no patrol report.
			tr(StateDispatched, ActionClose, StateClosed, command, register.KindIncidentClosed),
			// An alarm that needed no police.
			{From: StateReported, Action: ActionClose, To: StateClosed, Roles: closers, Kind: register.KindIncidentClosed, Deviation: true},
			{From: StateColleaguesAlerted, Action: ActionClose, To: StateClosed, Roles: closers, Kind: register.KindIncidentClosed, Deviation: true},
			{From: StateOperationsCentreCalled, Action: ActionClose, To: StateClosed, Roles: append(slices.Clone(closers), guideline.RoleOperationsCentre),
				Kind: register.KindIncidentClosed, Deviation: true},
		},
		Notes:   Notes(),
		Catalog: Catalog(),
	})
}()

// Transitions returns the incident's transition table, in order: from
// which state, by which action, to which state, which roles may take it,
// the register kind it appends, and whether it is a deviation.
func Transitions() []Transition { return table.Transitions() }

// Next returns the transition that action a by role takes from state
// from, or a [*TransitionError].
func Next(from State, a Action, role guideline.Role) (Transition, error) {
	return table.Next(from, a, role)
}

// Graph returns the transition table as a graph, in the language of tag:
// one node per state, one edge per transition with its action and roles,
// deviations dashed. Its Mermaid and DOT methods draw it.
func Graph(tag language.Tag) guideline.Graph { return table.Graph(tag) }

// Fold replays the entries of an incident's stream, in order, and returns
// its state and version.
func Fold(entries []register.Entry) (State, uint64, error) {
	s, err := table.Fold(entries)
	return s.State, s.Version, err
}

// Name returns the state's name in the printer's language (the printer
// must come from [Catalog] or a catalog with [Messages]).
func (s State) Name(p *message.Printer) string { return table.StateName(p, s) }

// Name returns the action's name in the printer's language.
func (a Action) Name(p *message.Printer) string { return table.ActionName(p, a) }

// stepOf returns the step whose confirmation kind is kind, if any.
func stepOf(kind string) (guideline.StepID, bool) {
	switch kind {
	case register.KindIncidentColleaguesAlerted:
		return StepAlertColleagues, true
	case register.KindIncidentOperationsCentreCalled:
		return StepCallOperationsCentre, true
	case register.KindIncidentDispatched:
		return StepDispatch, true
	case register.KindIncidentPatrolReportFiled:
		return StepPatrolReport, true
	}
	return "", false
}
