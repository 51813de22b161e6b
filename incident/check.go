package incident

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/message"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

// The codes of the findings of [Check]. They are stable: tests and
// dashboards may rely on them.
const (
	// FindingMissingStep: a step of the emergency is missing although a
	// later one happened (or the report itself is missing).
	FindingMissingStep = "missing_step"
	// FindingOutOfOrder: a step is recorded after a later one, or twice.
	FindingOutOfOrder = "out_of_order"
	// FindingLateStep: step 1 or 2 was confirmed later than the policy
	// allows, or is still unconfirmed past it.
	FindingLateStep = "late_step"
	// FindingWrongRole: a step recorded by a role the guideline does not
	// give it to.
	FindingWrongRole = "wrong_role"
	// FindingDispatchWithoutCall: a dispatch with no call to the
	// Operations Centre before it.
	FindingDispatchWithoutCall = "dispatch_without_call"
	// FindingReportNotFiled: a patrol was sent, and the incident was
	// evaluated or closed without its report.
	FindingReportNotFiled = "report_not_filed"
	// FindingReportNotEvaluated: the patrol's report was filed, and the
	// incident was shared or closed without the Command's evaluation.
	FindingReportNotEvaluated = "report_not_evaluated"
	// FindingEscalated: a step was escalated (a warning: the escalation
	// worked, but the step waited).
	FindingEscalated = "escalated"
	// FindingDirectCall: the Operations Centre was called directly,
	// without colleagues alerted: the deviation the guideline allows an
	// operator alone on duty.
	FindingDirectCall = "direct_call"
	// FindingAlertUndelivered: an alert, call script or escalation could
	// not be delivered (dead-lettered), or was still undelivered past the
	// policy's urgent delivery deadline.
	FindingAlertUndelivered = "alert_undelivered"

	// The findings below concern duties that go beyond the document
	// (guideline.SupplementaryRules): each cites the closest clause, and
	// its text says where the duty comes from.

	// FindingCheckoutMissed: the library raised the incident because a
	// check-in session was not closed in time (register.DataAlarmCause
	// register.AlarmCheckoutMissed in the report): the operator could not
	// raise the alarm of step 1 themselves. A warning.
	FindingCheckoutMissed = "checkout_missed"
	// FindingDuress: the library raised the incident silently because the
	// operator checked out with the duress code (register.AlarmDuress):
	// nobody may contact the operator in a way that shows. A warning.
	FindingDuress = "duress"
	// FindingSupportNotOffered: support was offered to the staff involved
	// after the policy's SupportOfferedDays, or not at all once they
	// passed (register.DutySupport late or missing).
	FindingSupportNotOffered = "support_not_offered"
	// FindingInjuryReportLate: the injury report to INAIL was filed after
	// the policy's InjuryReportDays (at most the law's two days), or not
	// at all once they passed (register.DutyInjuryReport late or
	// missing).
	FindingInjuryReportLate = "injury_report_late"
	// FindingCommandEvaluationLate: the Command evaluated the patrol's
	// report after the policy's CommandEvaluationDays, or not at all once
	// they passed (register.DutyCommandEvaluation late or missing; not
	// when [FindingReportNotEvaluated] already says it).
	FindingCommandEvaluationLate = "command_evaluation_late"
)

// FindingCodes returns every code of [Check], in a stable order.
func FindingCodes() []string {
	return []string{FindingMissingStep, FindingOutOfOrder, FindingLateStep, FindingWrongRole, FindingDispatchWithoutCall,
		FindingReportNotFiled, FindingReportNotEvaluated, FindingEscalated, FindingDirectCall, FindingAlertUndelivered,
		FindingCheckoutMissed, FindingDuress, FindingSupportNotOffered, FindingInjuryReportLate, FindingCommandEvaluationLate}
}

// stages are the incident's kinds in the order of the guideline.
var stages = []string{
	register.KindIncidentReported, register.KindIncidentColleaguesAlerted, register.KindIncidentOperationsCentreCalled,
	register.KindIncidentDispatched, register.KindIncidentPatrolReportFiled, register.KindIncidentCommandEvaluated,
	register.KindIncidentSharedWithDirectorate, register.KindIncidentClosed,
}

