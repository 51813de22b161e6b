package guideline

import (
	"fmt"
	"slices"
	"time"

	"golang.org/x/text/message"
)

// EscalationAction is what one rung of the escalation ladder of an
// emergency step does when the step is still unconfirmed.
type EscalationAction string

// The actions of the escalation ladder, from the mildest.
const (
	// EscalateRealert sends the alarm again: the alert to the colleagues
	// on duty for step 1, the call script to the colleague who must phone
	// for step 2.
	EscalateRealert EscalationAction = "realert"
	// EscalateOfficial alerts the responsible official of the territory
	// (the Funzionario P.O.).
	EscalateOfficial EscalationAction = "official"
	// EscalateDirectCall sends the call script to the operator who raised
	// the alarm, to phone the Operations Centre directly.
	EscalateDirectCall EscalationAction = "direct_call"
)

// EscalationActions returns every action, from the mildest.
func EscalationActions() []EscalationAction {
	return []EscalationAction{EscalateRealert, EscalateOfficial, EscalateDirectCall}
}

// Valid reports whether a is one of [EscalationActions].
func (a EscalationAction) Valid() bool { return slices.Contains(EscalationActions(), a) }

// MessageKey is the catalog key of the action's description.
func (a EscalationAction) MessageKey() string { return "escalation." + string(a) }

// Name returns the action's description in the printer's language.
func (a EscalationAction) Name(p *message.Printer) string { return sprintf(p, a.MessageKey()) }

// EscalationRung is one rung of the escalation ladder: when a step of the
// emergency is still unconfirmed After its start (the report for step 1,
// the confirmation of step 1 for step 2), the library takes Action.
type EscalationRung struct {
	// Step is the step escalated: [StepAlertColleagues] or
	// [StepCallOperationsCentre].
	Step StepID `json:"step" validate:"escalation_step"`
	// After is how long after the step's start the rung is taken.
	After Duration `json:"after" validate:"duration"`
	// Action is what the rung does.
	Action EscalationAction `json:"action" validate:"escalation_action"`
}

// Text returns the rung as one line for a person, such as "Richiamo di
// altro personale, dopo 1 minuto: nuovo allarme ai colleghi in servizio".
func (r EscalationRung) Text(p *message.Printer) string {
	return sprintf(p, keyEscalationRung, sprintf(p, r.Step.NameKey()), r.After.Text(p), r.Action.Name(p))
}

// EscalationSteps returns the steps that escalate: the two time-critical
// ones, [StepAlertColleagues] and [StepCallOperationsCentre].
func EscalationSteps() []StepID { return []StepID{StepAlertColleagues, StepCallOperationsCentre} }

// Ladder returns the escalation ladder of step, in the order of After:
// the rungs of [Policy.Escalation] for that step or, when it has none,
// the default derived from the step's timeout T
// ([Policy.AlertColleaguesTimeout] for step 1,
// [Policy.CallOperationsCentreTimeout] for step 2): the alarm again at T,
// the responsible official at 2T, the direct call at 3T. A step that does
// not escalate has no ladder.
//
// The ladder repeats until the step is confirmed or the incident closed:
// round n (from 0) takes each rung at n×L + After, where L is the After
// of the ladder's last rung ([Policy.LadderPeriod]).
func (p Policy) Ladder(step StepID) []EscalationRung {
	var t Duration
	switch step {
	case StepAlertColleagues:
		t = p.AlertColleaguesTimeout
	case StepCallOperationsCentre:
		t = p.CallOperationsCentreTimeout
	default:
		return nil
	}
	var out []EscalationRung
	for _, r := range p.Escalation {
		if r.Step == step {
			out = append(out, r)
		}
	}
	if len(out) > 0 {
		slices.SortStableFunc(out, func(a, b EscalationRung) int { return int(a.After - b.After) })
		return out
	}
	if t <= 0 {
		return nil
	}
	return []EscalationRung{
		{Step: step, After: t, Action: EscalateRealert},
		{Step: step, After: 2 * t, Action: EscalateOfficial},
		{Step: step, After: 3 * t, Action: EscalateDirectCall},
	}
}

// LadderPeriod returns the period with which the ladder of step repeats:
// the After of its last rung, or 0 for a step without a ladder.
func (p Policy) LadderPeriod(step StepID) time.Duration {
	l := p.Ladder(step)
	if len(l) == 0 {
		return 0
	}
	return l[len(l)-1].After.Std()
}

// escalationErrors checks what the tags of the rungs cannot: no two
// rungs of one step are taken at the same time.
func escalationErrors(v *Validator, rungs []EscalationRung) []FieldError {
	var out []FieldError
	type at struct {
		step  StepID
		after Duration
	}
	seen := map[at]bool{}
	for i, r := range rungs {
		if seen[at{r.Step, r.After}] {
			out = append(out, v.Fail(fmt.Sprintf("policy.escalation[%d].after", i), "unique", ""))
		}
		seen[at{r.Step, r.After}] = true
	}
	return out
}
