package incident

import (
	"encoding/json"
	"slices"
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

// stageState is the state each stage's entry leads to.
var stageState = []State{StateReported, StateColleaguesAlerted, StateOperationsCentreCalled, StateDispatched,
	StatePatrolReportFiled, StateCommandEvaluated, StateSharedWithDirectorate, StateClosed}

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
				c.add(FindingWrongRole, guideline.SeverityError, stage, i, stageState[stage], e.Actor.Role)
			}
			if stage <= maxAny {
				c.add(FindingOutOfOrder, guideline.SeverityError, stage, i, stageState[stage])
				continue
			}
			maxAny = stage
			c.first[stage] = i
			if stage != stClosed {
				c.max = stage
			}
		case e.Kind == KindEscalated:
			var d escalationData
			_, _ = e.Field(DataStep, &d.Step)
			_, _ = e.Field(DataReason, &d.Reason)
			stage := stAlerted
			if d.Step == StepCallOperationsCentre {
				stage = stCalled
			}
			if e.Actor.Role != register.RoleSystem {
				c.add(FindingWrongRole, guideline.SeverityError, stage, i, stageState[stage], e.Actor.Role)
			}
			step, _ := c.g.Step(stageStep[stage])
			c.add(FindingEscalated, guideline.SeverityWarning, stage, i, step, d.Reason)
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
			c.add(FindingMissingStep, guideline.SeverityError, stReported, guideline.NoEntry, StateReported)
		}
		return
	}
	direct := c.has(stCalled) && (!c.has(stAlerted) || c.first[stAlerted] > c.first[stCalled])
	if direct {
		c.add(FindingDirectCall, guideline.SeverityWarning, stCalled, c.first[stCalled])
	}
	if !c.has(stAlerted) && !c.has(stCalled) && c.max >= stDispatched {
		c.add(FindingMissingStep, guideline.SeverityError, stAlerted, guideline.NoEntry, StateColleaguesAlerted)
	}
	if !c.has(stCalled) && c.max >= stDispatched {
		if c.has(stDispatched) {
			c.add(FindingDispatchWithoutCall, guideline.SeverityError, stDispatched, c.first[stDispatched])
		} else {
			c.add(FindingMissingStep, guideline.SeverityError, stCalled, guideline.NoEntry, StateOperationsCentreCalled)
		}
	}
	if !c.has(stDispatched) && c.max >= stFiled {
		c.add(FindingMissingStep, guideline.SeverityError, stDispatched, guideline.NoEntry, StateDispatched)
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
	c.inTime(entries, stAlerted, step1, reported, c.pol.AlertColleaguesTimeout, end)
	if c.has(stAlerted) && !direct {
		c.inTime(entries, stCalled, stCalled, c.at(entries, stAlerted), c.pol.CallOperationsCentreTimeout, end)
	}
}

// inTime reports a step (stage, done by the entry of doneBy) later than
// limit after start, or still pending at end past it.
func (c *checker) inTime(entries []register.TimelineEntry, stage, doneBy int, start time.Time, limit guideline.Duration, end time.Time) {
	if limit <= 0 {
		return
	}
	deadline := start.Add(limit.Std())
	if c.has(doneBy) {
		if done := c.at(entries, doneBy); done.After(deadline) {
			c.add(FindingLateStep, guideline.SeverityError, stage, c.first[doneBy],
				stageState[stage], durationArg(done.Sub(start)), durationArg(limit))
		}
		return
	}
	if c.max < stage && end.After(deadline) && !c.has(stClosed) {
		c.add(FindingLateStep, guideline.SeverityError, stage, guideline.NoEntry,
			stageState[stage], durationArg(end.Sub(start)), durationArg(limit))
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

// durationArg is a duration in a finding's text, rendered in whole
// minutes or seconds.
type durationArg time.Duration

// Name returns the duration in the printer's language.
func (d durationArg) Name(p *message.Printer) string {
	return guideline.Duration(time.Duration(d).Round(time.Second)).Text(p)
}

// MarshalJSON writes the duration as a Go duration string.
func (d durationArg) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

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
		t(f(FindingMissingStep), "Nel registro manca il passaggio «%s».", "The step “%s” is missing from the register."),
		t(f(FindingOutOfOrder), "Il passaggio «%s» è registrato fuori ordine o due volte.", "The step “%s” is recorded out of order or twice."),
		t(f(FindingLateStep),
			"Il passaggio «%[1]s» è avvenuto, o è ancora in attesa, dopo %[2]s: le regole dell'ente ne consentono %[3]s.",
			"The step “%[1]s” came, or is still waiting, after %[2]s: the municipality's policy allows %[3]s."),
		t(f(FindingWrongRole),
			"Il passaggio «%[1]s» è registrato dal ruolo «%[2]s», che le linee guida non incaricano di questo.",
			"The step “%[1]s” is recorded by the role “%[2]s”, which the guideline does not give it to."),
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
			"Il passo «%[1]s» è stato sollecitato dalla procedura: %[2]s.",
			"The step “%[1]s” was escalated by the procedure: %[2]s."),
		t(f(FindingDirectCall),
			"La Centrale Operativa è stata chiamata direttamente da chi ha dato l'allarme, senza colleghi allertati: scostamento consentito all'operatore solo in servizio.",
			"The Operations Centre was called directly by whoever raised the alarm, with no colleague alerted: a deviation allowed to an operator alone on duty."),
		t(f(FindingAlertUndelivered),
			"Un messaggio urgente per «%s» non è stato consegnato.",
			"An urgent message for “%s” was not delivered."),
		t(f(FindingCheckoutMissed),
			"L'emergenza è stata aperta d'ufficio perché una sessione di check-in non è stata chiusa in tempo: l'operatore non ha potuto dare l'allarme. Il check-in va oltre le linee guida: lo prevedono le regole dell'ente.",
			"The emergency was raised by the procedure because a check-in session was not closed in time: the operator could not raise the alarm. Check-in goes beyond the guideline: the municipality's policy provides for it."),
		t(f(FindingDuress),
			"L'emergenza è stata aperta d'ufficio da un allarme silenzioso (codice di emergenza al check-out): l'operatore non va contattato in modo visibile. Il check-in va oltre le linee guida: lo prevedono le regole dell'ente.",
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
		t("incident.reason."+string(ReasonNotConfirmed), "passo non confermato in tempo", "step not confirmed in time"),
		t("incident.reason."+string(ReasonNoColleagues), "nessun collega in servizio presso la sede", "no colleague on duty at the venue"),
		t("incident.reason."+string(ReasonUndelivered), "allarme non consegnato", "alert not delivered"),
	}
}