// stageStep is the step of the guideline each stage's entry belongs to.
var stageStep = []guideline.StepID{StepAlertColleagues, StepAlertColleagues, StepCallOperationsCentre, StepDispatch,
	StepPatrolReport, StepPatrolReport, StepPatrolReport, StepPatrolReport}

const (
	stReported = iota
	stAlerted
	stCalled
	stDispatched
	stFiled
	stEvaluated
	stShared
	stClosed
)

// alertKinds are the messages whose delivery [Check] judges.
var alertKinds = []string{KindAlert, KindCallScript, KindOfficialAlert}

// Check judges an incident's timeline against the guideline g, at the
// time of its last entry: see [CheckAt].
func Check(g guideline.Guideline, t register.Timeline) []guideline.Finding {
	var now time.Time
	if n := len(t.Entries); n > 0 {
		now = t.Entries[n-1].Time
	}
	return CheckAt(g, t, now)
}

// CheckAt judges an incident's timeline (from this library's register or
// from another system) against the guideline g, as of now, and returns
// its findings, each citing its clause of the emergency phase; a timeline
// that follows the guideline has none. It reads only the timeline's
// kinds, times, roles and Data codes; it never fails.
//
// Judged as of now: a step 1 or 2 still unconfirmed past its timeout
// ([FindingLateStep]), and an alert still undelivered past the policy's
// urgent delivery deadline ([FindingAlertUndelivered]). A closed
// incident's pending steps are not late: it closed before.
func CheckAt(g guideline.Guideline, t register.Timeline, now time.Time) []guideline.Finding {
	c := checker{g: g, pol: g.Policy(), first: map[int]int{}}
	c.walk(t.Entries)
	c.steps(t.Entries, now)
	c.messages(t.Entries, now)
	c.alarm(t.Entries)
	c.followUps(t, now)
	slices.SortStableFunc(c.out, func(a, b guideline.Finding) int { return a.Entry - b.Entry })
	return c.out
}

type checker struct {
	g     guideline.Guideline
	pol   guideline.Policy
	first map[int]int // stage -> index of its first entry
	max   int         // highest stage among the steps (not closed); -1 for none
	out   []guideline.Finding
}

func (c *checker) add(code string, sev guideline.Severity, stage, entry int, args ...any) {
	clause := guideline.Clause{Phase: guideline.PhaseEmergency, Paragraph: 1, Item: 1}
	if s, ok := c.g.Step(stageStep[stage]); ok {
		clause = s.Clause
	}
	c.out = append(c.out, guideline.Finding{
		Code: code, Severity: sev, Clause: clause, Entry: entry, Kind: stages[stage], Args: args, Catalog: Catalog(),
	})
}

// allowed returns the roles the table gives the entries of a stage.
func allowed(kind string) []guideline.Role {
	var out []guideline.Role
	for _, t := range transitions {
		if t.Kind == kind {
			out = append(out, t.Roles...)
		}
	}
	return out
}

