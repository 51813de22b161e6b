package register_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/sostegno/sostegno/register"
	"golang.org/x/text/language"
)

// randomHistory appends n streams of requests and incidents in random
// shapes: resubmissions, outcomes, steps out of order or repeated, entries
// with no territory, at random times over a few months.
func randomHistory(t *testing.T, l *register.Log, c *clock, r *rand.Rand, prefix string, n int) {
	t.Helper()
	reqKinds := []string{register.KindRequestSubmitted, "request.info_requested", register.KindRequestAccepted,
		register.KindRequestDeclined, register.KindRequestCompleted, register.KindRequestCancelled}
	incKinds := []string{register.KindIncidentReported, register.KindIncidentColleaguesAlerted,
		register.KindIncidentOperationsCentreCalled, register.KindIncidentDispatched,
		register.KindIncidentPatrolReportFiled, register.KindIncidentCommandEvaluated, register.KindIncidentClosed}
	for i := range n {
		stream, kinds := fmt.Sprintf("request/%s%d", prefix, i), reqKinds
		if r.IntN(2) == 0 {
			stream, kinds = fmt.Sprintf("incident/%s%d", prefix, i), incKinds
		}
		territory := []string{"", "municipio-1", "municipio-5"}[r.IntN(3)]
		start := epoch.Add(time.Duration(r.IntN(90*24)) * time.Hour)
		for v := range uint64(1 + r.IntN(6)) {
			kind := kinds[0]
			if v > 0 {
				kind = kinds[r.IntN(len(kinds))]
			}
			data := ""
			switch kind {
			case register.KindRequestSubmitted:
				data = fmt.Sprintf(`{"appointment_at":%q}`, start.Add(time.Duration(r.IntN(200))*time.Hour).Format(time.RFC3339))
			case register.KindRequestCompleted:
				data = fmt.Sprintf(`{"outcome":%q}`, []string{"presence_provided", "service_user_absent"}[r.IntN(2)])
			case register.KindIncidentReported:
				data = fmt.Sprintf(`{"incident_kind":%q}`, []string{"threat", "damage"}[r.IntN(2)])
			}
			c.Set(start.Add(time.Duration(v) * time.Duration(1+r.IntN(600)) * time.Second))
			e := event(kind, data)
			e.Territory = territory
			mustAppend(t, l, stream, v, e)
		}
	}
}

// A Monitor gives the summaries Log.Summary gives, for any period, as
// entries keep being appended between calls.
func TestMonitorAgreesWithSummary(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	c := newClock(epoch, 0)
	l := openLog(t, newMem(), &register.Options{Now: c.Now})
	m := l.Monitor()
	periods := func() [][2]time.Time {
		var out [][2]time.Time
		day := epoch.Add(24 * time.Hour) // entries are written at this instant, see below
		out = append(out, [2]time.Time{}, [2]time.Time{epoch, time.Time{}}, [2]time.Time{time.Time{}, epoch.AddDate(0, 1, 0)},
			[2]time.Time{epoch, day}, [2]time.Time{day, day.Add(time.Hour)},
			// Bounds beyond what int64 microseconds can hold.
			[2]time.Time{time.Date(-300000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(300000, 1, 1, 0, 0, 0, 1, time.UTC)},
			[2]time.Time{time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{}})
		for range 6 {
			a := epoch.Add(time.Duration(r.IntN(100*24*3600)) * time.Second).Add(time.Duration(r.IntN(1000)) * time.Nanosecond)
			out = append(out, [2]time.Time{a, a.Add(time.Duration(r.IntN(40*24)) * time.Hour)})
			// Whole hours, when the first entries of streams are written:
			// entries fall exactly on the bounds.
			h := epoch.Add(time.Duration(r.IntN(90*24)) * time.Hour)
			out = append(out, [2]time.Time{h, h.Add(time.Duration(1+r.IntN(30*24)) * time.Hour)})
		}
		return out
	}
	// Entries exactly on the bounds of two periods.
	c.Set(epoch.Add(24 * time.Hour))
	mustAppend(t, l, "request/bound", 0, event(register.KindRequestSubmitted, ""))
	mustAppend(t, l, "incident/bound", 0, event(register.KindIncidentReported, `{"incident_kind":"threat"}`))
	for round := range 4 {
		randomHistory(t, l, c, r, fmt.Sprint(round, "-"), 60)
		for _, p := range periods() {
			want, err := l.Summary(ctx, p[0], p[1])
			if err != nil {
				t.Fatal(err)
			}
			got, err := m.Summary(ctx, p[0], p[1])
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, period %v–%v: Monitor.Summary differs from Log.Summary:\n got %+v\nwant %+v", round, p[0], p[1], got, want)
			}
		}
	}
}

