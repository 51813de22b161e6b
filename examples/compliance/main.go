package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/request"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes of run.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

// run checks the timelines named by args (files, or folders of .json
// files), writing the findings to stdout and what prevents a check to
// stderr, and returns the exit code: 1 if a timeline has a finding of
// severity error or cannot be read.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("compliance", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors and help are written below
	lang := fs.String("lang", "it", "lingua dei rilievi: it (italiano) o en (inglese)")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Uso: compliance [-lang it|en] FILE...")
		fmt.Fprintln(w, "Verifica le cronologie di richieste preventive ed eventi violenti (JSON, nella forma di register.Timeline)")
		fmt.Fprintln(w, "rispetto alle linee guida del Comune di Milano del 2 marzo 2021. Una cartella vale per tutti i suoi file .json.")
		fmt.Fprintln(w, "Esce con 1 se una cronologia ha un rilievo di gravità «errore» o non si legge.")
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
	tag, ok := parseLanguage(*lang)
	if !ok {
		fmt.Fprintf(stderr, "errore: lingua %q non disponibile; lingue disponibili: it, en\n", *lang)
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "errore: indicare almeno un file di cronologia")
		usage(stderr)
		return exitUsage
	}
	paths, err := expand(fs.Args())
	if err != nil {
		fmt.Fprintln(stderr, "errore:", err)
		return exitFindings
	}

	p, err := printer(tag)
	if err != nil {
		fmt.Fprintln(stderr, "errore:", err)
		return exitFindings
	}
	g := guideline.Milano2021()
	code, failed := exitOK, 0
	for _, path := range paths {
		if !report(stdout, stderr, p, tag, g, path) {
			code = exitFindings
			failed++
		}
	}
	fmt.Fprintln(stdout, p.Sprintf(keySummary, len(paths), failed))
	return code
}

// report checks the timeline in the file at path and prints its findings.
// It returns false if the timeline has a finding of severity error or
// cannot be checked.
func report(stdout, stderr io.Writer, p *message.Printer, tag language.Tag, g guideline.Guideline, path string) bool {
	fmt.Fprintf(stdout, "== %s\n", path)
	tl, err := loadFile(path)
	if err != nil {
		var ve *guideline.ValidationError
		if errors.As(err, &ve) {
			fmt.Fprintln(stderr, p.Sprintf(keyInvalid, path))
			fmt.Fprintln(stderr, ve.Message(tag))
		} else {
			fmt.Fprintln(stderr, "errore:", err)
		}
		return false
	}
	phase, findings, err := check(g, tl)
	if err != nil {
		fmt.Fprintln(stderr, p.Sprintf(keyNoPhase, path))
		return false
	}
	fmt.Fprintln(stdout, p.Sprintf(keyHeader, phase.Name(p), tl.Stream, tl.Guideline))
	if len(findings) == 0 {
		fmt.Fprintln(stdout, "  "+p.Sprintf(keyNone))
		return true
	}
	fmt.Fprintln(stdout, "  "+p.Sprintf(keyFindings, len(findings)))
	for _, f := range findings {
		fmt.Fprintf(stdout, "  - [%s] %s\n    %s\n", p.Sprintf(severityKey(f.Severity)), where(p, tl, f), f.Text(tag))
	}
	return !hasErrors(findings)
}

// errNoPhase means a timeline holds no entry of a request or an incident.
var errNoPhase = errors.New("compliance: the timeline has no request.* or incident.* entry")

// check judges the timeline with the check of its phase: a preventive
// request (entries of kinds request.*) or an emergency (incident.*),
// whichever its first such entry belongs to.
func check(g guideline.Guideline, tl register.Timeline) (guideline.Phase, []guideline.Finding, error) {
	for _, e := range tl.Entries {
		switch {
		case strings.HasPrefix(e.Kind, "request."):
			return guideline.PhasePreventive, request.Check(g, tl), nil
		case strings.HasPrefix(e.Kind, "incident."):
			return guideline.PhaseEmergency, incident.Check(g, tl), nil
		}
	}
	return "", nil, errNoPhase
}

