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
	assert.Equal(t, "Il passaggio «Colleghi allertati» è avvenuto, o è ancora in attesa, dopo 5 minuti: le regole dell'ente ne consentono 1 minuto.",
		fs[i].Message(language.Italian))
}

func TestCheckOfAnEmptyTimeline(t *testing.T) {
	t.Parallel()
	assert.Empty(t, incident.Check(guideline.Milano2021(), register.Timeline{}))
}
