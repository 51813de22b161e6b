package checkin_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sostegno/sostegno/checkin"
	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
)

// Known secrets that must never appear in errors, logs or output.
const (
	knownAddress  = "Via Gianfranca Bellavista 12"
	knownCheckOut = "731904"
	knownDuress   = "731905"
)

// cheap are argon2id parameters that keep the tests fast.
var cheap = checkin.Params{Time: 1, MemoryKiB: 64, Threads: 1}

var operator = incident.Staff{ID: "op-17", Name: "Giulia Bianchi", Phone: "+390212345678"}

func keyring(t testing.TB) *register.Keyring {
	t.Helper()
	key := make([]byte, register.KeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	k, err := register.NewKeyring("k1", key)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// env is a register, a code store and a raiser that outlive a Service, as
// a database outlives a process.
type env struct {
	mem    *memregister.Register
	log    *register.Log
	codes  *checkin.MemCodeStore
	raiser *fakeRaiser
}

func newEnv(t testing.TB, now func() time.Time) *env {
	t.Helper()
	mem := memregister.New()
	log, err := register.Open(context.Background(), mem, &register.Options{Sealer: keyring(t), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = log.Close() })
	e := &env{mem: mem, log: log, codes: &checkin.MemCodeStore{}, raiser: &fakeRaiser{log: log}}
	codes, err := checkin.NewCodes(knownCheckOut, knownDuress, cheap)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.codes.SetCodes(context.Background(), operator.ID, codes); err != nil {
		t.Fatal(err)
	}
	return e
}

// service starts a "process": a Service and its Watcher over the env.
func (e *env) service(t testing.TB, now func() time.Time) (*checkin.Service, *checkin.Watcher) {
	t.Helper()
	svc, err := checkin.NewService(e.log, guideline.Milano2021(), e.codes, &checkin.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return svc, svc.Watcher(e.raiser, nil)
}

// fixture is one process over a fresh env, with a clock that stands at
// now until the test moves it.
type fixture struct {
	now   time.Time
	clock func() time.Time
	e     *env
	svc   *checkin.Service
	w     *checkin.Watcher
	ctx   context.Context
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{now: time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC), ctx: context.Background()}
	f.clock = func() time.Time { return f.now }
	f.e = newEnv(t, f.clock)
	f.svc, f.w = f.e.service(t, f.clock)
	return f
}

// start starts a session of the operator expected to end an hour from now.
func (f *fixture) start(t testing.TB) checkin.Session {
	t.Helper()
	sess, err := f.svc.Start(f.ctx, start(f.now.Add(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

// startedSession is a new fixture and the session it started.
func startedSession(t testing.TB) (*fixture, checkin.Session) {
	t.Helper()
	f := newFixture(t)
	return f, f.start(t)
}

func start(end time.Time) checkin.Start {
	return checkin.Start{
		Operator:    operator,
		Venue:       guideline.Venue{Name: "Visita domiciliare", Address: knownAddress, Territory: "municipio-5"},
		ExpectedEnd: end,
		Request:     "request/2026-000123",
	}
}

// raised is one call of the fake raiser.
type raised struct {
	inc   incident.Incident
	by    register.Actor
	cause string
	at    time.Time
}

// fakeRaiser plays the incident lifecycle: it appends the report at
// version 0 of the incident's stream, as the real service does, and
// records the call. crashAfter makes the next call fail after raising, as
// a process killed between raising and recording would.
type fakeRaiser struct {
	log        *register.Log
	mu         sync.Mutex
	calls      []raised
	crashAfter bool
}

func (f *fakeRaiser) Raise(ctx context.Context, inc incident.Incident, by register.Actor, cause string) (incident.ID, error) {
	if err := inc.Validate(); err != nil {
		return "", err
	}
	pers, err := inc.Personal()
	if err != nil {
		return "", err
	}
	data, _ := json.Marshal(map[string]any{register.DataIncidentKind: inc.Kinds.Primary(), register.DataAlarmCause: cause})
	_, err = f.log.Append(ctx, inc.ID.Stream(), 0, register.Event{
		Kind: register.KindIncidentReported, Territory: inc.Territory(), Actor: by, Data: data, Personal: pers,
	})
	if err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, raised{inc: inc, by: by, cause: cause, at: time.Now()})
	if f.crashAfter {
		f.crashAfter = false
		return "", errors.New("process killed")
	}
	return inc.ID, nil
}

func (f *fakeRaiser) raised() []raised {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]raised(nil), f.calls...)
}

func streamEntries(t testing.TB, log *register.Log, stream string) []register.Entry {
	t.Helper()
	var out []register.Entry
	for e, err := range log.Stream(context.Background(), stream) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func assertNoSecret(t testing.TB, what, s string) {
	t.Helper()
	for _, secret := range []string{knownAddress, knownCheckOut, knownDuress, "Bellavista"} {
		if strings.Contains(s, secret) {
			t.Errorf("%s leaks a secret", what)
		}
	}
}
