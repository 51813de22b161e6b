package incident

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/internal/lifecycle"
	"github.com/sostegno/sostegno/register"
)

// FollowUpRule says who may record one kind of follow-up (the employer's
// duties after an incident, beyond the document) and which rule of the
// policy sets its term.
type FollowUpRule struct {
	// Kind is the register kind of the follow-up's entries
	// (register.KindFollowUp…).
	Kind string
	// Roles are the roles that may record it.
	Roles []guideline.Role
	// Rule is the rule of the policy that sets its term
	// (guideline.SupplementaryRules).
	Rule guideline.RuleID
}

// FollowUpRules returns who records each follow-up, in the order of an
// incident's life. The document names none of these duties; the roles
// follow Italian practice in a municipality:
//
//   - Support offered to the staff involved (psychological, legal):
//     the responsible official (Funzionario P.O.), who manages the
//     service's staff and arranges the support, or the Area Director,
//     as the manager with the employer's powers (D.Lgs. 81/2008, art. 2).
//   - The injury and its report to INAIL (DPR 1124/1965, art. 53): the
//     same two. The worker tells the employer at once (art. 52), and
//     the employer files the report; the entry records when the employer
//     learnt of the injury and when the report was filed, by whoever on
//     the employer's side knows it (the office that files it reports
//     back to the official). The library does not file it.
//   - The Command's evaluation of the patrol's report and what it shared
//     with the Directorate (step 4): the Command only, as for
//     [Desk.Evaluate].
func FollowUpRules() []FollowUpRule {
	employer := []guideline.Role{guideline.RoleResponsibleOfficial, guideline.RoleAreaDirector}
	return []FollowUpRule{
		{Kind: register.KindFollowUpSupportOffered, Roles: employer, Rule: guideline.RuleSupportOffered},
		{Kind: register.KindFollowUpInjuryReported, Roles: slices.Clone(employer), Rule: guideline.RuleInjuryReport},
		{Kind: register.KindFollowUpEvaluationShared, Roles: []guideline.Role{guideline.RolePoliceCommand}, Rule: guideline.RuleCommandEvaluation},
	}
}

// followUpRoles returns the roles that may record kind.
func followUpRoles(kind string) []guideline.Role {
	for _, r := range FollowUpRules() {
		if r.Kind == kind {
			return r.Roles
		}
	}
	return nil
}

// FollowUpRecord is a follow-up recorded in an incident's stream: a note,
// which never changes the incident's state.
type FollowUpRecord struct {
	// Kind is its register kind (register.KindFollowUp…).
	Kind string
	// By is who recorded it.
	By register.Actor
	// At is when it was recorded; the times it reports are in its Data.
	At time.Time
	// Seq is the entry's sequence number in the register.
	Seq uint64
	// Comment reports whether it carries a comment (sealed).
	Comment bool
}

// Support is the support offered to the staff involved in an incident.
type Support struct {
	// Kinds are what was offered: register.SupportPsychological,
	// register.SupportLegal, or both.
	Kinds []string
	// OfferedAt is when it was offered; the time of recording if zero.
	OfferedAt time.Time
}

// Injury is a worker's injury in an incident, and its report to INAIL.
type Injury struct {
	// PrognosisDays is the prognosis in days, from the medical
	// certificate. Over register.InjuryPrognosisThreshold days, the
	// report to INAIL is due within the policy's InjuryReportDays of
	// LearnedAt.
	PrognosisDays int
	// LearnedAt is when the employer learnt of the injury (received the
	// certificate); the time of recording if zero.
	LearnedAt time.Time
	// FiledAt is when the report was filed with INAIL; zero if not yet
	// (record it later with [Desk.RecordInjuryReportFiled]).
	FiledAt time.Time
}

// Evaluation is the Command's evaluation of the patrol's report, as
// recorded after the fact (for instance from the Command's own system).
type Evaluation struct {
	// EvaluatedAt is when the Command evaluated the report; the time of
	// recording if zero.
	EvaluatedAt time.Time
	// Shared says whether the Command shared anything with the Social
	// Policies Directorate.
	Shared bool
}

