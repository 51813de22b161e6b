package register_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"log"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
)

func Example() {
	ctx := context.Background()

	// Keys live outside the database; here they are made on the spot.
	key := make([]byte, register.KeySize)
	if _, err := rand.Read(key); err != nil {
		log.Fatal(err)
	}
	keyring, err := register.NewKeyring("2026-01", key)
	if err != nil {
		log.Fatal(err)
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, "registro.example.it")
	if err != nil {
		log.Fatal(err)
	}
	signer, _ := note.NewSigner(skey)
	verifier, _ := note.NewVerifier(vkey)

	l, err := register.Open(ctx, memregister.New(), &register.Options{Sealer: keyring, Signer: signer})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()

	// A preventive request is submitted: version 0 means a new stream.
	official := register.Actor{Role: guideline.RoleResponsibleOfficial, ID: "po-municipio-3"}
	entries, err := l.Append(ctx, "request/2026-0001", 0, register.Event{
		Kind:      register.KindRequestSubmitted,
		Territory: "municipio-3",
		Actor:     official,
		Guideline: "milano-2021-03-02",
		Data:      []byte(`{"appointment_at":"2026-03-10T10:00:00+01:00"}`),
		Personal:  []byte(`{"name":"…","codice_fiscale":"…"}`), // sealed before storage
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(entries[0])

	// A second writer that still thinks the stream is new loses.
	_, err = l.Append(ctx, "request/2026-0001", 0, register.Event{Kind: register.KindRequestCancelled, Actor: official})
	fmt.Println(err)

	// Sign a checkpoint, store it elsewhere, verify against it later.
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		log.Fatal(err)
	}
	stored, err := register.ParseCheckpoint(cp.Note, verifier)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("checkpoint size:", stored.Size)
	fmt.Println("verify:", l.Verify(ctx, stored))
	// Output:
	// entry 1 request/2026-0001 v1 request.submitted
	// memregister: stream at version 1, expected 0: register: stream version mismatch
	// checkpoint size: 1
	// verify: <nil>
}

func ExampleLog_Unseal() {
	ctx := context.Background()
	key := make([]byte, register.KeySize)
	if _, err := rand.Read(key); err != nil {
		log.Fatal(err)
	}
	keyring, _ := register.NewKeyring("2026-01", key)
	l, err := register.Open(ctx, memregister.New(), &register.Options{Sealer: keyring})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	official := register.Actor{Role: guideline.RoleResponsibleOfficial, ID: "po-municipio-3"}
	entries, err := l.Append(ctx, "request/2026-0001", 0, register.Event{
		Kind: register.KindRequestSubmitted, Actor: official, Personal: []byte("dati anagrafici"),
	})
	if err != nil {
		log.Fatal(err)
	}

	// Reading personal data needs who and why, and is itself recorded.
	command := register.Actor{Role: guideline.RolePoliceCommand, ID: "gabinetto"}
	data, err := l.Unseal(ctx, register.Access{Actor: command, Purpose: "valutazione della richiesta"}, entries[0])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(data))
	for e, err := range l.Stream(ctx, register.AccessStream) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(e.Kind, e.Actor, string(e.Data))
	}

	// At the end of the retention period the key is erased.
	if err := keyring.Erase("2026-01"); err != nil {
		log.Fatal(err)
	}
	_, err = l.Unseal(ctx, register.Access{Actor: command, Purpose: "verifica"}, entries[0])
	fmt.Println(err)
	fmt.Println("verify:", l.Verify(ctx))
	// Output:
	// dati anagrafici
	// register.access police_command:gabinetto {"entry_seq":1,"entry_stream":"request/2026-0001","entry_version":1,"purpose":"valutazione della richiesta"}
	// register: key erased, personal data no longer readable: entry 1
	// verify: <nil>
}

func ExampleLog_Summary() {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l, err := register.Open(ctx, memregister.New(), &register.Options{Now: func() time.Time { return now }})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	operator := register.Actor{Role: guideline.RoleOperator, ID: "op-1"}
	add := func(stream string, version uint64, kind, data string, after time.Duration) {
		now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).Add(after)
		ev := register.Event{Kind: kind, Territory: "municipio-3", Actor: operator}
		if data != "" {
			ev.Data = []byte(data)
		}
		if _, err := l.Append(ctx, stream, version, ev); err != nil {
			log.Fatal(err)
		}
	}
	add("request/1", 0, register.KindRequestSubmitted, `{"appointment_at":"2026-03-05T09:00:00Z"}`, 0)
	add("request/1", 1, register.KindRequestAccepted, "", time.Hour)
	add("incident/1", 0, register.KindIncidentReported, `{"incident_kind":"verbal_aggression"}`, 0)
	add("incident/1", 1, register.KindIncidentColleaguesAlerted, "", 90*time.Second)
	add("incident/1", 2, register.KindIncidentOperationsCentreCalled, "", 4*time.Minute)

	s, err := l.Summary(ctx, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		log.Fatal(err)
	}
	r := s.Requests[0]
	fmt.Println(r.Territory, r.Month.Format("01/2006"), "presentate:", r.Submitted, "accolte:", r.Accepted, "anticipo:", r.LeadTime.Median)
	fmt.Println(s.Incidents[0].Kind, s.Incidents[0].Count)
	fmt.Println(s.Steps[1].Step, s.Steps[1].Median)

	// The CSV starts with a byte order mark and ends lines with CRLF, as
	// spreadsheets expect; here they are removed for printing.
	var buf bytes.Buffer
	if err := s.WriteCSV(&buf); err != nil {
		log.Fatal(err)
	}
	lines := strings.Split(strings.TrimPrefix(buf.String(), "\ufeff"), "\r\n")
	for _, line := range lines[:3] {
		fmt.Println(line)
	}
	// Output:
	// municipio-3 03/2026 presentate: 1 accolte: 1 anticipo: 72h0m0s
	// verbal_aggression 1
	// incident.operations_centre_called 4m0s
	// Sezione;Territorio;Mese;Voce;Numero;Mediana (minuti);90° percentile (minuti)
	// Periodo;;;dal 01/03/2026 al 01/04/2026 (escluso);;;
	// Richieste;municipio-3;03/2026;richieste presentate;1;;
}

func ExampleLog_Monitor() {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l, err := register.Open(ctx, memregister.New(), &register.Options{Now: func() time.Time { return now }})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	official := register.Actor{Role: guideline.RoleResponsibleOfficial, ID: "po-3"}
	submit := func(stream, territory string) {
		ev := register.Event{Kind: register.KindRequestSubmitted, Territory: territory, Actor: official}
		if _, err := l.Append(ctx, stream, 0, ev); err != nil {
			log.Fatal(err)
		}
	}
	march := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	m := l.Monitor() // keeps what summaries need; each call reads only new entries
	submit("request/1", "municipio-3")
	s, err := m.Summary(ctx, march, march.AddDate(0, 1, 0))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(s.Requests), s.Requests[0].Submitted)
	submit("request/2", "municipio-3")
	submit("request/3", "municipio-8")
	if s, err = m.Summary(ctx, march, march.AddDate(0, 1, 0)); err != nil {
		log.Fatal(err)
	}
	for _, r := range s.Requests {
		fmt.Println(r.Territory, r.Submitted)
	}
	// Output:
	// 1 1
	// municipio-3 2
	// municipio-8 1
}
