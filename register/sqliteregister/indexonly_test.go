package sqliteregister_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/sostegno/sostegno/register/registertest"
	"github.com/sostegno/sostegno/register/sqliteregister"
)

// The IndexOnly hint is honoured: the bodies the caller did not ask for are
// not read, which is what makes Log.Summary cheaper on this backend.
func TestScanIndexOnlyLeavesBodiesOut(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, err := sqliteregister.Open(ctx, filepath.Join(t.TempDir(), "registro.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if err := registertest.CheckIndexOnlyHonoured(ctx, reg); err != nil {
		t.Fatal(err)
	}
}
