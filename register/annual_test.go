package register_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

// genIncident is one generated incident, with what the test expects of it.
type genIncident struct {
	stream, territory, kind string
	reported                time.Time
	steps                   map[string]time.Duration // step kind -> time from the report
	status                  map[register.Duty]register.FollowUpStatus
}

type genEvent struct {
	at     time.Time
	stream string
	ev     register.Event
}

// generateYear makes a year of incidents (and a few outside it) with
// random territories, kinds, steps and follow-ups. Municipio 9 has three
// threats only, so that some cells and totals are suppressed.
func generateYear(t *testing.T, rng *rand.Rand, pz *register.Pseudonymizer) ([]genIncident, []genEvent) {
	t.Helper()
	kinds := register.IncidentKinds()
	steps := []string{
		register.KindIncidentColleaguesAlerted, register.KindIncidentOperationsCentreCalled,
		register.KindIncidentDispatched, register.KindIncidentPatrolReportFiled,
		register.KindIncidentCommandEvaluated, register.KindIncidentClosed,
	}
	day := 24 * time.Hour
	var incs []genIncident
	var evs []genEvent
	n := 0
	add := func(year int, territory, kind string) {
		n++
		start := time.Date(year, 1, 1, 0, 0, 0, 0, rome)
		reported := start.Add(time.Duration(rng.Int64N(int64(364*day))) / time.Second * time.Second)
		inc := genIncident{
			stream: fmt.Sprintf("incident/%d-%06d", year, n), territory: territory, kind: kind, reported: reported,
			steps: map[string]time.Duration{}, status: map[register.Duty]register.FollowUpStatus{},
		}
		pseudo, err := pz.CodiceFiscale(knownCF)
		if err != nil {
			t.Fatal(err)
		}
		ev := func(at time.Time, k string, data map[string]any) {
			e := event(k, "")
			e.Territory = territory
			if data != nil {
				e.Data, _ = json.Marshal(data)
			}
			if k == register.KindIncidentReported {
				e.Pseudonym = pseudo
				e.Personal = register.PersonalData(`{"aggressor":"` + knownName + `"}`)
			}
			evs = append(evs, genEvent{at: at, stream: inc.stream, ev: e})
		}
		ev(reported, register.KindIncidentReported, map[string]any{register.DataIncidentKind: kind})
		at := reported
		var patrolAt time.Time
		for _, s := range steps {
			if rng.IntN(10) == 0 {
				break // the incident stops here
			}
			if s == register.KindIncidentCommandEvaluated {
				break // the evaluation is generated below, with its term
			}
			at = at.Add(time.Duration(1+rng.IntN(120)) * time.Minute)
			inc.steps[s] = at.Sub(reported)
			ev(at, s, nil)
			if s == register.KindIncidentPatrolReportFiled {
				patrolAt = at
			}
		}
		// Support: in time (1-5 days), late (10-20) or never.
		switch rng.IntN(3) {
		case 0:
			ev(reported.Add(time.Duration(1+rng.IntN(5))*day), register.KindFollowUpSupportOffered, map[string]any{register.DataSupport: []string{register.SupportPsychological}})
			inc.status[register.DutySupport] = register.FollowUpMet
		case 1:
			ev(reported.Add(time.Duration(10+rng.IntN(10))*day), register.KindFollowUpSupportOffered, map[string]any{register.DataSupport: []string{register.SupportLegal}})
			inc.status[register.DutySupport] = register.FollowUpLate
		default:
			inc.status[register.DutySupport] = register.FollowUpMissing
		}
		// Injury: none, a short prognosis, or a long one filed in time
		// (within a day), late (4-6 days) or never.
		inc.status[register.DutyInjuryReport] = register.FollowUpNotDue
		switch rng.IntN(5) {
		case 0:
			ev(reported.Add(time.Hour), register.KindFollowUpInjuryReported, map[string]any{register.DataPrognosisDays: 2, register.DataLearnedAt: reported.Add(time.Hour)})
		case 1, 2:
			learned := reported.Add(time.Hour)
			ev(learned, register.KindFollowUpInjuryReported, map[string]any{register.DataPrognosisDays: 5 + rng.IntN(30), register.DataLearnedAt: learned})
			switch rng.IntN(3) {
			case 0:
				filed := learned.Add(time.Duration(rng.IntN(24)) * time.Hour)
				ev(filed.Add(time.Minute), register.KindFollowUpInjuryReported, map[string]any{register.DataFiledAt: filed})
				inc.status[register.DutyInjuryReport] = register.FollowUpMet
			case 1:
				filed := learned.Add(time.Duration(4+rng.IntN(3)) * day)
				ev(filed, register.KindFollowUpInjuryReported, map[string]any{register.DataFiledAt: filed})
				inc.status[register.DutyInjuryReport] = register.FollowUpLate
			default:
				inc.status[register.DutyInjuryReport] = register.FollowUpMissing
			}
		}
		// The Command's evaluation, due once the patrol reported.
		inc.status[register.DutyCommandEvaluation] = register.FollowUpNotDue
		if !patrolAt.IsZero() {
			switch rng.IntN(3) {
			case 0:
				evaluated := patrolAt.Add(time.Duration(1+rng.IntN(10)) * day)
				ev(evaluated, register.KindIncidentCommandEvaluated, nil)
				inc.steps[register.KindIncidentCommandEvaluated] = evaluated.Sub(reported)
				inc.status[register.DutyCommandEvaluation] = register.FollowUpMet
			case 1:
				ev(patrolAt.Add(time.Duration(20+rng.IntN(10))*day), register.KindFollowUpEvaluationShared, map[string]any{register.DataShared: true})
				inc.status[register.DutyCommandEvaluation] = register.FollowUpLate
			default:
				inc.status[register.DutyCommandEvaluation] = register.FollowUpMissing
			}
		}
		if year == 2026 {
			incs = append(incs, inc)
		}
	}
	for range 400 {
		add(2026, fmt.Sprintf("municipio-%d", 1+rng.IntN(8)), kinds[rng.IntN(len(kinds))])
	}
	for range 3 {
		add(2026, "municipio-9", register.IncidentThreat)
	}
	for range 20 { // outside the year: never counted
		add(2025, "municipio-1", register.IncidentThreat)
		add(2027, "municipio-1", register.IncidentThreat)
	}
	slices.SortStableFunc(evs, func(a, b genEvent) int { return a.at.Compare(b.at) })
	return incs, evs
}

