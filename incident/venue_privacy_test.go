package incident_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/internal/testkit"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/sqliteregister"
)

// A home where an incident happened: its name and address are a service
// user's personal data.
const (
	knownHomeName    = "Casa Bellavista"
	knownHomeAddress = "via Carlo Sormani 41, Milano"
	homeStreet       = "Sormani"
)

// Every report keeps the venue's name and address sealed, an office's as
// well as a private venue's: neither is in the SQLite files (database
// and write-ahead log), in the incident's timeline as exported, or in
// its status; the escalation, which must tell the official where to go,
// gets them from the sealed report, through an access entry.
func TestReportSealsTheVenue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "registro.db")
	backend, err := sqliteregister.Open(ctx, path, nil)
	require.NoError(t, err)
	e := newEnvOn(t, backend, giulia, luca, paola)
	x := incident.NewEscalator(e.desk, nil)

	office := threat()
	office.Venue.Address = knownHomeAddress // an office's address is sealed as well
	home := threat()
	home.Venue = guideline.Venue{Name: knownHomeName, Address: knownHomeAddress, Territory: "municipio-5"}
	home.PrivateVenue = true
	var ids []incident.ID
	for _, inc := range []incident.Incident{office, home} {
		rc, err := e.desk.Report(ctx, inc)
		require.NoError(t, err)
		ids = append(ids, rc.ID)
	}
	// Nobody confirms: the ladder runs to the official and the direct
	// call, twice over.
	start := e.clock.Now()
	for _, at := range []time.Duration{time.Minute, 2 * time.Minute, 3 * time.Minute, 5 * time.Minute} {
		tick(t, x, e.clock, start, at)
	}
	e.drain(t)
	escalated := 0
	for _, m := range e.rec.Messages() {
		if strings.Contains(m.Key, "/escalation/") {
			escalated++
			if !strings.Contains(m.Text, knownHomeAddress) {
				t.Errorf("%s does not say where to go", m.Key)
			}
		}
	}
	require.NotZero(t, escalated, "nothing escalated")

	// The statuses hold the territory only, and whether the venue is
	// private; the checks print nothing of the venue.
	for i, id := range ids {
		st, err := e.desk.State(ctx, id)
		require.NoError(t, err)
		private := i == 1
		if st.Venue.Address != "" || st.Venue.Name != "" || st.Venue.Territory != "municipio-5" || st.PrivateVenue != private {
			t.Errorf("incident %d: the status shows the wrong parts of the venue", i)
		}
	}
	for _, id := range ids {
		tl, err := e.desk.Timeline(ctx, id)
		require.NoError(t, err)
		b, err := json.Marshal(tl)
		require.NoError(t, err)
		testkit.AssertAbsent(t, "timeline of "+string(id), b, "municipio-5", knownHomeAddress, homeStreet, knownHomeName, office.Venue.Name)
	}
	testkit.AssertAbsent(t, "register files", testkit.SQLiteFiles(t, path, true), string(ids[1]),
		knownHomeAddress, homeStreet, knownHomeName, knownAggressor, office.Venue.Name)
	require.NoError(t, e.log.Verify(ctx))

	// The escalator's reading is in the access log.
	var access int
	for a, err := range e.log.Scan(ctx, register.Filter{Kinds: []string{register.KindAccess}}) {
		require.NoError(t, err)
		var purpose string
		_, _ = (register.TimelineEntry{Data: a.Data}).Field(register.DataPurpose, &purpose)
		if purpose == incident.EscalationPurpose {
			access++
		}
	}
	assert.NotZero(t, access, "the escalator opened the reports without an access entry")
}

// The copy shared with the Directorate names the venue, read back from
// the sealed report under the sharing's access entry, or, for a private
// venue, speaks of a private place without opening the report.
func TestShareNamesTheVenueFromTheSealedReport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	spec := guideline.Milano2021().Spec()
	spec.Contacts = append(spec.Contacts, guideline.Contact{
		Role: guideline.RoleSocialPolicyDirectorate, Name: "Direzione Politiche Sociali", Email: "direzione@example.org",
	})
	g, err := guideline.New(spec)
	require.NoError(t, err)
	for _, private := range []bool{false, true} {
		e := newEnv(t)
		e.desk = incident.New(e.log, g, e.rost, &incident.Options{Notifier: e.rec, Now: e.clock.Now})
		inc := threat()
		inc.PrivateVenue = private
		rc, err := e.desk.Report(ctx, inc)
		require.NoError(t, err)
		_, err = e.desk.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, lucaActor, "")
		require.NoError(t, err)
		_, err = e.desk.Dispatch(ctx, rc.ID, centreActor, incident.DispatchPatrol, "")
		require.NoError(t, err)
		_, err = e.desk.FilePatrolReport(ctx, rc.ID, patrolActor, incident.PatrolReport{Summary: incident.NewPrivate("Situazione tranquilla")})
		require.NoError(t, err)
		_, err = e.desk.Evaluate(ctx, rc.ID, cmdActor, "")
		require.NoError(t, err)
		_, err = e.desk.ShareWithDirectorate(ctx, rc.ID, cmdActor, []incident.ReportField{incident.ReportSummary}, "")
		require.NoError(t, err)
		e.drain(t)
		var subject string
		for _, m := range e.rec.Messages() {
			if m.Kind == register.KindIncidentSharedWithDirectorate {
				subject = m.Subject
			}
		}
		if private {
			assert.Contains(t, subject, "un luogo riservato")
			assert.NotContains(t, subject, sede.Name)
		} else {
			assert.Contains(t, subject, sede.Name)
		}
		// One access entry for the sharing, whichever entries it opened.
		var access int
		for a, err := range e.log.Scan(ctx, register.Filter{Kinds: []string{register.KindAccess}}) {
			require.NoError(t, err)
			var purpose string
			_, _ = (register.TimelineEntry{Data: a.Data}).Field(register.DataPurpose, &purpose)
			if purpose == incident.SharePurpose {
				access++
			}
		}
		assert.Equal(t, 1, access)
	}
}
