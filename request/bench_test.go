package request_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/go-playground/validator/v10"

	"github.com/sostegno/sostegno/request"
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

// twelve is the baseline's struct: 12 fields with ordinary tags.
type twelve struct {
	A string    `validate:"required,max=100"`
	B string    `validate:"required,max=100"`
	C string    `validate:"required,max=100"`
	D string    `validate:"required,max=100"`
	E string    `validate:"required,email"`
	F string    `validate:"oneof=M F"`
	G int       `validate:"gte=0,lte=100"`
	H int       `validate:"gte=0,lte=100"`
	I time.Time `validate:"required"`
	J string    `validate:"required,len=16"`
	K string    `validate:"required,max=300"`
	L string    `validate:"required,min=50,max=4000"`
}

// BenchmarkValidate measures the full validation of a request (struct
// rules, the codice fiscale parsed and checked against the personal data,
// territory, lead time over the holiday calendar) against validator/v10
// alone on a 12-field struct.
func BenchmarkValidate(b *testing.B) {
	g := milano(b)
	p := valid()
	if err := p.Validate(g, sentAt); err != nil {
		b.Fatal(err)
	}
	v := validator.New(validator.WithRequiredStructEnabled())
	s := twelve{"a", "b", "c", "d", "x@example.com", "M", 1, 2, sentAt, knownCode, "k", string(p.Facts)}
	if err := v.Struct(s); err != nil {
		b.Fatal(err)
	}
	vsBaseline(b,
		func() { _ = v.Struct(s) },
		func() { _ = p.Validate(g, sentAt) })
}

// BenchmarkRender measures rendering the two e-mails and the invitation
// through the catalog against fmt.Sprintf of a body of the same size.
func BenchmarkRender(b *testing.B) {
	g := milano(b)
	p := valid()
	s := request.Submission{Number: 1, SentAt: sentAt}
	if _, err := p.Notifications(g, s, nil); err != nil {
		b.Fatal(err)
	}
	d := p.ServiceUser.PersonalData
	vsBaseline(b,
		func() {
			for range 2 {
				_ = fmt.Sprintf("Richiesta di presenza cautelativa – %s – %s del %s (rif. %s)\n"+
					"Cognome: %s\nNome: %s\nData di nascita: %s\nCodice fiscale: %s\nResidenza: %s\n"+
					"Data e ora: %s\nSede: %s\nIndirizzo: %s\nFatti: %s\nRichiedente: %s <%s>\n",
					"Municipio 5", "colloquio programmato", p.Appointment.Start.Format("02/01/2006"), p.ID.Reference(),
					d.FamilyName, d.GivenName, d.BirthDate.Format("2 January 2006"), string(d.CodiceFiscale), d.Residence,
					p.Appointment.Start.Format("Monday 2 January 2006, 15:04"), p.Appointment.Venue.Name,
					p.Appointment.Venue.Address, string(p.Facts), p.RequestedBy.Name, p.RequestedBy.Email)
			}
		},
		func() { _, _ = p.Notifications(g, s, nil) })
}

// BenchmarkParseCodiceFiscale measures parsing a code.
func BenchmarkParseCodiceFiscale(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		_, _ = request.ParseCodiceFiscale(knownCode)
	}
}