// ErrFollowUpRole: the actor's role may not record this follow-up (see
// [FollowUpRules]).
var ErrFollowUpRole = errors.New("incident: role may not record this follow-up")

// Rules of the follow-ups' fields, with their texts in ruleTexts.
const (
	ruleSupport     = "support"
	ruleNotFuture   = "not_future"
	ruleAfterReport = "after_report"
	ruleAfterLearnt = "after_learned"
)

// OfferSupport records that support was offered to the staff involved
// (register.KindFollowUpSupportOffered), by the responsible official or
// the Area Director ([FollowUpRules]; another role gets a [*RefusedError]
// matching [ErrFollowUpRole]). The time it was offered may not be after
// now nor before the report. Like every follow-up it is a note: the
// incident's state does not change, and it may be recorded after the
// incident is closed.
func (d *Desk) OfferSupport(ctx context.Context, id ID, who register.Actor, s Support, comment string) (FollowUpRecord, error) {
	v := validator()
	var fs []guideline.FieldError
	if len(s.Kinds) == 0 {
		fs = append(fs, v.Fail(register.DataSupport, "required", ""))
	}
	seen := map[string]bool{}
	for _, k := range s.Kinds {
		if !slices.Contains(register.Supports(), k) || seen[k] {
			fs = append(fs, v.Fail(register.DataSupport, ruleSupport, ""))
			break
		}
		seen[k] = true
	}
	data := map[string]any{register.DataSupport: s.Kinds}
	return d.followUp(ctx, id, who, register.KindFollowUpSupportOffered, comment, fs, data,
		timeField{register.DataOfferedAt, s.OfferedAt})
}

// RecordInjury records a worker's injury in the incident
// (register.KindFollowUpInjuryReported): its prognosis, when the employer
// learnt of it, and, if already filed, when its report to INAIL was
// filed. With a prognosis over register.InjuryPrognosisThreshold days it
// starts the term of the report. The same roles as [Desk.OfferSupport]
// record it, with the same rules for the times; FiledAt may not be
// before LearnedAt.
func (d *Desk) RecordInjury(ctx context.Context, id ID, who register.Actor, inj Injury, comment string) (FollowUpRecord, error) {
	v := validator()
	var fs []guideline.FieldError
	if inj.PrognosisDays < 0 {
		fs = append(fs, v.Fail(register.DataPrognosisDays, "gte", "0"))
	} else if inj.PrognosisDays > maxPrognosisDays {
		fs = append(fs, v.Fail(register.DataPrognosisDays, "lte", fmt.Sprint(maxPrognosisDays)))
	}
	learned := inj.LearnedAt
	if learned.IsZero() {
		learned = d.o.Now()
	}
	if !inj.FiledAt.IsZero() && inj.FiledAt.Before(learned) {
		fs = append(fs, v.Fail(register.DataFiledAt, ruleAfterLearnt, ""))
	}
	data := map[string]any{register.DataPrognosisDays: inj.PrognosisDays}
	return d.followUp(ctx, id, who, register.KindFollowUpInjuryReported, comment, fs, data,
		timeField{register.DataLearnedAt, inj.LearnedAt}, timeField{register.DataFiledAt, inj.FiledAt})
}

// RecordInjuryReportFiled records that the report to INAIL of an injury
// recorded with [Desk.RecordInjury] was filed at filedAt (the time of
// recording if zero): a register.KindFollowUpInjuryReported entry with
// only register.DataFiledAt. The same roles and time rules apply.
func (d *Desk) RecordInjuryReportFiled(ctx context.Context, id ID, who register.Actor, filedAt time.Time, comment string) (FollowUpRecord, error) {
	if filedAt.IsZero() {
		filedAt = d.o.Now()
	}
	return d.followUp(ctx, id, who, register.KindFollowUpInjuryReported, comment, nil, map[string]any{},
		timeField{register.DataFiledAt, filedAt})
}

