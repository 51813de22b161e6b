package incident_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update after checking):\n%s", name, got)
	}
}

// The diagrams come from the table itself, pinned by golden files.
func TestDiagrams(t *testing.T) {
	golden(t, "lifecycle.it.mmd", []byte(incident.Graph(language.Italian).Mermaid()))
	golden(t, "lifecycle.en.mmd", []byte(incident.Graph(language.English).Mermaid()))
	golden(t, "lifecycle.it.dot", []byte(incident.Graph(language.Italian).DOT()))
}

func TestTableFollowsTheGuideline(t *testing.T) {
	t.Parallel()
	kinds := map[string]bool{}
	for _, tr := range incident.Transitions() {
		kinds[tr.Kind] = true
		switch tr.Action {
		case incident.ActionDispatch:
			assert.Equal(t, []guideline.Role{guideline.RoleOperationsCentre}, tr.Roles, "only the Operations Centre dispatches")
		case incident.ActionFileReport:
			assert.Equal(t, []guideline.Role{guideline.RolePatrol}, tr.Roles, "only the patrol files its report")
		case incident.ActionEvaluate, incident.ActionShare:
			assert.Equal(t, []guideline.Role{guideline.RolePoliceCommand}, tr.Roles, "only the Command evaluates and shares")
		case incident.ActionCallDirectly:
			assert.True(t, tr.Deviation)
			assert.Equal(t, incident.StateReported, tr.From)
			assert.Equal(t, incident.StateOperationsCentreCalled, tr.To)
		}
	}
	for _, k := range []string{register.KindIncidentReported, register.KindIncidentColleaguesAlerted, register.KindIncidentOperationsCentreCalled,
		register.KindIncidentDispatched, register.KindIncidentPatrolReportFiled, register.KindIncidentCommandEvaluated,
		register.KindIncidentSharedWithDirectorate, register.KindIncidentClosed} {
		assert.True(t, kinds[k], "no transition appends %s", k)
	}
	assert.Equal(t, []string{incident.KindConfirmationLate, incident.KindEscalated,
		register.KindFollowUpSupportOffered, register.KindFollowUpInjuryReported, register.KindFollowUpEvaluationShared}, incident.Notes())
	_, err := incident.Next(incident.StateOperationsCentreCalled, incident.ActionDispatch, guideline.RoleOperator)
	var te *incident.TransitionError
	require.ErrorAs(t, err, &te)
	assert.ErrorIs(t, err, incident.ErrNotAllowed)
	assert.Equal(t, "L'azione «Disposizione dell'intervento» nello stato «Centrale Operativa chiamata» non spetta al ruolo «Operatore dei servizi sociali».", te.Message(language.Italian))
}
