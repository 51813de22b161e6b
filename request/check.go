package request

import (
	"slices"
	"strings"
	"time"

	"golang.org/x/text/message"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/internal/lifecycle"
	"github.com/sostegno/sostegno/register"
)

// The codes of the findings of [Check]. They are stable: tests and
// dashboards may rely on them.
const (
	// FindingShortNotice (warning): the request was sent with less notice
	// than the policy's minimum, giving an urgency reason.
	FindingShortNotice = "short_notice"
	// FindingShortNoticeWithoutReason (error): the same, without an
	// urgency reason.
	FindingShortNoticeWithoutReason = "short_notice_without_reason"
	// FindingWrongRole (error): an action recorded by a role it is not
	// for, such as a decision not taken by the Police Command.
	FindingWrongRole = "wrong_role"
	// FindingMissingRecipient (error): a recipient (the Police Command or
	// the Area Director) never got a sending: no message was queued for
	// it, or it was dead-lettered, or it is still undelivered.
	FindingMissingRecipient = "missing_recipient"
	// FindingMissingPersonalData (error): a submission without the
	// service user's personal data and the facts ([DataPersonalData]).
	FindingMissingPersonalData = "missing_personal_data"
	// FindingOpenAfterAppointment (warning): the appointment is over and
	// the request is neither completed nor cancelled.
	FindingOpenAfterAppointment = "open_after_appointment"
	// FindingOutOfOrder (error): an entry that does not follow the
	// lifecycle from the state reached, or recorded before the entry
	// that precedes it.
	FindingOutOfOrder = "out_of_order"
)

// FindingCodes returns the codes of [Check]'s findings.
func FindingCodes() []string {
	return []string{
		FindingShortNotice, FindingShortNoticeWithoutReason, FindingWrongRole, FindingMissingRecipient,
		FindingMissingPersonalData, FindingOpenAfterAppointment, FindingOutOfOrder,
	}
}

// Check returns what in the timeline of a preventive request departs from
// the guideline g, judged at the time of the timeline's last entry: see
// [CheckAt]. It returns nil for a request that followed it.
func Check(g guideline.Guideline, t register.Timeline) []guideline.Finding {
	var last time.Time
	for _, e := range t.Entries {
		if e.Time.After(last) {
			last = e.Time
		}
	}
	return CheckAt(g, t, last)
}

// CheckAt returns what in the timeline of a preventive request departs
// from the guideline g, judged at now (which only matters to
// open_after_appointment). The timeline may come from this library
// (register.Log.Timeline) or from another system (register.LoadTimeline):
// it reads the entries of kinds request.* with the Data fields documented
// on this package's Data constants, and the outbox's message.* entries.
// Entries of other kinds are ignored. Each [guideline.Finding] has one of
// [FindingCodes], cites its clause of the preventive phase and renders
// itself in Italian or English through [Catalog]:
//
//   - short_notice, short_notice_without_reason: the lead time in working
//     days from the first submission for an appointment to it
//     ([register.DataAppointment]) is below g's minimum; with or without
//     an urgency reason ([DataUrgencyReasonGiven]). A submission without
//     the appointment is judged by its [DataShortNotice] flag;
//   - wrong_role: an entry whose actor's role may not take its action
//     (see [Diagram]), or a decision recorded by the official without
//     [DataDecidedBy] naming the Police Command;
//   - missing_recipient: for each submission and cancellation, a
//     recipient of [Recipients] with no message queued (message.queued
//     entries of the same message_kind, with the recipients' roles), or
//     whose messages were all dead-lettered, or not yet delivered;
//   - missing_personal_data: a submission without [DataPersonalData] true;
//   - open_after_appointment: the request is open at now, after the end
//     of the appointment ([DataAppointmentEnd], or its start);
//   - out_of_order: an entry that no transition of the lifecycle takes
//     from the state reached (the request is then taken to be where
//     that kind of entry leads), or that is earlier than the one before.
func CheckAt(g guideline.Guideline, t register.Timeline, now time.Time) []guideline.Finding {
	c := &checker{g: g, state: Draft, transitions: table().Transitions(), messages: map[string]*queued{}}
	for i, e := range t.Entries {
		switch {
		case strings.HasPrefix(e.Kind, "message."):
			c.message(e)
		case strings.HasPrefix(e.Kind, "request."):
			c.entry(i, e)
		}
	}
	for _, s := range c.sendings {
		c.recipients(s)
	}
	end := c.appointmentEnd
	if end.IsZero() {
		end = c.appointment
	}
	if c.state.Open() && !end.IsZero() && now.After(end) {
		c.add(FindingOpenAfterAppointment, guideline.SeverityWarning, ruleClause(guideline.RuleRecordRequests),
			guideline.NoEntry, register.KindRequestCompleted, c.state)
	}
	return c.findings
}

