// Command postgres shows two instances of an application sharing one
// register in PostgreSQL and acting on the same emergency at the same
// moment: whatever they race for, one wins, the other is told, and nothing
// is recorded twice.
//
// Usage:
//
//	go run ./examples/postgres -postgres 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
//	SOSTEGNO_POSTGRES_URL='postgres://…' go run ./examples/postgres
//	go run ./examples/postgres -postgres URL -schema altro_schema
//
// The register's tables live in the schema given by -schema
// ("sostegno_esempio" by default, created on first use), never in a real
// deployment's "sostegno" unless asked.
//
// # What it does
//
// The program reports a threat at a municipal office, with two colleagues on
// duty there, and then starts two instances of itself (two processes,
// each with its own connection pool, pgregister.Register, register.Log and
// incident.Desk on the same schema, as two servers behind a load balancer
// would have). When both say they are ready it releases them at once:
//
//  1. both colleagues confirm step 1 (they are coming) at the same moment,
//     each through a different instance. The first confirmation is the
//     transition; the other is recorded as a late confirmation, naming who
//     came first, and changes nothing.
//  2. the colleague who came phones the Operations Centre (step 2);
//  3. two shift supervisors of the Operations Centre, each at a different
//     instance, dispatch at the same moment. One dispatch is recorded; the
//     other is refused with an *incident.TransitionError, which the instance
//     prints in Italian.
//
// Then it prints the incident's timeline, counts the steps (each recorded
// once) and verifies the register's hash chain with register.Log.Verify.
//
// PostgreSQL serialises the appends (pgregister takes an advisory lock per
// append and checks the stream's version); register.Log retries an append
// whose head moved, and incident.Desk reads the incident again when its
// version moved, so the loser of a race sees the winner's step. Which
// instance wins changes from run to run; that exactly one does, does not.
//
// # Keys
//
// Personal data (the aggressor, the comments) is sealed with a key that every
// instance must hold. This demo makes a new key at every run and hands it to
// its instances in a file readable only by its user, removed at the end; a
// real deployment keeps its keys in its secret store and gives every instance
// the same ones at every start. Verification does not need the keys: the hash
// chain covers the sealed bytes.
//
// # Tests
//
// go test ./examples/postgres runs the program against the server in
// SOSTEGNO_POSTGRES_URL, in a schema of its own dropped at the end; it skips
// without the variable, except under CI=true, where it fails.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/pgregister"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes of run.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// urlEnv names the variable read when -postgres is not given.
const urlEnv = "SOSTEGNO_POSTGRES_URL"

// defaultSchema keeps the demo's register apart from a real one.
const defaultSchema = "sostegno_esempio"

// timeout bounds the whole demo, so that an instance that hangs does not
// hang it.
const timeout = 2 * time.Minute

// The lines of the protocol between the program and its instances, on
// their standard input and output.
const (
	lineReady    = "pronto"
	lineConfirm  = "conferma"
	lineDispatch = "invio"
	lineDone     = "fatto"
)

// run runs the demo, or one of its instances when args start with
// -instance, and returns the exit code. getenv reads the environment and
// stdin is the instance's channel from the program.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("postgres", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	url := fs.String("postgres", "", "URL del server PostgreSQL (predefinito: la variabile "+urlEnv+")")
	schema := fs.String("schema", defaultSchema, "schema PostgreSQL del registro dell'esempio")
	instance := fs.String("instance", "", "uso interno: il nome dell'istanza da eseguire")
	id := fs.String("incident", "", "uso interno: l'evento su cui agisce l'istanza")
	keyFile := fs.String("key-file", "", "uso interno: il file della chiave di cifratura")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Uso: postgres [-postgres URL] [-schema NOME]")
		fmt.Fprintln(w, "Due istanze che condividono un registro PostgreSQL confermano e dispongono insieme lo stesso evento.")
		fmt.Fprintln(w)
		fmt.Fprintf(w, "  -postgres URL\n    \tURL del server PostgreSQL (predefinito: la variabile %s)\n", urlEnv)
		fmt.Fprintf(w, "  -schema NOME\n    \tschema PostgreSQL del registro dell'esempio (predefinito %q)\n", defaultSchema)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
			return exitOK
		}
		fmt.Fprintln(stderr, "errore:", err)
		usage(stderr)
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "errore: argomenti non previsti: %s\n", strings.Join(fs.Args(), " "))
		usage(stderr)
		return exitUsage
	}
	if *url == "" {
		*url = getenv(urlEnv)
	}
	if *url == "" {
		fmt.Fprintf(stderr, "errore: manca il server PostgreSQL. Lo indichi con -postgres o con la variabile %s, per esempio:\n", urlEnv)
		fmt.Fprintln(stderr, "  go run ./examples/postgres -postgres 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'")
		return exitUsage
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var err error
	if *instance != "" {
		err = runInstance(ctx, *instance, *url, *schema, *keyFile, incident.ID(*id), stdin, stdout)
	} else {
		err = demo(ctx, *url, *schema, stdout, stderr)
	}
	if err != nil {
		fmt.Fprintln(stderr, "errore:", err)
		return exitError
	}
	return exitOK
}

