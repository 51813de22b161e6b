package incident_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
	"github.com/sostegno/sostegno/register/pgregister"
	"github.com/sostegno/sostegno/register/pgregister/pgtest"
	"github.com/sostegno/sostegno/register/sqliteregister"
)

// assertNoLeak checks that no known personal data of the service user is
// in texts.
func assertNoLeak(t *testing.T, texts ...string) {
	t.Helper()
	notifytest.AssertNoLeak(t, []string{knownAggressor, knownTaxCode}, texts...)
}

// fullPath walks an incident from the report to its closure.
func fullPath(t *testing.T, e *env) {
	ctx, rc := e.reported(t)
	assert.Equal(t, incident.ID("incident/2026-000001"), rc.ID)
	assert.Equal(t, []string{"op-120", "op-121", "po-5"}, []string{rc.Alerted[0].ID, rc.Alerted[1].ID, rc.Alerted[2].ID})
	assert.Equal(t, luca.ID, rc.Caller.ID)
	assert.False(t, rc.Escalated)
	e.drain(t)
	require.Len(t, e.rec.Messages(), 2)
	for _, m := range e.rec.Messages() {
		assert.Equal(t, notify.Urgent, m.Priority)
		assertNoLeak(t, m.Subject, m.Text, m.HTML)
	}
	assert.ElementsMatch(t, []string{string(rc.ID) + "/alert", string(rc.ID) + "/call"}, e.rec.Keys())

	steps := []func() (incident.StepRecord, error){
		func() (incident.StepRecord, error) {
			return e.desk.Confirm(ctx, rc.ID, incident.StepAlertColleagues, lucaActor, "Arrivo tra un minuto")
		},
		func() (incident.StepRecord, error) {
			return e.desk.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, lucaActor, "")
		},
		func() (incident.StepRecord, error) {
			return e.desk.Dispatch(ctx, rc.ID, centreActor, incident.DispatchPatrol, "")
		},
		func() (incident.StepRecord, error) {
			return e.desk.FilePatrolReport(ctx, rc.ID, patrolActor, incident.PatrolReport{
				Summary:          incident.NewPrivate("Situazione tranquilla all'arrivo"),
				PeopleIdentified: incident.NewPrivate(knownAggressor + ", " + knownTaxCode),
				Outcome:          incident.NewPrivate("Denuncia a piede libero"),
			})
		},
		func() (incident.StepRecord, error) { return e.desk.Evaluate(ctx, rc.ID, cmdActor, "") },
		func() (incident.StepRecord, error) {
			return e.desk.ShareWithDirectorate(ctx, rc.ID, cmdActor, []incident.ReportField{incident.ReportSummary, incident.ReportOutcome}, "")
		},
		func() (incident.StepRecord, error) { return e.desk.Close(ctx, rc.ID, cmdActor, "") },
	}
	want := []incident.State{incident.StateColleaguesAlerted, incident.StateOperationsCentreCalled, incident.StateDispatched,
		incident.StatePatrolReportFiled, incident.StateCommandEvaluated, incident.StateSharedWithDirectorate, incident.StateClosed}
	for i, step := range steps {
		e.clock.Add(20 * time.Second)
		r, err := step()
		require.NoError(t, err, "step %d", i)
		assert.Equal(t, want[i], r.State)
	}
	st, err := e.desk.State(ctx, rc.ID)
	require.NoError(t, err)
	assert.Equal(t, incident.StateClosed, st.State)
	assert.Equal(t, incident.DispatchPatrol, st.DispatchTarget)
	assert.Equal(t, giulia.ID, st.Reporter)
	assert.Len(t, st.Steps, 7)

	tl, err := e.desk.Timeline(ctx, rc.ID)
	require.NoError(t, err)
	assert.Empty(t, incident.Check(guideline.Milano2021(), tl), "a clean path has no findings")
	b, _ := tl.MarshalJSON()
	assertNoLeak(t, string(b))

	// The Directorate's part is a filtered copy, sealed on its own.
	var shared register.Entry
	for en, err := range e.log.Stream(ctx, rc.ID.Stream()) {
		require.NoError(t, err)
		if en.Kind == register.KindIncidentSharedWithDirectorate {
			shared = en
		}
	}
	assert.JSONEq(t, `{"shared_fields":["summary","outcome"]}`, string(shared.Data))
	plain, err := e.log.Unseal(ctx, register.Access{Actor: cmdActor, Purpose: "verifica"}, shared)
	require.NoError(t, err)
	assert.Contains(t, string(plain), "Denuncia a piede libero")
	assert.NotContains(t, string(plain), knownAggressor, "the shared copy holds only the parts chosen")

	comments, err := e.desk.Comments(ctx, rc.ID, register.Access{Actor: lucaActor, Purpose: "coordinamento"})
	require.NoError(t, err)
	require.Len(t, comments, 1)
	assert.Equal(t, "Arrivo tra un minuto", comments[0].Text.Reveal())
	assert.Equal(t, lucaActor, comments[0].Step.By)

	require.NoError(t, e.log.Verify(ctx))
}