// checker walks a timeline.
type checker struct {
	g           guideline.Guideline
	state       State
	transitions []lifecycle.Transition[State, Action]
	findings    []guideline.Finding

	previous       time.Time
	submissions    int
	appointment    time.Time
	appointmentEnd time.Time
	sendings       []*sending
	messages       map[string]*queued
}

// sending is a submission or a cancellation, with its messages.
type sending struct {
	index int
	kind  string
	msgs  []*queued
}

// queued is a message and what became of it.
type queued struct {
	roles  []guideline.Role
	status string // a message.* kind
}

func (c *checker) add(code string, sev guideline.Severity, clause guideline.Clause, entry int, kind string, args ...any) {
	c.findings = append(c.findings, guideline.Finding{
		Code: code, Severity: sev, Clause: clause, Entry: entry, Kind: kind, Args: args, Catalog: Catalog(),
	})
}

// The clauses of the preventive phase the findings cite.
var (
	clauseSend    = guideline.Clause{Phase: guideline.PhasePreventive, Paragraph: 2}
	clauseContent = guideline.Clause{Phase: guideline.PhasePreventive, Paragraph: 3}
)

func ruleClause(id guideline.RuleID) guideline.Clause {
	for _, r := range guideline.Rules() {
		if r.ID == id {
			return r.Clause
		}
	}
	return clauseContent
}

// stepClause is the clause of a step of g, or def if g lacks the step.
func (c *checker) stepClause(id guideline.StepID, def guideline.Clause) guideline.Clause {
	if s, ok := c.g.Step(id); ok {
		return s.Clause
	}
	return def
}

func (c *checker) entry(i int, e register.TimelineEntry) {
	if !c.previous.IsZero() && e.Time.Before(c.previous) {
		c.add(FindingOutOfOrder, guideline.SeverityError, ruleClause(guideline.RuleRecordRequests), i, e.Kind,
			entryArg(e.Kind), orderProblem{key: keyOrderEarlier})
	}
	if e.Time.After(c.previous) {
		c.previous = e.Time
	}
	k := slices.IndexFunc(c.transitions, func(tr lifecycle.Transition[State, Action]) bool {
		return tr.From == c.state && tr.Kind == e.Kind
	})
	if k < 0 {
		c.add(FindingOutOfOrder, guideline.SeverityError, ruleClause(guideline.RuleRecordRequests), i, e.Kind,
			entryArg(e.Kind), orderProblem{key: keyOrderState, state: c.state})
		// The entry still records what happened: the request is now where
		// that kind leads, so one misplaced entry is one finding.
		if k = slices.IndexFunc(c.transitions, func(tr lifecycle.Transition[State, Action]) bool {
			return tr.Kind == e.Kind
		}); k < 0 {
			return
		}
	}
	tr := c.transitions[k]
	switch tr.Action {
	case ActionRequestInfo, ActionAccept, ActionDecline:
		var by guideline.Role
		_, _ = e.Field(DataDecidedBy, &by)
		if !tr.Allows(e.Actor.Role) || e.Actor.Role != guideline.RolePoliceCommand && by != guideline.RolePoliceCommand {
			c.add(FindingWrongRole, guideline.SeverityError, c.stepClause(guideline.StepEvaluateRequest, clauseContent), i, e.Kind,
				tr.Action, e.Actor.Role)
		}
	case ActionComplete:
		if !tr.Allows(e.Actor.Role) {
			c.add(FindingWrongRole, guideline.SeverityError, ruleClause(guideline.RuleRecordRequests), i, e.Kind, tr.Action, e.Actor.Role)
		}
	default:
		if !tr.Allows(e.Actor.Role) {
			c.add(FindingWrongRole, guideline.SeverityError, c.stepClause(guideline.StepSendRequest, clauseSend), i, e.Kind, tr.Action, e.Actor.Role)
		}
	}
	c.state = tr.To
	switch e.Kind {
	case register.KindRequestSubmitted:
		c.submission(i, e)
		c.sendings = append(c.sendings, &sending{index: i, kind: e.Kind})
	case register.KindRequestCancelled:
		c.sendings = append(c.sendings, &sending{index: i, kind: e.Kind})
	}
}