// tally is the test's own count of a group: a straightforward pass over
// the generated incidents.
type tally struct {
	count  int
	steps  map[string][]time.Duration
	duties map[register.Duty]map[register.FollowUpStatus]int
}

func tallyOf(incs []genIncident, keep func(genIncident) bool) tally {
	tl := tally{steps: map[string][]time.Duration{}, duties: map[register.Duty]map[register.FollowUpStatus]int{}}
	for _, inc := range incs {
		if !keep(inc) {
			continue
		}
		tl.count++
		for s, d := range inc.steps {
			tl.steps[s] = append(tl.steps[s], d)
		}
		for d, st := range inc.status {
			if tl.duties[d] == nil {
				tl.duties[d] = map[register.FollowUpStatus]int{}
			}
			tl.duties[d][st]++
		}
	}
	return tl
}

// medianAndP90 computes the figures by their definitions: the middle value
// (mean of the two middle ones, rounded down), and the smallest value that
// at least 90% of the values do not exceed.
func medianAndP90(ds []time.Duration) (time.Duration, time.Duration) {
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	median := s[n/2]
	if n%2 == 0 {
		median = (s[n/2-1] + s[n/2]) / 2
	}
	for _, d := range s {
		atMost := 0
		for _, x := range s {
			if x <= d {
				atMost++
			}
		}
		if atMost*10 >= 9*n {
			return median, d
		}
	}
	return median, s[n-1]
}

func checkGroup(t *testing.T, name string, g register.AnnualGroup, want tally, exact bool, lo, hi int) {
	t.Helper()
	if !exact {
		if !g.Suppressed || g.Count != 0 || g.Min != lo || g.Max != hi || g.Steps != nil || g.FollowUps != nil {
			t.Errorf("%s: want suppressed %d–%d, got %+v", name, lo, hi, g)
		}
		if want.count < lo || want.count > hi {
			t.Errorf("%s: the range %d–%d does not hold the count %d", name, lo, hi, want.count)
		}
		return
	}
	if g.Suppressed || g.Count != want.count || g.Min != want.count || g.Max != want.count {
		t.Errorf("%s: count %d (suppressed %v), want %d", name, g.Count, g.Suppressed, want.count)
		return
	}
	for _, s := range g.Steps {
		ds := want.steps[s.Step]
		if s.Count != len(ds) {
			t.Errorf("%s: step %s reached %d times, want %d", name, s.Step, s.Count, len(ds))
			continue
		}
		if len(ds) == 0 {
			continue
		}
		m, p := medianAndP90(ds)
		if s.Median != m || s.P90 != p {
			t.Errorf("%s: step %s median %v p90 %v, want %v %v", name, s.Step, s.Median, s.P90, m, p)
		}
	}
	if len(g.FollowUps) != len(register.Duties()) {
		t.Fatalf("%s: %d follow-ups", name, len(g.FollowUps))
	}
	for _, f := range g.FollowUps {
		w := want.duties[f.Duty]
		got := map[register.FollowUpStatus]int{register.FollowUpMet: f.Met, register.FollowUpLate: f.Late,
			register.FollowUpMissing: f.Missing, register.FollowUpPending: f.Pending, register.FollowUpNotDue: f.NotDue}
		for st, n := range got {
			if w[st] != n {
				t.Errorf("%s: %s %s = %d, want %d", name, f.Duty, st, n, w[st])
			}
		}
	}
}

