package guideline

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// Mermaid returns a Mermaid flowchart of both phases, generated from the
// guideline's steps, with the texts in the language of tag. Each node shows
// the step's number, name, actor and clause, so the diagram in the docs is
// always the procedure in the code.
func (g Guideline) Mermaid(tag language.Tag) string {
	p := BaseCatalog().Printer(tag)
	var b strings.Builder
	b.WriteString("flowchart TD\n")
	for _, ph := range Phases() {
		fmt.Fprintf(&b, "  subgraph %s[%q]\n", ph, ph.Name(p))
		steps := g.Steps(ph)
		for _, s := range steps {
			label := fmt.Sprintf("%s – %s<br/>%s<br/><i>%s</i>",
				p.Sprintf(keyStep, s.Number), s.Name(p), s.Actor.Name(p), s.Clause.Text(p))
			fmt.Fprintf(&b, "    %s[%q]\n", nodeID(s.ID), mermaidEscape(label))
		}
		for i := 1; i < len(steps); i++ {
			fmt.Fprintf(&b, "    %s --> %s\n", nodeID(steps[i-1].ID), nodeID(steps[i].ID))
		}
		b.WriteString("  end\n")
	}
	return b.String()
}

// DOT returns the same flowchart as [Guideline.Mermaid] in Graphviz DOT.
func (g Guideline) DOT(tag language.Tag) string {
	p := BaseCatalog().Printer(tag)
	var b strings.Builder
	b.WriteString("digraph procedure {\n  rankdir=TB;\n  node [shape=box, style=rounded];\n")
	for _, ph := range Phases() {
		fmt.Fprintf(&b, "  subgraph cluster_%s {\n    label=%s;\n", ph, dotQuote(ph.Name(p)))
		steps := g.Steps(ph)
		for _, s := range steps {
			label := fmt.Sprintf("%s – %s\n%s\n%s",
				p.Sprintf(keyStep, s.Number), s.Name(p), s.Actor.Name(p), s.Clause.Text(p))
			fmt.Fprintf(&b, "    %s [label=%s];\n", nodeID(s.ID), dotQuote(label))
		}
		for i := 1; i < len(steps); i++ {
			fmt.Fprintf(&b, "    %s -> %s;\n", nodeID(steps[i-1].ID), nodeID(steps[i].ID))
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func nodeID(id StepID) string { return strings.NewReplacer(".", "_").Replace(string(id)) }

// mermaidEscape replaces the characters that end a quoted Mermaid label.
func mermaidEscape(s string) string { return strings.ReplaceAll(s, `"`, "#quot;") }

func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
