package notify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sostegno/sostegno/notify"
)

// vsBaseline runs baseline and f b.N times each, in this order, times f as
// the benchmark, and reports f's time as a multiple of baseline's
// ("x-baseline") and baseline's ns/op ("baseline-ns/op").
func vsBaseline(b *testing.B, baseline, f func()) {
	b.Helper()
	b.ReportAllocs()
	start := time.Now()
	for range b.N {
		baseline()
	}
	base := time.Since(start)
	b.ResetTimer()
	for range b.N {
		f()
	}
	b.StopTimer()
	b.ReportMetric(float64(base.Nanoseconds())/float64(b.N), "baseline-ns/op")
	if base > 0 {
		b.ReportMetric(float64(b.Elapsed())/float64(base), "x-baseline")
	}
}

// BenchmarkFanOut measures the cost of FanOut over 5 no-op notifiers
// against calling them one after the other.
func BenchmarkFanOut(b *testing.B) {
	ctx := context.Background()
	noop := notify.NotifierFunc(func(context.Context, notify.Message) error { return nil })
	ns := []notify.Notifier{noop, noop, noop, noop, noop}
	fan := notify.FanOut(ns...)
	m := notify.Message{Key: "k"}
	vsBaseline(b,
		func() {
			for _, n := range ns {
				_ = n.Notify(ctx, m)
			}
		},
		func() { _ = fan.Notify(ctx, m) })
}

// BenchmarkCallScript measures rendering the call script through the
// catalog (a printer per rendering, plural selection, the number read
// aloud, the HTML body) against fmt.Sprintf of the same Italian text.
func BenchmarkCallScript(b *testing.B) {
	s := script()
	if _, err := s.Message(nil); err != nil {
		b.Fatal(err)
	}
	vsBaseline(b,
		func() {
			_ = fmt.Sprintf("Chiami subito il Capo Turno della Centrale Operativa della Polizia Locale.\n\n"+
				"Numero: %s\nPer chiamare dal telefono: %s\nIl numero, cifra per cifra: %s\n\n"+
				"Quando Le rispondono, dica:\n«Parla %s, %s.\nL'indirizzo è %s (%s).\n%s\nSono presenti %d persone.\n%s\n"+
				"Chiedo l'intervento immediato di una pattuglia.»\n\n"+
				"Poi risponda alle domande e non riattacchi finché il Capo Turno non chiude la chiamata.\n",
				s.Number.Display(), s.Number.URI(), "zero due, sette sette, due sette, zero due, otto due",
				s.Caller, s.Service, s.Venue.Address, s.Venue.Name,
				"È in corso un'aggressione fisica al personale.", s.PeoplePresent, "C'è almeno una persona ferita.")
		},
		func() {
			if _, err := s.Message(nil); err != nil {
				b.Fatal(err)
			}
		})
}