func TestAnnualReportAgainstAnIndependentCount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(2026, 12))
	pz, err := register.NewPseudonymizer(randomKey(t))
	if err != nil {
		t.Fatal(err)
	}
	incs, evs := generateYear(t, rng, pz)
	clk := newClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 0)
	l := openLog(t, newMem(), &register.Options{Now: clk.Now})
	versions := map[string]uint64{}
	for _, e := range evs {
		clk.Set(e.at)
		mustAppend(t, l, e.stream, versions[e.stream], e.ev)
		versions[e.stream]++
	}
	asOf := time.Date(2028, 6, 30, 9, 0, 0, 0, rome)
	clk.Set(asOf)
	pol := guideline.Milano2021().Policy()
	r, err := l.AnnualReport(ctx, 2026, pol)
	if err != nil {
		t.Fatal(err)
	}
	if r.Year != 2026 || !r.AsOf.Equal(asOf) {
		t.Errorf("year %d as of %v", r.Year, r.AsOf)
	}

	// Cells, by the test's own count.
	type key struct{ territory, kind string }
	cellCount := map[key]int{}
	for _, inc := range incs {
		cellCount[key{inc.territory, inc.kind}]++
	}
	if len(r.Cells) != len(cellCount) {
		t.Fatalf("%d cells, want %d", len(r.Cells), len(cellCount))
	}
	suppressedCells := 0
	for _, g := range r.Cells {
		k := key{g.Territory, g.Kind}
		n, ok := cellCount[k]
		if !ok {
			t.Errorf("cell %v not generated", k)
			continue
		}
		exact := n >= register.AnnualThreshold
		if !exact {
			suppressedCells++
		}
		checkGroup(t, fmt.Sprint(k), g, tallyOf(incs, func(i genIncident) bool { return key{i.territory, i.kind} == k }),
			exact, 1, register.AnnualThreshold-1)
	}
	if suppressedCells == 0 {
		t.Fatal("the generated year has no small cell: the test would not exercise suppression")
	}
	// Totals: exact only when every cell under them is.
	total := func(name string, g register.AnnualGroup, in func(key) bool) bool {
		exactSum, small := 0, 0
		for k, n := range cellCount {
			if !in(k) {
				continue
			}
			if n >= register.AnnualThreshold {
				exactSum += n
			} else {
				small++
			}
		}
		checkGroup(t, name, g, tallyOf(incs, func(i genIncident) bool { return in(key{i.territory, i.kind}) }),
			small == 0, exactSum+small, exactSum+small*(register.AnnualThreshold-1))
		return small == 0
	}
	exactTotals := 0
	for _, g := range r.Territories {
		if total("territory "+g.Territory, g, func(k key) bool { return k.territory == g.Territory }) {
			exactTotals++
		}
	}
	for _, g := range r.Kinds {
		if total("kind "+g.Kind, g, func(k key) bool { return k.kind == g.Kind }) {
			exactTotals++
		}
	}
	total("total", r.Total, func(key) bool { return true })
	if exactTotals == 0 || exactTotals == len(r.Territories)+len(r.Kinds) {
		t.Fatalf("%d exact totals: the test would exercise one case only", exactTotals)
	}
	if len(r.Territories) != 9 || len(r.Kinds) != 4 {
		t.Errorf("%d territories and %d kinds", len(r.Territories), len(r.Kinds))
	}

	// The CSV and JSON show the same, and nothing personal.
	var csvOut, jsonOut bytes.Buffer
	if err := r.WriteCSV(&csvOut); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	jsonOut.Write(b)
	pseudo, _ := pz.CodiceFiscale(knownCF)
	for _, out := range []string{csvOut.String(), jsonOut.String()} {
		assertNoLeak(t, out)
		if strings.Contains(out, string(pseudo)) {
			t.Error("the report holds a pseudonym")
		}
	}
	csv := csvOut.String()
	if !strings.HasPrefix(csv, "\ufeffSezione;Territorio;Tipo di evento;Voce;Numero;") {
		t.Errorf("CSV header: %q", csv[:min(80, len(csv))])
	}
	if !strings.Contains(csv, "Eventi;municipio-9;minaccia;eventi segnalati (meno di 5: altri dati non pubblicati);1–4;;\r\n") {
		t.Error("the small cell is not a range in the CSV")
	}
	if strings.Contains(csv, "Tempi dalla segnalazione;municipio-9;") || strings.Contains(csv, "Adempimenti successivi;municipio-9;") {
		t.Error("the CSV shows figures of a suppressed territory")
	}
	if !strings.Contains(csv, "Adempimenti successivi;Tutti i territori;") && exactTotals > 0 {
		t.Error("the CSV lacks the follow-ups of an exact total")
	}
	var doc struct {
		Year      int `json:"year"`
		Threshold int `json:"threshold"`
		Cells     []struct {
			Territory  string `json:"territory"`
			Count      *int   `json:"count"`
			Range      *struct{ Min, Max int }
			Suppressed bool              `json:"suppressed"`
			Steps      []json.RawMessage `json:"steps"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Year != 2026 || doc.Threshold != register.AnnualThreshold || len(doc.Cells) != len(r.Cells) {
		t.Errorf("JSON: %+v", doc)
	}
	for i, c := range doc.Cells {
		g := r.Cells[i]
		switch {
		case c.Suppressed != g.Suppressed:
			t.Errorf("JSON cell %d: suppressed %v", i, c.Suppressed)
		case g.Suppressed && (c.Count != nil || c.Range == nil || c.Range.Min != 1 || c.Range.Max != 4 || c.Steps != nil):
			t.Errorf("JSON cell %d shows more than a range", i)
		case !g.Suppressed && (c.Count == nil || *c.Count != g.Count || len(c.Steps) != len(g.Steps)):
			t.Errorf("JSON cell %d: %+v", i, c)
		}
	}
}

func TestAnnualReportEmptyYear(t *testing.T) {
	t.Parallel()
	l := openLog(t, newMem(), nil)
	r, err := l.AnnualReport(context.Background(), 2026, guideline.Milano2021().Policy())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Cells) != 0 || r.Total.Count != 0 || r.Total.Suppressed {
		t.Errorf("empty year: %+v", r)
	}
	if _, err := l.AnnualReport(context.Background(), 0, guideline.Policy{}); err == nil {
		t.Error("year 0 accepted")
	}
}

// The CSV's headers and labels come from the catalog: Italian by default
// (and for a language the catalog lacks), English on request, with the
// same figures and format.
func TestAnnualReportCSVInEnglish(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := newClock(time.Date(2026, 3, 2, 9, 0, 0, 0, rome), 0)
	l := openLog(t, newMem(), &register.Options{Now: clk.Now})
	n := 0
	report := func(kind string, support bool) {
		n++
		stream := fmt.Sprintf("incident/2026-%06d", n)
		at := time.Date(2026, 3, n, 9, 0, 0, 0, rome)
		clk.Set(at)
		mustAppend(t, l, stream, 0, event(register.KindIncidentReported, `{"incident_kind":"`+kind+`"}`))
		clk.Set(at.Add(time.Minute))
		mustAppend(t, l, stream, 1, event(register.KindIncidentColleaguesAlerted, ""))
		if support {
			clk.Set(at.Add(time.Hour))
			mustAppend(t, l, stream, 2, event(register.KindFollowUpSupportOffered, `{"support":["psychological"]}`))
		}
	}
	for i := range register.AnnualThreshold {
		report(register.IncidentThreat, i == 0)
	}
	report(register.IncidentVerbalAggression, false)
	report(register.IncidentPhysicalAggression, false)
	report(register.IncidentDamage, false)
	clk.Set(time.Date(2027, 6, 30, 9, 0, 0, 0, rome))
	r, err := l.AnnualReport(ctx, 2026, guideline.Milano2021().Policy())
	if err != nil {
		t.Fatal(err)
	}
	write := func(f func(*bytes.Buffer) error) string {
		var b bytes.Buffer
		if err := f(&b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	it := write(func(b *bytes.Buffer) error { return r.WriteCSV(b) })
	if fr := write(func(b *bytes.Buffer) error { return r.WriteCSVIn(b, language.French) }); fr != it {
		t.Error("a language the catalog lacks is not written in Italian")
	}
	for _, want := range []string{
		"\ufeffSezione;Territorio;Tipo di evento;Voce;Numero;Mediana (minuti);90° percentile (minuti)\r\n",
		"Anno;;;2026, dati al 30/06/2027;;;\r\n",
		"Eventi;municipio-3;minaccia;eventi segnalati;5;;\r\n",
		"Eventi;Tutti i territori;aggressione verbale;eventi segnalati (meno di 5: altri dati non pubblicati);1–4;;\r\n",
		"Eventi;Tutti i territori;aggressione fisica;", "Eventi;Tutti i territori;danneggiamento;",
		"Tempi dalla segnalazione;municipio-3;minaccia;allerta dei colleghi;5;1,0;1,0\r\n",
		"Adempimenti successivi;municipio-3;minaccia;sostegno offerto al personale: nei termini;1;;\r\n",
		"Adempimenti successivi;municipio-3;minaccia;sostegno offerto al personale: mancante;4;;\r\n",
		"Adempimenti successivi;municipio-3;minaccia;denuncia di infortunio all'INAIL: in corso;0;;\r\n",
		"Adempimenti successivi;municipio-3;minaccia;valutazione del Comando: in ritardo;0;;\r\n",
	} {
		if !strings.Contains(it, want) {
			t.Errorf("the Italian CSV lacks %q", want)
		}
	}
	en := write(func(b *bytes.Buffer) error { return r.WriteCSVIn(b, language.BritishEnglish) })
	for _, want := range []string{
		"\ufeffSection;Territory;Kind of event;Item;Count;Median (minutes);90th percentile (minutes)\r\n",
		"Year;;;2026, figures as of 30/06/2027;;;\r\n",
		"Events;municipio-3;threat;events reported;5;;\r\n",
		"Events;All territories;verbal aggression;events reported (fewer than 5: other figures not published);1–4;;\r\n",
		"Events;All territories;physical aggression;", "Events;municipio-3;All kinds;",
		"Times from the report;municipio-3;threat;colleagues alerted;5;1,0;1,0\r\n",
		"Follow-up duties;municipio-3;threat;support offered to staff: on time;1;;\r\n",
		"Follow-up duties;municipio-3;threat;support offered to staff: missing;4;;\r\n",
		"Follow-up duties;municipio-3;threat;injury report to INAIL: pending;0;;\r\n",
		"Follow-up duties;municipio-3;threat;evaluation by the Command: late;0;;\r\n",
	} {
		if !strings.Contains(en, want) {
			t.Errorf("the English CSV lacks %q", want)
		}
	}
	for _, italian := range []string{"Tutti", "eventi", "minaccia", "sostegno", "termini", "Anno"} {
		if strings.Contains(en, italian) {
			t.Errorf("the English CSV says %q", italian)
		}
	}
	if strings.Count(en, "\r\n") != strings.Count(it, "\r\n") {
		t.Error("the English CSV has other rows than the Italian one")
	}
}

// The report counts the days of the follow-ups' terms in its own time
// zone, the Log's, as it counts the year: not in the policy's. Support
// offered on 18 March at 12:00 UTC, for incidents reported on 10 March at
// 23:30 UTC (11 March in Rome), is within the 7 days in Rome and late in
// UTC.
func TestAnnualReportCountsTermsInItsTimeZone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pol := guideline.Milano2021().Policy()
	if pol.TimeZone != "Europe/Rome" || pol.SupportOfferedDays != 7 {
		t.Fatalf("policy %s, %d days: the test assumes Europe/Rome and 7", pol.TimeZone, pol.SupportOfferedDays)
	}
	reported := time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC)
	offered := time.Date(2026, 3, 18, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		loc       *time.Location
		met, late int
	}{{time.UTC, 0, register.AnnualThreshold}, {rome, register.AnnualThreshold, 0}} {
		clk := newClock(reported, 0)
		l := openLog(t, newMem(), &register.Options{Location: tt.loc, Now: clk.Now})
		for i := range register.AnnualThreshold {
			stream := fmt.Sprintf("incident/2026-%06d", i+1)
			clk.Set(reported)
			mustAppend(t, l, stream, 0, event(register.KindIncidentReported, `{"incident_kind":"threat"}`))
			clk.Set(offered)
			mustAppend(t, l, stream, 1, event(register.KindFollowUpSupportOffered, `{"support":["legal"]}`))
		}
		clk.Set(time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC))
		r, err := l.AnnualReport(ctx, 2026, pol)
		if err != nil {
			t.Fatal(err)
		}
		if r.Location != tt.loc || r.Total.Suppressed {
			t.Fatalf("%s: location %v, total %+v", tt.loc, r.Location, r.Total)
		}
		f := r.Total.FollowUps[0]
		if f.Duty != register.DutySupport || f.Met != tt.met || f.Late != tt.late {
			t.Errorf("in %s: %+v, want %d met and %d late", tt.loc, f, tt.met, tt.late)
		}
	}
}
