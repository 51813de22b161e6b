package checkin_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/checkin"
	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
)

var grace = guideline.Milano2021().Policy().CheckoutGracePeriod.Std()

// A missed check-out raises the incident exactly at the end of the grace
// period, from a Watcher that only runs; a restart of the process in
// between changes nothing.
func TestMissedCheckOutRaisesAtTheGracePeriodsEnd(t *testing.T) {
	for _, restart := range []bool{false, true} {
		t.Run(fmt.Sprintf("restart=%v", restart), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := newEnv(t, time.Now)
				svc, w := e.service(t, time.Now)
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error, 1)
				go func() { done <- w.Run(ctx) }()

				end := time.Now().Add(30 * time.Minute)
				sess, err := svc.Start(context.Background(), start(end))
				if err != nil {
					t.Fatal(err)
				}
				if want := end.Add(grace); !sess.DueAt.Equal(want.UTC()) {
					t.Fatalf("due at %v, want %v", sess.DueAt, want)
				}
				time.Sleep(20 * time.Minute)
				if restart {
					// The process dies: its Service and Watcher are gone.
					cancel()
					<-done
					ctx, cancel = context.WithCancel(context.Background())
					_, w = e.service(t, time.Now)
					go func() { done <- w.Run(ctx) }()
				}
				time.Sleep(time.Until(sess.DueAt) - time.Second)
				synctest.Wait()
				if n := len(e.raiser.raised()); n != 0 {
					t.Fatalf("%d incidents raised before the grace period ended", n)
				}
				time.Sleep(time.Second)
				synctest.Wait()
				got := e.raiser.raised()
				if len(got) != 1 {
					t.Fatalf("%d incidents raised at the end of the grace period, want 1", len(got))
				}
				r := got[0]
				if !r.at.Equal(sess.DueAt) {
					t.Errorf("raised at %v, want %v", r.at, sess.DueAt)
				}
				if r.cause != register.AlarmCheckoutMissed || r.by != register.SystemActor("checkin") {
					t.Errorf("cause %q by %v", r.cause, r.by)
				}
				if r.inc.Venue.Address != knownAddress || r.inc.Reporter.ID != operator.ID || r.inc.Reporter.Name != operator.Name ||
					!r.inc.Kinds.Has(incident.Threat) {
					t.Errorf("incident %v", r.inc.LogValue())
				}
				if !strings.Contains(r.inc.Description.Reveal(), string(sess.ID)) {
					t.Error("the incident's sealed description does not name the session")
				}
				s, err := svc.Session(context.Background(), sess.ID)
				if err != nil {
					t.Fatal(err)
				}
				if s.Status != checkin.StatusMissed || s.Incident != r.inc.ID || !r.inc.ID.Valid() {
					t.Errorf("session %+v after the alarm", s)
				}
				// Time passes: nothing more is raised.
				time.Sleep(time.Hour)
				synctest.Wait()
				if n := len(e.raiser.raised()); n != 1 {
					t.Errorf("%d incidents after an hour", n)
				}
				// A late check-out is still recorded.
				if s, err := svc.CheckOut(context.Background(), sess.ID, knownCheckOut); err != nil || s.Status != checkin.StatusCheckedOut {
					t.Errorf("late check-out: %+v, %v", s, err)
				}
				cancel()
				if err := <-done; !errors.Is(err, context.Canceled) {
					t.Errorf("Run returned %v", err)
				}
			})
		})
	}
}

