package incident_test

import (
	"context"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
	"github.com/sostegno/sostegno/register/sqliteregister"
)

// tick moves the clock to start+at and ticks, returning what escalated.
func tick(t *testing.T, x *incident.Escalator, c *fakeClock, start time.Time, at time.Duration) []incident.Escalation {
	t.Helper()
	c.Add(start.Add(at).Sub(c.Now()))
	escs, err := x.Tick(context.Background(), c.Now())
	require.NoError(t, err)
	return escs
}

func actions(escs []incident.Escalation) []guideline.EscalationAction {
	var out []guideline.EscalationAction
	for _, e := range escs {
		out = append(out, e.Actions...)
	}
	return out
}

func TestEscalationAtTheDeadlineAndRepeated(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	x := incident.NewEscalator(e.desk, nil)
	start := e.clock.Now()
	rc, err := e.desk.Report(ctx, threat())
	require.NoError(t, err)
	e.drain(t)
	e.rec.Reset()

	assert.Empty(t, tick(t, x, e.clock, start, 59*time.Second), "nothing before the deadline")
	due, err := x.Due(ctx, e.clock.Now())
	require.NoError(t, err)
	assert.True(t, start.Add(time.Minute).Equal(due), "due %v", due)

	escs := tick(t, x, e.clock, start, time.Minute)
	require.Len(t, escs, 1)
	assert.Equal(t, incident.ReasonNotConfirmed, escs[0].Reason)
	assert.Equal(t, []guideline.EscalationAction{guideline.EscalateRealert}, escs[0].Actions)
	assert.Empty(t, tick(t, x, e.clock, start, time.Minute+10*time.Second), "a rung is taken once")
	e.drain(t)
	require.Len(t, e.rec.Messages(), 1)
	assert.Contains(t, e.rec.Messages()[0].Subject, "Sollecito 1")

	assert.Equal(t, []guideline.EscalationAction{guideline.EscalateOfficial}, actions(tick(t, x, e.clock, start, 2*time.Minute)))
	assert.Equal(t, []guideline.EscalationAction{guideline.EscalateDirectCall}, actions(tick(t, x, e.clock, start, 3*time.Minute)))
	// The ladder repeats.
	escs = tick(t, x, e.clock, start, 4*time.Minute)
	require.Len(t, escs, 1)
	assert.Equal(t, 1, escs[0].Round)
	e.drain(t)
	e.rec.Reset()

	// Acknowledgement stops it at once.
	_, err = e.desk.Confirm(ctx, rc.ID, incident.StepAlertColleagues, lucaActor, "")
	require.NoError(t, err)
	assert.Empty(t, tick(t, x, e.clock, start, 5*time.Minute+30*time.Second), "step 1 confirmed: no more rungs of step 1")
	// Step 2 escalates from step 1's confirmation: 2 minutes.
	escs = tick(t, x, e.clock, start, 6*time.Minute+30*time.Second)
	require.Len(t, escs, 1)
	assert.Equal(t, incident.StepCallOperationsCentre, escs[0].Step)
	e.drain(t)
	require.Len(t, e.rec.Messages(), 1)
	assert.Equal(t, incident.KindCallScript, e.rec.Messages()[0].Kind, "the call script again, to who confirmed step 1")
	assert.Equal(t, luca.Email, e.rec.Messages()[0].To[0].Email)

	_, err = e.desk.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, lucaActor, "")
	require.NoError(t, err)
	assert.Empty(t, tick(t, x, e.clock, start, time.Hour))
	st, err := e.desk.State(ctx, rc.ID)
	require.NoError(t, err)
	assert.Len(t, st.Escalations, 5)
	tl, err := e.desk.Timeline(ctx, rc.ID)
	require.NoError(t, err)
	fs := incident.Check(guideline.Milano2021(), tl)
	n := 0
	for _, f := range fs {
		if f.Code == incident.FindingEscalated {
			n++
			assert.Equal(t, register.KindIncidentColleaguesAlerted == f.Kind || register.KindIncidentOperationsCentreCalled == f.Kind, true)
		}
	}
	assert.Equal(t, 5, n)
	require.NoError(t, e.log.Verify(ctx))
}

func TestEscalationResumesAfterARestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "registro.db")
	c := newFakeClock()
	rost := shifts(t, c, giulia, luca, paola)
	open := func() (*register.Log, *incident.Desk, *incident.Escalator) {
		b, err := sqliteregister.Open(context.Background(), path, nil)
		require.NoError(t, err)
		l, err := register.Open(context.Background(), b, &register.Options{Sealer: keyring(t), Now: c.Now})
		require.NoError(t, err)
		d := incident.New(l, guideline.Milano2021(), rost, &incident.Options{Now: c.Now})
		return l, d, incident.NewEscalator(d, nil)
	}
	start := c.Now()
	l, d, x := open()
	rc, err := d.Report(context.Background(), threat())
	require.NoError(t, err)
	assert.Len(t, tick(t, x, c, start, time.Minute), 1)
	require.NoError(t, l.Close())

	// A new process: nothing in memory, the register says where it stands.
	l, d, x = open()
	defer l.Close()
	escs := tick(t, x, c, start, 2*time.Minute)
	require.Len(t, escs, 1, "the realert is not repeated; the official comes next")
	assert.Equal(t, []guideline.EscalationAction{guideline.EscalateOfficial}, escs[0].Actions)
	// Down for a whole round: the ladder resumes at the round under way.
	escs = tick(t, x, c, start, 8*time.Minute)
	require.Len(t, escs, 2)
	assert.Equal(t, 2, escs[0].Round)
	assert.Equal(t, []guideline.EscalationAction{guideline.EscalateRealert, guideline.EscalateOfficial}, actions(escs))
	st, err := d.State(context.Background(), rc.ID)
	require.NoError(t, err)
	assert.Len(t, st.Escalations, 4)
}

func TestTwoEscalatorsNeverEscalateARungTwice(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b := incident.NewEscalator(e.desk, nil), incident.NewEscalator(e.desk, nil)
	start := e.clock.Now()
	_, err := e.desk.Report(context.Background(), threat())
	require.NoError(t, err)
	ea := tick(t, a, e.clock, start, time.Minute)
	eb := tick(t, b, e.clock, start, time.Minute)
	assert.Len(t, append(ea, eb...), 1)
}

// refusing refuses, for good, every message to one address.
type refusing struct {
	rec     *notifytest.Recorder
	address string
}

func (r refusing) Notify(ctx context.Context, m notify.Message) error {
	for _, to := range m.To {
		if to.Email == r.address {
			return notify.Permanent(notify.ErrNoRoute)
		}
	}
	return r.rec.Notify(ctx, m)
}

func TestADeadLetteredAlertEscalatesAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, giulia, luca, paola)
	// Paola is the official of the territory, at another venue.
	ctx := context.Background()
	disp := outbox.NewDispatcher(e.log, refusing{rec: e.rec, address: luca.Email}, &outbox.Options{Now: e.clock.Now})
	x := incident.NewEscalator(e.desk, nil)
	rc, err := e.desk.Report(ctx, threat())
	require.NoError(t, err)
	st, err := disp.Drain(ctx)
	require.NoError(t, err)
	require.Positive(t, st.DeadLettered)
	// No time passes: the dead letter is reason enough.
	escs, err := x.Tick(ctx, e.clock.Now())
	require.NoError(t, err)
	require.NotEmpty(t, escs)
	assert.Equal(t, incident.ReasonUndelivered, escs[0].Reason)
	assert.Contains(t, escs[0].Actions, guideline.EscalateDirectCall)
	again, err := x.Tick(ctx, e.clock.Now())
	require.NoError(t, err)
	assert.Empty(t, again, "a dead letter escalates once")
	tl, err := e.desk.Timeline(ctx, rc.ID)
	require.NoError(t, err)
	assert.Contains(t, findingCodes(incident.Check(guideline.Milano2021(), tl)), incident.FindingAlertUndelivered)
}

// TestRunEscalatesOnTheClock runs the Escalator as a process does, on the
// fake clock of a synctest bubble.
func TestRunEscalatesOnTheClock(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		l, err := register.Open(ctx, memregister.New(), &register.Options{Sealer: keyring(t)})
		require.NoError(t, err)
		defer l.Close()
		c := newFakeClock()
		c.t = time.Now()
		d := incident.New(l, guideline.Milano2021(), shifts(t, c, giulia, luca, paola), nil)
		x := incident.NewEscalator(d, nil)
		done := make(chan error)
		go func() { done <- x.Run(ctx) }()
		rc, err := d.Report(ctx, threat())
		require.NoError(t, err)
		time.Sleep(59 * time.Second)
		synctest.Wait()
		st, err := d.State(ctx, rc.ID)
		require.NoError(t, err)
		assert.Empty(t, st.Escalations)
		time.Sleep(2 * time.Second)
		synctest.Wait()
		st, err = d.State(ctx, rc.ID)
		require.NoError(t, err)
		require.Len(t, st.Escalations, 1)
		_, err = d.Confirm(ctx, rc.ID, incident.StepAlertColleagues, lucaActor, "")
		require.NoError(t, err)
		_, err = d.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, lucaActor, "")
		require.NoError(t, err)
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		st, err = d.State(ctx, rc.ID)
		require.NoError(t, err)
		assert.Len(t, st.Escalations, 1, "acknowledged: no more escalations")
		cancel()
		assert.ErrorIs(t, <-done, context.Canceled)
	})
}
