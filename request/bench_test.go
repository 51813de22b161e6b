package request_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-playground/validator/v10"

	"github.com/sostegno/sostegno/internal/benchtest"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/sqliteregister"
	"github.com/sostegno/sostegno/request"
)

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
	benchtest.VsBaseline(b,
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
	benchtest.VsBaseline(b,
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

// BenchmarkSubmitSQLite measures Desk.Submit on the SQLite register
// (validation, rendering the two e-mails and the invitation, sealing,
// pseudonym, one append of the submission and the two queued messages)
// against one durable Log.Append of the submission's entry alone, with the
// same Data and personal data, alternately on the same register; it
// reports the ratio submit/append (target <= 1.2).
//
//	go test -run='^$' -bench=SubmitSQLite -benchtime=2s ./request/
func BenchmarkSubmitSQLite(b *testing.B) {
	backend, err := sqliteregister.Open(b.Context(), filepath.Join(b.TempDir(), "registro.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	f := newFixture(b, backend, milano(b))
	ctx := context.Background()
	p := valid()
	personal, err := request.MarshalPersonal(p)
	if err != nil {
		b.Fatal(err)
	}
	var appendTime, submitTime time.Duration
	n := 0
	for b.Loop() {
		n++
		id, err := request.NewID(2026, n)
		if err != nil {
			b.Fatal(err)
		}
		p.ID = id
		t0 := time.Now()
		r, err := f.desk.Submit(ctx, p, officialActor)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := f.log.Append(ctx, fmt.Sprintf("plain/%d", n), 0, register.Event{
			Kind: register.KindRequestSubmitted, Territory: "municipio-5", Actor: officialActor,
			Guideline: f.g.Version(), Data: r.Entry.Data, Personal: personal, Pseudonym: r.Entry.Pseudonym,
		}); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		submitTime += t1.Sub(t0)
		appendTime += t2.Sub(t1)
	}
	perAppend := float64(appendTime.Nanoseconds()) / float64(n)
	perSubmit := float64(submitTime.Nanoseconds()) / float64(n)
	b.ReportMetric(perAppend, "append-ns")
	b.ReportMetric(perSubmit, "submit-ns")
	b.ReportMetric(perSubmit/perAppend, "submit/append")
}
