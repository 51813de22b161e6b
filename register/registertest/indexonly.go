package registertest

import (
	"context"
	"errors"
	"fmt"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

// CheckIndexOnlyHonoured checks that a backend honours the IndexOnly hint
// of [register.Filter]: it appends three entries through a [register.Log]
// to reg, which must be empty, and scans them with IndexOnly, once with
// BodyKinds naming two of their kinds and once with none; the records of
// the other kinds must come without Hash and Body. [Run] cannot require
// this, since a backend may ignore the hint; a backend that claims to
// honour it calls this from its own tests.
func CheckIndexOnlyHonoured(ctx context.Context, reg register.Register) error {
	l, err := register.Open(ctx, reg, nil)
	if err != nil {
		return err
	}
	actor := register.Actor{Role: guideline.RoleResponsibleOfficial, ID: "po-1"}
	_, err = l.Append(ctx, "richiesta-1", 0,
		register.Event{Kind: register.KindRequestSubmitted, Actor: actor, Data: []byte(`{"appointment_at":"2026-12-01T10:00:00Z"}`)},
		register.Event{Kind: register.KindRequestAccepted, Actor: actor},
		register.Event{Kind: register.KindRequestCompleted, Actor: actor, Data: []byte(`{"outcome":"presence_provided"}`)})
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range []register.Filter{
		{IndexOnly: true, BodyKinds: []string{register.KindRequestSubmitted, register.KindRequestCompleted}},
		{IndexOnly: true},
	} {
		n := 0
		for rec, err := range reg.Scan(ctx, f) {
			if err != nil {
				return err
			}
			n++
			want := rec.Kind != register.KindRequestAccepted && len(f.BodyKinds) > 0
			if (len(rec.Body) > 0) != want || (len(rec.Hash) > 0) != want {
				errs = append(errs, fmt.Errorf("BodyKinds %v: seq %d (%s): body of %d bytes, hash of %d bytes", f.BodyKinds, rec.Seq, rec.Kind, len(rec.Body), len(rec.Hash)))
			}
		}
		if n != 3 {
			errs = append(errs, fmt.Errorf("BodyKinds %v: letti %d record, attesi 3", f.BodyKinds, n))
		}
	}
	return errors.Join(errs...)
}
