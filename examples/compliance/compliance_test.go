package main

// This file is the suite an integrator's QA team writes over the timelines
// their system exports: copy it, with the function check of main.go, and
// point exportDir at the folder your export writes.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/request"
)

// exportDir holds the timelines exported by the other system, which must
// all follow the guideline.
const exportDir = "testdata/clean"

// problemDir holds timelines with known departures from the guideline, to
// show that the checks find them.
const problemDir = "testdata/problems"

// assertCompliant asserts that the timeline tl follows the guideline g: that
// the check of its phase (request.Check or incident.Check) finds nothing of
// severity error. It logs every finding in Italian, warnings included, and
// on failure lists the errors with the clause of the guideline each cites.
// It returns whether the assertion passed.
func assertCompliant(t testing.TB, g guideline.Guideline, tl register.Timeline) bool {
	t.Helper()
	_, findings, err := check(g, tl)
	if !assert.NoError(t, err, "%s: not the timeline of a request or an incident", tl.Stream) {
		return false
	}
	var errs []string
	for _, f := range findings {
		text := f.Text(language.Italian)
		t.Logf("%s: %s [%s] %s", tl.Stream, f.Code, f.Severity, text)
		if f.Severity == guideline.SeverityError {
			errs = append(errs, fmt.Sprintf("%s (%s)", text, f.Code))
		}
	}
	if len(errs) == 0 {
		return true
	}
	return assert.Fail(t,
		fmt.Sprintf("%s does not follow the guideline %s: %d findings of severity error", tl.Stream, tl.Guideline, len(errs)),
		strings.Join(errs, "\n"))
}

// loadTimeline reads the timeline in the file at path, failing the test if
// it is not one.
func loadTimeline(t testing.TB, path string) register.Timeline {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	tl, err := register.LoadTimeline(f)
	require.NoError(t, err, "%s is not a timeline in the shape of register.Timeline", path)
	return tl
}

// Every timeline the other system exported follows the guideline.
func TestExportedTimelinesFollowTheGuideline(t *testing.T) {
	t.Parallel()
	paths, err := filepath.Glob(filepath.Join(exportDir, "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, paths, "no timeline exported in %s", exportDir)
	g := guideline.Milano2021()
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			assertCompliant(t, g, loadTimeline(t, path))
		})
	}
}

// problems are the timelines of problemDir, with the codes of the findings
// each must have, and whether it still follows the guideline (only
// warnings).
var problems = []struct {
	file      string
	codes     []string
	compliant bool
}{
	{"request-short-notice-without-reason.json", []string{request.FindingShortNoticeWithoutReason}, false},
	{"request-missing-recipient.json", []string{request.FindingMissingRecipient}, false},
	{"request-decision-by-wrong-role.json", []string{request.FindingWrongRole}, false},
	{"incident-step-late.json", []string{incident.FindingLateStep}, false},
	{"incident-dispatch-wrong-role.json", []string{incident.FindingWrongRole}, false},
	{"incident-alert-undelivered.json", []string{incident.FindingAlertUndelivered}, false},
	{"incident-report-not-filed.json", []string{incident.FindingReportNotFiled}, false},
	{"incident-direct-call.json", []string{incident.FindingDirectCall}, true},
	{"incident-several-problems.json", []string{
		incident.FindingLateStep, incident.FindingDispatchWithoutCall, incident.FindingReportNotEvaluated,
	}, false},
}

// The checks find exactly the departures each problem timeline was written
// with, and assertCompliant fails on them with their Italian texts.
func TestTimelinesWithProblemsHaveTheExpectedFindings(t *testing.T) {
	t.Parallel()
	g := guideline.Milano2021()
	for _, tt := range problems {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			tl := loadTimeline(t, filepath.Join(problemDir, tt.file))
			_, findings, err := check(g, tl)
			require.NoError(t, err)
			var codes []string
			for _, f := range findings {
				codes = append(codes, f.Code)
				t.Logf("%s [%s]: %s", f.Code, f.Severity, f.Text(language.Italian))
			}
			assert.ElementsMatch(t, tt.codes, codes)

			rec := &recorder{TB: t}
			assert.Equal(t, tt.compliant, assertCompliant(rec, g, tl), "assertCompliant's result")
			if tt.compliant {
				assert.Empty(t, rec.failures)
				return
			}
			require.Len(t, rec.failures, 1, "assertCompliant fails once, listing every error")
			for _, f := range findings {
				if f.Severity == guideline.SeverityError {
					assert.Contains(t, rec.failures[0], f.Text(language.Italian))
				}
			}
			assert.Len(t, rec.logs, len(findings), "one log line per finding")
		})
	}
}

// Every problem timeline is in the table, so that none is left unchecked.
func TestEveryProblemTimelineIsChecked(t *testing.T) {
	t.Parallel()
	paths, err := filepath.Glob(filepath.Join(problemDir, "*.json"))
	require.NoError(t, err)
	var files, listed []string
	for _, p := range paths {
		files = append(files, filepath.Base(p))
	}
	for _, tt := range problems {
		listed = append(listed, tt.file)
	}
	assert.ElementsMatch(t, files, listed)
}

// assertCompliant's failure reads as the guideline does, in Italian, with
// the clause it cites.
func TestAssertCompliantFailsInItalian(t *testing.T) {
	t.Parallel()
	rec := &recorder{TB: t}
	tl := loadTimeline(t, filepath.Join(problemDir, "request-missing-recipient.json"))
	require.False(t, assertCompliant(rec, guideline.Milano2021(), tl))
	require.Len(t, rec.failures, 1)
	for _, want := range []string{
		"request/2026-000219 does not follow the guideline milano-2021-03-02",
		"Il destinatario «Direttore di Area Territorialità della Direzione Politiche Sociali» non risulta raggiunto",
		"(Fase preventiva, capoverso 2)",
		request.FindingMissingRecipient,
	} {
		assert.Contains(t, rec.failures[0], want)
	}
}

// recorder is a testing.TB that records the failures and logs of the
// assertions made on it instead of failing the test.
type recorder struct {
	testing.TB
	failures, logs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *recorder) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}
