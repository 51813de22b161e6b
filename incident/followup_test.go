package incident_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
)

var (
	officialActor = register.Actor{Role: guideline.RoleResponsibleOfficial, ID: paola.ID}
	oneDay        = 24 * time.Hour
)

// closedIncident reports an incident and takes it through every step to
// its closure, on the env's clock, and returns its ID.
func closedIncident(t *testing.T, e *env) incident.ID {
	t.Helper()
	ctx, rc := e.reported(t)
	id := rc.ID
	e.clock.Add(30 * time.Second)
	_, err := e.desk.Confirm(ctx, id, incident.StepCallOperationsCentre, lucaActor, "")
	require.NoError(t, err)
	_, err = e.desk.Dispatch(ctx, id, centreActor, incident.DispatchPatrol, "")
	require.NoError(t, err)
	e.clock.Add(2 * time.Hour)
	_, err = e.desk.FilePatrolReport(ctx, id, patrolActor, incident.PatrolReport{Summary: incident.NewPrivate("intervento")})
	require.NoError(t, err)
	e.clock.Add(oneDay)
	_, err = e.desk.Evaluate(ctx, id, cmdActor, "")
	require.NoError(t, err)
	_, err = e.desk.Close(ctx, id, cmdActor, "")
	require.NoError(t, err)
	return id
}

func duty(t *testing.T, fs []register.FollowUp, d register.Duty) register.FollowUp {
	t.Helper()
	i := slices.IndexFunc(fs, func(f register.FollowUp) bool { return f.Duty == d })
	require.GreaterOrEqual(t, i, 0)
	return fs[i]
}

func checkCodes(t *testing.T, e *env, id incident.ID) []string {
	t.Helper()
	tl, err := e.desk.Timeline(context.Background(), id)
	require.NoError(t, err)
	return findingCodes(incident.CheckAt(guideline.Milano2021(), tl, e.clock.Now()))
}

// Support offered after closure, in time, late, or not at all: the
// follow-up is a note (the state stays closed), FollowUps and Check agree.
func TestDeskSupport(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		after  time.Duration // from the closure; 0: never offered
		status register.FollowUpStatus
		found  bool
	}{
		{"met", 3 * oneDay, register.FollowUpMet, false},
		{"late", 9 * oneDay, register.FollowUpLate, true},
		{"missing", 0, register.FollowUpMissing, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			ctx := context.Background()
			id := closedIncident(t, e)
			if c.after > 0 {
				e.clock.Add(c.after)
				rec, err := e.desk.OfferSupport(ctx, id, officialActor,
					incident.Support{Kinds: []string{register.SupportPsychological, register.SupportLegal}}, "proposto colloquio")
				require.NoError(t, err)
				assert.Equal(t, register.KindFollowUpSupportOffered, rec.Kind)
				assert.True(t, rec.Comment)
			}
			e.clock.Add(10 * oneDay)
			st, err := e.desk.State(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, incident.StateClosed, st.State)
			fs, err := e.desk.FollowUps(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, c.status, duty(t, fs, register.DutySupport).Status)
			assert.Equal(t, c.found, slices.Contains(checkCodes(t, e, id), incident.FindingSupportNotOffered))
		})
	}
}

// The injury report to INAIL: due only over three days of prognosis,
// from when the employer learnt of it; filed in time, late, or never.
func TestDeskInjuryReport(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		prognose int
		filed    time.Duration // after learning; 0: never filed
		status   register.FollowUpStatus
		found    bool
	}{
		{"short prognosis", 3, 0, register.FollowUpNotDue, false},
		{"met", 10, oneDay, register.FollowUpMet, false},
		{"late", 10, 4 * oneDay, register.FollowUpLate, true},
		{"missing", 10, 0, register.FollowUpMissing, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			ctx := context.Background()
			id := closedIncident(t, e)
			_, err := e.desk.OfferSupport(ctx, id, officialActor, incident.Support{Kinds: []string{register.SupportLegal}}, "")
			require.NoError(t, err)
			e.clock.Add(oneDay)
			learned := e.clock.Now().Add(-2 * time.Hour)
			_, err = e.desk.RecordInjury(ctx, id, officialActor, incident.Injury{PrognosisDays: c.prognose, LearnedAt: learned}, "")
			require.NoError(t, err)
			if c.filed > 0 {
				e.clock.Add(c.filed + time.Hour)
				_, err = e.desk.RecordInjuryReportFiled(ctx, id, officialActor, learned.Add(c.filed), "")
				require.NoError(t, err)
			}
			e.clock.Add(5 * oneDay)
			fs, err := e.desk.FollowUps(ctx, id)
			require.NoError(t, err)
			got := duty(t, fs, register.DutyInjuryReport)
			assert.Equal(t, c.status, got.Status)
			if c.status != register.FollowUpNotDue {
				assert.True(t, got.From.Equal(learned), "term from %v, want %v", got.From, learned)
			}
			assert.Equal(t, c.found, slices.Contains(checkCodes(t, e, id), incident.FindingInjuryReportLate))
		})
	}
}