// hasErrors reports whether a finding has severity error.
func hasErrors(findings []guideline.Finding) bool {
	return slices.ContainsFunc(findings, func(f guideline.Finding) bool {
		return f.Severity == guideline.SeverityError
	})
}

// loadFile reads the timeline in the file at path.
func loadFile(path string) (register.Timeline, error) {
	f, err := os.Open(path)
	if err != nil {
		return register.Timeline{}, err
	}
	defer f.Close()
	return register.LoadTimeline(f)
}

// expand replaces each folder of args with its .json files, in order.
func expand(args []string) ([]string, error) {
	var paths []string
	for _, arg := range args {
		st, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			paths = append(paths, arg)
			continue
		}
		files, err := filepath.Glob(filepath.Join(arg, "*.json"))
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("compliance: no .json file in %s", arg)
		}
		paths = append(paths, files...) // Glob sorts them
	}
	return paths, nil
}

// where says which entry a finding concerns: its position (from 1) and
// kind, and the kind the finding is about when it is another (an entry
// expected before it).
func where(p *message.Printer, tl register.Timeline, f guideline.Finding) string {
	if f.Entry < 0 || f.Entry >= len(tl.Entries) {
		return p.Sprintf(keyConcerns, f.Kind)
	}
	s := p.Sprintf(keyEntry, f.Entry+1, tl.Entries[f.Entry].Kind)
	if f.Kind != "" && f.Kind != tl.Entries[f.Entry].Kind {
		s += ", " + p.Sprintf(keyConcerns, f.Kind)
	}
	return s
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

// The keys of the program's own texts.
const (
	keyHeader   = "compliance.header"
	keyNone     = "compliance.none"
	keyFindings = "compliance.findings"
	keyEntry    = "compliance.entry"
	keyConcerns = "compliance.concerns"
	keyInvalid  = "compliance.invalid"
	keyNoPhase  = "compliance.no_phase"
	keySummary  = "compliance.summary"
	keySeverity = "compliance.severity."
)

// severityKey is the key of a severity's name.
func severityKey(s guideline.Severity) string { return keySeverity + string(s) }

// texts are the program's own texts, in Italian and English, beside the
// guideline's (the findings bring their own catalog).
func texts() []guideline.Text {
	return []guideline.Text{
		guideline.NewText(keyHeader, "%[1]s, %[2]s (linee guida %[3]s)", "%[1]s, %[2]s (guideline %[3]s)"),
		guideline.NewText(keyNone, "Conforme alle linee guida: nessun rilievo.", "Follows the guideline: no findings."),
		guideline.NewCountText(keyFindings, "%d rilievo:", "%d rilievi:", "%d finding:", "%d findings:"),
		guideline.NewText(keyEntry, "voce n. %[1]d (%[2]s)", "entry no. %[1]d (%[2]s)"),
		guideline.NewText(keyConcerns, "riguarda %[1]s", "concerns %[1]s"),
		guideline.NewText(keyInvalid, "%s: il file non contiene una cronologia valida:", "%s: the file holds no valid timeline:"),
		guideline.NewText(keyNoPhase,
			"%s: la cronologia non contiene voci di una richiesta preventiva (request.*) né di un evento violento (incident.*).",
			"%s: the timeline has no entry of a preventive request (request.*) or of a violent event (incident.*)."),
		guideline.NewText(keySummary, "Cronologie esaminate: %[1]d; non conformi: %[2]d.", "Timelines checked: %[1]d; not compliant: %[2]d."),
		guideline.NewText(severityKey(guideline.SeverityError), "errore", "error"),
		guideline.NewText(severityKey(guideline.SeverityWarning), "avvertenza", "warning"),
		guideline.NewText(severityKey(guideline.SeverityInfo), "informazione", "information"),
	}
}

// printer returns a printer of the guideline's texts and the program's, in
// the language of tag.
func printer(tag language.Tag) (*message.Printer, error) {
	c, err := guideline.NewCatalog(guideline.Messages(), texts())
	if err != nil {
		return nil, err
	}
	return c.Printer(tag), nil
}