// The people and the place of the demo: staff of the municipality, not
// service users.
var (
	venue = guideline.Venue{
		Name:      "Servizio Sociale Professionale Territoriale – Municipio 8",
		Address:   "Via dell'Esempio 1, Milano",
		Territory: "municipio-8",
	}
	reporter = incident.Staff{ID: "AS-0412", Name: "Giulia Bianchi", Email: "giulia.bianchi@example.org"}
	// The responsible official works at the territory's headquarters, so
	// the alarm goes to the two colleagues at the venue.
	official = incident.Staff{ID: "PO-M8-001", Name: "Paola Rossi", Role: guideline.RoleResponsibleOfficial, Email: "paola.rossi@example.org"}
	head     = guideline.Venue{Name: "Direzione del Servizio Sociale – Municipio 8", Address: "Via dell'Esempio 3, Milano", Territory: "municipio-8"}
)

// roles are what each instance does: the colleague who confirms step 1
// there, and the shift supervisor who dispatches there and whom.
var roles = map[string]struct {
	colleague incident.Staff
	comment   string
	centre    register.Actor
	target    incident.DispatchTarget
}{
	"A": {incident.Staff{ID: "AS-0419", Name: "Luca Verdi", Email: "luca.verdi@example.org"}, "Arrivo, sono al piano di sopra.",
		register.Actor{Role: guideline.RoleOperationsCentre, ID: "CO-CT-1"}, incident.DispatchPatrol},
	"B": {incident.Staff{ID: "AS-0423", Name: "Sara Neri", Email: "sara.neri@example.org"}, "Arrivo dalla sala colloqui.",
		register.Actor{Role: guideline.RoleOperationsCentre, ID: "CO-CT-2"}, incident.DispatchBoth},
}

// instances are the names of the instances, in the order they are printed.
var instances = []string{"A", "B"}

// name returns the name of the colleague who acts as a, or a's ID.
func name(a register.Actor) string {
	for _, r := range roles {
		if actor(r.colleague) == a {
			return r.colleague.Name
		}
	}
	return a.ID
}

// actor returns the register actor of a member of staff.
func actor(s incident.Staff) register.Actor {
	return register.Actor{Role: s.GuidelineRole(), ID: s.ID}
}

// roster returns who is on duty at the venue around now.
func roster(now time.Time) (*incident.MemRoster, error) {
	var r incident.MemRoster
	from, until := now.Add(-time.Hour), now.Add(8*time.Hour)
	shifts := []incident.Shift{
		{Staff: reporter, Venue: venue, From: from, Until: until},
		{Staff: official, Venue: head, From: from, Until: until},
	}
	for _, name := range instances {
		shifts = append(shifts, incident.Shift{Staff: roles[name].colleague, Venue: venue, From: from, Until: until})
	}
	return &r, r.Add(shifts...)
}

// open opens the register in schema and a Desk on it, sealing with key.
func open(ctx context.Context, url, schema string, key []byte) (*register.Log, *incident.Desk, error) {
	keyring, err := register.NewKeyring("demo", key)
	if err != nil {
		return nil, nil, err
	}
	backend, err := pgregister.Connect(ctx, url, &pgregister.Options{Schema: schema})
	if err != nil {
		return nil, nil, err
	}
	log, err := register.Open(ctx, backend, &register.Options{Sealer: keyring})
	if err != nil {
		_ = backend.Close()
		return nil, nil, err
	}
	r, err := roster(time.Now())
	if err != nil {
		_ = log.Close()
		return nil, nil, err
	}
	return log, incident.New(log, guideline.Milano2021(), r, nil), nil
}