// A session closed in time raises nothing.
func TestCheckOutInTimeRaisesNothing(t *testing.T) {
	t.Parallel()
	f, sess := startedSession(t)
	f.now = f.now.Add(50 * time.Minute)
	s, err := f.svc.CheckOut(f.ctx, sess.ID, knownCheckOut)
	if err != nil || s.Status != checkin.StatusCheckedOut {
		t.Fatalf("check-out: %+v, %v", s, err)
	}
	if err := f.w.Tick(f.ctx, f.now.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n := len(f.e.raiser.raised()); n != 0 {
		t.Errorf("%d incidents for a session closed in time", n)
	}
	if _, err := f.svc.CheckOut(f.ctx, sess.ID, knownCheckOut); !errors.Is(err, checkin.ErrClosed) {
		t.Errorf("second check-out: %v", err)
	}
	es := streamEntries(t, f.e.log, string(sess.ID))
	if len(es) != 2 || es[0].Kind != checkin.KindStarted || es[1].Kind != checkin.KindCheckedOut {
		t.Fatalf("stream %v", es)
	}
	if !strings.Contains(string(es[0].Data), `"request":"request/2026-000123"`) {
		t.Errorf("the preventive request is not linked: %s", es[0].Data)
	}
	assertNoSecret(t, "started entry data", string(es[0].Data))
}

// The duress code closes the session exactly as the check-out code does:
// same response, same stream, same access log; only the Watcher raises
// an incident, from a stream apart.
func TestDuressLooksLikeACheckOut(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	normal, duress := f.start(t), f.start(t)
	accessBefore := len(streamEntries(t, f.e.log, register.AccessStream))
	gotN, errN := f.svc.CheckOut(f.ctx, normal.ID, knownCheckOut)
	accessNormal := len(streamEntries(t, f.e.log, register.AccessStream)) - accessBefore
	gotD, errD := f.svc.CheckOut(f.ctx, duress.ID, knownDuress)
	accessDuress := len(streamEntries(t, f.e.log, register.AccessStream)) - accessBefore - accessNormal
	if errN != nil || errD != nil {
		t.Fatalf("errors %v, %v", errN, errD)
	}
	gotN.ID, gotD.ID = "", ""
	if !reflect.DeepEqual(gotN, gotD) {
		t.Errorf("responses differ:\n%+v\n%+v", gotN, gotD)
	}
	if accessNormal != accessDuress {
		t.Errorf("access log: %d entries for a check-out, %d for a duress one", accessNormal, accessDuress)
	}
	// Everything after the alarm is raised, too.
	if err := f.w.Tick(f.ctx, f.now); err != nil {
		t.Fatal(err)
	}
	sn, sd := streamEntries(t, f.e.log, string(normal.ID)), streamEntries(t, f.e.log, string(duress.ID))
	if len(sn) != len(sd) {
		t.Fatalf("streams of %d and %d entries", len(sn), len(sd))
	}
	for i := range sn {
		a, b := sn[i], sd[i]
		if a.Kind != b.Kind || a.Actor != b.Actor || a.Territory != b.Territory || a.Guideline != b.Guideline ||
			a.Version != b.Version || !a.Time.Equal(b.Time) || (i > 0 && !bytes.Equal(a.Data, b.Data)) || (len(a.Personal) == 0) != (len(b.Personal) == 0) {
			t.Errorf("entry %d differs: %s %s vs %s %s", i, a.Kind, a.Data, b.Kind, b.Data)
		}
	}
	s1, _ := f.svc.Session(f.ctx, normal.ID)
	s2, _ := f.svc.Session(f.ctx, duress.ID)
	s1.ID, s2.ID = "", ""
	if !reflect.DeepEqual(s1, s2) {
		t.Errorf("sessions differ:\n%+v\n%+v", s1, s2)
	}
	got := f.e.raiser.raised()
	if len(got) != 1 || got[0].cause != register.AlarmDuress {
		t.Fatalf("raised %d incidents (%v), want one duress alarm", len(got), got)
	}
	if !strings.Contains(got[0].inc.Description.Reveal(), string(duress.ID)) {
		t.Error("the sealed description does not link back to the session")
	}
	// The alarm's stream does not name the session in clear.
	var alarmStream string
	for ent, err := range f.e.log.Scan(f.ctx, register.Filter{Kinds: []string{checkin.KindDuressRaised}}) {
		if err != nil {
			t.Fatal(err)
		}
		alarmStream = ent.Stream
		if strings.Contains(ent.Stream, strings.TrimPrefix(string(duress.ID), checkin.StreamPrefix)) ||
			bytes.Contains(ent.Data, []byte(duress.ID)) {
			t.Error("the alarm names the session in clear")
		}
	}
	if !strings.HasPrefix(alarmStream, checkin.AlarmStreamPrefix) {
		t.Errorf("alarm stream %q", alarmStream)
	}
	// A restart raises nothing more.
	_, w2 := f.e.service(t, f.clock)
	if err := w2.Tick(f.ctx, f.now.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n := len(f.e.raiser.raised()); n != 1 {
		t.Errorf("%d incidents after a restart", n)
	}
}

// The duress code on a session already closed answers as the check-out
// code does, and still raises the alarm.
func TestDuressOnAClosedSession(t *testing.T) {
	t.Parallel()
	f, sess := startedSession(t)
	if _, err := f.svc.CheckOut(f.ctx, sess.ID, knownCheckOut); err != nil {
		t.Fatal(err)
	}
	_, errN := f.svc.CheckOut(f.ctx, sess.ID, knownCheckOut)
	_, errD := f.svc.CheckOut(f.ctx, sess.ID, knownDuress)
	if !errors.Is(errN, checkin.ErrClosed) || errN.Error() != errD.Error() {
		t.Errorf("closed session: %v vs %v", errN, errD)
	}
	if err := f.w.Tick(f.ctx, f.now); err != nil {
		t.Fatal(err)
	}
	if got := f.e.raiser.raised(); len(got) != 1 || got[0].cause != register.AlarmDuress {
		t.Errorf("raised %v", got)
	}
}

// A crash between raising the incident and recording it raises no second
// incident after the restart, for a missed check-out and for a duress
// alarm.
func TestCrashBetweenRaisingAndRecording(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"", knownDuress} {
		f, sess := startedSession(t)
		if code != "" {
			if _, err := f.svc.CheckOut(f.ctx, sess.ID, code); err != nil {
				t.Fatal(err)
			}
		} else {
			f.now = sess.DueAt
		}
		f.e.raiser.crashAfter = true
		if err := f.w.Tick(f.ctx, f.now); err == nil {
			t.Fatal("the crash was not reported")
		}
		for ent, err := range f.e.log.Scan(f.ctx, register.Filter{Kinds: []string{checkin.KindIncidentRaised}}) {
			if err != nil {
				t.Fatal(err)
			}
			t.Fatalf("raising recorded despite the crash: %v", ent)
		}
		_, w2 := f.e.service(t, f.clock) // the restart
		if err := w2.Tick(f.ctx, f.now); err != nil {
			t.Fatal(err)
		}
		if err := w2.Tick(f.ctx, f.now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got := f.e.raiser.raised()
		if len(got) != 1 {
			t.Fatalf("code %q: %d incidents after the restart, want 1", code, len(got))
		}
		n := 0
		for ent, err := range f.e.log.Scan(f.ctx, register.Filter{Kinds: []string{checkin.KindIncidentRaised}}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
			if !bytes.Contains(ent.Data, []byte(got[0].inc.ID)) {
				t.Errorf("recorded %s", ent.Data)
			}
		}
		if n != 1 {
			t.Errorf("%d records of the raising", n)
		}
	}
}

// Two watchers (two processes) on one register raise one incident.
func TestTwoWatchersRaiseOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w1 := f.w
	_, w2 := f.e.service(t, f.clock)
	sess := f.start(t)
	f.now = sess.DueAt
	errs := make(chan error, 2)
	for _, w := range []*checkin.Watcher{w1, w2} {
		go func() { errs <- w.Tick(f.ctx, f.now) }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	_ = w1.Tick(f.ctx, f.now)
	_ = w2.Tick(f.ctx, f.now)
	if n := len(f.e.raiser.raised()); n != 1 {
		t.Errorf("%d incidents from two watchers", n)
	}
}

// Wrong codes are refused, counted, and after MaxAttempts the session is
// locked and an emergency raised, as for a missed check-out.
func TestWrongCodes(t *testing.T) {
	t.Parallel()
	f, sess := startedSession(t)
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	for i := 1; i < 5; i++ {
		_, err := f.svc.CheckOut(f.ctx, sess.ID, "000000")
		var ce *checkin.Error
		if !errors.As(err, &ce) || !errors.Is(err, checkin.ErrWrongCode) || ce.Remaining != 5-i {
			t.Fatalf("attempt %d: %v", i, err)
		}
		logger.Error("check-out refused", "err", err, "session", sess)
		if it, en := ce.Message(language.Italian), ce.Message(language.English); !strings.Contains(it, "Codice non valido") || !strings.Contains(en, "Wrong code") {
			t.Errorf("messages %q %q", it, en)
		}
	}
	_, err := f.svc.CheckOut(f.ctx, sess.ID, "000000")
	if !errors.Is(err, checkin.ErrTooManyAttempts) {
		t.Fatalf("fifth wrong code: %v", err)
	}
	s, _ := f.svc.Session(f.ctx, sess.ID)
	if s.Status != checkin.StatusMissed || s.Attempts != 5 {
		t.Errorf("session %+v", s)
	}
	if err := f.w.Tick(f.ctx, f.now); err != nil {
		t.Fatal(err)
	}
	if got := f.e.raiser.raised(); len(got) != 1 || got[0].cause != register.AlarmCheckoutMissed {
		t.Errorf("raised %v", got)
	}
	// The right code still closes it, late.
	if s, err := f.svc.CheckOut(f.ctx, sess.ID, knownCheckOut); err != nil || s.Status != checkin.StatusCheckedOut {
		t.Errorf("check-out after the lock: %+v %v", s, err)
	}
	assertNoSecret(t, "logs", logs.String())
	assertNoSecret(t, "error", err.Error())
}

// The rules every package applies to what a person types read as in the
// other packages: guideline's one wording, after the field's name.
func TestStartValidationWording(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	bad := start(f.now.Add(time.Hour))
	bad.Venue.Name = "  "
	bad.Venue.Address = "Via Tibaldi\n41"
	_, err := f.svc.Start(f.ctx, bad)
	var ve *guideline.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a *guideline.ValidationError", err)
	}
	want := map[string][3]string{
		"venue.name": {"notblank", "Luogo della visita: campo obbligatorio, non può contenere solo spazi",
			"Place of the visit: required field, must not be only spaces"},
		"venue.address": {"line", "Indirizzo della visita: deve stare su una riga, senza caratteri di controllo o non validi",
			"Address of the visit: must be one line, without control or invalid characters"},
	}
	for _, f := range ve.Fields {
		w, ok := want[f.Path]
		if !ok || f.Rule != w[0] {
			continue
		}
		delete(want, f.Path)
		if f.Italian != w[1] || f.English != w[2] {
			t.Errorf("%s (%s): %q / %q, want %q / %q", f.Path, f.Rule, f.Italian, f.English, w[1], w[2])
		}
	}
	for path, w := range want {
		t.Errorf("%s (%s) not reported: %v", path, w[0], err)
	}
}

func TestStartValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	bad := start(f.now.Add(-time.Minute))
	bad.Venue.Name = ""
	bad.Venue.Territory = "municipio-99"
	bad.Operator.Name = ""
	bad.Operator.Role = guideline.RolePatrol
	bad.Request = "incident/2026-000001"
	_, err := f.svc.Start(f.ctx, bad)
	var ve *guideline.ValidationError
	if !errors.Is(err, checkin.ErrInvalid) || !errors.As(err, &ve) {
		t.Fatalf("%v", err)
	}
	for _, f := range []struct{ path, rule string }{
		{"venue.name", "notblank"}, {"venue.territory", "territory"}, {"operator.name", "notblank"},
		{"operator.role", "operator_role"}, {"request", "startswith"}, {"expected_end", "future"},
	} {
		if !ve.Has(f.path, f.rule) {
			t.Errorf("%s %s not reported: %v", f.path, f.rule, ve.Fields)
		}
	}
	for _, f := range ve.Fields {
		if f.Italian == "" || f.English == "" || f.Italian == f.English {
			t.Errorf("%s: messages %q %q", f.Path, f.Italian, f.English)
		}
	}
	assertNoSecret(t, "validation error", err.Error())
	far := start(f.now.Add(13 * time.Hour))
	if _, err := f.svc.Start(f.ctx, far); !errors.As(err, &ve) || !ve.Has("expected_end", "future") {
		t.Errorf("a session of 13 hours: %v", err)
	}
	noCodes := start(f.now.Add(time.Hour))
	noCodes.Operator.ID = "op-99"
	if _, err := f.svc.Start(f.ctx, noCodes); !errors.Is(err, checkin.ErrNoCodes) {
		t.Errorf("operator without codes: %v", err)
	}
	if _, err := f.svc.CheckOut(f.ctx, "checkin/0000000000000000000f", knownCheckOut); !errors.Is(err, checkin.ErrUnknownSession) {
		t.Errorf("unknown session: %v", err)
	}
	if _, err := f.svc.CheckOut(f.ctx, "incident/2026-000001", knownCheckOut); !errors.Is(err, checkin.ErrUnknownSession) {
		t.Errorf("not a session ID: %v", err)
	}
}
