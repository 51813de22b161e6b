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
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "errore:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("guideline", flag.ContinueOnError)
	lang := fs.String("lang", "it", "lingua del testo: it (italiano) o en (inglese)")
	format := fs.String("format", "text", "formato: text, mermaid, dot o json")
	config := fs.String("config", "", "file JSON con le linee guida di un altro ente (predefinito: Milano 2021)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tag, err := language.Parse(*lang)
	if err != nil {
		return fmt.Errorf("lingua %q non riconosciuta: %w", *lang, err)
	}
	g := guideline.Milano2021()
	if *config != "" {
		f, err := os.Open(*config)
		if err != nil {
			return err
		}
		defer f.Close()
		if g, err = guideline.Load(f); err != nil {
			return err
		}
	}
	switch *format {
	case "text":
		return g.WriteProcedure(out, tag)
	case "mermaid":
		_, err = io.WriteString(out, g.Mermaid(tag))
	case "dot":
		_, err = io.WriteString(out, g.DOT(tag))
	case "json":
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		err = enc.Encode(g)
	default:
		return fmt.Errorf("formato %q non previsto: usare text, mermaid, dot o json", *format)
	}
	return err
}
