package register

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/sostegno/sostegno/guideline"
)

// Kinds of the employer's duties after an incident (follow-ups), which go
// beyond the guideline's document: they are appended to the incident's
// stream, and [FollowUps] says, from the incident's [Timeline], whether
// each was met in time. Their terms are in the [guideline.Policy]
// (SupportOfferedDays, InjuryReportDays, CommandEvaluationDays).
const (
	// KindFollowUpSupportOffered: support was offered to the staff
	// involved, as Regione Lombardia's 2025 guidance asks employers to
	// provide. Data carries [DataSupport] and may carry [DataOfferedAt].
	KindFollowUpSupportOffered = "followup.support_offered"
	// KindFollowUpInjuryReported: the injury of a worker and its report to
	// INAIL (DPR 1124/1965, art. 53), which the employer files within two
	// days of learning of an injury with a prognosis over three days. The
	// library tracks the term and its outcome; it does not file the
	// report. Data carries [DataPrognosisDays] and [DataLearnedAt] (when
	// the employer learnt of it; the entry's time if absent), and
	// [DataFiledAt] once filed: an entry without it records the injury and
	// starts the term, a later one with it records the filing.
	KindFollowUpInjuryReported = "followup.injury_reported"
	// KindFollowUpEvaluationShared: the Command evaluated the patrol's
	// report and decided what to share with the Social Policies
	// Directorate (step 4), recorded apart from the lifecycle's
	// [KindIncidentCommandEvaluated] (for instance by another system).
	// Data may carry [DataEvaluatedAt] and [DataShared].
	KindFollowUpEvaluationShared = "followup.evaluation_shared"
)

// FollowUpKinds returns the kinds of the follow-ups, in the order of an
// incident's life.
func FollowUpKinds() []string {
	return []string{KindFollowUpSupportOffered, KindFollowUpInjuryReported, KindFollowUpEvaluationShared}
}

// Names of the Data fields of the follow-ups. None holds personal data:
// they are codes, counts and times.
const (
	// DataSupport, in KindFollowUpSupportOffered: the kinds of support
	// offered, a list of [Supports] codes.
	DataSupport = "support"
	// DataOfferedAt, in KindFollowUpSupportOffered: when the support was
	// offered, RFC 3339, if not at the entry's time.
	DataOfferedAt = "offered_at"
	// DataPrognosisDays, in KindFollowUpInjuryReported: the prognosis of
	// the injury, in days, a non-negative integer.
	DataPrognosisDays = "prognosis_days"
	// DataLearnedAt, in KindFollowUpInjuryReported: when the employer
	// learnt of the injury, RFC 3339; the term runs from it.
	DataLearnedAt = "learned_at"
	// DataFiledAt, in KindFollowUpInjuryReported: when the report was
	// filed with INAIL, RFC 3339.
	DataFiledAt = "filed_at"
	// DataEvaluatedAt, in KindFollowUpEvaluationShared: when the Command
	// evaluated the report, RFC 3339, if not at the entry's time.
	DataEvaluatedAt = "evaluated_at"
	// DataShared, in KindFollowUpEvaluationShared: whether the Command
	// shared anything with the Directorate, true or false.
	DataShared = "shared"
)

// The codes of [DataSupport].
const (
	// SupportPsychological: psychological support.
	SupportPsychological = "psychological"
	// SupportLegal: legal assistance.
	SupportLegal = "legal"
)

// Supports returns the codes [DataSupport] may hold.
func Supports() []string { return []string{SupportPsychological, SupportLegal} }

// InjuryPrognosisThreshold is the prognosis, in days, above which the
// injury report to INAIL is due (DPR 1124/1965, art. 53: injuries not
// healed within three days).
const InjuryPrognosisThreshold = 3

// An emergency raised by a check-in session (the checkin package) rather
// than by a person carries its cause in the Data of its
// [KindIncidentReported] entry, so that a compliance check of the
// incident's timeline finds it.
const (
	// DataAlarmCause, in KindIncidentReported: why the library raised the
	// incident, one of [AlarmCauses]; absent when a person reported it.
	DataAlarmCause = "alarm_cause"
	// AlarmCheckoutMissed: a check-in session was not closed within the
	// policy's grace period, or too many wrong codes were given.
	AlarmCheckoutMissed = "checkout_missed"
	// AlarmDuress: the operator checked out with the duress code. The
	// session's own stream does not show it (see the checkin package).
	AlarmDuress = "duress"
)

// AlarmCauses returns the codes [DataAlarmCause] may hold.
func AlarmCauses() []string { return []string{AlarmCheckoutMissed, AlarmDuress} }

