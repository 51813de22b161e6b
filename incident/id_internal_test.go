package incident

import (
	"testing"

	"github.com/sostegno/sostegno/guideline"
)

// A provisional ID never takes a number of the Desk's numbering nor one
// of the alarms of check-in sessions.
func TestProvisionalIDsKeepToTheirRange(t *testing.T) {
	t.Parallel()
	d := New(nil, guideline.Milano2021(), nil, nil)
	now := d.o.Now()
	for range 2000 {
		id := d.provisionalID(now)
		if n := id.Number(); n < ProvisionalNumberBase || n >= AlarmNumberBase {
			t.Fatalf("provisional number %d out of [%d, %d)", n, uint64(ProvisionalNumberBase), uint64(AlarmNumberBase))
		}
	}
}