// walk finds the order, role and escalation findings, and the first
// entry of each stage.
func (c *checker) walk(entries []register.TimelineEntry) {
	c.max = -1
	maxAny := -1
	for i, e := range entries {
		stage := slices.Index(stages, e.Kind)
		switch {
		case stage >= 0:
			if !slices.Contains(allowed(e.Kind), e.Actor.Role) {
				c.add(FindingWrongRole, guideline.SeverityError, stage, i, entryArg(e.Kind), e.Actor.Role)
			}
			if stage <= maxAny {
				c.add(FindingOutOfOrder, guideline.SeverityError, stage, i, entryArg(e.Kind))
				continue
			}
			maxAny = stage
			c.first[stage] = i
			// The Operations Centre confirming the call before anyone
			// confirmed step 1 confirms both (see Desk.Confirm).
			if stage == stCalled && !c.has(stAlerted) && e.Actor.Role == guideline.RoleOperationsCentre {
				c.first[stAlerted] = i
			}
			if stage != stClosed {
				c.max = stage
			}
		case e.Kind == KindEscalated:
			var d escalationData
			_, _ = e.Field(DataStep, &d.Step)
			_, _ = e.Field(DataReason, &d.Reason)
			_, _ = e.Field(DataEscalationActions, &d.Actions)
			stage := stAlerted
			if d.Step == StepCallOperationsCentre {
				stage = stCalled
			}
			if e.Actor.Role != register.RoleSystem {
				c.add(FindingWrongRole, guideline.SeverityError, stage, i, entryArg(e.Kind), e.Actor.Role)
			}
			// When, from the start of the step's clock as the ladder
			// counts it: the report for step 1, step 1 for step 2.
			when := sinceArg{from: -1}
			for _, from := range []int{stAlerted, stReported} {
				if (from == stReported || stage == stCalled) && c.has(from) {
					when = sinceArg{elapsed: e.Time.Sub(entries[c.first[from]].Time), from: from}
					break
				}
			}
			c.add(FindingEscalated, guideline.SeverityWarning, stage, i, stepArg(stageStep[stage]), when, d.Reason, actionsArg{step: stageStep[stage], actions: d.Actions})
		}
	}
}

func (c *checker) has(stage int) bool { _, ok := c.first[stage]; return ok }

func (c *checker) at(entries []register.TimelineEntry, stage int) time.Time {
	return entries[c.first[stage]].Time
}

// steps finds the missing, late and skipped steps.
func (c *checker) steps(entries []register.TimelineEntry, now time.Time) {
	if !c.has(stReported) {
		if len(entries) > 0 {
			c.add(FindingMissingStep, guideline.SeverityError, stReported, guideline.NoEntry, stageArg(stReported))
		}
		return
	}
	direct := c.has(stCalled) && !c.has(stAlerted)
	if direct {
		c.add(FindingDirectCall, guideline.SeverityWarning, stCalled, c.first[stCalled])
	}
	if !c.has(stAlerted) && !c.has(stCalled) && c.max >= stDispatched {
		c.add(FindingMissingStep, guideline.SeverityError, stAlerted, guideline.NoEntry, stageArg(stAlerted))
	}
	if !c.has(stCalled) && c.max >= stDispatched {
		if c.has(stDispatched) {
			c.add(FindingDispatchWithoutCall, guideline.SeverityError, stDispatched, c.first[stDispatched])
		} else {
			c.add(FindingMissingStep, guideline.SeverityError, stCalled, guideline.NoEntry, stageArg(stCalled))
		}
	}
	if !c.has(stDispatched) && c.max >= stFiled {
		c.add(FindingMissingStep, guideline.SeverityError, stDispatched, guideline.NoEntry, stageArg(stDispatched))
	}
	// The report of the patrol, when a patrol went.
	if c.has(stDispatched) && !c.has(stFiled) {
		var target DispatchTarget
		_, _ = entries[c.first[stDispatched]].Field(DataDispatchTarget, &target)
		if target != DispatchPoliceForces {
			for _, after := range []int{stEvaluated, stShared, stClosed} {
				if c.has(after) {
					c.add(FindingReportNotFiled, guideline.SeverityError, stFiled, c.first[after])
					break
				}
			}
		}
	}
	if c.has(stFiled) && !c.has(stEvaluated) {
		for _, after := range []int{stShared, stClosed} {
			if c.has(after) {
				c.add(FindingReportNotEvaluated, guideline.SeverityError, stEvaluated, c.first[after])
				break
			}
		}
	}
	// Steps 1 and 2 in time.
	end := now
	if c.has(stClosed) {
		end = c.at(entries, stClosed)
	}
	reported := c.at(entries, stReported)
	step1 := stAlerted
	if direct {
		step1 = stCalled
	}
	c.inTime(entries, stAlerted, step1, stReported, reported, c.pol.AlertColleaguesTimeout, end)
	if c.has(stAlerted) && !direct {
		c.inTime(entries, stCalled, stCalled, stAlerted, c.at(entries, stAlerted), c.pol.CallOperationsCentreTimeout, end)
	}
}

