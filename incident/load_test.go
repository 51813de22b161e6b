package incident_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/pgregister/pgtest"
)

// handover records when each message was handed to it, and how often.
type handover struct {
	mu    sync.Mutex
	at    map[string]time.Time
	count map[string]int
}

func (h *handover) Notify(ctx context.Context, m notify.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.count[m.Key]++
	if _, ok := h.at[m.Key]; !ok {
		h.at[m.Key] = time.Now()
	}
	return nil
}

const loadIncidents = 1000

// loadReports reports loadIncidents incidents at once while a dispatcher
// delivers their notifications, and checks that none is lost or sent
// twice and that the chain verifies. It logs the throughput and the time
// from a report to its last notification handed over.
func loadReports(t *testing.T, backend register.Register) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l, err := register.Open(ctx, backend, &register.Options{Sealer: keyring(t), MaxAttempts: 10000})
	require.NoError(t, err)
	defer l.Close()
	c := newFakeClock()
	c.t = time.Now()
	var rost incident.MemRoster
	from := time.Now().Add(-time.Hour)
	for _, s := range []incident.Staff{giulia, luca} {
		require.NoError(t, rost.Add(incident.Shift{Staff: s, Venue: sede, From: from, Until: from.Add(24 * time.Hour)}))
	}
	d := incident.New(l, guideline.Milano2021(), &rost, nil)
	h := &handover{at: map[string]time.Time{}, count: map[string]int{}}
	disp := outbox.NewDispatcher(l, h, &outbox.Options{PollInterval: 5 * time.Millisecond, Lease: time.Minute})
	runDone := make(chan error)
	go func() { runDone <- disp.Run(ctx) }()

	start := time.Now()
	reported := make([]time.Time, loadIncidents)
	ids := make([]incident.ID, loadIncidents)
	var wg sync.WaitGroup
	errs := make(chan error, loadIncidents)
	for i := range loadIncidents {
		wg.Go(func() {
			reported[i] = time.Now()
			rc, err := d.Report(ctx, threat())
			if err != nil {
				errs <- err
				return
			}
			ids[i] = rc.ID
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	reportedIn := time.Since(start)
	require.Eventually(t, func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return len(h.at) == 2*loadIncidents
	}, 5*time.Minute, 10*time.Millisecond, "every notification handed over")
	total := time.Since(start)
	cancel()
	<-runDone

	h.mu.Lock()
	defer h.mu.Unlock()
	for k, n := range h.count {
		assert.Equal(t, 1, n, "%s sent %d times", k, n)
	}
	lat := make([]time.Duration, loadIncidents)
	seen := map[incident.ID]bool{}
	for i, id := range ids {
		require.False(t, seen[id], "ID %s given twice", id)
		seen[id] = true
		last := h.at[string(id)+"/alert"]
		if t2 := h.at[string(id)+"/call"]; t2.After(last) {
			last = t2
		}
		lat[i] = last.Sub(reported[i])
	}
	slices.Sort(lat)
	require.NoError(t, l.Verify(context.Background()))
	t.Logf("%d incidents reported in %v (%.0f reports/s); all %d notifications handed over in %v; report to last notification: median %v, p99 %v",
		loadIncidents, reportedIn.Round(time.Millisecond), float64(loadIncidents)/reportedIn.Seconds(), 2*loadIncidents,
		total.Round(time.Millisecond), lat[len(lat)/2].Round(time.Microsecond), lat[len(lat)*99/100].Round(time.Microsecond))
}

func TestLoadSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: skipped with -short")
	}
	loadReports(t, sqliteBackend(t))
}

func TestLoadPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: skipped with -short")
	}
	backend, _ := pgtest.Open(t)
	loadReports(t, backend)
}