func TestMonitorKeepsWhatItReadWhenAScanFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mem := newMem()
	c := newClock(epoch, time.Minute)
	full := openLog(t, mem, &register.Options{Now: c.Now})
	fillForSummary(t, full, c)
	want, err := full.Summary(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}

	b := &indexOnlyBackend{Register: mem, failAfter: 1000, failWith: errScan}
	l, err := register.Open(ctx, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := l.Monitor()
	if _, err := m.Summary(ctx, time.Time{}, time.Time{}); !errors.Is(err, errScan) {
		t.Fatalf("first call, scan failing after 1000 records: %v", err)
	}
	b.failAfter = 0
	b.filters = make(chan register.Filter, 1)
	got, err := m.Summary(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if f := <-b.filters; f.AfterSeq == 0 {
		t.Error("after a failed catch-up the Monitor read the register again from the start")
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after a failed catch-up the summary differs:\n got %+v\nwant %+v", got, want)
	}
}

// Entries whose Data cannot be read (written by an older version or
// another tool: the Log refuses them) never make a summary fail. One whose
// Data the summary does not use (a request submitted again, an incident
// reported again) is not even listed; one whose Data it uses is listed in
// Unreadable, with its field, and still counted, for Log.Summary and the
// Monitor alike.
func TestSummaryListsUnreadable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClock(epoch, time.Minute)
	mem := newMem()
	l := openLog(t, mem, &register.Options{Now: c.Now})
	m := l.Monitor()
	mustAppend(t, l, "request/1", 0, event(register.KindRequestSubmitted, `{"appointment_at":"2026-03-10T10:00:00Z"}`))
	appendForeign(t, mem, c.Now(), foreign("request/1", register.KindRequestSubmitted, `{"appointment_at":"domani"}`))
	mustAppend(t, l, "incident/1", 0, event(register.KindIncidentReported, `{"incident_kind":"threat"}`))
	appendForeign(t, mem, c.Now(), foreign("incident/1", register.KindIncidentReported, `{"incident_kind":7}`))
	march, april := epoch.AddDate(0, 0, -1), epoch.AddDate(0, 1, -1)
	summaries := map[string]func(from, to time.Time) (*register.Summary, error){
		"Log.Summary": func(from, to time.Time) (*register.Summary, error) { return l.Summary(ctx, from, to) },
		"Monitor":     func(from, to time.Time) (*register.Summary, error) { return m.Summary(ctx, from, to) },
	}
	for name, summary := range summaries {
		s, err := summary(march, april)
		if err != nil {
			t.Fatalf("%s, unread Data that is not valid: %v", name, err)
		}
		if s.LeadTime.Count != 1 || len(s.Incidents) != 1 || s.Incidents[0].Kind != "threat" || len(s.Unreadable) != 0 {
			t.Errorf("%s: %+v", name, s)
		}
	}
	c.Set(april.AddDate(0, 0, 3))
	bad := appendForeign(t, mem, c.Now(),
		foreign("request/2", register.KindRequestSubmitted, `{"appointment_at":"domani"}`),
		foreign("request/1", register.KindRequestCompleted, `{"outcome":["x"]}`),
		foreign("incident/2", register.KindIncidentReported, `[1]`))
	want := []register.UnreadableEntry{
		{Seq: bad[0].Seq, Kind: register.KindRequestSubmitted, Field: register.DataAppointment},
		{Seq: bad[1].Seq, Kind: register.KindRequestCompleted, Field: register.DataOutcome},
		{Seq: bad[2].Seq, Kind: register.KindIncidentReported},
	}
	for name, summary := range summaries {
		s, err := summary(march, april)
		if err != nil || len(s.Unreadable) != 0 {
			t.Errorf("%s, March, with unreadable entries in April: %v, unreadable %v", name, err, s.Unreadable)
		}
		s, err = summary(april, april.AddDate(0, 1, 0))
		if err != nil {
			t.Fatalf("%s, April, whose entries it reads are unreadable: %v", name, err)
		}
		if !reflect.DeepEqual(s.Unreadable, want) {
			t.Errorf("%s, April: Unreadable = %+v, want %+v", name, s.Unreadable, want)
		}
		if len(s.Requests) != 1 || s.Requests[0].Submitted != 1 || s.Requests[0].LeadTime.Count != 0 ||
			len(s.Incidents) != 1 || s.Incidents[0].Count != 1 {
			t.Errorf("%s, April: unreadable entries not counted without their value: %+v", name, s)
		}
		if got := s.Unreadable[0].Message(language.Italian); got != "Voce 5 (request.submitted): il campo appointment_at non è leggibile." {
			t.Errorf("%s: Italian message %q", name, got)
		}
		if got := s.Unreadable[2].Message(language.English); got != "Entry 7 (incident.reported): field Data cannot be read." {
			t.Errorf("%s: English message %q", name, got)
		}
	}
}