// The Command's evaluation: through the lifecycle in time, recorded after
// the fact as a follow-up, late, or never.
func TestDeskCommandEvaluation(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		after  time.Duration // after the patrol's report; 0: never
		follow bool          // recorded with RecordEvaluation
		status register.FollowUpStatus
	}{
		{"met", 2 * oneDay, false, register.FollowUpMet},
		{"recorded", 20 * oneDay, true, register.FollowUpMet},
		{"late", 20 * oneDay, false, register.FollowUpLate},
		{"missing", 0, false, register.FollowUpMissing},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			ctx, rc := e.reported(t)
			id := rc.ID
			_, err := e.desk.Confirm(ctx, id, incident.StepCallOperationsCentre, lucaActor, "")
			require.NoError(t, err)
			_, err = e.desk.Dispatch(ctx, id, centreActor, incident.DispatchPatrol, "")
			require.NoError(t, err)
			_, err = e.desk.FilePatrolReport(ctx, id, patrolActor, incident.PatrolReport{Summary: incident.NewPrivate("intervento")})
			require.NoError(t, err)
			filed := e.clock.Now()
			_, err = e.desk.OfferSupport(ctx, id, officialActor, incident.Support{Kinds: []string{register.SupportPsychological}}, "")
			require.NoError(t, err)
			if c.after > 0 {
				e.clock.Add(c.after)
				if c.follow {
					_, err = e.desk.RecordEvaluation(ctx, id, cmdActor, incident.Evaluation{EvaluatedAt: filed.Add(3 * oneDay), Shared: false}, "")
				} else {
					_, err = e.desk.Evaluate(ctx, id, cmdActor, "")
				}
				require.NoError(t, err)
			}
			e.clock.Add(30 * oneDay)
			fs, err := e.desk.FollowUps(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, c.status, duty(t, fs, register.DutyCommandEvaluation).Status)
			codes := checkCodes(t, e, id)
			assert.Equal(t, c.status != register.FollowUpMet, slices.Contains(codes, incident.FindingCommandEvaluationLate), "%v", codes)
			st, err := e.desk.State(ctx, id)
			require.NoError(t, err)
			if c.follow {
				assert.Equal(t, incident.StatePatrolReportFiled, st.State, "a follow-up changed the state")
				require.Len(t, st.FollowUps, 2)
				assert.Equal(t, cmdActor, st.FollowUps[1].By)
			}
		})
	}
}

// Who may record each follow-up, and what is refused: nothing refused is
// written, and the refusal reads in Italian and English.
func TestDeskFollowUpRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	id := closedIncident(t, e)
	head := e.head(t)
	support := incident.Support{Kinds: []string{register.SupportPsychological}}

	_, err := e.desk.OfferSupport(ctx, id, lucaActor, support, "")
	var re *incident.RefusedError
	require.ErrorAs(t, err, &re)
	require.ErrorIs(t, err, incident.ErrFollowUpRole)
	assert.Equal(t, "Il ruolo «Operatore dei servizi sociali» non può registrare «sostegno offerto al personale coinvolto».", re.Message(language.Italian))
	assert.NotEqual(t, re.Message(language.Italian), re.Message(language.English))
	_, err = e.desk.RecordEvaluation(ctx, id, officialActor, incident.Evaluation{}, "")
	require.ErrorIs(t, err, incident.ErrFollowUpRole)
	_, err = e.desk.RecordInjury(ctx, id, cmdActor, incident.Injury{PrognosisDays: 5}, "")
	require.ErrorIs(t, err, incident.ErrFollowUpRole)

	for name, err := range map[string]error{
		"no support": func() error {
			_, err := e.desk.OfferSupport(ctx, id, officialActor, incident.Support{}, "")
			return err
		}(),
		"unknown support": func() error {
			_, err := e.desk.OfferSupport(ctx, id, officialActor, incident.Support{Kinds: []string{"spiritual"}}, "")
			return err
		}(),
		"future": func() error {
			_, err := e.desk.OfferSupport(ctx, id, officialActor, incident.Support{Kinds: support.Kinds, OfferedAt: e.clock.Now().Add(time.Hour)}, "")
			return err
		}(),
		"before report": func() error {
			_, err := e.desk.OfferSupport(ctx, id, officialActor, incident.Support{Kinds: support.Kinds, OfferedAt: e.clock.Now().Add(-30 * oneDay)}, "")
			return err
		}(),
		"negative": func() error {
			_, err := e.desk.RecordInjury(ctx, id, officialActor, incident.Injury{PrognosisDays: -1}, "")
			return err
		}(),
		"filed before": func() error {
			_, err := e.desk.RecordInjury(ctx, id, officialActor, incident.Injury{PrognosisDays: 5, LearnedAt: e.clock.Now(), FiledAt: e.clock.Now().Add(-time.Hour)}, "")
			return err
		}(),
		"control in notes": func() error { _, err := e.desk.OfferSupport(ctx, id, officialActor, support, "a\x00b"); return err }(),
	} {
		require.ErrorIs(t, err, incident.ErrInvalid, name)
		var ve *guideline.ValidationError
		require.ErrorAs(t, err, &ve, name)
		for _, f := range ve.Fields {
			assert.NotContains(t, f.Message(language.Italian), "incident.", "%s: %s has no text", name, f.Path)
		}
	}
	_, err = e.desk.OfferSupport(ctx, "incident/2026-999999", officialActor, support, "")
	require.ErrorIs(t, err, incident.ErrNotFound)
	assert.Equal(t, head, e.head(t), "a refused follow-up was written")
}
