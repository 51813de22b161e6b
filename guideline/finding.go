package guideline

import (
	"fmt"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Severity says how much a [Finding] weighs.
type Severity string

// The severities of a finding.
const (
	// SeverityError: the guideline was not followed, such as a step
	// missing or a recipient never reached.
	SeverityError Severity = "error"
	// SeverityWarning: the guideline was followed in a way it allows but
	// that deserves attention, such as a recorded deviation or short
	// notice.
	SeverityWarning Severity = "warning"
	// SeverityInfo: a fact worth reporting that breaks no rule.
	SeverityInfo Severity = "info"
)

// Valid reports whether s is one of the severities of this package.
func (s Severity) Valid() bool {
	return s == SeverityError || s == SeverityWarning || s == SeverityInfo
}

// String returns the severity's identifier.
func (s Severity) String() string { return string(s) }

// NoEntry is the [Finding.Entry] of a finding that concerns no single
// entry, such as a step that never happened.
const NoEntry = -1

// Finding is one result of a compliance check of a timeline against the
// guideline: what was found, how much it weighs, the clause it cites and
// the entry it concerns. The request and incident packages' Check functions
// return them.
//
// Its text lives in a [Catalog] under [Finding.Key]: each package that
// produces findings registers the texts of its codes in its own catalog
// and puts that catalog in [Finding.Catalog], so that [Finding.Message]
// renders it in Italian (the default) or English. A finding holds no
// personal data: its Args are codes, counts, durations and roles.
type Finding struct {
	// Code identifies what was found, such as "late_step" (a step
	// confirmed after its time limit, in the incident package's check);
	// it is stable, so tests and dashboards may rely on it.
	Code string
	// Severity says how much the finding weighs.
	Severity Severity
	// Clause is the passage of the guideline the finding cites.
	Clause Clause
	// Entry is the index, in the timeline's entries, of the entry the
	// finding concerns, or [NoEntry].
	Entry int
	// Kind is the kind of the entry concerned, or of the entry expected
	// when the finding is about one missing.
	Kind string
	// Args are the arguments of the text, in the order its format uses
	// them. An argument with a Name(*message.Printer) string method (a
	// [Role], a [Phase]) is rendered by its name, and a [Clause] by its
	// citation, in the language of the text.
	Args []any
	// Catalog holds the text of Code; [BaseCatalog] when nil.
	Catalog *Catalog
}

// Key is the catalog key of the finding's text: "finding." followed by
// the code.
func (f Finding) Key() string { return FindingKey(f.Code) }

// FindingKey returns the catalog key of the text of a finding's code.
func FindingKey(code string) string { return "finding." + code }

// Message returns the finding's text in the language of tag (Italian for
// any language the catalog lacks), without the clause.
func (f Finding) Message(tag language.Tag) string {
	c := f.Catalog
	if c == nil {
		c = BaseCatalog()
	}
	p := c.Printer(tag)
	return p.Sprintf(f.Key(), renderArgs(p, f.Args)...)
}

// Text returns the finding's text followed by the clause it cites, such as
// "… (Gestione dell'emergenza, capoverso 1, punto 2)", in the language of
// tag.
func (f Finding) Text(tag language.Tag) string {
	c := f.Catalog
	if c == nil {
		c = BaseCatalog()
	}
	return fmt.Sprintf("%s (%s)", f.Message(tag), f.Clause.Text(c.Printer(tag)))
}

// String returns the code, the severity and the entry concerned; it is
// what logs show.
func (f Finding) String() string {
	if f.Entry == NoEntry {
		return fmt.Sprintf("%s [%s]", f.Code, f.Severity)
	}
	return fmt.Sprintf("%s [%s] entry %d", f.Code, f.Severity, f.Entry)
}

// named is a value rendered by its name in the printer's language.
type named interface {
	Name(p *message.Printer) string
}

func renderArgs(p *message.Printer, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case named:
			out[i] = v.Name(p)
		case Clause:
			out[i] = v.Text(p)
		default:
			out[i] = a
		}
	}
	return out
}
