package incident_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/notify/notifytest"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
	"github.com/sostegno/sostegno/register/sqliteregister"
)

// Known personal data of a service user, which must never leak.
const (
	knownAggressor = "Gianfranca Bellavista"
	knownTaxCode   = "BLLGFR80A41F205X"
)

// fakeClock is a clock moved by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 3, 10, 15, 0, 0, guideline.Milano2021().Location())}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var (
	sede   = guideline.Venue{Name: "Sede di via Ciriè", Address: "via Ciriè 9, Milano", Territory: "municipio-5"}
	giulia = incident.Staff{ID: "op-118", Name: "Giulia Bianchi", Email: "giulia.bianchi@example.org", Phone: "+393331234567"}
	luca   = incident.Staff{ID: "op-120", Name: "Luca Verdi", Email: "luca.verdi@example.org"}
	anna   = incident.Staff{ID: "op-121", Name: "Anna Neri", Email: "anna.neri@example.org"}
	paola  = incident.Staff{ID: "po-5", Name: "Paola Gialli", Role: guideline.RoleResponsibleOfficial, Email: "paola.gialli@example.org"}

	lucaActor   = register.Actor{Role: guideline.RoleOperator, ID: luca.ID}
	annaActor   = register.Actor{Role: guideline.RoleOperator, ID: anna.ID}
	ownActor    = register.Actor{Role: guideline.RoleOperator, ID: giulia.ID}
	centreActor = register.Actor{Role: guideline.RoleOperationsCentre, ID: "co-1"}
	patrolActor = register.Actor{Role: guideline.RolePatrol, ID: "pl-77"}
	cmdActor    = register.Actor{Role: guideline.RolePoliceCommand, ID: "gab-1"}
)

// threat is an incident at sede, with the aggressor's personal data.
func threat() incident.Incident {
	return incident.Incident{
		Kinds:    incident.NewKinds(incident.Threat, incident.VerbalAggression),
		Venue:    sede,
		Reporter: giulia,
		Aggressor: incident.Aggressor{
			Name: incident.NewPrivate(knownAggressor), TaxCode: incident.NewPrivate(knownTaxCode),
		},
		Description:   incident.NewPrivate("ha minacciato " + knownAggressor),
		PeoplePresent: 3,
	}
}

// env is a register, a roster, a desk and a dispatcher into a recorder,
// all on one fake clock.
type env struct {
	clock *fakeClock
	log   *register.Log
	desk  *incident.Desk
	rost  *incident.MemRoster
	rec   *notifytest.Recorder
	disp  *outbox.Dispatcher
}

func keyring(t testing.TB) *register.Keyring {
	t.Helper()
	k, err := register.NewKeyring("k1", make([]byte, register.KeySize))
	require.NoError(t, err)
	return k
}

// shifts puts staff on duty at sede from an hour before the clock's time,
// for a day.
func shifts(t testing.TB, c *fakeClock, staff ...incident.Staff) *incident.MemRoster {
	t.Helper()
	var r incident.MemRoster
	from := c.Now().Add(-time.Hour)
	for _, s := range staff {
		require.NoError(t, r.Add(incident.Shift{Staff: s, Venue: sede, From: from, Until: from.Add(24 * time.Hour)}))
	}
	return &r
}

// aloneAtSede is a roster with giulia alone on duty at sede for eight
// hours from an hour before the clock's time, and the official paola at
// another office of the same territory.
func aloneAtSede(t testing.TB, c *fakeClock) *incident.MemRoster {
	t.Helper()
	var rost incident.MemRoster
	from := c.Now().Add(-time.Hour)
	require.NoError(t, rost.Add(
		incident.Shift{Staff: giulia, Venue: sede, From: from, Until: from.Add(8 * time.Hour)},
		incident.Shift{Staff: paola, Venue: guideline.Venue{Name: "Sede centrale", Address: "via Sile 8", Territory: sede.Territory}, From: from, Until: from.Add(8 * time.Hour)},
	))
	return &rost
}

func openLog(t testing.TB, backend register.Register, c *fakeClock) *register.Log {
	t.Helper()
	l, err := register.Open(context.Background(), backend, &register.Options{Sealer: keyring(t), Now: c.Now})
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	return l
}

func newEnvOn(t testing.TB, backend register.Register, staff ...incident.Staff) *env {
	t.Helper()
	c := newFakeClock()
	e := &env{clock: c, log: openLog(t, backend, c), rost: shifts(t, c, staff...), rec: &notifytest.Recorder{}}
	e.desk = incident.New(e.log, guideline.Milano2021(), e.rost, &incident.Options{Notifier: e.rec, Now: c.Now})
	e.disp = outbox.NewDispatcher(e.log, e.rec, &outbox.Options{Now: c.Now, Jitter: -1})
	return e
}

func newEnv(t testing.TB, staff ...incident.Staff) *env {
	t.Helper()
	if staff == nil {
		staff = []incident.Staff{giulia, luca, anna, paola}
	}
	return newEnvOn(t, memregister.New(), staff...)
}

// reported reports a threat on e's desk and returns the context it used
// and the receipt.
func (e *env) reported(t testing.TB) (context.Context, incident.Receipt) {
	t.Helper()
	ctx := context.Background()
	rc, err := e.desk.Report(ctx, threat())
	require.NoError(t, err)
	return ctx, rc
}

func sqliteBackend(t testing.TB) register.Register {
	t.Helper()
	b, err := sqliteregister.Open(context.Background(), filepath.Join(t.TempDir(), "registro.db"), nil)
	require.NoError(t, err)
	return b
}

func (e *env) drain(t testing.TB) outbox.DrainStats {
	t.Helper()
	st, err := e.disp.Drain(context.Background())
	require.NoError(t, err)
	return st
}

func (e *env) head(t testing.TB) uint64 {
	t.Helper()
	h, err := e.log.Backend().Head(context.Background())
	require.NoError(t, err)
	return h.Seq
}
