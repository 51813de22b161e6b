package checkin_test

import (
	"context"
	"testing"

	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/pgregister"
	"github.com/sostegno/sostegno/register/pgregister/pgtest"
)

// A missed check-out on PostgreSQL, through the real Desk: the incident
// is raised once at the grace period's end, by a process started after
// the session, and a second process on the same register raises nothing
// more. It runs against the server named by SOSTEGNO_POSTGRES_URL, in a
// schema of its own.
func TestWiredMissedCheckOutPostgres(t *testing.T) {
	t.Parallel()
	pool := pgtest.Pool(t, 0)
	schema := pgtest.Schema(t, pool)
	wd := newWorld(t, func(t testing.TB) register.Register {
		r, err := pgregister.Open(context.Background(), pool, &pgregister.Options{Schema: schema})
		if err != nil {
			t.Fatal(err)
		}
		return r
	})
	ctx := context.Background()
	p := wd.process(t)
	sess := wd.start(t, p, office)
	a, b := wd.process(t), wd.process(t)
	wd.clock.Set(sess.DueAt)
	a.tick(t, sess.DueAt)
	b.tick(t, sess.DueAt)
	rs := reports(t, a.log)
	if len(rs) != 1 {
		t.Fatalf("%d incidents, want 1", len(rs))
	}
	st, err := a.desk.State(ctx, incident.ID(rs[0].Stream))
	if err != nil {
		t.Fatal(err)
	}
	if st.AlarmCause != register.AlarmCheckoutMissed || st.Caller != colleague.ID {
		t.Errorf("cause %q, caller %q", st.AlarmCause, st.Caller)
	}
	if got := keysTo(wd.rec, colleague); len(got) != 2 {
		t.Errorf("messages to the colleague %v, want the alert and the call script", got)
	}
	if err := a.log.Verify(ctx); err != nil {
		t.Errorf("the register does not verify: %v", err)
	}
}
