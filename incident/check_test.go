package incident_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
)

func loadTimeline(t *testing.T, name string) register.Timeline {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "timelines", name))
	require.NoError(t, err)
	defer f.Close()
	tl, err := register.LoadTimeline(f)
	require.NoError(t, err)
	return tl
}

// TestCheckFindings: each hand-written timeline gives exactly its
// findings, each citing its clause of the emergency phase.
func TestCheckFindings(t *testing.T) {
	t.Parallel()
	g := guideline.Milano2021()
	cases := map[string]struct {
		codes []string
		item  int // the clause's item of the first finding
	}{
		"clean.json":                 {},
		"missing_step.json":          {codes: []string{incident.FindingMissingStep}, item: 3},
		"out_of_order.json":          {codes: []string{incident.FindingOutOfOrder}, item: 3},
		"late_step.json":             {codes: []string{incident.FindingLateStep}, item: 1},
		"wrong_role.json":            {codes: []string{incident.FindingWrongRole}, item: 3},
		"dispatch_without_call.json": {codes: []string{incident.FindingDispatchWithoutCall}, item: 3},
		"report_not_filed.json":      {codes: []string{incident.FindingReportNotFiled}, item: 4},
		"report_not_evaluated.json":  {codes: []string{incident.FindingReportNotEvaluated}, item: 4},
		"escalated.json":             {codes: []string{incident.FindingEscalated, incident.FindingLateStep}, item: 1},
		"direct_call.json":           {codes: []string{incident.FindingDirectCall}, item: 2},
		"alert_undelivered.json":     {codes: []string{incident.FindingAlertUndelivered}, item: 1},
		"alert_never_delivered.json": {codes: []string{incident.FindingAlertUndelivered}, item: 2},
		"step_pending.json":          {codes: []string{incident.FindingEscalated}, item: 1},
		// Beyond the document: alarms of check-in sessions, and the
		// employer's duties after an incident, each met, late and
		// missing.
		"checkout_missed.json":     {codes: []string{incident.FindingCheckoutMissed}, item: 1},
		"duress.json":              {codes: []string{incident.FindingDuress}, item: 1},
		"support_met.json":         {},
		"support_late.json":        {codes: []string{incident.FindingSupportNotOffered}, item: 0},
		"support_missing.json":     {codes: []string{incident.FindingSupportNotOffered}, item: 0},
		"injury_met.json":          {},
		"injury_late.json":         {codes: []string{incident.FindingInjuryReportLate}, item: 0},
		"injury_missing.json":      {codes: []string{incident.FindingInjuryReportLate}, item: 0},
		"evaluation_recorded.json": {},
		"evaluation_late.json":     {codes: []string{incident.FindingCommandEvaluationLate}, item: 4},
		"evaluation_missing.json":  {codes: []string{incident.FindingCommandEvaluationLate}, item: 4},
	}
	seen := map[string]bool{}
	for name, c := range cases {
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			fs := incident.Check(g, loadTimeline(t, name))
			require.Equal(t, c.codes, findingCodes(fs), "%v", fs)
			for _, f := range fs {
				assert.Equal(t, guideline.PhaseEmergency, f.Clause.Phase)
				assert.Equal(t, 1, f.Clause.Paragraph)
				for _, tag := range []language.Tag{language.Italian, language.English} {
					text := f.Text(tag)
					assert.NotContains(t, text, "%!", "%s: %s", f.Code, text)
					assert.NotContains(t, text, "finding.", "%s has no text", f.Code)
				}
				assert.NotEqual(t, f.Message(language.Italian), f.Message(language.English))
			}
			if len(fs) > 0 {
				assert.Equal(t, c.item, fs[0].Clause.Item, "%v", fs[0])
			}
		})
		for _, code := range c.codes {
			seen[code] = true
		}
	}
	for _, code := range incident.FindingCodes() {
		assert.True(t, seen[code], "no timeline shows %s", code)
	}
}

func TestCheckAtJudgesPendingStepsAtATime(t *testing.T) {
	t.Parallel()
	g := guideline.Milano2021()
	tl := loadTimeline(t, "step_pending.json")
	reported := tl.Entries[0].Time
	fs := incident.CheckAt(g, tl, reported.Add(59*time.Second))
	assert.NotContains(t, findingCodes(fs), incident.FindingLateStep)
	fs = incident.CheckAt(g, tl, reported.Add(5*time.Minute))
	require.Contains(t, findingCodes(fs), incident.FindingLateStep)
	i := slices.IndexFunc(fs, func(f guideline.Finding) bool { return f.Code == incident.FindingLateStep })
	assert.Equal(t, guideline.NoEntry, fs[i].Entry)
	assert.Equal(t, "Il passo «Richiamo di altro personale» non risulta ancora confermato a 5 minuti dalla segnalazione: le regole dell'ente prevedono al massimo 1 minuto.",
		fs[i].Message(language.Italian))
}

func TestCheckOfAnEmptyTimeline(t *testing.T) {
	t.Parallel()
	assert.Empty(t, incident.Check(guideline.Milano2021(), register.Timeline{}))
}