// The rules of [EventError] for the follow-ups' Data.
const (
	// RuleCount: a Data field the Log reads as a count is not a
	// non-negative integer.
	RuleCount = "count"
	// RuleBool: a Data field the Log reads as true or false is not.
	RuleBool = "bool"
)

// maxPrognosisDays bounds a prognosis: ten years.
const maxPrognosisDays = 3650

// checkFollowUpData checks the Data fields of the follow-up kinds and of
// the alarm cause, as checkData does for the others.
func checkFollowUpData(kind string, data []byte) (field, rule string) {
	type check struct{ name, rule string }
	var checks []check
	switch kind {
	case KindFollowUpSupportOffered:
		checks = []check{{DataSupport, RuleCode}, {DataOfferedAt, RuleTime}}
	case KindFollowUpInjuryReported:
		checks = []check{{DataPrognosisDays, RuleCount}, {DataLearnedAt, RuleTime}, {DataFiledAt, RuleTime}}
	case KindFollowUpEvaluationShared:
		checks = []check{{DataEvaluatedAt, RuleTime}, {DataShared, RuleBool}}
	case KindIncidentReported:
		checks = []check{{DataAlarmCause, RuleCode}}
	default:
		return "", ""
	}
	if len(data) == 0 {
		return "", ""
	}
	for _, c := range checks {
		raw, ok, err := jsonField(data, c.name)
		if err != nil {
			return "", RuleJSONObject
		}
		if !ok || string(raw) == "null" {
			continue
		}
		if !validFollowUpValue(c.name, c.rule, raw) {
			return c.name, c.rule
		}
	}
	return "", ""
}

func validFollowUpValue(name, rule string, raw []byte) bool {
	switch rule {
	case RuleTime:
		_, ok := jsonTime(raw)
		return ok
	case RuleCount:
		var n int
		return json.Unmarshal(raw, &n) == nil && n >= 0 && n <= maxPrognosisDays
	case RuleBool:
		var b bool
		return json.Unmarshal(raw, &b) == nil
	}
	if name == DataAlarmCause {
		s, ok := jsonString(raw)
		return ok && slices.Contains(AlarmCauses(), s)
	}
	var codes []string
	if json.Unmarshal(raw, &codes) != nil || len(codes) == 0 {
		return false
	}
	for _, c := range codes {
		if !slices.Contains(Supports(), c) {
			return false
		}
	}
	return true
}

// Duty names one of the employer's duties after an incident.
type Duty string

// The duties after an incident that [FollowUps] evaluates.
const (
	// DutySupport: support offered to the staff involved, within
	// Policy.SupportOfferedDays of the report.
	DutySupport Duty = "support_offered"
	// DutyInjuryReport: the injury report to INAIL, within
	// Policy.InjuryReportDays of learning of an injury with a prognosis
	// over [InjuryPrognosisThreshold] days.
	DutyInjuryReport Duty = "injury_report"
	// DutyCommandEvaluation: the Command's evaluation of the patrol's
	// report, within Policy.CommandEvaluationDays of the report being
	// filed.
	DutyCommandEvaluation Duty = "command_evaluation"
)

// Duties returns the duties in the order [FollowUps] reports them.
func Duties() []Duty { return []Duty{DutySupport, DutyInjuryReport, DutyCommandEvaluation} }

// FollowUpStatus says where a duty stands.
type FollowUpStatus string

// The statuses of a duty.
const (
	// FollowUpNotDue: nothing makes the duty due (no injury with a long
	// enough prognosis, no patrol report, not an incident).
	FollowUpNotDue FollowUpStatus = "not_due"
	// FollowUpPending: due, not done, and the term has not ended yet.
	FollowUpPending FollowUpStatus = "pending"
	// FollowUpMet: done within the term.
	FollowUpMet FollowUpStatus = "met"
	// FollowUpLate: done after the term.
	FollowUpLate FollowUpStatus = "late"
	// FollowUpMissing: not done, and the term has ended.
	FollowUpMissing FollowUpStatus = "missing"
)

// FollowUp is where one duty of an incident stands.
type FollowUp struct {
	// Duty is the duty.
	Duty Duty
	// Status says whether it was met, late, missing, pending or not due.
	Status FollowUpStatus
	// From is when the term started (the report, the employer learning of
	// the injury, the patrol's report); zero when not due.
	From time.Time
	// Deadline is the end of the term; zero when not due.
	Deadline time.Time
	// Done is when the duty was done; zero when it was not.
	Done time.Time
	// Entry is the index, in the timeline, of the entry that started the
	// term (for a pending or missing duty) or that did the duty (met or
	// late); [guideline.NoEntry] when not due.
	Entry int
}

