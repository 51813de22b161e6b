package register_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

var rome = func() *time.Location {
	l, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err)
	}
	return l
}()

// reportedAt is when the incident of the follow-up tests was reported.
var reportedAt = time.Date(2026, 11, 3, 10, 0, 0, 0, rome)

func tlEntry(at time.Time, kind string, data map[string]any) register.TimelineEntry {
	e := register.TimelineEntry{Time: at, Kind: kind, Territory: "municipio-3", Actor: operator}
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			panic(err)
		}
		e.Data = b
	}
	return e
}

func followUp(t *testing.T, fs []register.FollowUp, d register.Duty) register.FollowUp {
	t.Helper()
	for _, f := range fs {
		if f.Duty == d {
			return f
		}
	}
	t.Fatalf("no follow-up %s", d)
	return register.FollowUp{}
}

func TestFollowUps(t *testing.T) {
	t.Parallel()
	pol := guideline.Milano2021().Policy() // support 7 days, INAIL 2 days, evaluation 15 days
	day := 24 * time.Hour
	report := tlEntry(reportedAt, register.KindIncidentReported, map[string]any{register.DataIncidentKind: register.IncidentThreat})
	patrol := tlEntry(reportedAt.Add(2*time.Hour), register.KindIncidentPatrolReportFiled, nil)
	injured := func(learned time.Time, prognosis int) register.TimelineEntry {
		return tlEntry(learned.Add(time.Hour), register.KindFollowUpInjuryReported,
			map[string]any{register.DataPrognosisDays: prognosis, register.DataLearnedAt: learned})
	}
	filed := func(at time.Time) register.TimelineEntry {
		return tlEntry(at, register.KindFollowUpInjuryReported, map[string]any{register.DataFiledAt: at})
	}
	now := reportedAt.Add(60 * day)
	tests := []struct {
		name    string
		entries []register.TimelineEntry
		now     time.Time
		duty    register.Duty
		want    register.FollowUpStatus
	}{
		{"support met", []register.TimelineEntry{report, tlEntry(reportedAt.Add(3*day), register.KindFollowUpSupportOffered, map[string]any{register.DataSupport: []string{"psychological"}})}, now, register.DutySupport, register.FollowUpMet},
		{"support met on the last day", []register.TimelineEntry{report, tlEntry(time.Date(2026, 11, 10, 23, 0, 0, 0, rome), register.KindFollowUpSupportOffered, nil)}, now, register.DutySupport, register.FollowUpMet},
		{"support late", []register.TimelineEntry{report, tlEntry(time.Date(2026, 11, 11, 0, 30, 0, 0, rome), register.KindFollowUpSupportOffered, nil)}, now, register.DutySupport, register.FollowUpLate},
		{"support recorded late but offered in time", []register.TimelineEntry{report, tlEntry(reportedAt.Add(20*day), register.KindFollowUpSupportOffered, map[string]any{register.DataOfferedAt: reportedAt.Add(day)})}, now, register.DutySupport, register.FollowUpMet},
		{"support missing", []register.TimelineEntry{report}, now, register.DutySupport, register.FollowUpMissing},
		{"support pending", []register.TimelineEntry{report}, reportedAt.Add(day), register.DutySupport, register.FollowUpPending},
		{"injury not due without an injury", []register.TimelineEntry{report}, now, register.DutyInjuryReport, register.FollowUpNotDue},
		{"injury not due for a short prognosis", []register.TimelineEntry{report, injured(reportedAt, 3)}, now, register.DutyInjuryReport, register.FollowUpNotDue},
		{"injury met", []register.TimelineEntry{report, injured(reportedAt, 10), filed(reportedAt.Add(day))}, now, register.DutyInjuryReport, register.FollowUpMet},
		{"injury met at the end of the second day", []register.TimelineEntry{report, injured(reportedAt, 4), filed(time.Date(2026, 11, 5, 23, 59, 0, 0, rome))}, now, register.DutyInjuryReport, register.FollowUpMet},
		{"injury late", []register.TimelineEntry{report, injured(reportedAt, 30), filed(time.Date(2026, 11, 6, 8, 0, 0, 0, rome))}, now, register.DutyInjuryReport, register.FollowUpLate},
		{"injury term runs from learning of it", []register.TimelineEntry{report, injured(reportedAt.Add(5*day), 30), filed(reportedAt.Add(6 * day))}, now, register.DutyInjuryReport, register.FollowUpMet},
		{"injury missing", []register.TimelineEntry{report, injured(reportedAt, 30)}, now, register.DutyInjuryReport, register.FollowUpMissing},
		{"injury pending", []register.TimelineEntry{report, injured(reportedAt, 30)}, reportedAt.Add(day), register.DutyInjuryReport, register.FollowUpPending},
		{"evaluation not due without a patrol report", []register.TimelineEntry{report}, now, register.DutyCommandEvaluation, register.FollowUpNotDue},
		{"evaluation met by the lifecycle", []register.TimelineEntry{report, patrol, tlEntry(reportedAt.Add(5*day), register.KindIncidentCommandEvaluated, nil)}, now, register.DutyCommandEvaluation, register.FollowUpMet},
		{"evaluation met by a follow-up", []register.TimelineEntry{report, patrol, tlEntry(reportedAt.Add(30*day), register.KindFollowUpEvaluationShared, map[string]any{register.DataEvaluatedAt: reportedAt.Add(10 * day), register.DataShared: true})}, now, register.DutyCommandEvaluation, register.FollowUpMet},
		{"evaluation late", []register.TimelineEntry{report, patrol, tlEntry(reportedAt.Add(16*day), register.KindFollowUpEvaluationShared, map[string]any{register.DataShared: false})}, now, register.DutyCommandEvaluation, register.FollowUpLate},
		{"evaluation missing", []register.TimelineEntry{report, patrol}, now, register.DutyCommandEvaluation, register.FollowUpMissing},
		{"nothing due outside an incident", []register.TimelineEntry{patrol, injured(reportedAt, 30)}, now, register.DutyCommandEvaluation, register.FollowUpNotDue},
	}
	for _, tt := range tests {
		tl := register.Timeline{Guideline: "milano-2021-03-02", Stream: "incident/2026-000001", Entries: tt.entries}
		fs := register.FollowUps(tl, pol, tt.now)
		if len(fs) != len(register.Duties()) {
			t.Fatalf("%s: %d follow-ups", tt.name, len(fs))
		}
		f := followUp(t, fs, tt.duty)
		if f.Status != tt.want {
			t.Errorf("%s: %s, want %s (%+v)", tt.name, f.Status, tt.want, f)
		}
		switch f.Status {
		case register.FollowUpNotDue:
			if f.Entry != guideline.NoEntry || !f.Deadline.IsZero() {
				t.Errorf("%s: not due with entry %d and deadline %v", tt.name, f.Entry, f.Deadline)
			}
		case register.FollowUpMet, register.FollowUpLate:
			if f.Done.IsZero() || f.Entry < 0 {
				t.Errorf("%s: done without a time or entry", tt.name)
			}
		default:
			if !f.Done.IsZero() || f.Entry < 0 || f.Deadline.IsZero() {
				t.Errorf("%s: %+v", tt.name, f)
			}
		}
	}
}

