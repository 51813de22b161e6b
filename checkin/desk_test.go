package checkin_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sostegno/sostegno/checkin"
	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/sqliteregister"
)

// The staff of the wired tests: the operator who visits (with codes),
// a colleague on duty at the office, and the responsible official.
var (
	office      = guideline.Venue{Name: "Sede di via Ciriè", Address: "via Ciriè 9, Milano", Territory: "municipio-5"}
	otherOffice = guideline.Venue{Name: "Sede di via Padova", Address: "via Padova 118, Milano", Territory: "municipio-5"}
	homeVisit   = guideline.Venue{Name: "Visita domiciliare", Address: knownAddress, Territory: "municipio-5"}
	visitor     = incident.Staff{ID: operator.ID, Name: operator.Name, Email: "giulia.bianchi@example.org", Phone: operator.Phone}
	colleague   = incident.Staff{ID: "op-20", Name: "Luca Verdi", Email: "luca.verdi@example.org"}
	official    = incident.Staff{ID: "po-5", Name: "Paola Gialli", Role: guideline.RoleResponsibleOfficial, Email: "paola.gialli@example.org"}
)

// clock is a fake clock shared by every "process" of a wired test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// wired is one process over a durable register: the check-in Service and
// its Watcher raising through a real incident Desk, the Escalator, and an
// outbox dispatcher delivering into a recorder.
type wired struct {
	log  *register.Log
	desk *incident.Desk
	svc  *checkin.Service
	w    *checkin.Watcher
	esc  *incident.Escalator
	disp *outbox.Dispatcher
}

// world is what outlives a process: the register's backend, the key, the
// codes, the roster, the clock and the messages delivered.
type world struct {
	open   func(t testing.TB) register.Register
	key    []byte
	codes  *checkin.MemCodeStore
	roster *incident.MemRoster
	clock  *clock
	rec    *notifytest.Recorder
}

func sqliteWorld(t testing.TB) *world {
	t.Helper()
	path := filepath.Join(t.TempDir(), "registro.db")
	return newWorld(t, func(t testing.TB) register.Register {
		b, err := sqliteregister.Open(context.Background(), path, nil)
		if err != nil {
			t.Fatal(err)
		}
		return b
	})
}

func newWorld(t testing.TB, open func(testing.TB) register.Register) *world {
	t.Helper()
	ctx := context.Background()
	wd := &world{open: open, key: make([]byte, register.KeySize), codes: &checkin.MemCodeStore{},
		roster: &incident.MemRoster{}, clock: &clock{t: time.Date(2026, 11, 3, 15, 0, 0, 0, time.UTC)}, rec: &notifytest.Recorder{}}
	wd.key[0] = 7
	codes, err := checkin.NewCodes(knownCheckOut, knownDuress, cheap)
	if err != nil {
		t.Fatal(err)
	}
	if err := wd.codes.SetCodes(ctx, visitor.ID, codes); err != nil {
		t.Fatal(err)
	}
	from := wd.clock.Now().Add(-8 * time.Hour)
	for _, sh := range []incident.Shift{
		{Staff: visitor, Venue: office}, {Staff: colleague, Venue: office}, {Staff: official, Venue: otherOffice},
	} {
		sh.From, sh.Until = from, from.Add(24*time.Hour)
		if err := wd.roster.Add(sh); err != nil {
			t.Fatal(err)
		}
	}
	return wd
}