func TestFullPathSQLite(t *testing.T) {
	t.Parallel()
	fullPath(t, newEnvOn(t, sqliteBackend(t), giulia, luca, anna, paola))
}

func TestFullPathPostgres(t *testing.T) {
	t.Parallel()
	backend, _ := pgtest.Open(t)
	fullPath(t, newEnvOn(t, backend, giulia, luca, anna, paola))
}

func TestFullPathMemory(t *testing.T) {
	t.Parallel()
	fullPath(t, newEnv(t))
}

// reach brings a new incident to state s.
func reach(t *testing.T, e *env, s incident.State) incident.ID {
	t.Helper()
	ctx, rc := e.reported(t)
	ops := map[incident.State]func() error{
		incident.StateColleaguesAlerted: func() error {
			_, err := e.desk.Confirm(ctx, rc.ID, incident.StepAlertColleagues, lucaActor, "")
			return err
		},
		incident.StateOperationsCentreCalled: func() error {
			_, err := e.desk.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, lucaActor, "")
			return err
		},
		incident.StateDispatched: func() error {
			_, err := e.desk.Dispatch(ctx, rc.ID, centreActor, incident.DispatchBoth, "")
			return err
		},
		incident.StatePatrolReportFiled: func() error {
			_, err := e.desk.FilePatrolReport(ctx, rc.ID, patrolActor, incident.PatrolReport{Summary: incident.NewPrivate("x")})
			return err
		},
		incident.StateCommandEvaluated: func() error { _, err := e.desk.Evaluate(ctx, rc.ID, cmdActor, ""); return err },
		incident.StateSharedWithDirectorate: func() error {
			_, err := e.desk.ShareWithDirectorate(ctx, rc.ID, cmdActor, []incident.ReportField{incident.ReportSummary}, "")
			return err
		},
		incident.StateClosed: func() error { _, err := e.desk.Close(ctx, rc.ID, cmdActor, ""); return err },
	}
	for _, st := range incident.States()[2:] {
		if st == s || incident.States()[1] == s {
			break
		}
		require.NoError(t, ops[st](), "reaching %s", st)
	}
	if s != incident.StateReported {
		require.NoError(t, ops[s](), "reaching %s", s)
	}
	got, err := e.desk.State(ctx, rc.ID)
	require.NoError(t, err)
	require.Equal(t, s, got.State)
	return rc.ID
}

func TestEveryIllegalTransitionWritesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	roles := append(guideline.Roles(), register.RoleSystem)
	ops := map[incident.Action]func(id incident.ID, who register.Actor) error{
		incident.ActionDispatch: func(id incident.ID, who register.Actor) error {
			_, err := e.desk.Dispatch(ctx, id, who, incident.DispatchPatrol, "")
			return err
		},
		incident.ActionFileReport: func(id incident.ID, who register.Actor) error {
			_, err := e.desk.FilePatrolReport(ctx, id, who, incident.PatrolReport{Summary: incident.NewPrivate(knownAggressor)})
			return err
		},
		incident.ActionEvaluate: func(id incident.ID, who register.Actor) error {
			_, err := e.desk.Evaluate(ctx, id, who, "")
			return err
		},
		incident.ActionShare: func(id incident.ID, who register.Actor) error {
			_, err := e.desk.ShareWithDirectorate(ctx, id, who, []incident.ReportField{incident.ReportSummary}, "")
			return err
		},
		incident.ActionClose: func(id incident.ID, who register.Actor) error {
			_, err := e.desk.Close(ctx, id, who, "")
			return err
		},
		incident.ActionConfirmAlert: func(id incident.ID, who register.Actor) error {
			_, err := e.desk.Confirm(ctx, id, incident.StepAlertColleagues, who, "")
			return err
		},
	}
	checked := 0
	for _, s := range incident.States()[1:] {
		id := reach(t, e, s)
		for a, op := range ops {
			for _, role := range roles {
				if a == incident.ActionConfirmAlert && s != incident.StateReported {
					continue // a late confirmation is recorded as such
				}
				if _, err := incident.Next(s, a, role); err == nil {
					continue
				}
				checked++
				head := e.head(t)
				err := op(id, register.Actor{Role: role, ID: "x-" + string(role)})
				require.Error(t, err, "%s %s %s", s, a, role)
				var te *incident.TransitionError
				var re *incident.RefusedError
				if !errors.As(err, &te) && !errors.As(err, &re) {
					t.Errorf("%s %s %s: %v is neither a TransitionError nor a RefusedError", s, a, role, err)
				}
				if te != nil {
					assert.NotEmpty(t, te.Message(language.Italian))
				}
				assertNoLeak(t, err.Error())
				assert.Equal(t, head, e.head(t), "%s %s %s wrote entries", s, a, role)
			}
		}
	}
	assert.Greater(t, checked, 200)
}

func TestSelfAcknowledgementRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, rc := e.reported(t)
	head := e.head(t)
	_, err := e.desk.Confirm(ctx, rc.ID, incident.StepAlertColleagues, ownActor, "")
	require.ErrorIs(t, err, incident.ErrOwnAlarm)
	var re *incident.RefusedError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "Chi ha dato l'allarme non può confermare da sé il passo «Richiamo di altro personale»: deve farlo un collega.", re.Message(language.Italian))
	assert.Equal(t, head, e.head(t))
	// After a colleague confirmed step 1, the reporter cannot confirm step 2.
	_, err = e.desk.Confirm(ctx, rc.ID, incident.StepAlertColleagues, lucaActor, "")
	require.NoError(t, err)
	head = e.head(t)
	_, err = e.desk.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, ownActor, "")
	require.ErrorIs(t, err, incident.ErrOwnAlarm)
	assert.Equal(t, head, e.head(t))
}

func TestDirectCallIsARecordedDeviation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, rc := e.reported(t)
	r, err := e.desk.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, ownActor, "Ero sola, ho chiamato io")
	require.NoError(t, err)
	assert.True(t, r.Deviation)
	assert.Equal(t, incident.ActionCallDirectly, r.Action)
	assert.Equal(t, incident.StateOperationsCentreCalled, r.State)
	st, err := e.desk.State(ctx, rc.ID)
	require.NoError(t, err)
	assert.True(t, st.DirectCall)
	// A colleague arriving afterwards is a late confirmation of step 1.
	late, err := e.desk.Confirm(ctx, rc.ID, incident.StepAlertColleagues, lucaActor, "")
	require.NoError(t, err)
	assert.True(t, late.Late)
	tl, err := e.desk.Timeline(ctx, rc.ID)
	require.NoError(t, err)
	codes := findingCodes(incident.Check(guideline.Milano2021(), tl))
	assert.Contains(t, codes, incident.FindingDirectCall)
	tr, err := incident.Next(incident.StateReported, incident.ActionCallDirectly, guideline.RoleOperator)
	require.NoError(t, err)
	assert.True(t, tr.Deviation)
}

func TestConfirmationBeforeStepOneConfirmsBoth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, rc := e.reported(t)
	r, err := e.desk.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, lucaActor, "")
	require.NoError(t, err)
	assert.False(t, r.Deviation)
	st, err := e.desk.State(ctx, rc.ID)
	require.NoError(t, err)
	first, ok := st.Confirmed(incident.StepAlertColleagues)
	require.True(t, ok)
	assert.Equal(t, lucaActor, first.By)
	// The same person again: nothing written.
	head := e.head(t)
	again, err := e.desk.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, lucaActor, "")
	require.NoError(t, err)
	assert.False(t, again.Late)
	assert.Equal(t, head, e.head(t))
}

