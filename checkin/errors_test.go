package checkin_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sostegno/sostegno/checkin"
	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
)

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	if _, err := checkin.NewService(nil, guideline.Milano2021(), e.codes, nil); !errors.Is(err, checkin.ErrConfig) {
		t.Errorf("no register: %v", err)
	}
	if _, err := checkin.NewService(e.log, guideline.Milano2021(), nil, nil); !errors.Is(err, checkin.ErrConfig) {
		t.Errorf("no code store: %v", err)
	}
	if _, err := checkin.HashCode(knownCheckOut, checkin.Params{}); !errors.Is(err, checkin.ErrConfig) || strings.Contains(err.Error(), knownCheckOut) {
		t.Errorf("parameters out of range: %v", err)
	}
}

// appendSession appends, as another system might, the start of a session
// whose sealed data is not what this package writes (the venue is a
// string), due at due.
func appendSession(t *testing.T, l *register.Log, id string, due time.Time) {
	t.Helper()
	data := `{"expected_end":"` + due.Add(-10*time.Minute).Format(time.RFC3339) + `","grace_period":"10m0s","due_at":"` +
		due.Format(time.RFC3339) + `","max_attempts":5}`
	_, err := l.Append(context.Background(), id, 0, register.Event{
		Kind: checkin.KindStarted, Territory: "municipio-5", Actor: register.Actor{Role: operator.GuidelineRole(), ID: operator.ID},
		Guideline: guideline.Milano2021().Version(), Data: []byte(data),
		Personal: register.PersonalData(`{"venue":"` + knownAddress + `"}`),
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Sealed data that opens but does not decode gives ErrUnreadable, to the
// check-out with the duress code and to the watcher raising a missed
// check-out, and the error does not repeat it.
func TestUnreadableSealedData(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const duressID, missedID = "checkin/0123456789abcdef0123", "checkin/fedcba98765432100123"
	appendSession(t, f.e.log, duressID, f.now.Add(time.Hour))
	appendSession(t, f.e.log, missedID, f.now.Add(-time.Minute))
	_, err := f.svc.CheckOut(f.ctx, duressID, knownDuress)
	if !errors.Is(err, checkin.ErrUnreadable) || strings.Contains(err.Error(), knownAddress) {
		t.Errorf("duress check-out: %v", err)
	}
	err = f.w.Tick(f.ctx, f.now)
	if !errors.Is(err, checkin.ErrUnreadable) || strings.Contains(err.Error(), knownAddress) {
		t.Errorf("missed check-out: %v", err)
	}
	if n := len(f.e.raiser.raised()); n != 0 {
		t.Errorf("%d incidents raised", n)
	}
}

// A Raiser that gives the incident another ID than the one derived from
// the register is reported with ErrRaisedID.
func TestRaiserGivesAnotherID(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	other, err := incident.NewID(2026, 1)
	if err != nil {
		t.Fatal(err)
	}
	w := f.svc.Watcher(checkin.RaiserFunc(func(ctx context.Context, inc incident.Incident, by register.Actor, cause string) (incident.ID, error) {
		return other, nil
	}), nil)
	f.start(t)
	if err := w.Tick(f.ctx, f.now.Add(2*time.Hour)); !errors.Is(err, checkin.ErrRaisedID) {
		t.Errorf("Tick: %v, want ErrRaisedID", err)
	}
}