// inTime reports a step (stage, done by the entry of doneBy) later than
// limit after start (the time of the entry of stage from), or still
// pending at end past it.
func (c *checker) inTime(entries []register.TimelineEntry, stage, doneBy, from int, start time.Time, limit guideline.Duration, end time.Time) {
	if limit <= 0 {
		return
	}
	deadline := start.Add(limit.Std())
	if c.has(doneBy) {
		if done := c.at(entries, doneBy); done.After(deadline) {
			c.add(FindingLateStep, guideline.SeverityError, stage, c.first[doneBy],
				stepArg(stageStep[stage]), lateArg{sinceArg{elapsed: done.Sub(start), from: from}, false}, durationArg(limit))
		}
		return
	}
	if c.max < stage && end.After(deadline) && !c.has(stClosed) {
		c.add(FindingLateStep, guideline.SeverityError, stage, guideline.NoEntry,
			stepArg(stageStep[stage]), lateArg{sinceArg{elapsed: end.Sub(start), from: from}, true}, durationArg(limit))
	}
}

// messages finds the alerts not delivered.
func (c *checker) messages(entries []register.TimelineEntry, now time.Time) {
	type msg struct {
		queued, dead int
		kind         string
		role         guideline.Role
		at           time.Time
		delivered    bool
	}
	var keys []string
	byKey := map[string]*msg{}
	for i, e := range entries {
		var key string
		if ok, _ := e.Field(register.DataMessageKey, &key); !ok {
			continue
		}
		m := byKey[key]
		if m == nil {
			m = &msg{queued: -1, dead: -1}
			byKey[key] = m
			keys = append(keys, key)
		}
		switch e.Kind {
		case register.KindMessageQueued:
			m.queued, m.at = i, e.Time
			_, _ = e.Field(register.DataMessageKind, &m.kind)
			var rs []struct {
				Role guideline.Role `json:"role"`
			}
			if ok, _ := e.Field(register.DataRecipients, &rs); ok && len(rs) > 0 {
				m.role = rs[0].Role
			}
		case register.KindMessageDelivered:
			m.delivered = true
		case register.KindMessageDeadLettered:
			m.dead = i
		}
	}
	for _, k := range keys {
		m := byKey[k]
		if m.queued < 0 || !slices.Contains(alertKinds, m.kind) || m.delivered {
			continue
		}
		stage := stAlerted
		if m.kind == KindCallScript {
			stage = stCalled
		}
		switch {
		case m.dead >= 0:
			c.add(FindingAlertUndelivered, guideline.SeverityError, stage, m.dead, m.role)
		case now.Sub(m.at) > c.pol.UrgentDeliveryDeadline.Std():
			c.add(FindingAlertUndelivered, guideline.SeverityError, stage, m.queued, m.role)
		}
	}
}

// alarm finds the cause of an incident the library raised.
func (c *checker) alarm(entries []register.TimelineEntry) {
	if !c.has(stReported) {
		return
	}
	i := c.first[stReported]
	var cause string
	_, _ = entries[i].Field(register.DataAlarmCause, &cause)
	code := map[string]string{register.AlarmCheckoutMissed: FindingCheckoutMissed, register.AlarmDuress: FindingDuress}[cause]
	if code != "" {
		c.addAt(code, guideline.SeverityWarning, emergencyClause(1), i, register.KindIncidentReported)
	}
}

// emergencyClause is item (0 for none) of the emergency phase's only
// paragraph.
func emergencyClause(item int) guideline.Clause {
	return guideline.Clause{Phase: guideline.PhaseEmergency, Paragraph: 1, Item: item}
}

