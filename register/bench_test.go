package register_test

import (
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/sostegno/sostegno/register"
)

var benchEntries = flag.Int("register.entries", 200_000, "entries in the register for BenchmarkVerify and BenchmarkSummary")

// benchLog fills an in-memory register with n entries shaped like the real
// ones: requests and incidents going through their lifecycles, about a
// third with sealed personal data.
func benchLog(b *testing.B, n int) (*register.Log, register.Register) {
	b.Helper()
	ctx := context.Background()
	mem := newMem()
	c := newClock(epoch, time.Minute)
	l := openLog(b, mem, &register.Options{Now: c.Now})
	requestKinds := []string{register.KindRequestSubmitted, register.KindRequestAccepted, register.KindRequestCompleted}
	incidentKinds := []string{register.KindIncidentReported, register.KindIncidentColleaguesAlerted,
		register.KindIncidentOperationsCentreCalled, register.KindIncidentDispatched, register.KindIncidentClosed}
	personal := []byte(`{"name":"Nome Cognome","codice_fiscale":"XXXXXX00X00X000X","birth":"1980-01-01"}`)
	const batch = 1000
	events := make([]register.Event, 0, batch)
	expected := map[string]uint64{}
	for done := 0; done < n; {
		clear(expected)
		events = events[:0]
		for i := 0; i < batch && done < n; {
			stream := fmt.Sprintf("request/%d", done)
			kinds := requestKinds
			if done%3 == 0 {
				stream, kinds = fmt.Sprintf("incident/%d", done), incidentKinds
			}
			expected[stream] = 0
			for _, k := range kinds {
				if i == batch || done == n {
					break
				}
				e := event(k, `{"appointment_at":"2026-04-01T10:00:00Z","incident_kind":"threat","outcome":"presence_provided","note":"dati non personali di esempio"}`)
				e.Stream = stream
				e.Territory = fmt.Sprintf("municipio-%d", done%9+1)
				if k == register.KindRequestSubmitted || k == register.KindIncidentReported {
					e.Personal = personal
				}
				events = append(events, e)
				i++
				done++
			}
		}
		if _, err := l.AppendBatch(ctx, expected, events...); err != nil {
			b.Fatal(err)
		}
	}
	return l, mem
}

// BenchmarkVerify compares Verify with its irreducible work, a bare scan of
// the backend that hashes every body, over the same register.
func BenchmarkVerify(b *testing.B) {
	ctx := context.Background()
	l, mem := benchLog(b, *benchEntries)
	var base, verify time.Duration
	for b.Loop() {
		start := time.Now()
		n := 0
		for rec, err := range mem.Scan(ctx, register.Filter{}) {
			if err != nil {
				b.Fatal(err)
			}
			sum := sha256.Sum256(rec.Body)
			n += int(sum[0])
		}
		base += time.Since(start)
		start = time.Now()
		if err := l.Verify(ctx); err != nil {
			b.Fatal(err)
		}
		verify += time.Since(start)
	}
	b.ReportMetric(float64(verify)/float64(base), "verify/scan+hash")
	b.ReportMetric(float64(verify.Nanoseconds())/float64(b.N)/float64(*benchEntries), "ns/entry")
}

// BenchmarkSummary compares Summary with a bare scan of the kinds it reads.
func BenchmarkSummary(b *testing.B) {
	ctx := context.Background()
	l, mem := benchLog(b, *benchEntries)
	kinds := []string{
		register.KindRequestSubmitted, register.KindRequestAccepted, register.KindRequestDeclined,
		register.KindRequestCompleted, register.KindRequestCancelled, register.KindIncidentReported,
		register.KindIncidentColleaguesAlerted, register.KindIncidentOperationsCentreCalled,
		register.KindIncidentDispatched, register.KindIncidentPatrolReportFiled,
		register.KindIncidentCommandEvaluated, register.KindIncidentSharedWithDirectorate, register.KindIncidentClosed,
	}
	var base, sum time.Duration
	for b.Loop() {
		start := time.Now()
		n := 0
		for rec, err := range mem.Scan(ctx, register.Filter{Kinds: kinds}) {
			if err != nil {
				b.Fatal(err)
			}
			n += len(rec.Body)
		}
		base += time.Since(start)
		start = time.Now()
		s, err := l.Summary(ctx, epoch, epoch.AddDate(10, 0, 0))
		if err != nil {
			b.Fatal(err)
		}
		sum += time.Since(start)
		if len(s.Requests) == 0 {
			b.Fatal("empty summary")
		}
	}
	b.ReportMetric(float64(sum)/float64(base), "summary/scan")
	b.ReportMetric(sum.Seconds()/float64(b.N), "s/summary")
}

// BenchmarkAppend compares Log.Append of one ~500-byte entry with personal
// data with a raw backend Append of an equivalent prebuilt record.
func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	l := openLog(b, newMem(), nil)
	raw := newMem()
	e := event(register.KindRequestSubmitted, `{"appointment_at":"2026-04-01T10:00:00Z","note":"dati non personali di esempio per arrivare a circa cinquecento byte di voce codificata, come una richiesta vera"}`)
	e.Personal = make([]byte, 200)
	body := make([]byte, 500)
	var logT, rawT time.Duration
	var head register.Head
	i := uint64(0)
	for b.Loop() {
		i++
		stream := fmt.Sprintf("s%d", i)
		start := time.Now()
		if _, err := l.Append(ctx, stream, 0, e); err != nil {
			b.Fatal(err)
		}
		logT += time.Since(start)
		start = time.Now()
		hash := sha256.Sum256(body)
		rec := register.Record{Seq: i, Stream: stream, Version: 1, Kind: e.Kind, Territory: e.Territory, Time: epoch, Hash: hash[:], Body: body}
		if err := raw.Append(ctx, register.Batch{Head: head, Versions: map[string]uint64{stream: 0}, Records: []register.Record{rec}}); err != nil {
			b.Fatal(err)
		}
		rawT += time.Since(start)
		head = register.Head{Seq: i, Hash: hash[:]}
	}
	b.ReportMetric(float64(logT)/float64(rawT), "log/raw")
}