// process starts a process: everything in memory is new.
func (wd *world) process(t testing.TB) *wired {
	t.Helper()
	keys, err := register.NewKeyring("k1", wd.key)
	if err != nil {
		t.Fatal(err)
	}
	log, err := register.Open(context.Background(), wd.open(t), &register.Options{Sealer: keys, Now: wd.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = log.Close() })
	p := &wired{log: log}
	p.desk = incident.New(log, guideline.Milano2021(), wd.roster, &incident.Options{Now: wd.clock.Now})
	p.svc, err = checkin.NewService(log, guideline.Milano2021(), wd.codes, &checkin.Options{Now: wd.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	p.w = p.svc.Watcher(p.desk, nil)
	p.esc = incident.NewEscalator(p.desk, nil)
	p.disp = outbox.NewDispatcher(log, wd.rec, &outbox.Options{Now: wd.clock.Now, Jitter: -1})
	return p
}

// start starts, in process p, a session of the visitor at v expected to
// end an hour from the clock's time.
func (wd *world) start(t testing.TB, p *wired, v guideline.Venue) checkin.Session {
	t.Helper()
	sess, err := p.svc.Start(context.Background(), startAt(v, wd.clock.Now().Add(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

// tick runs the Watcher, the Escalator and the dispatcher at the clock's
// time, as their Run loops would.
func (p *wired) tick(t testing.TB, now time.Time) {
	t.Helper()
	ctx := context.Background()
	if err := p.w.Tick(ctx, now); err != nil {
		t.Fatal(err)
	}
	if _, err := p.esc.Tick(ctx, now); err != nil {
		t.Fatal(err)
	}
	if _, err := p.disp.Drain(ctx); err != nil {
		t.Fatal(err)
	}
}

// reports returns the streams of the incidents reported in the register.
func reports(t testing.TB, log *register.Log) []register.Entry {
	t.Helper()
	var out []register.Entry
	for e, err := range log.Scan(context.Background(), register.Filter{Kinds: []string{register.KindIncidentReported}}) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// reaches reports whether m is addressed to s.
func reaches(m notify.Message, s incident.Staff) bool {
	return slices.ContainsFunc(m.To, func(r notify.Recipient) bool {
		return r.Email == s.Email || (s.Phone != "" && r.Phone == string(s.Phone)) || r.Name == s.Name
	})
}

func keysTo(rec *notifytest.Recorder, s incident.Staff) []string {
	var out []string
	for _, m := range rec.Messages() {
		if reaches(m, s) {
			out = append(out, m.Key)
		}
	}
	return out
}

func startAt(v guideline.Venue, end time.Time) checkin.Start {
	return checkin.Start{Operator: visitor, Venue: v, ExpectedEnd: end}
}

// A missed check-out, wired to the real incident Desk on SQLite, raises
// the incident at the grace period's end, with its cause, and runs the
// normal steps: the alert and the call script to the colleague on duty
// at the venue. A restart before and after changes nothing: one incident.
func TestWiredMissedCheckOut(t *testing.T) {
	t.Parallel()
	wd := sqliteWorld(t)
	ctx := context.Background()
	p := wd.process(t)
	sess := wd.start(t, p, office)

	// The process dies before the session is due.
	p = wd.process(t)
	before := sess.DueAt.Add(-time.Second)
	wd.clock.Set(before)
	p.tick(t, before)
	if n := len(reports(t, p.log)); n != 0 {
		t.Fatalf("%d incidents before the grace period's end", n)
	}
	wd.clock.Set(sess.DueAt)
	p.tick(t, sess.DueAt)
	rs := reports(t, p.log)
	if len(rs) != 1 {
		t.Fatalf("%d incidents at the grace period's end, want 1", len(rs))
	}
	if !rs[0].Time.Equal(sess.DueAt) {
		t.Errorf("raised at %v, want %v", rs[0].Time, sess.DueAt)
	}
	id := incident.ID(rs[0].Stream)
	st, err := p.desk.State(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if st.AlarmCause != register.AlarmCheckoutMissed || st.ReportedBy != register.SystemActor(checkin.ActorID) || st.Reporter != visitor.ID {
		t.Errorf("report: cause %q, by %v, reporter %q", st.AlarmCause, st.ReportedBy, st.Reporter)
	}
	if !slices.Equal(st.Alerted, []string{colleague.ID}) || st.Caller != colleague.ID {
		t.Errorf("alerted %v, caller %q; want the colleague on duty", st.Alerted, st.Caller)
	}
	got := keysTo(wd.rec, colleague)
	slices.Sort(got)
	if want := []string{string(id) + "/alert", string(id) + "/call"}; !slices.Equal(got, want) {
		t.Errorf("messages to the colleague %v, want %v", got, want)
	}
	if s, _ := p.svc.Session(ctx, sess.ID); s.Incident != id || s.Status != checkin.StatusMissed {
		t.Errorf("session: incident %q, status %s", s.Incident, s.Status)
	}
	tl, err := p.desk.Timeline(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if codes := codesOf(incident.Check(guideline.Milano2021(), tl)); !slices.Contains(codes, incident.FindingCheckoutMissed) {
		t.Errorf("findings %v lack %s", codes, incident.FindingCheckoutMissed)
	}

	// Another restart, later: still one incident, and the escalation
	// timers of step 1 resume from the register.
	p = wd.process(t)
	later := sess.DueAt.Add(90 * time.Second)
	wd.clock.Set(later)
	p.tick(t, later)
	if n := len(reports(t, p.log)); n != 1 {
		t.Errorf("%d incidents after a restart, want 1", n)
	}
	if esc, _ := p.desk.Escalations(ctx, id); len(esc) == 0 {
		t.Error("step 1 was not escalated after its timeout")
	}
}

// A duress check-out, wired to the real Desk, answers as a check-out does
// (nothing in the response says so), raises the incident with its cause,
// alerts the colleague, and never sends anything to the operator: not the
// call script, not the direct call of the escalation ladder, not an
// alert. A restart between the check-out and the Watcher changes nothing.
func TestWiredDuress(t *testing.T) {
	t.Parallel()
	for _, v := range []guideline.Venue{office, homeVisit} {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			wd := sqliteWorld(t)
			ctx := context.Background()
			p := wd.process(t)
			normal, duress := wd.start(t, p, v), wd.start(t, p, v)
			gotN, errN := p.svc.CheckOut(ctx, normal.ID, knownCheckOut)
			gotD, errD := p.svc.CheckOut(ctx, duress.ID, knownDuress)
			if errN != nil || errD != nil {
				t.Fatalf("errors %v, %v", errN, errD)
			}
			if gotD.Status != gotN.Status || gotD.Incident != "" || gotD.Status != checkin.StatusCheckedOut {
				t.Errorf("the duress response shows something: %+v vs %+v", gotD, gotN)
			}

			// The process dies before its Watcher ticks.
			p = wd.process(t)
			now := wd.clock.Now()
			p.tick(t, now)
			rs := reports(t, p.log)
			if len(rs) != 1 {
				t.Fatalf("%d incidents, want 1", len(rs))
			}
			id := incident.ID(rs[0].Stream)
			st, err := p.desk.State(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if st.AlarmCause != register.AlarmDuress || !st.Silent() {
				t.Errorf("cause %q", st.AlarmCause)
			}
			// The session says nothing, even after the alarm.
			if s, _ := p.svc.Session(ctx, duress.ID); s.Incident != "" || s.Status != checkin.StatusCheckedOut {
				t.Errorf("the session shows the alarm: %+v", s)
			}
			// Every rung of the ladder, twice over, and a restart.
			for i := 1; i <= 8; i++ {
				if i == 4 {
					p = wd.process(t)
				}
				now = now.Add(time.Minute)
				wd.clock.Set(now)
				p.tick(t, now)
			}
			if n := len(reports(t, p.log)); n != 1 {
				t.Errorf("%d incidents, want 1", n)
			}
			if got := keysTo(wd.rec, visitor); len(got) != 0 {
				t.Errorf("messages to the operator under duress: %v", got)
			}
			esc, _ := p.desk.Escalations(ctx, id)
			if len(esc) == 0 {
				t.Fatal("the silent alarm was not escalated")
			}
			toOfficial := keysTo(wd.rec, official)
			if v == office {
				if got := keysTo(wd.rec, colleague); !slices.Contains(got, string(id)+"/alert") || !slices.Contains(got, string(id)+"/call") {
					t.Errorf("messages to the colleague %v", got)
				}
			}
			if !slices.ContainsFunc(toOfficial, func(k string) bool { return strings.HasSuffix(k, "/official") }) ||
				!slices.ContainsFunc(toOfficial, func(k string) bool { return strings.HasSuffix(k, "/direct-call") }) {
				t.Errorf("messages to the official %v: want the alert and the direct call", toOfficial)
			}
			for _, m := range wd.rec.Messages() {
				if m.Kind == incident.KindOfficialAlert && (strings.Contains(m.Text, "Contatti ") || !strings.Contains(m.Text, "allarme silenzioso")) {
					t.Errorf("the official's alert %s asks to contact the operator", m.Key)
				}
				if m.Kind == incident.KindAlert && !strings.Contains(m.Text, "allarme silenzioso") {
					t.Errorf("the alert %s does not say it is silent", m.Key)
				}
				if strings.Contains(m.Text, knownDuress) || strings.Contains(m.Text, knownCheckOut) {
					t.Errorf("message %s holds a code", m.Key)
				}
			}
			tl, err := p.desk.Timeline(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if codes := codesOf(incident.Check(guideline.Milano2021(), tl)); !slices.Contains(codes, incident.FindingDuress) {
				t.Errorf("findings %v lack %s", codes, incident.FindingDuress)
			}
		})
	}
}

func codesOf(fs []guideline.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Code
	}
	return out
}