// followUps finds the employer's duties after the incident that were
// late or missing, by register.FollowUps. The document has none of them:
// support and the injury report cite the paragraph on violent events
// that endanger the staff, the Command's evaluation its step 4.
func (c *checker) followUps(t register.Timeline, now time.Time) {
	if !c.has(stReported) {
		return
	}
	for _, f := range register.FollowUps(t, c.pol, now) {
		if f.Status != register.FollowUpLate && f.Status != register.FollowUpMissing {
			continue
		}
		arg := followUpArg{duty: f.Duty, status: f.Status}
		switch f.Duty {
		case register.DutySupport:
			c.addAt(FindingSupportNotOffered, guideline.SeverityError, emergencyClause(0), f.Entry,
				register.KindFollowUpSupportOffered, arg, daysArg(c.pol.SupportOfferedDays))
		case register.DutyInjuryReport:
			c.addAt(FindingInjuryReportLate, guideline.SeverityError, emergencyClause(0), f.Entry,
				register.KindFollowUpInjuryReported, arg, daysArg(c.pol.InjuryReportDays))
		case register.DutyCommandEvaluation:
			if f.Status == register.FollowUpMissing && slices.ContainsFunc(c.out, func(x guideline.Finding) bool {
				return x.Code == FindingReportNotEvaluated
			}) {
				continue
			}
			c.addAt(FindingCommandEvaluationLate, guideline.SeverityError, emergencyClause(4), f.Entry,
				register.KindFollowUpEvaluationShared, arg, daysArg(c.pol.CommandEvaluationDays))
		}
	}
}

// addAt adds a finding that cites clause and concerns an entry of kind.
func (c *checker) addAt(code string, sev guideline.Severity, clause guideline.Clause, entry int, kind string, args ...any) {
	c.out = append(c.out, guideline.Finding{
		Code: code, Severity: sev, Clause: clause, Entry: entry, Kind: kind, Args: args, Catalog: Catalog(),
	})
}

// followUpArg is, in a finding's text, how a duty was not met: done late,
// or not done.
type followUpArg struct {
	duty   register.Duty
	status register.FollowUpStatus
}

// Name returns the phrase in the printer's language.
func (a followUpArg) Name(p *message.Printer) string {
	return p.Sprintf(keyFollowUpPrefix + string(a.duty) + "." + string(a.status))
}

// MarshalJSON writes the status code.
func (a followUpArg) MarshalJSON() ([]byte, error) { return json.Marshal(a.status) }

// daysArg is a term in days in a finding's text.
type daysArg guideline.Days

// Name returns the term in the printer's language.
func (d daysArg) Name(p *message.Printer) string { return guideline.Days(d).Text(p) }

// MarshalJSON writes the number of days.
func (d daysArg) MarshalJSON() ([]byte, error) { return json.Marshal(int(d)) }

// durationArg is a duration in a finding's text, rendered for a person
// by guideline.Duration.Text ("2 minuti", "4 min 30 s").
type durationArg time.Duration

// Name returns the duration in the printer's language.
func (d durationArg) Name(p *message.Printer) string { return guideline.Duration(d).Text(p) }

// MarshalJSON writes the duration as a Go duration string.
func (d durationArg) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// stepArg is a step of the guideline in a finding's text, named as the
// document names it ("Chiamata al Capo Turno della Centrale Operativa").
type stepArg guideline.StepID

// Name returns the step's name in the printer's language.
func (s stepArg) Name(p *message.Printer) string { return p.Sprintf(guideline.StepID(s).NameKey()) }

// MarshalJSON writes the step's identifier.
func (s stepArg) MarshalJSON() ([]byte, error) { return json.Marshal(string(s)) }

// stageArg is what a missing_step finding says is missing: the report of
// the incident, or a step of the guideline.
type stageArg int

// Name returns the phrase in the printer's language.
func (s stageArg) Name(p *message.Printer) string {
	if s == stReported {
		return p.Sprintf(keyMissingReport)
	}
	return p.Sprintf(keyMissingStep, stepArg(stageStep[s]).Name(p))
}

// MarshalJSON writes the kind of the entry missing.
func (s stageArg) MarshalJSON() ([]byte, error) { return json.Marshal(stages[s]) }

// entryArg is an entry in a finding's text, named by the action it
// records ("Disposizione dell'intervento"), an escalation as such.
type entryArg string