func findingCodes(fs []guideline.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

// twoConfirm makes two Desks over two Logs of one register confirm step 1
// of one incident at once.
func twoConfirm(t *testing.T, a, b *register.Log, c *fakeClock) {
	ctx := context.Background()
	g := guideline.Milano2021()
	rost := shifts(t, c, giulia, luca, anna)
	da := incident.New(a, g, rost, &incident.Options{Now: c.Now})
	db := incident.New(b, g, rost, &incident.Options{Now: c.Now})
	for round := range 5 {
		rc, err := da.Report(ctx, threat())
		require.NoError(t, err)
		var wg sync.WaitGroup
		res := make([]incident.StepRecord, 2)
		errs := make([]error, 2)
		wg.Go(func() { res[0], errs[0] = da.Confirm(ctx, rc.ID, incident.StepAlertColleagues, lucaActor, "") })
		wg.Go(func() { res[1], errs[1] = db.Confirm(ctx, rc.ID, incident.StepAlertColleagues, annaActor, "") })
		wg.Wait()
		require.NoError(t, errs[0], "round %d", round)
		require.NoError(t, errs[1], "round %d", round)
		assert.NotEqual(t, res[0].Late, res[1].Late, "one wins, the other is told")
		winner, loser := res[0], res[1]
		if winner.Late {
			winner, loser = loser, winner
		}
		assert.Equal(t, winner.By, loser.FirstBy)
		counts := map[string]int{}
		for en, err := range a.Stream(ctx, rc.ID.Stream()) {
			require.NoError(t, err)
			counts[en.Kind]++
		}
		assert.Equal(t, 1, counts[register.KindIncidentColleaguesAlerted])
		assert.Equal(t, 1, counts[incident.KindConfirmationLate])
	}
	require.NoError(t, a.Verify(ctx))
}

func TestTwoProcessesConfirmAtOnceSQLite(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/registro.db"
	c := newFakeClock()
	open := func() *register.Log {
		b, err := sqliteregister.Open(context.Background(), path, nil)
		require.NoError(t, err)
		return openLog(t, b, c)
	}
	twoConfirm(t, open(), open(), c)
}

func TestTwoProcessesConfirmAtOncePostgres(t *testing.T) {
	t.Parallel()
	backend, schema := pgtest.Open(t)
	other, err := pgregister.Connect(context.Background(), pgtest.URL(t), &pgregister.Options{Schema: schema})
	require.NoError(t, err)
	c := newFakeClock()
	twoConfirm(t, openLog(t, backend, c), openLog(t, other, c), c)
}

// broken is a register whose appends fail.
type broken struct{ register.Register }

func (broken) Append(context.Context, register.Batch) error {
	return errors.New("disk full")
}

func TestRegisterDownTheAlarmStillGoesOut(t *testing.T) {
	t.Parallel()
	e := newEnvOn(t, broken{memregister.New()}, giulia, luca, paola)
	_, err := e.desk.Report(context.Background(), threat())
	require.ErrorIs(t, err, incident.ErrNotRecorded)
	var nr *incident.NotRecordedError
	require.ErrorAs(t, err, &nr)
	assert.Len(t, nr.Sent, 2)
	assert.Empty(t, nr.Unsent)
	assert.Contains(t, err.Error(), "not recorded")
	assert.Contains(t, nr.Message(language.Italian), "NON è stato registrato")
	assert.Contains(t, nr.Message(language.English), "NOT recorded")
	assertNoLeak(t, err.Error(), nr.Message(language.Italian))
	msgs := e.rec.Messages()
	require.Len(t, msgs, 2)
	kinds := []string{msgs[0].Kind, msgs[1].Kind}
	assert.ElementsMatch(t, []string{incident.KindAlert, incident.KindCallScript}, kinds)

	// Without a notifier nothing goes out, and the error says so.
	d := incident.New(e.log, guideline.Milano2021(), e.rost, &incident.Options{Now: e.clock.Now})
	_, err = d.Report(context.Background(), threat())
	require.ErrorAs(t, err, &nr)
	assert.Empty(t, nr.Sent)
	assert.Contains(t, nr.Message(language.Italian), "né registrato né inviato")
}

// slowNotifier blocks the messages of one kind until released.
type slowNotifier struct {
	rec     *notifytest.Recorder
	kind    string
	release chan struct{}
}

func (s *slowNotifier) Notify(ctx context.Context, m notify.Message) error {
	if m.Kind == s.kind {
		select {
		case <-s.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return s.rec.Notify(ctx, m)
}

func TestRegisterDownASlowChannelDelaysNoOther(t *testing.T) {
	t.Parallel()
	c := newFakeClock()
	rec := &notifytest.Recorder{}
	slow := &slowNotifier{rec: rec, kind: incident.KindAlert, release: make(chan struct{})}
	l := openLog(t, broken{memregister.New()}, c)
	d := incident.New(l, guideline.Milano2021(), shifts(t, c, giulia, luca), &incident.Options{Notifier: slow, Now: c.Now})
	done := make(chan error)
	go func() { _, err := d.Report(context.Background(), threat()); done <- err }()
	// The call script goes out while the alert is still held.
	require.Eventually(t, func() bool { return rec.Len() == 1 }, 30*time.Second, time.Millisecond)
	assert.Equal(t, incident.KindCallScript, rec.Messages()[0].Kind)
	close(slow.release)
	err := <-done
	require.ErrorIs(t, err, incident.ErrNotRecorded)
	assert.Equal(t, 2, rec.Len())
}

func TestNoColleagueOnDutyEscalatesAtOnce(t *testing.T) {
	t.Parallel()
	c := newFakeClock()
	l := openLog(t, memregister.New(), c)
	rost := aloneAtSede(t, c)
	d := incident.New(l, guideline.Milano2021(), rost, &incident.Options{Now: c.Now})
	rc, err := d.Report(context.Background(), threat())
	require.NoError(t, err)
	assert.True(t, rc.Escalated)
	assert.Empty(t, rc.Alerted)
	assert.Equal(t, []string{string(rc.ID) + "/escalation/no-colleagues/official", string(rc.ID) + "/escalation/no-colleagues/direct-call"}, rc.Messages)
	esc, err := d.Escalations(context.Background(), rc.ID)
	require.NoError(t, err)
	require.Len(t, esc, 1)
	assert.Equal(t, incident.ReasonNoColleagues, esc[0].Reason)
	assert.Equal(t, []guideline.EscalationAction{guideline.EscalateOfficial, guideline.EscalateDirectCall}, esc[0].Actions)
}

func TestMonitoringFromTheSummary(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	start := e.clock.Now()
	for i, k := range []incident.Kinds{incident.NewKinds(incident.Threat), incident.NewKinds(incident.PhysicalAggression, incident.Damage)} {
		inc := threat()
		inc.Kinds = k
		rc, err := e.desk.Report(ctx, inc)
		require.NoError(t, err)
		e.clock.Add(time.Duration(30*(i+1)) * time.Second)
		_, err = e.desk.Confirm(ctx, rc.ID, incident.StepAlertColleagues, lucaActor, "")
		require.NoError(t, err)
		e.clock.Add(time.Minute)
		_, err = e.desk.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, lucaActor, "")
		require.NoError(t, err)
	}
	s, err := e.log.Summary(ctx, start.Add(-time.Hour), e.clock.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.ElementsMatch(t, []register.IncidentRow{
		{Territory: "municipio-5", Kind: "threat", Count: 1},
		{Territory: "municipio-5", Kind: "physical_aggression", Count: 1},
	}, s.Incidents)
	byStep := map[string]register.StepRow{}
	for _, r := range s.Steps {
		byStep[r.Step] = r
	}
	assert.Equal(t, 2, byStep[register.KindIncidentColleaguesAlerted].Count)
	assert.Equal(t, 2, byStep[register.KindIncidentOperationsCentreCalled].Count)
	assert.Equal(t, 45*time.Second, byStep[register.KindIncidentColleaguesAlerted].Median)
}

func TestRefusalsOfBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, err := e.desk.Report(context.Background(), incident.Incident{Venue: sede})
	require.ErrorIs(t, err, incident.ErrInvalid)
	assert.Zero(t, e.head(t))
	_, err = e.desk.Confirm(context.Background(), "incident/2026-000999", incident.StepAlertColleagues, lucaActor, "")
	require.ErrorIs(t, err, incident.ErrNotFound)
	_, err = e.desk.Confirm(context.Background(), "incident/2026-000999", incident.StepDispatch, lucaActor, "")
	require.ErrorIs(t, err, incident.ErrStep)
}

func TestTwoDesksNumberIncidentsWithoutCollision(t *testing.T) {
	t.Parallel()
	c := newFakeClock()
	l := openLog(t, memregister.New(), c)
	rost := shifts(t, c, giulia, luca)
	da := incident.New(l, guideline.Milano2021(), rost, &incident.Options{Now: c.Now})
	db := incident.New(l, guideline.Milano2021(), rost, &incident.Options{Now: c.Now})
	var got []incident.ID
	for _, d := range []*incident.Desk{da, db, da, db, da} {
		rc, err := d.Report(context.Background(), threat())
		require.NoError(t, err)
		got = append(got, rc.ID)
	}
	assert.Equal(t, []incident.ID{"incident/2026-000001", "incident/2026-000002", "incident/2026-000003", "incident/2026-000004", "incident/2026-000005"}, got)
	_, err := da.ReportAs(context.Background(), ownActor, func() incident.Incident { i := threat(); i.ID = got[0]; return i }())
	require.ErrorIs(t, err, incident.ErrIDTaken)
}
