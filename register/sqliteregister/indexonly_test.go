package sqliteregister_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
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

// Log.Scan, whose Filter a caller fills, returns whole entries even with
// the IndexOnly hint, which this backend honours: the hint is between the
// Log and its backend, and must not read as corruption.
func TestLogScanWithIndexOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, err := sqliteregister.Open(ctx, filepath.Join(t.TempDir(), "registro.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	l, err := register.Open(ctx, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	actor := register.Actor{Role: guideline.RoleOperator, ID: "op-1"}
	want, err := l.Append(ctx, "request/1", 0,
		register.Event{Kind: register.KindRequestSubmitted, Actor: actor, Data: []byte(`{"appointment_at":"2026-03-10T10:00:00Z"}`)},
		register.Event{Kind: register.KindRequestAccepted, Actor: actor})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for e, err := range l.Scan(ctx, register.Filter{IndexOnly: true}) {
		if err != nil {
			t.Fatalf("Scan with IndexOnly: %v", err)
		}
		if e.Seq != want[n].Seq || !bytes.Equal(e.Hash, want[n].Hash) || string(e.Data) != string(want[n].Data) {
			t.Errorf("entry %d not whole: %v", e.Seq, e)
		}
		n++
	}
	if n != len(want) {
		t.Errorf("Scan yielded %d entries, want %d", n, len(want))
	}
}
