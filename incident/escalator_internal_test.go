package incident

import (
	"slices"
	"testing"
)

// The Escalator reads every kind an incident's stream may hold: one it
// skipped would leave a gap in the versions, and the fold would refuse
// the incident.
func TestEscalatorReadsEveryKindOfAStream(t *testing.T) {
	t.Parallel()
	for _, tr := range table.Transitions() {
		if !slices.Contains(escalatorKinds, tr.Kind) {
			t.Errorf("the escalator does not read %s", tr.Kind)
		}
	}
	for _, k := range Notes() {
		if !slices.Contains(escalatorKinds, k) {
			t.Errorf("the escalator does not read the note %s", k)
		}
	}
}