func TestFollowUpDeadlines(t *testing.T) {
	t.Parallel()
	pol := guideline.Milano2021().Policy()
	tl := register.Timeline{Entries: []register.TimelineEntry{
		tlEntry(reportedAt, register.KindIncidentReported, nil),
	}}
	f := register.FollowUps(tl, pol, reportedAt)[0]
	if want := time.Date(2026, 11, 10, 23, 59, 59, 999999999, rome); !f.Deadline.Equal(want) {
		t.Errorf("support deadline %v, want %v", f.Deadline, want)
	}
	pol.SupportOfferedDays = 1
	if f := register.FollowUps(tl, pol, reportedAt)[0]; !f.Deadline.Equal(time.Date(2026, 11, 4, 23, 59, 59, 999999999, rome)) {
		t.Errorf("the policy's term is used: %v", f.Deadline)
	}
}

func TestFollowUpDataChecked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bad := []struct {
		kind, data, field, rule string
	}{
		{register.KindFollowUpSupportOffered, `{"support":["massaggio"]}`, "Data.support", register.RuleCode},
		{register.KindFollowUpSupportOffered, `{"support":"legal"}`, "Data.support", register.RuleCode},
		{register.KindFollowUpSupportOffered, `{"support":[]}`, "Data.support", register.RuleCode},
		{register.KindFollowUpSupportOffered, `{"offered_at":"ieri"}`, "Data.offered_at", register.RuleTime},
		{register.KindFollowUpInjuryReported, `{"prognosis_days":-1}`, "Data.prognosis_days", register.RuleCount},
		{register.KindFollowUpInjuryReported, `{"prognosis_days":2.5}`, "Data.prognosis_days", register.RuleCount},
		{register.KindFollowUpInjuryReported, `{"prognosis_days":"dieci"}`, "Data.prognosis_days", register.RuleCount},
		{register.KindFollowUpInjuryReported, `{"learned_at":1}`, "Data.learned_at", register.RuleTime},
		{register.KindFollowUpInjuryReported, `{"filed_at":"domani"}`, "Data.filed_at", register.RuleTime},
		{register.KindFollowUpEvaluationShared, `{"shared":"sì"}`, "Data.shared", register.RuleBool},
		{register.KindFollowUpEvaluationShared, `{"evaluated_at":true}`, "Data.evaluated_at", register.RuleTime},
		{register.KindIncidentReported, `{"incident_kind":"threat","alarm_cause":"panico"}`, "Data.alarm_cause", register.RuleCode},
	}
	for _, tt := range bad {
		l := openLog(t, newMem(), nil)
		_, err := l.Append(ctx, "incident/2026-000001", 0, event(tt.kind, tt.data))
		var ee *register.EventError
		if !errors.As(err, &ee) || ee.Field != tt.field || ee.Rule != tt.rule {
			t.Errorf("%s %s: %v, want %s %s", tt.kind, tt.data, err, tt.field, tt.rule)
			continue
		}
		if ee.Message(language.Italian) == ee.Message(language.English) {
			t.Errorf("%s: no English text for rule %s", tt.kind, tt.rule)
		}
	}
	l := openLog(t, newMem(), nil)
	mustAppend(t, l, "incident/2026-000001", 0,
		event(register.KindIncidentReported, `{"incident_kind":"threat","alarm_cause":"duress"}`),
		event(register.KindFollowUpSupportOffered, `{"support":["psychological","legal"],"offered_at":"2026-11-04T10:00:00+01:00"}`),
		event(register.KindFollowUpInjuryReported, `{"prognosis_days":10,"learned_at":"2026-11-03T12:00:00+01:00"}`),
		event(register.KindFollowUpInjuryReported, `{"filed_at":"2026-11-04T12:00:00+01:00"}`),
		event(register.KindFollowUpEvaluationShared, `{"shared":true,"evaluated_at":null}`),
	)
}
