package incident_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/internal/testkit"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/pgregister"
	"github.com/sostegno/sostegno/register/pgregister/pgtest"
	"github.com/sostegno/sostegno/register/sqliteregister"
)

// What a child of the two-process tests is told through its environment.
const (
	childEnv     = "SOSTEGNO_INCIDENT_CHILD" // childConfirm
	childConfirm = "confirm"
	dbEnv        = "SOSTEGNO_INCIDENT_DB"     // the SQLite file
	schemaEnv    = "SOSTEGNO_INCIDENT_SCHEMA" // or the PostgreSQL schema (server in pgtest.URLEnv)
	actorEnv     = "SOSTEGNO_INCIDENT_ACTOR"  // the staff number of the colleague who confirms
	idsEnv       = "SOSTEGNO_INCIDENT_IDS"    // the incidents to confirm, comma-separated
	nowEnv       = "SOSTEGNO_INCIDENT_NOW"    // the clock's time, RFC 3339
)

// confirmed is what a child prints for each confirmation.
type confirmed struct {
	ID      incident.ID    `json:"id"`
	Late    bool           `json:"late"`
	By      register.Actor `json:"by"`
	FirstBy register.Actor `json:"first_by"`
	Err     string         `json:"err,omitempty"`
}

// confirmChild opens its own register.Log and incident.Desk on the
// register named by the environment, waits for the parent's release, and
// confirms step 1 of each incident, printing each result as a JSON line.
func confirmChild() {
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "figlio:", err)
		os.Exit(2)
	}
	ctx := context.Background()
	var (
		backend register.Register
		err     error
	)
	if schema := os.Getenv(schemaEnv); schema != "" {
		backend, err = pgregister.Connect(ctx, os.Getenv(pgtest.URLEnv), &pgregister.Options{Schema: schema})
	} else {
		backend, err = sqliteregister.Open(ctx, os.Getenv(dbEnv), nil)
	}
	if err != nil {
		fail(err)
	}
	now, err := time.Parse(time.RFC3339Nano, os.Getenv(nowEnv))
	if err != nil {
		fail(err)
	}
	key, err := register.NewKeyring("k1", make([]byte, register.KeySize))
	if err != nil {
		fail(err)
	}
	l, err := register.Open(ctx, backend, &register.Options{Sealer: key, Now: func() time.Time { return now }})
	if err != nil {
		fail(err)
	}
	defer l.Close()
	d := incident.New(l, guideline.Milano2021(), &incident.MemRoster{}, &incident.Options{Now: func() time.Time { return now }})
	who := register.Actor{Role: guideline.RoleOperator, ID: os.Getenv(actorEnv)}
	if err := testkit.AwaitRelease(); err != nil {
		fail(err)
	}
	enc := json.NewEncoder(os.Stdout)
	for _, id := range strings.Split(os.Getenv(idsEnv), ",") {
		r, err := d.Confirm(ctx, incident.ID(id), incident.StepAlertColleagues, who, "")
		c := confirmed{ID: incident.ID(id), Late: r.Late, By: r.By, FirstBy: r.FirstBy}
		if err != nil {
			c.Err = err.Error()
		}
		if err := enc.Encode(c); err != nil {
			fail(err)
		}
	}
}

// confirmFromTwoProcesses reports incidents on l, then has two child
// processes, each with its own Log and Desk on the register named by env,
// released together, confirm step 1 of each: for each incident exactly
// one wins (one transition entry), the other is told (a late
// confirmation naming the winner), nothing is duplicated, and the
// register verifies.
func confirmFromTwoProcesses(t *testing.T, l *register.Log, c *fakeClock, env ...string) {
	t.Helper()
	ctx := context.Background()
	d := incident.New(l, guideline.Milano2021(), shifts(t, c, giulia, luca, anna), &incident.Options{Now: c.Now})
	var ids []string
	for range 5 {
		rc, err := d.Report(ctx, threat())
		require.NoError(t, err)
		ids = append(ids, string(rc.ID))
	}
	c.Add(20 * time.Second)
	env = append(env, childEnv+"="+childConfirm, idsEnv+"="+strings.Join(ids, ","), nowEnv+"="+c.Now().Format(time.RFC3339Nano))
	children := []*testkit.Child{
		testkit.Start(t, append(env, actorEnv+"="+luca.ID)...),
		testkit.Start(t, append(env, actorEnv+"="+anna.ID)...),
	}
	require.NoError(t, testkit.Release(children...))
	results := map[incident.ID][]confirmed{}
	for i, child := range children {
		lines, err := child.Wait()
		require.NoError(t, err, "child %d", i)
		require.Len(t, lines, len(ids), "child %d", i)
		for _, line := range lines {
			var r confirmed
			require.NoError(t, json.Unmarshal([]byte(line), &r))
			if r.Err != "" {
				t.Errorf("child %d, %s: %s", i, r.ID, r.Err)
			}
			results[r.ID] = append(results[r.ID], r)
		}
	}
	for _, id := range ids {
		rs := results[incident.ID(id)]
		require.Len(t, rs, 2, id)
		if rs[0].Late == rs[1].Late {
			t.Errorf("%s: late %v and %v: want one winner, the other told", id, rs[0].Late, rs[1].Late)
			continue
		}
		winner, told := rs[0], rs[1]
		if winner.Late {
			winner, told = told, winner
		}
		if told.FirstBy != winner.By {
			t.Errorf("%s: the one told hears %v confirmed first, not %v", id, told.FirstBy, winner.By)
		}
		counts := map[string]int{}
		for e, err := range l.Stream(ctx, id) {
			require.NoError(t, err)
			counts[e.Kind]++
		}
		want := map[string]int{register.KindIncidentReported: 1, register.KindIncidentColleaguesAlerted: 1, incident.KindConfirmationLate: 1}
		for kind, n := range want {
			if counts[kind] != n {
				t.Errorf("%s: %d entries %s, want %d", id, counts[kind], kind, n)
			}
		}
		st, err := d.State(ctx, incident.ID(id))
		require.NoError(t, err)
		first, ok := st.Confirmed(incident.StepAlertColleagues)
		if !ok || first.By != winner.By || st.State != incident.StateColleaguesAlerted {
			t.Errorf("%s: the register says %v confirmed (state %s), the winner was %v", id, first.By, st.State, winner.By)
		}
	}
	require.NoError(t, l.Verify(ctx))
}

// Two processes, each with its own Log and Desk on one SQLite file,
// confirm step 1 of the same incidents at once.
func TestTwoRealProcessesConfirmAtOnceSQLite(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "registro.db")
	b, err := sqliteregister.Open(context.Background(), path, nil)
	require.NoError(t, err)
	c := newFakeClock()
	confirmFromTwoProcesses(t, openLog(t, b, c), c, dbEnv+"="+path)
}

// The same on PostgreSQL, each process with its own connections.
func TestTwoRealProcessesConfirmAtOncePostgres(t *testing.T) {
	t.Parallel()
	backend, schema := pgtest.Open(t)
	c := newFakeClock()
	confirmFromTwoProcesses(t, openLog(t, backend, c), c, schemaEnv+"="+schema)
}
