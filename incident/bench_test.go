package incident_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/internal/benchtest"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
)

// BenchmarkCallScript measures rendering the call script through the
// catalog (a printer per rendering, plural selection, the number read
// aloud, the HTML body) against fmt.Sprintf of the same Italian text,
// measured in the same run: the figure to read is x-baseline.
func BenchmarkCallScript(b *testing.B) {
	s := script()
	if _, err := s.Message(nil); err != nil {
		b.Fatal(err)
	}
	baseline := func() {
		_ = fmt.Sprintf("Chiami subito il Capo Turno della Centrale Operativa della Polizia Locale.\n\n"+
			"Numero: %s\nPer chiamare dal telefono: %s\nIl numero, cifra per cifra: %s\n\n"+
			"Quando Le rispondono, dica:\n«Parla %s, %s.\nL'indirizzo è %s (%s).\n%s\nSono presenti %d persone.\n%s\n"+
			"Chiedo l'intervento immediato di una pattuglia.»\n\n"+
			"Poi risponda alle domande e non riattacchi finché il Capo Turno non chiude la chiamata.\n",
			s.Number.Display(), s.Number.URI(), "zero due, sette sette, due sette, zero due, otto due",
			s.Caller, s.Service, s.Venue.Address, s.Venue.Name,
			"È in corso un'aggressione fisica al personale.", s.PeoplePresent, "C'è almeno una persona ferita.")
	}
	benchtest.VsBaseline(b, baseline, func() {
		if _, err := s.Message(nil); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkReport measures Report to every step-1 and step-2 notification
// handed to the notifier (the alert and the call script, queued in the
// outbox and delivered by a dispatcher draining the memory register),
// against a direct call of the same notifier with the same two messages,
// alternately in the same run. It reports the medians and the overhead
// (target: under 1 ms at the median).
//
//	go test -run='^$' -bench=Report -benchtime=2000x ./incident/
func BenchmarkReport(b *testing.B) {
	ctx := context.Background()
	l, err := register.Open(ctx, memregister.New(), &register.Options{Sealer: keyring(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	c := newFakeClock()
	c.t = time.Now()
	rost := shifts(b, c, giulia, luca)
	rec := &notifytest.Recorder{}
	d := incident.New(l, guideline.Milano2021(), rost, nil)
	disp := outbox.NewDispatcher(l, rec, nil)
	inc := threat()
	inc.ID = "incident/2026-000001"
	alert, err := incident.Alert{Key: "k/alert", To: []incident.Staff{luca}, Incident: inc, At: c.Now(), Number: guideline.MilanoOperationsCentrePhone}.Message(nil)
	if err != nil {
		b.Fatal(err)
	}
	script, err := incident.CallScript{Key: "k/call", To: []notify.Recipient{luca.Recipient()}, Caller: luca.Name, Service: incident.DefaultService,
		Venue: sede, Kinds: inc.Kinds, PeoplePresent: 3, Number: guideline.MilanoOperationsCentrePhone}.Message(nil)
	if err != nil {
		b.Fatal(err)
	}
	var viaDesk, direct []time.Duration
	for b.Loop() {
		t0 := time.Now()
		_ = rec.Notify(ctx, alert)
		_ = rec.Notify(ctx, script)
		t1 := time.Now()
		if _, err := d.Report(ctx, threat()); err != nil {
			b.Fatal(err)
		}
		st, err := disp.Drain(ctx)
		if err != nil || st.Delivered != 2 {
			b.Fatalf("drain: %+v, %v", st, err)
		}
		t2 := time.Now()
		direct = append(direct, t1.Sub(t0))
		viaDesk = append(viaDesk, t2.Sub(t1))
		rec.Reset()
	}
	slices.Sort(direct)
	slices.Sort(viaDesk)
	med := func(ds []time.Duration) float64 { return float64(ds[len(ds)/2].Nanoseconds()) }
	b.ReportMetric(med(viaDesk), "report-median-ns")
	b.ReportMetric(med(direct), "direct-median-ns")
	b.ReportMetric(med(viaDesk)-med(direct), "overhead-median-ns")
	b.ReportMetric(float64(viaDesk[len(viaDesk)*99/100].Nanoseconds()), "report-p99-ns")
}
