package incident_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
)

// The Operations Centre confirms that it received the call while step 1
// is still unconfirmed: recorded, as one entry of the Centre that
// confirms both steps, with no deviation; the escalation of step 1 stops.
func TestCentreConfirmsTheCallBeforeStepOne(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, rc := e.reported(t)
	head := e.head(t)
	r, err := e.desk.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, centreActor, "chiamata ricevuta")
	require.NoError(t, err)
	assert.Equal(t, incident.ActionConfirmCall, r.Action)
	assert.Equal(t, incident.StateOperationsCentreCalled, r.State)
	assert.Equal(t, centreActor, r.By)
	assert.False(t, r.Deviation)
	assert.Equal(t, head+1, e.head(t), "one entry")

	st, err := e.desk.State(ctx, rc.ID)
	require.NoError(t, err)
	assert.False(t, st.DirectCall)
	for _, step := range []guideline.StepID{incident.StepAlertColleagues, incident.StepCallOperationsCentre} {
		first, ok := st.Confirmed(step)
		require.True(t, ok, "step %s", step)
		assert.Equal(t, centreActor, first.By)
	}
	// The Centre again: nothing written.
	again, err := e.desk.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, centreActor, "")
	require.NoError(t, err)
	assert.Equal(t, r.Seq, again.Seq)
	assert.Equal(t, head+1, e.head(t))
	// A colleague arriving afterwards is a late confirmation of step 1,
	// after the Centre's.
	late, err := e.desk.Confirm(ctx, rc.ID, incident.StepAlertColleagues, lucaActor, "")
	require.NoError(t, err)
	assert.True(t, late.Late)
	assert.Equal(t, centreActor, late.FirstBy)

	// Nothing escalates, the audit sees no deviation nor missing step,
	// and the emergency goes on.
	x := incident.NewEscalator(e.desk, nil)
	start := e.clock.Now()
	for _, at := range []time.Duration{time.Minute, 5 * time.Minute} {
		assert.Empty(t, tick(t, x, e.clock, start, at))
	}
	tl, err := e.desk.Timeline(ctx, rc.ID)
	require.NoError(t, err)
	codes := findingCodes(incident.Check(guideline.Milano2021(), tl))
	assert.NotContains(t, codes, incident.FindingDirectCall)
	assert.NotContains(t, codes, incident.FindingMissingStep)
	assert.NotContains(t, codes, incident.FindingWrongRole)
	_, err = e.desk.Dispatch(ctx, rc.ID, centreActor, incident.DispatchPatrol, "")
	require.NoError(t, err)
}

// failCall is a register whose appends fail when they record the call to
// the Operations Centre.
type failCall struct{ register.Register }

var errCallDisk = errors.New("disk full")

func (f failCall) Append(ctx context.Context, b register.Batch) error {
	if slices.ContainsFunc(b.Records, func(r register.Record) bool { return r.Kind == register.KindIncidentOperationsCentreCalled }) {
		return errCallDisk
	}
	return f.Register.Append(ctx, b)
}

// A colleague confirming the call before step 1 confirms both steps in
// one append: when it fails, step 1 is not written either.
func TestColleagueConfirmsBothStepsInOneAppend(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnvOn(t, failCall{memregister.New()}, giulia, luca, anna, paola)
	rc, err := e.desk.Report(ctx, threat())
	require.NoError(t, err)
	head := e.head(t)
	_, err = e.desk.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, lucaActor, "")
	require.ErrorIs(t, err, errCallDisk)
	assert.Equal(t, head, e.head(t), "half of the confirmation was written")
	st, err := e.desk.State(ctx, rc.ID)
	require.NoError(t, err)
	assert.Equal(t, incident.StateReported, st.State)

	e = newEnv(t)
	_, rc = e.reported(t)
	r, err := e.desk.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, lucaActor, "ho chiamato io")
	require.NoError(t, err)
	assert.Equal(t, incident.ActionConfirmCall, r.Action)
	assert.True(t, r.Comment)
	st, err = e.desk.State(ctx, rc.ID)
	require.NoError(t, err)
	require.Len(t, st.Steps, 2)
	assert.Equal(t, incident.ActionConfirmAlert, st.Steps[0].Action)
	assert.False(t, st.Steps[0].Comment, "the comment goes with step 2")
	assert.Equal(t, st.Steps[0].Seq+1, st.Steps[1].Seq)
	assert.Equal(t, r.Seq, st.Steps[1].Seq)
	for _, s := range st.Steps {
		assert.Equal(t, lucaActor, s.By)
	}
}

// A role that may confirm neither step is refused about the step it
// asked for, and nothing is written.
func TestConfirmingTheCallBeforeStepOneRefusedForOtherRoles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, rc := e.reported(t)
	head := e.head(t)
	_, err := e.desk.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, patrolActor, "")
	var te *incident.TransitionError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, string(incident.ActionConfirmCall), te.Action)
	assert.Equal(t, string(incident.StateReported), te.State)
	assert.ElementsMatch(t, []guideline.Role{guideline.RoleOperationsCentre, guideline.RoleOperator, guideline.RoleResponsibleOfficial}, te.Allowed)
	assert.Equal(t, head, e.head(t))
}

// The same person confirming late twice is recorded once.
func TestLateConfirmationNotRecordedTwice(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, rc := e.reported(t)
	_, err := e.desk.Confirm(ctx, rc.ID, incident.StepAlertColleagues, lucaActor, "")
	require.NoError(t, err)
	late, err := e.desk.Confirm(ctx, rc.ID, incident.StepAlertColleagues, annaActor, "arrivo anch'io")
	require.NoError(t, err)
	require.True(t, late.Late)
	head := e.head(t)
	again, err := e.desk.Confirm(ctx, rc.ID, incident.StepAlertColleagues, annaActor, "")
	require.NoError(t, err)
	assert.Equal(t, head, e.head(t), "the late confirmation was recorded twice")
	assert.Equal(t, late.Seq, again.Seq)
	assert.True(t, again.Late)
	assert.Equal(t, lucaActor, again.FirstBy)
}
