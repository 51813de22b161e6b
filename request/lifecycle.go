package request

import (
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/internal/lifecycle"
	"github.com/sostegno/sostegno/register"
)

// State is where a preventive request stands: the fold of its entries in
// the register.
type State string

// The states of a request.
const (
	// Draft is a request not yet submitted: it is not in the register (a
	// draft holds personal data and the register keeps everything, so the
	// register starts at submission). A request ID with no entries is a
	// Draft.
	Draft State = "draft"
	// Submitted: sent to the Police Command and the Area Director, waiting
	// for the Command's decision.
	Submitted State = "submitted"
	// InfoRequested: the Command asked for more information; the official
	// supplements the request by re-submitting it.
	InfoRequested State = "info_requested"
	// Accepted: the Command granted the precautionary presence.
	Accepted State = "accepted"
	// Declined: the Command refused it; the appointment may still take
	// place, and its outcome is recorded.
	Declined State = "declined"
	// Completed: the appointment took place (or the service user did not
	// come) and its outcome is recorded. Final.
	Completed State = "completed"
	// Cancelled: the official withdrew the request. Final.
	Cancelled State = "cancelled"
)

// States returns every state, in the order of the lifecycle.
func States() []State {
	return []State{Draft, Submitted, InfoRequested, Accepted, Declined, Completed, Cancelled}
}

// Open reports whether a request in state s may still change: it is in
// the register and neither completed nor cancelled.
func (s State) Open() bool { return s != Draft && s != Completed && s != Cancelled && s != "" }

// Name returns the state's name in the language of p, a printer of
// [Catalog].
func (s State) Name(p *message.Printer) string { return table().StateName(p, s) }

// Action is what a person does to a request: one row, or several, of the
// transition table.
type Action string

// The actions on a request.
const (
	// ActionSubmit: the responsible official sends the request.
	ActionSubmit Action = "submit"
	// ActionRequestInfo: the Command asks for more information.
	ActionRequestInfo Action = "request_info"
	// ActionResubmit: the official sends the request again, supplemented.
	ActionResubmit Action = "resubmit"
	// ActionAccept: the Command grants the presence.
	ActionAccept Action = "accept"
	// ActionDecline: the Command refuses it.
	ActionDecline Action = "decline"
	// ActionComplete: the official records the outcome of the appointment.
	ActionComplete Action = "complete"
	// ActionCancel: the official withdraws the request.
	ActionCancel Action = "cancel"
)

// Name returns the action's name in the language of p, a printer of
// [Catalog].
func (a Action) Name(p *message.Printer) string { return table().ActionName(p, a) }

// TransitionError is a refused action: not possible in the request's
// state, or not for the actor's role. Nothing was written. It matches
// lifecycle.ErrNotAllowed with errors.Is, names the state, the action and
// the role (codes, never personal data), and renders itself for a person
// with its Message method, in Italian or English. It is the same type as
// incident.TransitionError.
type TransitionError = lifecycle.TransitionError

// The roles of the table.
var (
	official = []guideline.Role{guideline.RoleResponsibleOfficial}
	// deciders are the Command, deciding in the register, and the official
	// recording a decision of the Command received by e-mail or phone.
	deciders = []guideline.Role{guideline.RolePoliceCommand, guideline.RoleResponsibleOfficial}
)

var table = sync.OnceValue(func() *lifecycle.Table[State, Action] {
	type tr = lifecycle.Transition[State, Action]
	ts := []tr{
		{From: Draft, Action: ActionSubmit, To: Submitted, Roles: official, Kind: register.KindRequestSubmitted},
		{From: Submitted, Action: ActionRequestInfo, To: InfoRequested, Roles: deciders, Kind: register.KindRequestInfoRequested},
		{From: InfoRequested, Action: ActionResubmit, To: Submitted, Roles: official, Kind: register.KindRequestSubmitted},
		{From: Submitted, Action: ActionAccept, To: Accepted, Roles: deciders, Kind: register.KindRequestAccepted},
		{From: Submitted, Action: ActionDecline, To: Declined, Roles: deciders, Kind: register.KindRequestDeclined},
		{From: Accepted, Action: ActionComplete, To: Completed, Roles: official, Kind: register.KindRequestCompleted},
		{From: Declined, Action: ActionComplete, To: Completed, Roles: official, Kind: register.KindRequestCompleted},
	}
	for _, s := range []State{Submitted, InfoRequested, Accepted, Declined} {
		ts = append(ts, tr{From: s, Action: ActionCancel, To: Cancelled, Roles: official, Kind: register.KindRequestCancelled})
	}
	// Fixed data, checked by this package's tests.
	return lifecycle.MustNew(lifecycle.Spec[State, Action]{
		Name:        "request",
		Initial:     Draft,
		States:      States(),
		Transitions: ts,
		Catalog:     Catalog(),
	})
})

// Diagram returns the lifecycle of a request as a graph, with the names
// of states, actions and roles in the language of tag (Italian unless
// English is asked): one node per state, one edge per transition with the
// roles allowed. Its Mermaid and DOT methods draw it:
//
//	fmt.Print(request.Diagram(language.Italian).Mermaid())
//
// It is drawn from the transition table that [Desk] applies, so the
// picture and the rules cannot drift apart.
func Diagram(tag language.Tag) guideline.Graph { return table().Graph(tag) }