// FollowUps says, for each of [Duties], whether the incident whose
// timeline is tl met it in time, as of now, with the terms of policy p in
// its time zone (UTC if it has none). A term of n days ends at the end of
// the n-th day after the day it starts from ([guideline.Days.Deadline]).
// A time in the Data ([DataOfferedAt], [DataLearnedAt], [DataFiledAt],
// [DataEvaluatedAt]) takes precedence over the entry's own time; a field
// that cannot be read counts as absent.
//
//   - Support is due from the first [KindIncidentReported] and done by the
//     first [KindFollowUpSupportOffered].
//   - The injury report is due when a [KindFollowUpInjuryReported] entry
//     gives a prognosis over [InjuryPrognosisThreshold] days, from the
//     earliest such learning, and done at the earliest [DataFiledAt].
//   - The Command's evaluation is due from the first
//     [KindIncidentPatrolReportFiled], and done by the first
//     [KindIncidentCommandEvaluated] or [KindFollowUpEvaluationShared].
//
// It is a pure function: it reads nothing but its arguments (and the
// time zone database, for p.TimeZone). [Log.AnnualReport] judges many
// incidents at once in the Log's time zone instead.
func FollowUps(tl Timeline, p guideline.Policy, now time.Time) []FollowUp {
	return followUps(tl, p, now, policyLocation(p))
}

// policyLocation returns the time zone of p, UTC if it has none or the
// time zone database does not know it.
func policyLocation(p guideline.Policy) *time.Location {
	if p.TimeZone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// followUps is [FollowUps] with the terms counted in loc.
func followUps(tl Timeline, p guideline.Policy, now time.Time, loc *time.Location) []FollowUp {
	type mark struct {
		at    time.Time
		entry int
	}
	none := mark{entry: guideline.NoEntry}
	reported, supported, patrol, evaluated := none, none, none, none
	learned, filed := none, none
	first := func(m *mark, at time.Time, i int) {
		if m.entry == guideline.NoEntry || at.Before(m.at) {
			*m = mark{at: at, entry: i}
		}
	}
	timeField := func(e TimelineEntry, name string) (time.Time, bool) {
		var t time.Time
		ok, err := e.Field(name, &t)
		return t, ok && err == nil
	}
	for i, e := range tl.Entries {
		at := e.Time
		switch e.Kind {
		case KindIncidentReported:
			if reported.entry == guideline.NoEntry {
				reported = mark{at: at, entry: i}
			}
		case KindFollowUpSupportOffered:
			if t, ok := timeField(e, DataOfferedAt); ok {
				at = t
			}
			first(&supported, at, i)
		case KindIncidentPatrolReportFiled:
			if patrol.entry == guideline.NoEntry {
				patrol = mark{at: at, entry: i}
			}
		case KindIncidentCommandEvaluated, KindFollowUpEvaluationShared:
			if t, ok := timeField(e, DataEvaluatedAt); ok && e.Kind == KindFollowUpEvaluationShared {
				at = t
			}
			first(&evaluated, at, i)
		case KindFollowUpInjuryReported:
			var days int
			if ok, err := e.Field(DataPrognosisDays, &days); ok && err == nil && days > InjuryPrognosisThreshold {
				l := at
				if t, ok := timeField(e, DataLearnedAt); ok {
					l = t
				}
				first(&learned, l, i)
			}
			if t, ok := timeField(e, DataFiledAt); ok {
				first(&filed, t, i)
			}
		}
	}
	judge := func(d Duty, from, done mark, days guideline.Days) FollowUp {
		if from.entry == guideline.NoEntry {
			return FollowUp{Duty: d, Status: FollowUpNotDue, Entry: guideline.NoEntry}
		}
		f := FollowUp{Duty: d, From: from.at, Deadline: days.Deadline(from.at, loc), Entry: from.entry}
		switch {
		case done.entry != guideline.NoEntry:
			f.Done, f.Entry = done.at, done.entry
			f.Status = FollowUpMet
			if done.at.After(f.Deadline) {
				f.Status = FollowUpLate
			}
		case now.After(f.Deadline):
			f.Status = FollowUpMissing
		default:
			f.Status = FollowUpPending
		}
		return f
	}
	if reported.entry == guideline.NoEntry {
		learned, patrol = none, none // not an incident: nothing is due
	}
	return []FollowUp{
		judge(DutySupport, reported, supported, p.SupportOfferedDays),
		judge(DutyInjuryReport, learned, filed, p.InjuryReportDays),
		judge(DutyCommandEvaluation, patrol, evaluated, p.CommandEvaluationDays),
	}
}
