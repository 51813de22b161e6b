// Command customregister shows how to write a storage backend for the
// register: [FileRegister], a [register.Register] over a JSON-lines file,
// which passes the conformance suite registertest.Run.
//
// # The contract
//
// A backend stores opaque records that [register.Log] has already sealed,
// encoded and hashed: it never computes a hash and never sees personal
// data in clear. It must:
//
//   - store a batch atomically, all of its records or none, durable when
//     Append returns nil (here: one write of whole lines, then fsync);
//   - refuse a batch whose expected stream versions are not the stored
//     ones ([register.ErrVersionConflict], checked first) or whose head is
//     not the register's ([register.ErrHeadMoved]), and a malformed batch
//     ([register.CheckBatch]), storing nothing;
//   - when it cannot tell whether a write happened, return
//     [register.ErrBroken] and refuse later appends until reopened;
//   - scan in sequence order, streaming, yielding records the caller owns
//     (never slices of its own buffers) and holding no lock while it
//     yields;
//   - honour ctx, fail with [register.ErrClosed] after Close, and be safe
//     for concurrent use.
//
// # What to copy
//
// fileregister.go, lock_unix.go and lock_other.go are the backend.
// conformance_test.go runs the suite, with a Tamperer that edits the file
// behind the register's back so the suite can check that Log.Verify
// notices. crash_test.go checks recovery from a torn write. main.go wires
// the backend into a register.Log.
//
// # Limits
//
// One process at a time may open a file, and each Scan reads the file
// from the start: for several instances sharing a register use pgregister,
// and for one process sqliteregister, which indexes.
//
// Usage:
//
//	go run ./examples/customregister                        # in a temporary directory
//	go run ./examples/customregister -file registro.jsonl   # a second run continues it
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the program: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("customregister", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("file", "", "file JSON-lines del registro (predefinito: un file in una cartella temporanea, rimossa all'uscita)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, "customregister: argomenti non previsti:", fs.Args())
		return 2
	}
	if *path == "" {
		dir, err := os.MkdirTemp("", "customregister-")
		if err != nil {
			fmt.Fprintln(stderr, "customregister:", err)
			return 1
		}
		defer os.RemoveAll(dir)
		*path = filepath.Join(dir, "registro.jsonl")
		fmt.Fprintf(stdout, "Registro in una cartella temporanea, rimossa all'uscita (-file per conservarlo): %s\n", *path)
	}
	if err := demo(ctx, stdout, *path); err != nil {
		fmt.Fprintln(stderr, "customregister:", err)
		return 1
	}
	return 0
}

// demo opens a Log over the file, appends a preventive request and an
// emergency, verifies the chain and prints the summary.
func demo(ctx context.Context, out io.Writer, path string) error {
	backend, err := OpenFileRegister(ctx, path)
	if err != nil {
		return err
	}
	if n := backend.Dropped(); n > 0 {
		fmt.Fprintf(out, "Scartati %d byte di una scrittura interrotta alla fine del file\n", n)
	}
	// A real deployment keeps its keys outside the register and uses the
	// same ones at every start; this demo makes new ones each time, so it
	// could not open the personal data of earlier runs (verification
	// still passes: the chain covers the sealed bytes).
	key := make([]byte, register.KeySize)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	keyring, err := register.NewKeyring("demo", key)
	if err != nil {
		return err
	}
	l, err := register.Open(ctx, backend, &register.Options{Sealer: keyring})
	if err != nil {
		_ = backend.Close()
		return err
	}
	defer l.Close()

	head, err := backend.Head(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Voci già presenti: %d\n", head.Seq)
	if err := appendDemo(ctx, l, head.Seq+1); err != nil {
		return err
	}

	if err := l.Verify(ctx); err != nil {
		return err
	}
	head, err = backend.Head(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Verifica della catena: superata, %d voci\n", head.Seq)

	s, err := l.Summary(ctx, time.Time{}, time.Now().Add(time.Minute))
	if err != nil {
		return err
	}
	printSummary(out, s)
	return nil
}

// appendDemo appends a preventive request from submission to completion
// and an emergency from report to closure, in streams named after n.
func appendDemo(ctx context.Context, l *register.Log, n uint64) error {
	const (
		territory = "municipio-5"
		version   = "milano-2021-03-02"
	)
	official := register.Actor{Role: guideline.RoleResponsibleOfficial, ID: "po-municipio-5"}
	command := register.Actor{Role: guideline.RolePoliceCommand, ID: "gabinetto"}
	operator := register.Actor{Role: guideline.RoleOperator, ID: "operatore-17"}
	centre := register.Actor{Role: guideline.RoleOperationsCentre, ID: "capo-turno"}
	appointment := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)

	request := fmt.Sprintf("request/demo-%d", n)
	steps := []register.Event{
		{Kind: register.KindRequestSubmitted, Actor: official,
			Data: []byte(`{"` + register.DataAppointment + `":"` + appointment + `"}`),
			// Fictitious personal data, sealed before it reaches the file.
			Personal: []byte(`{"nome":"Persona di Esempio","codice_fiscale":"XXXXXX00X00X000X"}`)},
		{Kind: register.KindRequestAccepted, Actor: command},
		{Kind: register.KindRequestCompleted, Actor: official, Data: []byte(`{"` + register.DataOutcome + `":"presence_provided"}`)},
	}
	for i, ev := range steps {
		ev.Territory, ev.Guideline = territory, version
		if _, err := l.Append(ctx, request, uint64(i), ev); err != nil {
			return err
		}
	}

	// The emergency's first steps are appended in one batch: all or none.
	incident := fmt.Sprintf("incident/demo-%d", n)
	events := []register.Event{
		{Kind: register.KindIncidentReported, Actor: operator, Data: []byte(`{"` + register.DataIncidentKind + `":"threat"}`)},
		{Kind: register.KindIncidentColleaguesAlerted, Actor: operator},
		{Kind: register.KindIncidentOperationsCentreCalled, Actor: operator},
		{Kind: register.KindIncidentDispatched, Actor: centre},
	}
	for i := range events {
		events[i].Territory, events[i].Guideline = territory, version
	}
	if _, err := l.Append(ctx, incident, 0, events...); err != nil {
		return err
	}
	_, err := l.Append(ctx, incident, uint64(len(events)), register.Event{
		Kind: register.KindIncidentClosed, Actor: command, Territory: territory, Guideline: version,
	})
	return err
}

// printSummary prints the counts of the summary.
func printSummary(out io.Writer, s *register.Summary) {
	fmt.Fprintln(out, "Riepilogo:")
	for _, r := range s.Requests {
		fmt.Fprintf(out, "  richieste, %s, %s: inviate %d, accolte %d, concluse %d\n",
			r.Territory, r.Month.In(s.Location).Format("01/2006"), r.Submitted, r.Accepted, r.Completed)
	}
	for _, o := range s.Outcomes {
		fmt.Fprintf(out, "  esito %s: %d\n", o.Outcome, o.Count)
	}
	for _, r := range s.Incidents {
		fmt.Fprintf(out, "  eventi violenti, %s, %s: %d\n", r.Territory, r.Kind, r.Count)
	}
	for _, st := range s.Steps {
		if st.Count > 0 {
			fmt.Fprintf(out, "  dalla segnalazione a %s: conteggio %d, mediana %v\n", st.Step, st.Count, st.Median.Round(time.Millisecond))
		}
	}
}