// RecordEvaluation records the Command's evaluation of the patrol's
// report and whether it shared anything with the Directorate
// (register.KindFollowUpEvaluationShared), when it is known apart from
// the lifecycle's own steps ([Desk.Evaluate], [Desk.ShareWithDirectorate]):
// a decision not to share, or an evaluation made in the Command's own
// system. Only the Command records it.
func (d *Desk) RecordEvaluation(ctx context.Context, id ID, who register.Actor, ev Evaluation, comment string) (FollowUpRecord, error) {
	data := map[string]any{register.DataShared: ev.Shared}
	return d.followUp(ctx, id, who, register.KindFollowUpEvaluationShared, comment, nil, data,
		timeField{register.DataEvaluatedAt, ev.EvaluatedAt})
}

// FollowUps says where each of the employer's duties after the incident
// stands as of the Desk's clock: register.FollowUps of its timeline, with
// the guideline's policy.
func (d *Desk) FollowUps(ctx context.Context, id ID) ([]register.FollowUp, error) {
	if _, err := d.State(ctx, id); err != nil {
		return nil, err
	}
	tl, err := d.Timeline(ctx, id)
	if err != nil {
		return nil, err
	}
	return register.FollowUps(tl, d.g.Policy(), d.o.Now()), nil
}

// maxPrognosisDays bounds a prognosis, as the register does: ten years.
const maxPrognosisDays = 3650

// timeField is a time of a follow-up's Data; zero means the entry's time
// (left out).
type timeField struct {
	name string
	at   time.Time
}

// followUp checks and appends one follow-up note, retrying when another
// writer moved the stream.
func (d *Desk) followUp(ctx context.Context, id ID, who register.Actor, kind, comment string,
	fs []guideline.FieldError, data map[string]any, times ...timeField) (FollowUpRecord, error) {
	if !slices.Contains(followUpRoles(kind), who.Role) {
		return FollowUpRecord{}, &RefusedError{Err: ErrFollowUpRole, Role: who.Role, Kind: kind, catalog: d.o.Catalog}
	}
	if err := checkComment(comment); err != nil {
		return FollowUpRecord{}, err
	}
	st, err := d.State(ctx, id)
	if err != nil {
		return FollowUpRecord{}, err
	}
	v := validator()
	now := d.o.Now()
	for _, t := range times {
		switch {
		case t.at.IsZero():
			continue
		case t.at.After(now):
			fs = append(fs, v.Fail(t.name, ruleNotFuture, ""))
		case t.at.Before(st.ReportedAt):
			fs = append(fs, v.Fail(t.name, ruleAfterReport, ""))
		}
		data[t.name] = t.at.UTC()
	}
	if len(fs) > 0 {
		return FollowUpRecord{}, fmt.Errorf("%w: %w", ErrInvalid, &guideline.ValidationError{Fields: fs})
	}
	if comment != "" {
		data[DataComment] = true
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return FollowUpRecord{}, fmt.Errorf("incident: encoding a follow-up: %w", err)
	}
	personal, err := stepPersonal{Comment: comment}.seal()
	if err != nil {
		return FollowUpRecord{}, err
	}
	var last error
	for range maxConflicts {
		r, err := table.Annotate(ctx, d.log, id.Stream(), lifecycle.Snapshot[State]{State: st.State, Version: st.Version}, lifecycle.Change[Action]{
			Actor: who, Territory: st.Territory, Guideline: st.Guideline,
			Notes: []lifecycle.Note{{Kind: kind, Data: raw, Personal: personal}},
		})
		if errors.Is(err, register.ErrVersionConflict) {
			last = err
			if st, err = d.State(ctx, id); err != nil {
				return FollowUpRecord{}, err
			}
			continue
		}
		if err != nil {
			return FollowUpRecord{}, err
		}
		e := r.Notes[0]
		return FollowUpRecord{Kind: kind, By: who, At: e.Time, Seq: e.Seq, Comment: comment != ""}, nil
	}
	return FollowUpRecord{}, last
}
