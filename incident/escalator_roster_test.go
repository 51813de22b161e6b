package incident_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/notify/notifytest"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register/memregister"
)

// flakyRoster is a roster that fails while down is set.
type flakyRoster struct {
	incident.Roster
	down atomic.Bool
}

var errRosterDown = errors.New("directory not answering")

func (r *flakyRoster) OnDuty(ctx context.Context, v guideline.Venue, at time.Time) ([]incident.Staff, error) {
	if r.down.Load() {
		return nil, errRosterDown
	}
	return r.Roster.OnDuty(ctx, v, at)
}

func (r *flakyRoster) ResponsibleOfficial(ctx context.Context, territory string, at time.Time) (incident.Staff, error) {
	if r.down.Load() {
		return incident.Staff{}, errRosterDown
	}
	return r.Roster.ResponsibleOfficial(ctx, territory, at)
}

// A rung whose roster lookup fails is not spent: the error is returned,
// nothing is recorded, and the next tick takes the rung.
func TestRungRetriedWhenTheRosterFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newFakeClock()
	l := openLog(t, memregister.New(), c)
	rost := &flakyRoster{Roster: shifts(t, c, giulia, luca, paola)}
	d := incident.New(l, guideline.Milano2021(), rost, &incident.Options{Now: c.Now})
	x := incident.NewEscalator(d, nil)
	start := c.Now()
	rc, err := d.Report(ctx, threat())
	require.NoError(t, err)

	rost.down.Store(true)
	c.Add(time.Minute)
	escs, err := x.Tick(ctx, c.Now())
	require.ErrorIs(t, err, errRosterDown)
	assert.Empty(t, escs)
	st, err := d.State(ctx, rc.ID)
	require.NoError(t, err)
	assert.Empty(t, st.Escalations, "the failed rung was spent")
	// Not again at once: a poll interval later.
	due, err := x.Due(ctx, c.Now())
	require.NoError(t, err)
	assert.True(t, due.After(c.Now()), "due %v at %v", due, c.Now())

	rost.down.Store(false)
	escs = tick(t, x, c, start, time.Minute+5*time.Second)
	require.Len(t, escs, 1)
	assert.Equal(t, 0, escs[0].Round)
	assert.Equal(t, 0, escs[0].Rung)
	assert.Equal(t, []guideline.EscalationAction{guideline.EscalateRealert}, escs[0].Actions)
}

// After a report with nobody else on duty, which alerted the official
// and sent the direct call at once, the first round of the ladder does
// not send them again; the second round does.
func TestNoColleaguesReportTakesTheFirstRoundsRungs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newFakeClock()
	l := openLog(t, memregister.New(), c)
	rost := aloneAtSede(t, c)
	d := incident.New(l, guideline.Milano2021(), rost, &incident.Options{Now: c.Now})
	rec := &notifytest.Recorder{}
	disp := outbox.NewDispatcher(l, rec, &outbox.Options{Now: c.Now, Jitter: -1})
	x := incident.NewEscalator(d, nil)
	start := c.Now()
	rc, err := d.Report(ctx, threat())
	require.NoError(t, err)
	require.True(t, rc.Escalated)

	for _, at := range []time.Duration{time.Minute, 2 * time.Minute, 3 * time.Minute, 3*time.Minute + 59*time.Second} {
		tick(t, x, c, start, at)
	}
	_, err = disp.Drain(ctx)
	require.NoError(t, err)
	var keys []string
	for _, m := range rec.Messages() {
		keys = append(keys, strings.TrimPrefix(m.Key, string(rc.ID)))
	}
	assert.ElementsMatch(t, []string{"/escalation/no-colleagues/official", "/escalation/no-colleagues/direct-call"}, keys,
		"the first round sent the official alert or the direct call again")

	// The second round: the official at 5 minutes, the direct call at 6.
	assert.Equal(t, []guideline.EscalationAction{guideline.EscalateOfficial}, actions(tick(t, x, c, start, 5*time.Minute)))
	assert.Equal(t, []guideline.EscalationAction{guideline.EscalateDirectCall}, actions(tick(t, x, c, start, 6*time.Minute)))
}
