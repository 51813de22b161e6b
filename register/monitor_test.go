package register_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/sostegno/sostegno/register"
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
				data = fmt.Sprintf(`{"outcome":%q}`, []string{"presence_provided", "not_needed"}[r.IntN(2)])
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
			[2]time.Time{epoch, day}, [2]time.Time{day, day.Add(time.Hour)})
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
	got, err := m.Summary(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after a failed catch-up the summary differs:\n got %+v\nwant %+v", got, want)
	}
}
