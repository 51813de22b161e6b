package incident_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
)

// plannedIncident is one incident of a generated year, and what the test
// expects of it, decided before anything is recorded.
type plannedIncident struct {
	at        time.Time
	territory string
	kinds     incident.Kinds
	level     int // 0 reported … 5 evaluated and closed
	evalAfter time.Duration
	support   register.FollowUpStatus
	injury    register.FollowUpStatus // not_due with prognosis 0 (none) or 2
	prognosis int
	counted   bool // reported within the year
}

// evaluation is the expected status of the Command's evaluation.
func (p plannedIncident) evaluation() register.FollowUpStatus {
	switch {
	case p.level < 4:
		return register.FollowUpNotDue
	case p.level == 4:
		return register.FollowUpMissing
	case p.evalAfter > 15*24*time.Hour:
		return register.FollowUpLate
	}
	return register.FollowUpMet
}

// TestAnnualReportOfTheDesksYear builds a year of incidents through the
// real Desk (reports, steps, closures, follow-ups after closure, on a fake
// clock) and checks register.Log.AnnualReport against counts made from
// the plan, without reading the register: the Desk's entries are what
// the annual report reads.
func TestAnnualReportOfTheDesksYear(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	g := guideline.Milano2021()
	loc := g.Location()
	const year = 2026
	clock := &fakeClock{t: time.Date(year-1, 12, 1, 0, 0, 0, 0, loc)}
	log := openLog(t, memregister.New(), clock)

	territories := []string{"municipio-1", "municipio-2", "municipio-5", "municipio-9"}
	venue := func(tr string) guideline.Venue {
		return guideline.Venue{Name: "Sede " + tr, Address: "via " + tr + " 1, Milano", Territory: tr}
	}
	reporter := func(tr string) incident.Staff {
		return incident.Staff{ID: "op-" + tr, Name: "Operatore " + tr, Email: "op@" + tr + ".example.org"}
	}
	colleague := func(tr string) incident.Staff {
		return incident.Staff{ID: "col-" + tr, Name: "Collega " + tr, Email: "col@" + tr + ".example.org"}
	}
	official := func(tr string) incident.Staff {
		return incident.Staff{ID: "po-" + tr, Name: "Funzionario " + tr, Role: guideline.RoleResponsibleOfficial, Email: "po@" + tr + ".example.org"}
	}
	var roster incident.MemRoster
	for _, tr := range territories {
		for _, s := range []incident.Staff{reporter(tr), colleague(tr), official(tr)} {
			require.NoError(t, roster.Add(incident.Shift{Staff: s, Venue: venue(tr),
				From: time.Date(year-1, 1, 1, 0, 0, 0, 0, loc), Until: time.Date(year+2, 1, 1, 0, 0, 0, 0, loc)}))
		}
	}
	desk := incident.New(log, g, &roster, &incident.Options{Now: clock.Now})

	// The plan: 48 incidents in three territories and two kinds (some
	// with two kinds, counted under the most severe), 3 damages in a
	// fourth territory (a cell under the threshold), one reported the
	// year before and one on the last evening of the year.
	rng := rand.New(rand.NewPCG(12, 2026))
	statuses := []register.FollowUpStatus{register.FollowUpMet, register.FollowUpLate, register.FollowUpMissing}
	var plan []plannedIncident
	for i := range 48 {
		p := plannedIncident{
			at:        time.Date(year, time.Month(1+i%12), 1+rng.IntN(25), 8+rng.IntN(9), rng.IntN(60), 0, 0, loc),
			territory: territories[i%3],
			kinds:     incident.NewKinds(incident.Threat),
			level:     rng.IntN(6),
			evalAfter: []time.Duration{3 * 24 * time.Hour, 20 * 24 * time.Hour}[rng.IntN(2)],
			support:   statuses[rng.IntN(3)],
			injury:    []register.FollowUpStatus{register.FollowUpNotDue, register.FollowUpNotDue, register.FollowUpMet, register.FollowUpLate, register.FollowUpMissing}[rng.IntN(5)],
			counted:   true,
		}
		switch rng.IntN(3) {
		case 0:
			p.kinds = incident.NewKinds(incident.PhysicalAggression)
		case 1:
			p.kinds = incident.NewKinds(incident.VerbalAggression, incident.Threat)
		}
		if p.injury == register.FollowUpNotDue {
			p.prognosis = 2 * rng.IntN(2)
		} else {
			p.prognosis = 10
		}
		plan = append(plan, p)
	}
	for i := range 3 {
		plan = append(plan, plannedIncident{at: time.Date(year, time.Month(3+i), 10, 11, 0, 0, 0, loc), territory: "municipio-9",
			kinds: incident.NewKinds(incident.Damage), level: 2, support: register.FollowUpMet, injury: register.FollowUpNotDue, counted: true})
	}
	plan = append(plan,
		plannedIncident{at: time.Date(year-1, 12, 31, 23, 0, 0, 0, loc), territory: "municipio-1", kinds: incident.NewKinds(incident.Threat),
			level: 5, evalAfter: 24 * time.Hour, support: register.FollowUpMet, injury: register.FollowUpNotDue},
		plannedIncident{at: time.Date(year, 12, 31, 23, 50, 0, 0, loc), territory: "municipio-2", kinds: incident.NewKinds(incident.PhysicalAggression),
			level: 5, evalAfter: 24 * time.Hour, support: register.FollowUpLate, injury: register.FollowUpLate, prognosis: 10, counted: true},
	)

	// Every action of the plan, at its time, in the order of time.
	type action struct {
		at time.Time
		do func(id incident.ID) error
		of int
	}
	var acts []action
	ids := make([]incident.ID, len(plan))
	official1 := func(tr string) register.Actor {
		return register.Actor{Role: guideline.RoleResponsibleOfficial, ID: official(tr).ID}
	}
	for n, p := range plan {
		add := func(after time.Duration, do func(incident.ID) error) {
			acts = append(acts, action{at: p.at.Add(after), do: do, of: n})
		}
		col := register.Actor{Role: guideline.RoleOperator, ID: colleague(p.territory).ID}
		add(0, func(incident.ID) error {
			rc, err := desk.Report(ctx, incident.Incident{Kinds: p.kinds, Venue: venue(p.territory), Reporter: reporter(p.territory), Injured: p.prognosis > 0})
			ids[n] = rc.ID
			return err
		})
		if p.level >= 1 {
			add(40*time.Second, func(id incident.ID) error {
				_, err := desk.Confirm(ctx, id, incident.StepAlertColleagues, col, "")
				return err
			})
		}
		if p.level >= 2 {
			add(90*time.Second, func(id incident.ID) error {
				_, err := desk.Confirm(ctx, id, incident.StepCallOperationsCentre, col, "")
				return err
			})
		}
		if p.level <= 2 {
			add(30*time.Minute, func(id incident.ID) error {
				_, err := desk.Close(ctx, id, official1(p.territory), "")
				return err
			})
		}
		if p.level >= 3 {
			target := incident.DispatchPoliceForces
			if p.level >= 4 {
				target = incident.DispatchPatrol
			}
			add(5*time.Minute, func(id incident.ID) error {
				_, err := desk.Dispatch(ctx, id, centreActor, target, "")
				return err
			})
		}
		if p.level == 3 {
			add(24*time.Hour, func(id incident.ID) error {
				_, err := desk.Close(ctx, id, cmdActor, "")
				return err
			})
		}
		if p.level >= 4 {
			add(3*time.Hour, func(id incident.ID) error {
				_, err := desk.FilePatrolReport(ctx, id, patrolActor, incident.PatrolReport{Summary: incident.NewPrivate("intervento")})
				return err
			})
		}
		if p.level == 5 {
			add(3*time.Hour+p.evalAfter, func(id incident.ID) error {
				if _, err := desk.Evaluate(ctx, id, cmdActor, ""); err != nil {
					return err
				}
				_, err := desk.Close(ctx, id, cmdActor, "")
				return err
			})
		}
		if after := map[register.FollowUpStatus]time.Duration{register.FollowUpMet: 2 * 24 * time.Hour, register.FollowUpLate: 10 * 24 * time.Hour}[p.support]; after > 0 {
			add(after, func(id incident.ID) error {
				_, err := desk.OfferSupport(ctx, id, official1(p.territory), incident.Support{Kinds: []string{register.SupportPsychological}}, "")
				return err
			})
		}
		if p.prognosis > 0 {
			learned := p.at.Add(26 * time.Hour)
			add(27*time.Hour, func(id incident.ID) error {
				_, err := desk.RecordInjury(ctx, id, official1(p.territory), incident.Injury{PrognosisDays: p.prognosis, LearnedAt: learned}, "")
				return err
			})
			if filed := map[register.FollowUpStatus]time.Duration{register.FollowUpMet: 24 * time.Hour, register.FollowUpLate: 4 * 24 * time.Hour}[p.injury]; filed > 0 {
				add(26*time.Hour+filed, func(id incident.ID) error {
					_, err := desk.RecordInjuryReportFiled(ctx, id, official1(p.territory), learned.Add(filed), "")
					return err
				})
			}
		}
	}
	slices.SortStableFunc(acts, func(a, b action) int { return a.at.Compare(b.at) })
	for _, a := range acts {
		clock.mu.Lock()
		clock.t = a.at
		clock.mu.Unlock()
		require.NoError(t, a.do(ids[a.of]), "incident %d at %v", a.of, a.at)
	}
	// Every term has ended when the report is made.
	clock.mu.Lock()
	clock.t = time.Date(year+1, 3, 1, 9, 0, 0, 0, loc)
	clock.mu.Unlock()

	r, err := log.AnnualReport(ctx, year, g.Policy())
	require.NoError(t, err)

	// The count done another way: from the plan.
	type cellKey struct{ territory, kind string }
	cells := map[cellKey][]plannedIncident{}
	total := 0
	for _, p := range plan {
		if p.counted {
			k := cellKey{p.territory, string(p.kinds.Primary())}
			cells[k] = append(cells[k], p)
			total++
		}
	}
	require.Len(t, r.Cells, len(cells))
	stepLevels := map[string]int{
		register.KindIncidentColleaguesAlerted: 1, register.KindIncidentOperationsCentreCalled: 2, register.KindIncidentDispatched: 3,
		register.KindIncidentPatrolReportFiled: 4, register.KindIncidentCommandEvaluated: 5, register.KindIncidentSharedWithDirectorate: 6,
	}
	exactCells := 0
	for _, c := range r.Cells {
		ps := cells[cellKey{c.Territory, c.Kind}]
		require.NotEmpty(t, ps, "a cell %s/%s that the plan does not have", c.Territory, c.Kind)
		name := c.Territory + "/" + c.Kind
		if len(ps) < register.AnnualThreshold {
			assert.True(t, c.Suppressed, name)
			assert.True(t, c.Min <= len(ps) && len(ps) <= c.Max, "%s: %d not in %s", name, len(ps), c.Range())
			assert.Zero(t, c.Count, name)
			assert.Nil(t, c.FollowUps, name)
			continue
		}
		exactCells++
		assert.Equal(t, len(ps), c.Count, name)
		for _, row := range c.Steps {
			want := 0
			for _, p := range ps {
				closed := row.Step == register.KindIncidentClosed && p.level != 4 // only a report not evaluated stays open
				if closed || row.Step != register.KindIncidentClosed && p.level >= stepLevels[row.Step] {
					want++
				}
			}
			assert.Equal(t, want, row.Count, "%s: %s", name, row.Step)
		}
		for _, tally := range c.FollowUps {
			got := map[register.FollowUpStatus]int{
				register.FollowUpMet: tally.Met, register.FollowUpLate: tally.Late, register.FollowUpMissing: tally.Missing,
				register.FollowUpPending: tally.Pending, register.FollowUpNotDue: tally.NotDue,
			}
			want := map[register.FollowUpStatus]int{register.FollowUpMet: 0, register.FollowUpLate: 0, register.FollowUpMissing: 0,
				register.FollowUpPending: 0, register.FollowUpNotDue: 0}
			for _, p := range ps {
				switch tally.Duty {
				case register.DutySupport:
					want[p.support]++
				case register.DutyInjuryReport:
					want[p.injury]++
				case register.DutyCommandEvaluation:
					want[p.evaluation()]++
				}
			}
			assert.Equal(t, want, got, "%s: %s", name, tally.Duty)
		}
	}
	require.GreaterOrEqual(t, exactCells, 4, "the plan should give cells above the threshold")
	// The territories whose every cell is exact are exact too.
	for _, tg := range r.Territories {
		n := 0
		for k, ps := range cells {
			if k.territory == tg.Territory {
				n += len(ps)
			}
		}
		if tg.Suppressed {
			assert.True(t, tg.Min <= n && n <= tg.Max, "%s: %d not in %s", tg.Territory, n, tg.Range())
		} else {
			assert.Equal(t, n, tg.Count, tg.Territory)
		}
	}
	assert.True(t, r.Total.Min <= total && total <= r.Total.Max, "total %d not in %s", total, r.Total.Range())
	assert.True(t, r.Total.Suppressed, "the sparse territory makes the total a range")
}
