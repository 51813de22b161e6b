package incident_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register/memregister"
)

// listRoster is a roster over a fixed list, which, unlike MemRoster,
// checks nothing.
type listRoster struct {
	onDuty   []incident.Staff
	official incident.Staff
}

func (r listRoster) OnDuty(context.Context, guideline.Venue, time.Time) ([]incident.Staff, error) {
	return r.onDuty, nil
}

func (r listRoster) ResponsibleOfficial(context.Context, string, time.Time) (incident.Staff, error) {
	if r.official.ID == "" {
		return incident.Staff{}, incident.ErrNoOfficial
	}
	return r.official, nil
}

// A colleague the roster gives with a role that is not the guideline's
// cannot receive a message: left out of the alert and reported, while the
// report is recorded and alerts the others.
func TestColleagueWhoCannotReceiveTheAlertIsLeftOut(t *testing.T) {
	t.Parallel()
	const badName = "Ermenegildo Sbagliato"
	bad := incident.Staff{ID: "op-999", Name: badName, Role: "mayor", Email: "e.sbagliato@example.org"}
	assert.Equal(t, []incident.Staff{luca}, incident.Colleagues([]incident.Staff{giulia, bad, luca}, giulia))

	c := newFakeClock()
	l := openLog(t, memregister.New(), c)
	var (
		mu   sync.Mutex
		errs []error
	)
	d := incident.New(l, guideline.Milano2021(), listRoster{onDuty: []incident.Staff{giulia, bad, luca}}, &incident.Options{
		Now: c.Now, OnError: func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() },
	})
	rc, err := d.Report(context.Background(), threat())
	require.NoError(t, err)
	assert.Equal(t, []incident.Staff{luca}, rc.Alerted)
	assert.Equal(t, luca, rc.Caller)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, errs, 1)
	assert.True(t, errors.Is(errs[0], incident.ErrRosterStaff), "%v", errs[0])
	assert.NotContains(t, errs[0].Error(), badName)
	assert.True(t, strings.Contains(errs[0].Error(), "role"), "%v", errs[0])
}
