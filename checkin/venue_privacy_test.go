package checkin_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/internal/testkit"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/sqliteregister"
)

// knownHomeName is how an operator may name a home visit's venue: it says
// who lives there.
const knownHomeName = "Famiglia Bellavista"

// A home visit's alarm, raised by the Watcher through the real Desk on
// SQLite, escalated and delivered, leaves the home's name and address
// nowhere in clear: not in the database file or its write-ahead log, not
// in the incident's timeline (what is exported to other systems), not in
// its status. The messages, which tell the staff where to go, carry the
// address, the escalation's included.
func TestHomeVisitAlarmSealsTheVenue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "registro.db")
	wd := newWorld(t, func(t testing.TB) register.Register {
		b, err := sqliteregister.Open(context.Background(), path, nil)
		if err != nil {
			t.Fatal(err)
		}
		return b
	})
	p := wd.process(t)
	home := guideline.Venue{Name: knownHomeName, Address: knownAddress, Territory: "municipio-5"}
	s := wd.start(t, p, home)
	now := s.DueAt.Add(time.Second)
	for range 6 {
		wd.clock.Set(now)
		p.tick(t, now)
		now = now.Add(time.Minute)
	}
	rs := reports(t, p.log)
	if len(rs) != 1 {
		t.Fatalf("%d incidents, want 1", len(rs))
	}
	id := incident.ID(rs[0].Stream)

	escalated := 0
	for _, m := range wd.rec.Messages() {
		// The Escalator's messages (not the report's own escalation,
		// made from the incident in memory).
		if !strings.HasPrefix(m.Key, string(id)+"/escalation/") || strings.Contains(m.Key, "/no-colleagues/") {
			continue
		}
		escalated++
		if !strings.Contains(m.Text, knownAddress) {
			t.Errorf("%s does not say where to go", m.Key)
		}
	}
	if escalated == 0 {
		t.Fatal("nothing escalated")
	}

	st, err := p.desk.State(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if st.Venue != (guideline.Venue{Territory: "municipio-5"}) || !st.PrivateVenue {
		t.Error("the incident's status shows the venue's name or address")
	}
	tl, err := p.desk.Timeline(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(tl)
	if err != nil {
		t.Fatal(err)
	}
	testkit.AssertAbsent(t, "the incident's timeline", b, "municipio-5", knownAddress, "Bellavista", knownHomeName)
	testkit.AssertAbsent(t, "the register's files", testkit.SQLiteFiles(t, path, true), string(id),
		knownAddress, "Bellavista", knownHomeName)
	if err := p.log.Verify(ctx); err != nil {
		t.Fatal(err)
	}
}
