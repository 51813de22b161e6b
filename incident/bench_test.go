package incident_test

import (
	"fmt"
	"testing"
	"time"
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
	b.ReportAllocs()
	start := time.Now()
	for range b.N {
		baseline()
	}
	base := time.Since(start)
	b.ResetTimer()
	for range b.N {
		if _, err := s.Message(nil); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(base.Nanoseconds())/float64(b.N), "baseline-ns/op")
	if base > 0 {
		b.ReportMetric(float64(b.Elapsed())/float64(base), "x-baseline")
	}
}