// escalatedTwice is step 2 of an emergency escalated twice, by the first
// two rungs of Milan's ladder, and confirmed 4 min 30 s after step 1.
const escalatedTwice = `{"guideline": "milano-2021-03-02", "stream": "incident/2026-000124", "entries": [
  {"time": "2026-11-03T10:15:00+01:00", "kind": "incident.reported", "territory": "municipio-5", "actor": {"role": "operator", "id": "op-118"}, "data": {"incident_kind": "threat"}},
  {"time": "2026-11-03T10:15:40+01:00", "kind": "incident.colleagues_alerted", "territory": "municipio-5", "actor": {"role": "operator", "id": "op-120"}, "data": {"step": "emergency.alert_colleagues"}},
  {"time": "2026-11-03T10:17:40+01:00", "kind": "incident.escalated", "territory": "municipio-5", "actor": {"role": "system", "id": "escalation"}, "data": {"step": "emergency.call_operations_centre", "reason": "not_confirmed", "actions": ["realert"], "round": 0, "rung": 0}},
  {"time": "2026-11-03T10:19:40+01:00", "kind": "incident.escalated", "territory": "municipio-5", "actor": {"role": "system", "id": "escalation"}, "data": {"step": "emergency.call_operations_centre", "reason": "not_confirmed", "actions": ["official"], "round": 0, "rung": 1}},
  {"time": "2026-11-03T10:20:10+01:00", "kind": "incident.operations_centre_called", "territory": "municipio-5", "actor": {"role": "operator", "id": "op-120"}, "data": {"step": "emergency.call_operations_centre"}},
  {"time": "2026-11-03T10:23:10+01:00", "kind": "incident.dispatched", "territory": "municipio-5", "actor": {"role": "operations_centre", "id": "co-1"}, "data": {"dispatch_target": "police_forces"}},
  {"time": "2026-11-03T12:00:00+01:00", "kind": "incident.closed", "territory": "municipio-5", "actor": {"role": "police_command", "id": "gab-1"}, "data": {}}
]}`

// TestCheckFindingTexts: findings name the steps as the document does,
// say each escalation's rung and when it was taken (two rungs are two
// different lines), and write durations for a person.
func TestCheckFindingTexts(t *testing.T) {
	t.Parallel()
	g := guideline.Milano2021()
	tl, err := register.LoadTimeline(strings.NewReader(escalatedTwice))
	require.NoError(t, err)
	fs := incident.Check(g, tl)
	require.Equal(t, []string{incident.FindingEscalated, incident.FindingEscalated, incident.FindingLateStep}, findingCodes(fs))
	want := []struct{ it, en string }{
		{"Il passo «Chiamata al Capo Turno della Centrale Operativa» è stato sollecitato 2 minuti dopo il passo 1 (passo non confermato in tempo): nuovo invio della traccia della telefonata a chi deve chiamare la Centrale Operativa.",
			"The step “Call to the Operations Centre's shift supervisor” was escalated 2 minutes after step 1 (step not confirmed in time): the call script sent again to whoever must phone the Operations Centre."},
		{"Il passo «Chiamata al Capo Turno della Centrale Operativa» è stato sollecitato 4 minuti dopo il passo 1 (passo non confermato in tempo): allarme al funzionario responsabile del territorio.",
			"The step “Call to the Operations Centre's shift supervisor” was escalated 4 minutes after step 1 (step not confirmed in time): alarm to the responsible official of the territory."},
		{"Il passo «Chiamata al Capo Turno della Centrale Operativa» è stato confermato 4 min 30 s dopo il passo 1: le regole dell'ente prevedono al massimo 2 minuti.",
			"The step “Call to the Operations Centre's shift supervisor” was confirmed 4 min 30 s after step 1: the municipality's policy allows at most 2 minutes."},
	}
	for i, w := range want {
		assert.Equal(t, w.it, fs[i].Message(language.Italian))
		assert.Equal(t, w.en, fs[i].Message(language.English))
	}

	// Every finding of the hand-written timelines names steps and
	// entries, never a state, and reads "passo" as the document does.
	entries, err := os.ReadDir(filepath.Join("testdata", "timelines"))
	require.NoError(t, err)
	for _, e := range entries {
		for _, f := range incident.Check(g, loadTimeline(t, e.Name())) {
			text := f.Message(language.Italian)
			assert.NotContains(t, text, "passaggio", "%s: %s", e.Name(), text)
			for _, s := range incident.States() {
				assert.NotContains(t, text, "«"+s.Name(incident.Catalog().Printer(language.Italian))+"»", "%s: %s", e.Name(), text)
			}
		}
	}
	tl = loadTimeline(t, "missing_step.json")
	assert.Equal(t, "Nel registro manca il passo «Invio della pattuglia».", incident.Check(g, tl)[0].Message(language.Italian))
	tl = loadTimeline(t, "wrong_role.json")
	assert.Equal(t, "L'azione «Disposizione dell'intervento» è stata registrata dal ruolo «Operatore dei servizi sociali», al quale le linee guida non la affidano.",
		incident.Check(g, tl)[0].Message(language.Italian))
}
