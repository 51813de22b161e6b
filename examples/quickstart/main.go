// Command quickstart is the first thing to run: with nothing set up beyond
// Go, it shows the whole procedure of the City of Milan's guideline of
// 2 March 2021 working on a real register, with simulated people and a
// simulated clock.
//
//	go run ./examples/quickstart
//
// It opens, or creates, an embedded SQLite register in the folder
// ./sostegno-demo (-register to choose another, -postgres to use a
// PostgreSQL server instead), generates demo keys there on its first run
// (the AES-256-GCM key that seals personal data, the key of the
// pseudonyms, the key that signs the register's checkpoints) and then,
// with fictitious people:
//
//   - walks a preventive request from submission to completion, with a
//     request for more information in the middle: the e-mail to the Police
//     Command and to the Area Director with its calendar invitation, the
//     Command's decision, the outcome;
//   - walks an emergency from the report to closure: the alert to the
//     colleagues on duty, the call script for the shift supervisor of the
//     Operations Centre (02 77270282), step 2 left unconfirmed past its
//     deadline so that the escalator alerts again and then reaches the
//     responsible official, the dispatch, the patrol's report, the
//     Command's evaluation, what it shares with the Directorate, closure;
//   - prints each step's time and actor, every message as its recipient
//     would see it, the compliance findings of both timelines, the
//     monitoring summary, and the verification of the whole register
//     against the checkpoint of the previous run, then signs a new
//     checkpoint.
//
// A second run continues the same register: new requests and incidents,
// a larger summary, and a verification that still passes.
//
// # What it never does
//
// It never writes to a real office: it runs Milan's guideline with every
// e-mail address replaced by one of example.org, the domain reserved for
// examples, so -smtp cannot send a fictitious request to the real Police
// Command. Its personal data is fictitious, and the terminal still never
// shows it unless it was opened through the register's access log: the
// body of an e-mail that carries personal data is printed only after
// outbox.Read under a named reader and purpose, and the output gives the
// number of the access entry that records it.
//
// # Options
//
//	-register DIR   folder of the register, keys and checkpoint (./sostegno-demo)
//	-postgres URL   keep the register in PostgreSQL instead (keys stay in DIR)
//	-schema NAME    the PostgreSQL schema of the register (sostegno_demo)
//	-eml DIR        also write every message as an RFC 5322 .eml file into DIR
//	-smtp URL       also send every message through an SMTP server:
//	                smtp://[user:pass@]host[:port][?insecure=true], or smtps://…
//	-from ADDRESS   the sender of the e-mails
//	-lang it|en     language of the messages, findings and the demo's text
//
// It exits 0 on success, 1 when the demo fails (a register that does not
// verify, a server that cannot be reached) and 2 on a wrong command line.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	_ "time/tzdata" // the guideline's time zone, Europe/Rome, on any machine

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes of run.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// config is the command line.
type config struct {
	dir    string
	pgURL  string
	schema string
	eml    string
	smtp   string
	from   string
	lang   language.Tag
}

// run runs the demo with args (without the program's name), writing what
// it shows to stdout and errors to stderr, and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors and help are written below
	var c config
	fs.StringVar(&c.dir, "register", "sostegno-demo", "cartella del registro, delle chiavi dimostrative e del checkpoint")
	fs.StringVar(&c.pgURL, "postgres", "", "URL di un server PostgreSQL che tiene il registro (le chiavi restano nella cartella)")
	fs.StringVar(&c.schema, "schema", "sostegno_demo", "schema PostgreSQL del registro")
	fs.StringVar(&c.eml, "eml", "", "cartella in cui scrivere ogni messaggio come file .eml")
	fs.StringVar(&c.smtp, "smtp", "", "server SMTP a cui inviare ogni messaggio: smtp://[utente:password@]host[:porta][?insecure=true] o smtps://…")
	fs.StringVar(&c.from, "from", defaultFrom, "mittente delle e-mail")
	lang := fs.String("lang", "it", "lingua: it (italiano) o en (inglese)")
	cat, err := newCatalog()
	if err != nil {
		fmt.Fprintln(stderr, "quickstart:", err)
		return exitError
	}
	p := cat.Printer(language.Italian)
	usage := func(w io.Writer) {
		fmt.Fprintln(w, p.Sprintf(msgUsage))
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
			return exitOK
		}
		fmt.Fprintln(stderr, p.Sprintf(msgError, err.Error()))
		usage(stderr)
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, p.Sprintf(msgExtraArgs, strings.Join(fs.Args(), " ")))
		usage(stderr)
		return exitUsage
	}
	tag, ok := parseLanguage(*lang)
	if !ok {
		fmt.Fprintln(stderr, p.Sprintf(msgBadLanguage, *lang))
		return exitUsage
	}
	c.lang = tag
	p = cat.Printer(tag)
	if c.dir == "" {
		fmt.Fprintln(stderr, p.Sprintf(msgError, "-register"))
		return exitUsage
	}
	if c.smtp != "" {
		if _, err := parseSMTP(c.smtp, c.from); err != nil {
			fmt.Fprintln(stderr, p.Sprintf(msgError, err.Error()))
			return exitUsage
		}
	}
	if err := demo(ctx, c, stdout); err != nil {
		fmt.Fprintln(stderr, p.Sprintf(msgError, errorText(err, tag)))
		return exitError
	}
	return exitOK
}

// parseLanguage returns the tag for s if its language is one of
// guideline.Languages.
func parseLanguage(s string) (language.Tag, bool) {
	tag, err := language.Parse(s)
	if err != nil {
		return language.Und, false
	}
	base, conf := tag.Base()
	for _, l := range guideline.Languages() {
		if lb, _ := l.Base(); conf == language.Exact && lb == base {
			return tag, true
		}
	}
	return language.Und, false
}

// errorText renders err for a person when it can say so itself (a refused
// transition, a validation error, a register that does not verify), and
// otherwise gives the Go error, which never holds personal data.
func errorText(err error, tag language.Tag) string {
	var m interface{ Message(language.Tag) string }
	if errors.As(err, &m) {
		return m.Message(tag)
	}
	return err.Error()
}
