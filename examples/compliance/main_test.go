package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
)

// runArgs runs the program and returns its exit code and output.
func runArgs(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRunOnCleanTimelinesExitsZero(t *testing.T) {
	t.Parallel()
	code, out, errOut := runArgs(exportDir)
	require.Equal(t, exitOK, code, errOut)
	assert.Empty(t, errOut)
	assert.Equal(t, 4, strings.Count(out, "Conforme alle linee guida: nessun rilievo."), out)
	for _, want := range []string{
		"== testdata/clean/request-interview-accepted.json\nFase preventiva, request/2026-000214 (linee guida milano-2021-03-02)\n",
		"Gestione dell'emergenza, incident/2026-000057 (linee guida milano-2021-03-02)",
		// A warning does not make a timeline fail.
		"  - [avvertenza] voce n. 1 (request.submitted)\n    La richiesta è stata inviata con un preavviso di 2 giorni lavorativi",
		"Cronologie esaminate: 5; non conformi: 0.",
	} {
		assert.Contains(t, out, want)
	}
}

func TestRunPrintsEveryFindingAndExitsOne(t *testing.T) {
	t.Parallel()
	code, out, errOut := runArgs(problemDir)
	require.Equal(t, exitFindings, code, errOut)
	assert.Empty(t, errOut)
	g := guideline.Milano2021()
	for _, tt := range problems {
		path := filepath.Join(problemDir, tt.file)
		_, findings, err := check(g, loadTimeline(t, path))
		require.NoError(t, err)
		assert.Contains(t, out, "== "+path+"\n")
		for _, f := range findings {
			assert.Contains(t, out, f.Text(language.Italian))
		}
	}
	for _, want := range []string{
		"  - [errore] voce n. 1 (request.submitted)\n    Il destinatario «Direttore di Area Territorialità della Direzione Politiche Sociali» non risulta raggiunto",
		"  - [errore] voce n. 7 (incident.closed), riguarda incident.command_evaluated\n    La relazione della pattuglia non risulta valutata dal Comando.",
		"  - [avvertenza] voce n. 2 (incident.operations_centre_called)",
		"Cronologie esaminate: 9; non conformi: 8.",
	} {
		assert.Contains(t, out, want)
	}
}

func TestRunWithOnlyWarningsExitsZero(t *testing.T) {
	t.Parallel()
	code, out, _ := runArgs(filepath.Join(problemDir, "incident-direct-call.json"))
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "1 rilievo:\n  - [avvertenza]")
}

func TestRunInEnglish(t *testing.T) {
	t.Parallel()
	code, out, _ := runArgs("-lang", "en", exportDir, filepath.Join(problemDir, "request-missing-recipient.json"))
	assert.Equal(t, exitFindings, code)
	for _, want := range []string{
		"Preventive phase, request/2026-000214 (guideline milano-2021-03-02)\n  Follows the guideline: no findings.",
		"  - [error] entry no. 1 (request.submitted)\n    The recipient “Director of the Territoriality Area, Social Policies Directorate” was not reached",
		"(Preventive phase, paragraph 2)",
		"Timelines checked: 6; not compliant: 1.",
	} {
		assert.Contains(t, out, want)
	}
}

// A file that is not a timeline is reported by the JSON paths of its
// invalid fields, never by what they hold, and makes the run fail.
func TestRunReportsAnInvalidTimeline(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"guideline": "milano-2021-03-02", "stream": "incident/2026-000001", "entries": [
	  {"time": "ieri", "kind": "incident.reported", "territory": "municipio-1", "actor": {"role": "capo", "id": "A1"},
	   "data": {}, "codice_fiscale": "RSSMRA80A01F205X"}]}`), 0o600))
	other := filepath.Join(dir, "other.json")
	require.NoError(t, os.WriteFile(other, []byte(`{"guideline": "milano-2021-03-02", "stream": "checkin/1", "entries": [
	  {"time": "2026-01-12T10:00:00+01:00", "kind": "checkin.started", "territory": "municipio-1", "actor": {"role": "operator", "id": "A1"}, "data": {}}]}`), 0o600))

	code, out, errOut := runArgs(bad, other, filepath.Join(exportDir, "incident-police-forces.json"))
	assert.Equal(t, exitFindings, code)
	for _, want := range []string{
		bad + ": il file non contiene una cronologia valida:",
		"entries[0].time: ",
		"entries[0].actor.role: ",
		"entries[0]: ",
		other + ": la cronologia non contiene voci di una richiesta preventiva (request.*) né di un evento violento (incident.*).",
	} {
		assert.Contains(t, errOut, want)
	}
	assert.Contains(t, out, "Cronologie esaminate: 3; non conformi: 2.")
	for _, leak := range []string{"RSSMRA80A01F205X", "codice_fiscale", "ieri", "capo\""} {
		assert.NotContains(t, out+errOut, leak)
	}
}

func TestRunCommandLine(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"-h"}, exitOK, "Uso: compliance [-lang it|en] FILE...", ""},
		{nil, exitUsage, "", "errore: indicare almeno un file di cronologia"},
		{[]string{"-lang", "fr", exportDir}, exitUsage, "", "lingue disponibili: it, en"},
		{[]string{"-format", "xml", exportDir}, exitUsage, "", "errore: flag provided but not defined: -format"},
		{[]string{filepath.Join(exportDir, "missing.json")}, exitFindings, "", "errore: "},
		{[]string{t.TempDir()}, exitFindings, "", "no .json file in"},
	} {
		code, out, errOut := runArgs(tt.args...)
		assert.Equal(t, tt.code, code, "%v: %s", tt.args, errOut)
		assert.Contains(t, out, tt.out, "%v", tt.args)
		assert.Contains(t, errOut, tt.err, "%v", tt.args)
		if tt.code == exitUsage {
			assert.Empty(t, out, "%v prints nothing on stdout", tt.args)
		}
	}
}

// The program's texts exist in both languages and build a catalog with the
// guideline's.
func TestTexts(t *testing.T) {
	t.Parallel()
	for _, tag := range []language.Tag{language.Italian, language.English} {
		p, err := printer(tag)
		require.NoError(t, err)
		for _, txt := range texts() {
			assert.NotEqual(t, txt.Key, p.Sprintf(txt.Key), "%s has no %s text", txt.Key, tag)
		}
	}
	code, _, _ := runArgs("-lang", "en-GB", exportDir)
	assert.Equal(t, exitOK, code)
}