// Name returns the action's name in the printer's language.
func (k entryArg) Name(p *message.Printer) string {
	if k == KindEscalated {
		return p.Sprintf(keyEntryEscalation)
	}
	for _, t := range transitions {
		if t.Kind == string(k) {
			return t.Action.Name(p)
		}
	}
	return string(k)
}

// sinceArg is when something happened, from the start of a step's clock:
// the report (from stReported), step 1 (stAlerted), or unknown (-1).
type sinceArg struct {
	elapsed time.Duration
	from    int
}

// Name returns the phrase in the printer's language.
func (s sinceArg) Name(p *message.Printer) string {
	d := guideline.Duration(s.elapsed.Round(time.Second))
	switch {
	case s.from < 0:
		return p.Sprintf(keySinceUnknown)
	case d == 0 && s.from == stAlerted:
		return p.Sprintf(keySinceStep1Now)
	case d == 0:
		return p.Sprintf(keySinceReportNow)
	case s.from == stAlerted:
		return p.Sprintf(keySinceStep1, d.Text(p))
	}
	return p.Sprintf(keySinceReport, d.Text(p))
}

// MarshalJSON writes the time elapsed as a Go duration string.
func (s sinceArg) MarshalJSON() ([]byte, error) { return json.Marshal(s.elapsed.String()) }

// lateArg says how late a step of a late_step finding is: confirmed, or
// still pending, that long after its clock started.
type lateArg struct {
	since   sinceArg
	pending bool
}

// Name returns the phrase in the printer's language.
func (l lateArg) Name(p *message.Printer) string {
	key := map[[2]bool]string{
		{false, false}: keyLateDoneReport, {false, true}: keyLateDoneStep1,
		{true, false}: keyLatePendingReport, {true, true}: keyLatePendingStep1,
	}[[2]bool{l.pending, l.since.from == stAlerted}]
	return p.Sprintf(key, guideline.Duration(l.since.elapsed).Text(p))
}

// MarshalJSON writes the time elapsed as a Go duration string.
func (l lateArg) MarshalJSON() ([]byte, error) { return json.Marshal(l.since.elapsed.String()) }

// actionsArg is what an escalation of step did, in a finding's text: the
// rungs of the ladder taken, the alarm sent again said as it was for
// that step.
type actionsArg struct {
	step    guideline.StepID
	actions []guideline.EscalationAction
}

// Name returns the actions' descriptions in the printer's language.
func (a actionsArg) Name(p *message.Printer) string {
	if len(a.actions) == 0 {
		return p.Sprintf(keyNoEscalationAction)
	}
	names := make([]string, len(a.actions))
	for i, x := range a.actions {
		switch {
		case x == guideline.EscalateRealert && a.step == StepAlertColleagues:
			names[i] = p.Sprintf(keyRealertColleagues)
		case x == guideline.EscalateRealert && a.step == StepCallOperationsCentre:
			names[i] = p.Sprintf(keyRealertCallScript)
		default:
			names[i] = x.Name(p)
		}
	}
	return strings.Join(names, "; ")
}

// MarshalJSON writes the actions' codes.
func (a actionsArg) MarshalJSON() ([]byte, error) { return json.Marshal(a.actions) }

// Keys of the phrases of the findings' texts.
const (
	keyMissingReport      = "incident.finding.missing_report"
	keyMissingStep        = "incident.finding.missing_step"
	keyEntryEscalation    = "incident.finding.entry_escalation"
	keySinceUnknown       = "incident.finding.since_unknown"
	keySinceReport        = "incident.finding.since_report"
	keySinceReportNow     = "incident.finding.since_report_now"
	keySinceStep1         = "incident.finding.since_step1"
	keySinceStep1Now      = "incident.finding.since_step1_now"
	keyLateDoneReport     = "incident.finding.late_done_report"
	keyLateDoneStep1      = "incident.finding.late_done_step1"
	keyLatePendingReport  = "incident.finding.late_pending_report"
	keyLatePendingStep1   = "incident.finding.late_pending_step1"
	keyNoEscalationAction = "incident.finding.no_escalation_action"
	keyRealertColleagues  = "incident.finding.realert_colleagues"
	keyRealertCallScript  = "incident.finding.realert_call_script"
)