// submission checks a submission's personal data and notice.
func (c *checker) submission(i int, e register.TimelineEntry) {
	c.submissions++
	var personal bool
	if _, err := e.Field(DataPersonalData, &personal); err != nil || !personal {
		c.add(FindingMissingPersonalData, guideline.SeverityError, clauseContent, i, e.Kind, c.submissions)
	}
	var at, end time.Time
	hasAt, err := e.Field(register.DataAppointment, &at)
	hasAt = hasAt && err == nil
	if ok, err := e.Field(DataAppointmentEnd, &end); !ok || err != nil {
		end = time.Time{}
	}
	var reason bool
	_, _ = e.Field(DataUrgencyReasonGiven, &reason)
	var n Notice
	switch {
	case hasAt && c.submissions > 1 && at.Equal(c.appointment):
		// A supplement for the same appointment: the notice was judged
		// at the first submission.
		c.appointmentEnd = end
		return
	case hasAt:
		minimum := c.g.Policy().MinLeadTime
		n = Notice{LeadTime: c.g.LeadTime(e.Time, at), MinLeadTime: minimum}
		n.Short = n.LeadTime < minimum
		c.appointment, c.appointmentEnd = at, end
	default:
		if c.submissions > 1 {
			return
		}
		_, _ = e.Field(DataShortNotice, &n.Short)
		_, _ = e.Field(DataLeadTime, &n.LeadTime)
		_, _ = e.Field(DataMinLeadTime, &n.MinLeadTime)
	}
	if !n.Short {
		return
	}
	code, sev := FindingShortNotice, guideline.SeverityWarning
	if !reason {
		code, sev = FindingShortNoticeWithoutReason, guideline.SeverityError
	}
	c.add(code, sev, ruleClause(guideline.RuleMinLeadTime), i, e.Kind, workingDays(n.LeadTime), workingDays(n.MinLeadTime))
}

// message follows the outbox's entries of the request's messages.
func (c *checker) message(e register.TimelineEntry) {
	var key string
	if ok, err := e.Field(register.DataMessageKey, &key); !ok || err != nil {
		return
	}
	if e.Kind != register.KindMessageQueued {
		if q, ok := c.messages[key]; ok && q.status != register.KindMessageDelivered {
			q.status = e.Kind
		}
		return
	}
	var kind string
	var recipients []struct {
		Role guideline.Role `json:"role"`
	}
	_, _ = e.Field(register.DataMessageKind, &kind)
	_, _ = e.Field(register.DataRecipients, &recipients)
	q := &queued{status: e.Kind}
	for _, r := range recipients {
		q.roles = append(q.roles, r.Role)
	}
	c.messages[key] = q
	for j := len(c.sendings) - 1; j >= 0; j-- {
		if c.sendings[j].kind == kind {
			c.sendings[j].msgs = append(c.sendings[j].msgs, q)
			return
		}
	}
}

// recipients checks that every recipient got the sending.
func (c *checker) recipients(s *sending) {
	for _, role := range Recipients() {
		problem := keyNeverSent
		for _, q := range s.msgs {
			if !slices.Contains(q.roles, role) {
				continue
			}
			switch q.status {
			case register.KindMessageDelivered:
				problem = ""
			case register.KindMessageDeadLettered:
				if problem == keyNeverSent {
					problem = keyDeadLettered
				}
			default:
				if problem != "" {
					problem = keyUndelivered
				}
			}
		}
		if problem != "" {
			c.add(FindingMissingRecipient, guideline.SeverityError, clauseSend, s.index, s.kind, role, orderProblem{key: problem})
		}
	}
}

// workingDays renders a count of working days in a finding.
type workingDays guideline.WorkingDays

// Name returns the count in words, in the language of p.
func (w workingDays) Name(p *message.Printer) string { return guideline.WorkingDays(w).Text(p) }

// entryArg is an entry in a finding's text, named by the action it
// records ("Accoglimento"), or by its kind when no action records it.
type entryArg string

// Name returns the action's name in the language of p.
func (k entryArg) Name(p *message.Printer) string {
	for _, tr := range table().Transitions() {
		if tr.Kind == string(k) {
			return tr.Action.Name(p)
		}
	}
	return string(k)
}

// orderProblem is a text of a finding, with the state it names if any.
type orderProblem struct {
	key   string
	state State
}

// Name returns the text in the language of p.
func (o orderProblem) Name(p *message.Printer) string {
	if o.state != "" {
		return p.Sprintf(o.key, o.state.Name(p))
	}
	return p.Sprintf(o.key)
}
