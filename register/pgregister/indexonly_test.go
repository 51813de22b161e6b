package pgregister_test

import (
	"context"
	"testing"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

// The IndexOnly hint is honoured: the bodies the caller did not ask for are
// not read.
func TestScanIndexOnlyLeavesBodiesOut(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg, _ := openRegister(t, newPool(t, 4))
	l, err := register.Open(ctx, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	actor := register.Actor{Role: guideline.RoleResponsibleOfficial, ID: "po-1"}
	_, err = l.Append(ctx, "richiesta-1", 0,
		register.Event{Kind: register.KindRequestSubmitted, Actor: actor, Data: []byte(`{"appointment_at":"2026-12-01T10:00:00Z"}`)},
		register.Event{Kind: register.KindRequestAccepted, Actor: actor},
		register.Event{Kind: register.KindRequestCompleted, Actor: actor, Data: []byte(`{"outcome":"presence_provided"}`)})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []register.Filter{
		{IndexOnly: true, BodyKinds: []string{register.KindRequestSubmitted, register.KindRequestCompleted}},
		{IndexOnly: true},
	} {
		n := 0
		for rec, err := range reg.Scan(ctx, f) {
			if err != nil {
				t.Fatal(err)
			}
			n++
			wantBody := rec.Kind != register.KindRequestAccepted && len(f.BodyKinds) > 0
			if (len(rec.Body) > 0) != wantBody || (len(rec.Hash) > 0) != wantBody {
				t.Errorf("%v: seq %d (%s): body %d bytes, hash %d bytes", f.BodyKinds, rec.Seq, rec.Kind, len(rec.Body), len(rec.Hash))
			}
		}
		if n != 3 {
			t.Fatalf("read %d records, want 3", n)
		}
	}
}