// Name returns the reason's description in the printer's language.
func (r EscalationReason) Name(p *message.Printer) string {
	return p.Sprintf("incident.reason." + string(r))
}

// FindingMessages returns the texts of the findings of [Check] and of the
// escalation reasons, in Italian and English. Their keys are
// guideline.FindingKey of each code ("finding.missing_step"), as
// [guideline.Finding.Message] looks them up; they are kept apart from
// [Messages] so that a catalog holding the texts of several packages does
// not get the same key twice. [Catalog] holds them.
func FindingMessages() []guideline.Text {
	t := guideline.NewText
	f := guideline.FindingKey
	return []guideline.Text{
		t(f(FindingMissingStep), "Nel registro manca %s.", "The register lacks %s."),
		t(f(FindingOutOfOrder), "La voce «%s» è registrata fuori ordine o due volte.", "The entry “%s” is recorded out of order or twice."),
		t(f(FindingLateStep),
			"Il passo «%[1]s» %[2]s: le regole dell'ente prevedono al massimo %[3]s.",
			"The step “%[1]s” %[2]s: the municipality's policy allows at most %[3]s."),
		t(f(FindingWrongRole),
			"L'azione «%[1]s» è stata registrata dal ruolo «%[2]s», al quale le linee guida non la affidano.",
			"The action “%[1]s” was recorded by the role “%[2]s”, to which the guideline does not give it."),
		t(f(FindingDispatchWithoutCall),
			"L'intervento risulta disposto senza che sia registrata la chiamata al Capo Turno della Centrale Operativa.",
			"The intervention was dispatched with no call to the Operations Centre's shift supervisor recorded."),
		t(f(FindingReportNotFiled),
			"È stata inviata una pattuglia, ma la sua relazione al Comando non risulta trasmessa.",
			"A patrol was sent, but its report to the Command is not recorded."),
		t(f(FindingReportNotEvaluated),
			"La relazione della pattuglia non risulta valutata dal Comando.",
			"The patrol's report is not recorded as evaluated by the Command."),
		t(f(FindingEscalated),
			"Il passo «%[1]s» è stato sollecitato %[2]s (%[3]s): %[4]s.",
			"The step “%[1]s” was escalated %[2]s (%[3]s): %[4]s."),
		t(f(FindingDirectCall),
			"La Centrale Operativa è stata chiamata direttamente da chi ha dato l'allarme, senza colleghi allertati: scostamento consentito all'operatore che è da solo in servizio.",
			"The Operations Centre was called directly by whoever raised the alarm, with no colleague alerted: a deviation allowed to an operator alone on duty."),
		t(f(FindingAlertUndelivered),
			"Un messaggio urgente per «%s» non è stato consegnato.",
			"An urgent message for “%s” was not delivered."),
		t(f(FindingCheckoutMissed),
			"L'emergenza è stata aperta d'ufficio perché la fine di una visita non è stata registrata in tempo: l'operatore non ha potuto dare l'allarme. La registrazione delle visite va oltre le linee guida: la prevedono le regole dell'ente.",
			"The emergency was raised by the procedure because a check-in session was not closed in time: the operator could not raise the alarm. Check-in goes beyond the guideline: the municipality's policy provides for it."),
		t(f(FindingDuress),
			"L'emergenza è stata aperta d'ufficio da un allarme silenzioso (codice di emergenza dato alla fine della visita): l'operatore non va contattato in modo visibile. La registrazione delle visite va oltre le linee guida: la prevedono le regole dell'ente.",
			"The emergency was raised silently by the procedure (duress code at check-out): the operator must not be contacted in a visible way. Check-in goes beyond the guideline: the municipality's policy provides for it."),
		t(f(FindingSupportNotOffered),
			"Il sostegno psicologico e legale al personale coinvolto %[1]s: va offerto entro %[2]s dalla segnalazione. L'obbligo non è nelle linee guida: lo fissano le regole dell'ente, secondo le indicazioni di Regione Lombardia.",
			"Psychological and legal support to the staff involved %[1]s: it is due within %[2]s of the report. The duty is not in the guideline: the municipality's policy sets it, following Regione Lombardia's guidance."),
		t(f(FindingInjuryReportLate),
			"La denuncia di infortunio all'INAIL %[1]s: va presentata entro %[2]s dalla notizia di un infortunio con prognosi superiore a tre giorni. L'obbligo non è nelle linee guida: lo fissa la legge (DPR 1124/1965, art. 53).",
			"The injury report to INAIL %[1]s: it is due within %[2]s of learning of an injury with a prognosis over three days. The duty is not in the guideline: the law sets it (DPR 1124/1965, art. 53)."),
		t(f(FindingCommandEvaluationLate),
			"La valutazione della relazione della pattuglia da parte del Comando %[1]s: è attesa entro %[2]s dalla relazione. Le linee guida non fissano un termine: lo fissano le regole dell'ente.",
			"The Command's evaluation of the patrol's report %[1]s: it is expected within %[2]s of the report. The guideline sets no term: the municipality's policy does."),
		t(keyFollowUpPrefix+string(register.DutySupport)+"."+string(register.FollowUpLate), "è stato offerto in ritardo", "was offered late"),
		t(keyFollowUpPrefix+string(register.DutySupport)+"."+string(register.FollowUpMissing), "non è stato offerto", "was not offered"),
		t(keyFollowUpPrefix+string(register.DutyInjuryReport)+"."+string(register.FollowUpLate), "è stata presentata in ritardo", "was filed late"),
		t(keyFollowUpPrefix+string(register.DutyInjuryReport)+"."+string(register.FollowUpMissing), "non è stata presentata", "was not filed"),
		t(keyFollowUpPrefix+string(register.DutyCommandEvaluation)+"."+string(register.FollowUpLate), "è avvenuta in ritardo", "came late"),
		t(keyFollowUpPrefix+string(register.DutyCommandEvaluation)+"."+string(register.FollowUpMissing), "non risulta avvenuta", "is not recorded"),
		t(keyMissingReport, "la segnalazione dell'evento", "the report of the incident"),
		t(keyMissingStep, "il passo «%s»", "the step “%s”"),
		t(keyEntryEscalation, "Sollecito", "Escalation"),
		t(keySinceUnknown, "senza una segnalazione registrata prima", "with no report recorded before it"),
		t(keySinceReport, "%s dopo la segnalazione", "%s after the report"),
		t(keySinceReportNow, "subito dopo la segnalazione", "right after the report"),
		t(keySinceStep1, "%s dopo il passo 1", "%s after step 1"),
		t(keySinceStep1Now, "subito dopo il passo 1", "right after step 1"),
		t(keyLateDoneReport, "è stato confermato %s dopo la segnalazione", "was confirmed %s after the report"),
		t(keyLateDoneStep1, "è stato confermato %s dopo il passo 1", "was confirmed %s after step 1"),
		t(keyLatePendingReport, "non risulta ancora confermato a %s dalla segnalazione", "is still not confirmed %s after the report"),
		t(keyLatePendingStep1, "non risulta ancora confermato a %s dal passo 1", "is still not confirmed %s after step 1"),
		t(keyNoEscalationAction, "nessuna azione registrata", "no action recorded"),
		t(keyRealertColleagues, "nuovo allarme ai colleghi in servizio", "the alarm sent again to the colleagues on duty"),
		t(keyRealertCallScript, "nuovo invio della traccia della telefonata a chi deve chiamare la Centrale Operativa",
			"the call script sent again to whoever must phone the Operations Centre"),
		t("incident.reason."+string(ReasonNotConfirmed), "passo non confermato in tempo", "step not confirmed in time"),
		t("incident.reason."+string(ReasonNoColleagues), "nessun collega in servizio presso la sede", "no colleague on duty at the venue"),
		t("incident.reason."+string(ReasonUndelivered), "allarme non consegnato", "alert not delivered"),
	}
}