// demo reports the incident, runs the two instances through the two races,
// and prints the timeline and the verification.
func demo(ctx context.Context, url, schema string, stdout, stderr io.Writer) error {
	key := make([]byte, register.KeySize)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "sostegno-postgres-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	keyFile := filepath.Join(dir, "chiave")
	if err := os.WriteFile(keyFile, []byte(hex.EncodeToString(key)), 0o600); err != nil {
		return err
	}

	log, desk, err := open(ctx, url, schema, key)
	if err != nil {
		return err
	}
	defer log.Close()
	fmt.Fprintf(stdout, "Registro PostgreSQL nello schema %q.\n", schema)

	rc, err := desk.Report(ctx, incident.Incident{
		Kinds:         incident.NewKinds(incident.Threat),
		Venue:         venue,
		Reporter:      reporter,
		Aggressor:     incident.Aggressor{Description: incident.NewPrivate("Persona di Esempio, utente del servizio")},
		PeoplePresent: 3,
	})
	if err != nil {
		return err
	}
	var alerted []string
	for _, s := range rc.Alerted {
		alerted = append(alerted, s.Name)
	}
	fmt.Fprintf(stdout, "%s segnala una minaccia: evento %s; l'allarme va ai colleghi in servizio: %s.\n\n",
		reporter.Name, rc.ID, strings.Join(alerted, ", "))

	exe, err := os.Executable()
	if err != nil {
		return err
	}
	var children []*child
	childErr := &syncWriter{w: stderr} // both instances write to it at once
	defer func() {
		for _, c := range children {
			c.stop()
		}
	}()
	for _, name := range instances {
		c, err := start(ctx, exe, name, url, schema, keyFile, rc.ID, childErr)
		if err != nil {
			return err
		}
		children = append(children, c)
		if _, err := c.await(lineReady); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout, "Due istanze pronte, ciascuna con il proprio collegamento al registro.")

	fmt.Fprintln(stdout, "\n1. I due colleghi confermano l'allarme nello stesso momento, ciascuno da un'istanza:")
	if err := race(children, lineConfirm, stdout); err != nil {
		return err
	}

	st, err := desk.State(ctx, rc.ID)
	if err != nil {
		return err
	}
	first, ok := st.Confirmed(incident.StepAlertColleagues)
	if !ok {
		return errors.New("postgres: step 1 is not confirmed")
	}
	rec, err := desk.Confirm(ctx, rc.ID, incident.StepCallOperationsCentre, first.By, "")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n2. %s (%s), la cui conferma è stata registrata, chiama il Capo Turno della Centrale Operativa: registrato (voce n. %d).\n",
		name(first.By), first.By, rec.Seq)

	fmt.Fprintln(stdout, "\n3. Due Capi Turno dispongono l'intervento nello stesso momento, ciascuno da un'istanza:")
	if err := race(children, lineDispatch, stdout); err != nil {
		return err
	}
	for _, c := range children {
		if err := c.wait(); err != nil {
			return err
		}
	}
	children = nil

	return summary(ctx, log, desk, rc.ID, stdout)
}

// race releases every instance at once with line, and prints what each
// saw, in the order of the instances.
func race(children []*child, line string, stdout io.Writer) error {
	for _, c := range children {
		if err := c.send(line); err != nil {
			return err
		}
	}
	for _, c := range children {
		lines, err := c.await(lineDone)
		if err != nil {
			return err
		}
		for _, l := range lines {
			fmt.Fprintf(stdout, "   [istanza %s] %s\n", c.name, l)
		}
	}
	return nil
}

