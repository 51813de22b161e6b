package main

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/pgregister"
	"github.com/sostegno/sostegno/register/pgregister/pgtest"
)

// TestMain lets the test binary be the program's instances: the demo
// re-executes its own executable with -instance, which under go test is
// this binary.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "-instance" {
		main()
	}
	os.Exit(m.Run())
}

// noEnv is an environment without variables.
func noEnv(string) string { return "" }

// runDemo runs the demo and returns its output, failing the test if it
// fails.
func runDemo(t *testing.T, args []string, getenv func(string) string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(t.Context(), args, getenv, strings.NewReader(""), &out, &errOut)
	require.Equal(t, exitOK, code, "stderr: %s\nstdout: %s", errOut.String(), out.String())
	assert.Empty(t, errOut.String())
	assert.NotContains(t, out.String(), "Persona di Esempio", "the aggressor's description is sealed")
	return out.String()
}

// Two processes race to confirm step 1 and then to dispatch: one wins each
// race, the other is told, and the register holds each step once.
func TestTwoInstancesActOnTheSameIncident(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	pool := pgtest.Pool(t, 2)
	schema := pgtest.Schema(t, pool)

	out := runDemo(t, []string{"-postgres", url, "-schema", schema}, noEnv)
	t.Log(out)
	assertRaces(t, out)
	assert.Contains(t, out, "evento incident/2026-000001; l'allarme va ai colleghi in servizio: Luca Verdi, Sara Neri.")
	assert.Contains(t, out, "Verifica della catena del registro: superata, 7 voci.")

	// A second run, with the URL from the environment, continues the
	// same register with a new incident.
	out = runDemo(t, []string{"-schema", schema}, func(k string) string {
		if k == urlEnv {
			return url
		}
		return ""
	})
	assertRaces(t, out)
	assert.Contains(t, out, "evento incident/2026-000002;")
	assert.Contains(t, out, "Verifica della catena del registro: superata, 14 voci.")

	// The register itself, read apart from the program: each incident has
	// one confirmation of step 1, one late one and one dispatch, and the
	// chain verifies.
	backend, err := pgregister.Open(t.Context(), pool, &pgregister.Options{Schema: schema})
	require.NoError(t, err)
	log, err := register.Open(t.Context(), backend, nil)
	require.NoError(t, err)
	defer log.Close()
	require.NoError(t, log.Verify(t.Context()))
	counts := map[string]int{}
	for e, err := range log.Scan(t.Context(), register.Filter{}) {
		require.NoError(t, err)
		counts[e.Stream+" "+e.Kind]++
	}
	for _, id := range []string{"incident/2026-000001", "incident/2026-000002"} {
		for kind, n := range map[string]int{
			register.KindIncidentReported:               1,
			register.KindIncidentColleaguesAlerted:      1,
			"incident.confirmation_late":                1,
			register.KindIncidentOperationsCentreCalled: 1,
			register.KindIncidentDispatched:             1,
		} {
			assert.Equal(t, n, counts[id+" "+kind], "%s: %s", id, kind)
		}
	}
}

// assertRaces checks what the two instances printed: one confirmation
// recorded and one late, one dispatch recorded and one refused, and the
// state holds the winner's dispatch.
func assertRaces(t *testing.T, out string) {
	t.Helper()
	confirmed := regexp.MustCompile(`\[istanza [AB]\] .* conferma il passo «Richiamo di altro personale»: registrato \(voce n\. \d+\); l'evento è ora nello stato «Colleghi allertati»\.`)
	late := regexp.MustCompile(`\[istanza [AB]\] .* conferma il passo «Richiamo di altro personale»: registrato come conferma tardiva \(voce n\. \d+\): aveva già confermato operator:AS-04(19|23); lo stato non cambia\.`)
	dispatched := regexp.MustCompile(`\[istanza ([AB])\] il Capo Turno operations_centre:CO-CT-[12] dispone l'intervento \([^)]*\): registrato \(voce n\. \d+\); l'evento è ora nello stato «Intervento disposto»\.`)
	refused := regexp.MustCompile(`\[istanza [AB]\] il Capo Turno operations_centre:CO-CT-[12] dispone l'intervento \([^)]*\): rifiutato con \*incident\.TransitionError: L'azione «Disposizione dell'intervento» non è consentita quando lo stato è «Intervento disposto»\.`)
	for _, re := range []*regexp.Regexp{confirmed, late, dispatched, refused} {
		assert.Len(t, re.FindAllString(out, -1), 1, "%s in:\n%s", re, out)
	}
	assert.Contains(t, out, "Colleghi allertati (passo 1): 1; conferme tardive: 1; interventi disposti (passo 3): 1.")
	if m := dispatched.FindStringSubmatch(out); m != nil {
		want := map[string]string{
			"A": "Stato dell'evento: Intervento disposto (pattuglia della Polizia Locale).",
			"B": "Stato dell'evento: Intervento disposto (pattuglia della Polizia Locale e Forze di Polizia).",
		}[m[1]]
		assert.Contains(t, out, want, "the state holds the winner's dispatch")
	}
}

func TestWithoutAServerItSaysHowToRunIt(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := run(t.Context(), nil, noEnv, strings.NewReader(""), &out, &errOut)
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, out.String())
	for _, want := range []string{"manca il server PostgreSQL", "-postgres", urlEnv, "go run ./examples/postgres -postgres 'postgres://"} {
		assert.Contains(t, errOut.String(), want)
	}
}

func TestCommandLine(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"-h"}, exitOK, "Uso: postgres [-postgres URL] [-schema NOME]", ""},
		{[]string{"-postgres", "postgres://x", "altro"}, exitUsage, "", "errore: argomenti non previsti: altro"},
		{[]string{"-porta", "5432"}, exitUsage, "", "errore: flag provided but not defined: -porta"},
		{[]string{"-postgres", "postgres://x", "-instance", "C"}, exitError, "", `errore: postgres: no instance "C"`},
	} {
		var out, errOut bytes.Buffer
		code := run(t.Context(), tt.args, noEnv, strings.NewReader(""), &out, &errOut)
		assert.Equal(t, tt.code, code, "%v: %s", tt.args, errOut.String())
		assert.Contains(t, out.String(), tt.out, "%v", tt.args)
		assert.Contains(t, errOut.String(), tt.err, "%v", tt.args)
	}
}
