package lifecycle_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/internal/lifecycle"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/pgregister/pgtest"
	"github.com/sostegno/sostegno/register/sqliteregister"
)

// The transition benchmarks measure one transition that queues two
// messages (one append of three entries) against one plain durable append
// of the transition's entry alone, alternately, on the same register, and
// report the ratio transition/append (target <= 1.2: one commit, not
// three).
//
//	go test -run='^$' -bench=Transition -benchtime=2s ./internal/lifecycle/
//
// BenchmarkTransitionPostgres needs SOSTEGNO_POSTGRES_URL.

func BenchmarkTransitionSQLite(b *testing.B) {
	backend, err := sqliteregister.Open(b.Context(), filepath.Join(b.TempDir(), "registro.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	benchTransition(b, backend)
}

func BenchmarkTransitionPostgres(b *testing.B) {
	backend, _ := pgtest.Open(b)
	benchTransition(b, backend)
}

var (
	benchData     = []byte(`{"appointment_at":"2026-03-09T10:30:00+01:00","appointment_kind":"scheduled_interview","venue":"sede-via-esempio"}`)
	benchPersonal = []byte(`{"nome":"Nome Cognome","codice_fiscale":"XXXXXX00X00X000X","data_di_nascita":"1985-12-10","indirizzo":"Via Esempio 1, 20100 Milano","fatti":"Sommaria descrizione dei fatti, qualche riga."}`)
)

func benchTransition(b *testing.B, backend register.Register) {
	ctx := context.Background()
	k, _ := register.NewKeyring("k1", make([]byte, register.KeySize))
	l, err := register.Open(ctx, backend, &register.Options{Sealer: k})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = l.Close() })
	tb := toyTable(b)
	var appendTime, transitionTime time.Duration
	n := 0
	for b.Loop() {
		t0 := time.Now()
		if _, err := l.Append(ctx, fmt.Sprintf("plain/%d", n), 0, register.Event{
			Kind: register.KindRequestSubmitted, Territory: "municipio-5", Actor: official,
			Guideline: "milano-2021-03-02", Data: benchData, Personal: benchPersonal,
		}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		stream := fmt.Sprintf("request/%d", n)
		if _, err := tb.ApplyAt(ctx, l, stream, lifecycle.Snapshot[state]{State: draft}, lifecycle.Change[action]{
			Action: submit, Actor: official, Territory: "municipio-5", Guideline: "milano-2021-03-02",
			Data: benchData, Personal: benchPersonal,
			Messages: []notify.Message{benchMessage(stream+"/command", guideline.RolePoliceCommand), benchMessage(stream+"/director", guideline.RoleAreaDirector)},
		}); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		appendTime += t1.Sub(t0)
		transitionTime += t2.Sub(t1)
		n++
	}
	perAppend := float64(appendTime.Nanoseconds()) / float64(n)
	perTransition := float64(transitionTime.Nanoseconds()) / float64(n)
	b.ReportMetric(perAppend, "append-ns")
	b.ReportMetric(perTransition, "transition-ns")
	b.ReportMetric(perTransition/perAppend, "transition/append")
}

// benchMessageBytes is the size of each benchmark e-mail's text: 1,500
// bytes, or SOSTEGNO_BENCH_MESSAGE_BYTES, to measure how the ratio depends
// on the size of the messages.
func benchMessageBytes() int {
	if n, err := strconv.Atoi(os.Getenv("SOSTEGNO_BENCH_MESSAGE_BYTES")); err == nil && n > 0 {
		return n
	}
	return 1500
}

// benchMessage is an e-mail of about 2 KB (see benchMessageBytes) with an
// invitation attached.
func benchMessage(key string, role guideline.Role) notify.Message {
	text := make([]byte, benchMessageBytes())
	for i := range text {
		text[i] = 'a' + byte(i%26)
	}
	return notify.Message{
		Key: key, Kind: register.KindRequestSubmitted,
		To:      []notify.Recipient{{Role: role, Name: "Ufficio", Email: "ufficio@example.org"}},
		Subject: "Richiesta di presenza cautelativa", Text: string(text), Personal: true,
		Attachments: []notify.Attachment{{Name: "invito.ics", ContentType: "text/calendar", Data: []byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")}},
	}
}
