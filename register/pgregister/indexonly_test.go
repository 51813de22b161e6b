package pgregister_test

import (
	"testing"

	"github.com/sostegno/sostegno/register/registertest"
)

// The IndexOnly hint is honoured: the bodies the caller did not ask for are
// not read.
func TestScanIndexOnlyLeavesBodiesOut(t *testing.T) {
	t.Parallel()
	reg, _ := openRegister(t, newPool(t, 4))
	if err := registertest.CheckIndexOnlyHonoured(t.Context(), reg); err != nil {
		t.Fatal(err)
	}
}
