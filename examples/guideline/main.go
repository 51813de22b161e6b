// Command guideline prints the procedure of the City of Milan's guideline
// of 2 March 2021 for protecting social workers from aggression: both
// phases, step by step, with the clause of the document each step comes
// from, the contacts and the municipal policy.
//
// Usage:
//
//	go run ./examples/guideline             # in Italian
//	go run ./examples/guideline -lang en    # in English
//	go run ./examples/guideline -format mermaid
//	go run ./examples/guideline -format dot
//	go run ./examples/guideline -format json
//	go run ./examples/guideline -config altro-comune.json
//	go run ./examples/guideline -h          # this help
//
// It exits 0 on success and after -h, 1 when the guideline cannot be
// printed (a configuration that does not load), and 2 on a wrong command
// line: an unknown flag, a format or a language it does not offer (the
// error lists the supported ones).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes of run.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// run runs the command with args (without the program's name), writing
// the guideline to stdout and messages to stderr, and returns the exit
// code.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("guideline", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors and help are written below
	lang := fs.String("lang", "it", "lingua del testo: "+supported()+" (it italiano, en inglese)")
	format := fs.String("format", "text", "formato: text, mermaid, dot o json")
	config := fs.String("config", "", "file JSON con le linee guida di un altro ente (predefinito: Milano 2021)")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Uso: guideline [-lang it|en] [-format text|mermaid|dot|json] [-config file.json]")
		fmt.Fprintln(w, "Stampa la procedura delle linee guida del Comune di Milano del 2 marzo 2021.")
		fmt.Fprintln(w)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
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
	tag, ok := parseLanguage(*lang)
	if !ok {
		fmt.Fprintf(stderr, "errore: lingua %q non disponibile; lingue disponibili: %s\n", *lang, supported())
		return exitUsage
	}
	switch *format {
	case "text", "mermaid", "dot", "json":
	default:
		fmt.Fprintf(stderr, "errore: formato %q non previsto; formati disponibili: text, mermaid, dot, json\n", *format)
		return exitUsage
	}
	g := guideline.Milano2021()
	if *config != "" {
		var err error
		if g, err = load(*config); err != nil {
			var ve *guideline.ValidationError
			if errors.As(err, &ve) {
				fmt.Fprintf(stderr, "errore: %s non contiene linee guida valide:\n%s\n", *config, ve.Message(tag))
			} else {
				fmt.Fprintln(stderr, "errore:", err)
			}
			return exitError
		}
	}
	if err := write(stdout, g, tag, *format); err != nil {
		fmt.Fprintln(stderr, "errore:", err)
		return exitError
	}
	return exitOK
}

// parseLanguage returns the tag for s if its language is one of
// guideline.Languages (a region, as in en-GB, is allowed).
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

// supported lists the languages of the texts, such as "it, en".
func supported() string {
	var names []string
	for _, l := range guideline.Languages() {
		names = append(names, l.String())
	}
	return strings.Join(names, ", ")
}

func load(path string) (guideline.Guideline, error) {
	f, err := os.Open(path)
	if err != nil {
		return guideline.Guideline{}, err
	}
	defer f.Close()
	return guideline.Load(f)
}

func write(w io.Writer, g guideline.Guideline, tag language.Tag, format string) error {
	var err error
	switch format {
	case "text":
		err = g.WriteProcedure(w, tag)
	case "mermaid":
		_, err = io.WriteString(w, g.Mermaid(tag))
	case "dot":
		_, err = io.WriteString(w, g.DOT(tag))
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(g)
	}
	return err
}