// Lead times are those of the Data to the nanosecond, and saturate, as
// time.Time.Sub does, for appointments centuries away.
func TestSummaryLeadTimesExact(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		appointment string
		want        time.Duration
	}{
		{"2026-03-02T10:00:00.000000001Z", time.Hour + time.Nanosecond},
		{"1970-01-01T00:00:00Z", time.Unix(0, 0).Sub(epoch)},
		{"9999-12-31T00:00:00Z", math.MaxInt64},
		{"0001-01-01T00:00:00Z", math.MinInt64},
	} {
		s := leadSummaries(t, tt.appointment)
		for name, s := range s {
			if s.LeadTime.Count != 1 || s.LeadTime.Median != tt.want {
				t.Errorf("%s, appointment %s: lead %+v, want %v", name, tt.appointment, s.LeadTime, tt.want)
			}
		}
	}
	// The median of the two extremes, rounded down, without overflowing.
	for name, s := range leadSummaries(t, "9999-12-31T00:00:00Z", "0001-01-01T00:00:00Z") {
		if s.LeadTime.Median != -1 || s.LeadTime.P90 != math.MaxInt64 {
			t.Errorf("%s: lead %+v, want median -1ns and P90 the largest duration", name, s.LeadTime)
		}
	}
}

// leadSummaries appends, at epoch, one submission per appointment and
// returns the Log's and a Monitor's summaries of them.
func leadSummaries(t *testing.T, appointments ...string) map[string]*register.Summary {
	t.Helper()
	ctx := context.Background()
	l := openLog(t, newMem(), &register.Options{Now: newClock(epoch, 0).Now})
	for i, a := range appointments {
		mustAppend(t, l, fmt.Sprint("request/", i), 0, event(register.KindRequestSubmitted, fmt.Sprintf(`{"appointment_at":%q}`, a)))
	}
	out := make(map[string]*register.Summary)
	var err error
	if out["Log.Summary"], err = l.Summary(ctx, epoch, epoch.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if out["Monitor"], err = l.Monitor().Summary(ctx, epoch, epoch.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	return out
}
