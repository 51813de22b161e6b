package register_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"testing"
	"time"

	"github.com/sostegno/sostegno/register"
)

// indexOnlyBackend honours Filter.IndexOnly, as sqliteregister does, and
// can fail a scan after a number of records.
type indexOnlyBackend struct {
	register.Register
	failAfter int // fail the scan after this many records, if positive
	failWith  error
	filters   chan register.Filter
}

var errScan = errors.New("register_test: simulated scan failure")

func (b *indexOnlyBackend) Scan(ctx context.Context, f register.Filter) iter.Seq2[register.Record, error] {
	if b.filters != nil {
		b.filters <- f
	}
	return func(yield func(register.Record, error) bool) {
		n := 0
		for rec, err := range b.Register.Scan(ctx, f) {
			if err == nil && f.IndexOnly && !slices.Contains(f.BodyKinds, rec.Kind) {
				rec.Hash, rec.Body = nil, nil
			}
			if n++; err == nil && b.failAfter > 0 && n > b.failAfter {
				err = b.failWith
			}
			if !yield(rec, err) || err != nil {
				return
			}
		}
	}
}

// fillForSummary appends requests and incidents, enough of them that the
// summary's reads span many chunks.
func fillForSummary(t *testing.T, l *register.Log, c *clock) {
	t.Helper()
	kinds := []string{"threat", "damage", "verbal_aggression"}
	for i := range 300 {
		c.Set(epoch.Add(time.Duration(i) * time.Hour))
		req := fmt.Sprintf("request/%d", i)
		sub := event(register.KindRequestSubmitted, fmt.Sprintf(`{"appointment_at":%q}`, epoch.Add(time.Duration(i+72)*time.Hour).Format(time.RFC3339)))
		sub.Territory = fmt.Sprintf("municipio-%d", i%9+1)
		done := event(register.KindRequestCompleted, `{"outcome":"presence_provided"}`)
		mustAppend(t, l, req, 0, sub, event(register.KindRequestAccepted, ""), done)
		inc := fmt.Sprintf("incident/%d", i)
		rep := event(register.KindIncidentReported, fmt.Sprintf(`{"incident_kind":%q}`, kinds[i%3]))
		rep.Territory = sub.Territory
		mustAppend(t, l, inc, 0, rep,
			event(register.KindIncidentColleaguesAlerted, ""),
			event(register.KindIncidentOperationsCentreCalled, ""),
			event(register.KindIncidentDispatched, ""))
	}
}

func TestSummaryReadsOnlyTheBodiesItNeeds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mem := newMem()
	c := newClock(epoch, time.Minute)
	whole := openLog(t, mem, &register.Options{Now: c.Now})
	fillForSummary(t, whole, c)
	from, to := epoch, epoch.AddDate(0, 2, 0)
	want, err := whole.Summary(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if want.LeadTime.Count != 300 || len(want.Incidents) != 9 {
		t.Fatalf("the fixture is not what the test expects: %+v", want)
	}

	b := &indexOnlyBackend{Register: mem, filters: make(chan register.Filter, 1)}
	lean, err := register.Open(ctx, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := lean.Summary(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	f := <-b.filters
	if !f.IndexOnly {
		t.Error("Summary does not ask for the index columns only")
	}
	for _, k := range []string{register.KindRequestSubmitted, register.KindRequestCompleted, register.KindIncidentReported} {
		if !slices.Contains(f.BodyKinds, k) {
			t.Errorf("Summary does not ask for the body of %s, whose Data it reads", k)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("summary without the bodies it does not need differs:\n got %+v\nwant %+v", got, want)
	}
}

func TestSummaryReportsScanFailures(t *testing.T) {
	t.Parallel()
	mem := newMem()
	c := newClock(epoch, time.Minute)
	fillForSummary(t, openLog(t, mem, &register.Options{Now: c.Now}), c)

	for _, after := range []int{1, 700, 2000} {
		b := &indexOnlyBackend{Register: mem, failAfter: after, failWith: errScan}
		l, err := register.Open(context.Background(), b, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Summary(context.Background(), epoch, epoch.AddDate(1, 0, 0)); !errors.Is(err, errScan) {
			t.Errorf("scan failing after %d records: Summary returned %v", after, err)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	l, err := register.Open(context.Background(), mem, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Summary(ctx, epoch, epoch.AddDate(1, 0, 0)); !errors.Is(err, context.Canceled) {
		t.Errorf("Summary with a cancelled context returned %v", err)
	}
}