// summary prints the incident's timeline, how many times each step was
// recorded, and the verification of the register.
func summary(ctx context.Context, log *register.Log, desk *incident.Desk, id incident.ID, stdout io.Writer) error {
	tl, err := desk.Timeline(ctx, id)
	if err != nil {
		return err
	}
	loc := desk.Guideline().Location()
	fmt.Fprintf(stdout, "\nCronologia dell'evento %s (%d voci):\n", id, len(tl.Entries))
	counts := map[string]int{}
	for _, e := range tl.Entries {
		counts[e.Kind]++
		var what string
		if strings.HasPrefix(e.Kind, "message.") {
			if _, err := e.Field(register.DataMessageKind, &what); err != nil {
				return err
			}
		}
		line := fmt.Sprintf("   %s  %-36s %-27s %s", e.Time.In(loc).Format("15:04:05.000"), e.Kind, e.Actor, what)
		fmt.Fprintln(stdout, strings.TrimRight(line, " "))
	}
	fmt.Fprintf(stdout, "\nColleghi allertati (passo 1): %d; conferme tardive: %d; interventi disposti (passo 3): %d.\n",
		counts[register.KindIncidentColleaguesAlerted], counts[incident.KindConfirmationLate], counts[register.KindIncidentDispatched])
	st, err := desk.State(ctx, id)
	if err != nil {
		return err
	}
	p := incident.Catalog().Printer(language.Italian)
	fmt.Fprintf(stdout, "Stato dell'evento: %s (%s).\n", st.State.Name(p), st.DispatchTarget.Name(p))

	if err := log.Verify(ctx); err != nil {
		return err
	}
	head, err := log.Backend().Head(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Verifica della catena del registro: superata, %d voci.\n", head.Seq)
	return nil
}

// runInstance is one instance: it opens its own connection to the
// register, says it is ready, and at each line of the program confirms
// step 1 or dispatches, printing what it saw.
func runInstance(ctx context.Context, name, url, schema, keyFile string, id incident.ID, stdin io.Reader, stdout io.Writer) error {
	role, ok := roles[name]
	if !ok {
		return fmt.Errorf("postgres: no instance %q", name)
	}
	if _, err := incident.ParseID(string(id)); err != nil {
		return err
	}
	b, err := os.ReadFile(keyFile)
	if err != nil {
		return err
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return fmt.Errorf("postgres: key file: %w", err)
	}
	log, desk, err := open(ctx, url, schema, key)
	if err != nil {
		return err
	}
	defer log.Close()
	p := incident.Catalog().Printer(language.Italian)

	in := bufio.NewScanner(stdin)
	fmt.Fprintln(stdout, lineReady)
	for in.Scan() {
		switch in.Text() {
		case lineConfirm:
			rec, err := desk.Confirm(ctx, id, incident.StepAlertColleagues, actor(role.colleague), role.comment)
			fmt.Fprintf(stdout, "%s (%s) conferma il passo «%s»: %s\n", role.colleague.Name, actor(role.colleague), p.Sprintf(incident.StepAlertColleagues.NameKey()), outcome(p, rec, err))
		case lineDispatch:
			rec, err := desk.Dispatch(ctx, id, role.centre, role.target, "")
			fmt.Fprintf(stdout, "il Capo Turno %s dispone l'intervento (%s): %s\n", role.centre, role.target.Name(p), outcome(p, rec, err))
		default:
			return fmt.Errorf("postgres: unexpected line from the program")
		}
		fmt.Fprintln(stdout, lineDone)
	}
	return in.Err()
}

// outcome says, in Italian, what became of a step: recorded, recorded as
// late, or refused (with the refusal's own Italian text).
func outcome(p *message.Printer, rec incident.StepRecord, err error) string {
	var te *incident.TransitionError
	var re *incident.RefusedError
	switch {
	case errors.As(err, &te):
		return "rifiutato con *incident.TransitionError: " + te.Message(language.Italian)
	case errors.As(err, &re):
		return "rifiutato con *incident.RefusedError: " + re.Message(language.Italian)
	case err != nil:
		return "errore: " + err.Error()
	case rec.Late:
		return fmt.Sprintf("registrato come conferma tardiva (voce n. %d): aveva già confermato %s; lo stato non cambia.", rec.Seq, rec.FirstBy)
	default:
		return fmt.Sprintf("registrato (voce n. %d); l'evento è ora nello stato «%s».", rec.Seq, rec.State.Name(p))
	}
}

// child is an instance running as a process of its own.
type child struct {
	name  string
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines chan string
}

// start starts the instance name, re-executing the program exe.
func start(ctx context.Context, exe, name, url, schema, keyFile string, id incident.ID, stderr io.Writer) (*child, error) {
	cmd := exec.CommandContext(ctx, exe, "-instance", name, "-schema", schema, "-key-file", keyFile, "-incident", string(id))
	// The URL may hold a password: it goes in the environment, not on the
	// command line that every user of the machine can read.
	cmd.Env = append(os.Environ(), urlEnv+"="+url)
	cmd.Stderr = stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{name: name, cmd: cmd, in: in, lines: make(chan string)}
	go func() {
		defer close(c.lines)
		s := bufio.NewScanner(out)
		for s.Scan() {
			c.lines <- s.Text()
		}
	}()
	return c, nil
}

// send writes line to the instance.
func (c *child) send(line string) error {
	_, err := fmt.Fprintln(c.in, line)
	return err
}

// await returns the lines the instance writes before marker.
func (c *child) await(marker string) ([]string, error) {
	var lines []string
	for l := range c.lines {
		if l == marker {
			return lines, nil
		}
		lines = append(lines, l)
	}
	return lines, fmt.Errorf("postgres: instance %s ended before %q: %w", c.name, marker, c.cmd.Wait())
}

// wait closes the instance's input, which ends it, and waits for it.
func (c *child) wait() error {
	_ = c.in.Close()
	for range c.lines {
	}
	if err := c.cmd.Wait(); err != nil {
		return fmt.Errorf("postgres: instance %s: %w", c.name, err)
	}
	return nil
}

// stop ends an instance left running by an error.
func (c *child) stop() {
	_ = c.in.Close()
	_ = c.cmd.Process.Kill()
	for range c.lines {
	}
	_ = c.cmd.Wait()
}

// syncWriter serialises the writes of several goroutines to w.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}
