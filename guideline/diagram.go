package guideline

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// flowchart is the syntax of one diagram language.
type flowchart struct {
	header, footer, phaseClose string
	phaseOpen                  func(id Phase, name string) string
	node                       func(id, label string) string
	edge                       func(from, to string) string
	// label formats a step's number and name, actor and clause.
	label func(title, actor, clause string) string
}

var (
	mermaidChart = flowchart{
		header:     "flowchart TD\n",
		phaseOpen:  func(id Phase, name string) string { return fmt.Sprintf("  subgraph %s[%q]\n", id, name) },
		phaseClose: "  end\n",
		node:       func(id, label string) string { return fmt.Sprintf("    %s[%q]\n", id, mermaidEscape(label)) },
		edge:       func(from, to string) string { return fmt.Sprintf("    %s --> %s\n", from, to) },
		label: func(title, actor, clause string) string {
			return fmt.Sprintf("%s<br/>%s<br/><i>%s</i>", title, actor, clause)
		},
	}
	dotChart = flowchart{
		header: "digraph procedure {\n  rankdir=TB;\n  node [shape=box, style=rounded];\n",
		footer: "}\n",
		phaseOpen: func(id Phase, name string) string {
			return fmt.Sprintf("  subgraph cluster_%s {\n    label=%s;\n", id, dotQuote(name))
		},
		phaseClose: "  }\n",
		node:       func(id, label string) string { return fmt.Sprintf("    %s [label=%s];\n", id, dotQuote(label)) },
		edge:       func(from, to string) string { return fmt.Sprintf("    %s -> %s;\n", from, to) },
		label: func(title, actor, clause string) string {
			return fmt.Sprintf("%s\n%s\n%s", title, actor, clause)
		},
	}
)

// render draws both phases in the syntax of c, with the texts in the
// language of tag: one node per step, in order, linked one to the next.
func (g Guideline) render(c flowchart, tag language.Tag) string {
	p := BaseCatalog().Printer(tag)
	var b strings.Builder
	b.WriteString(c.header)
	for _, ph := range Phases() {
		b.WriteString(c.phaseOpen(ph, ph.Name(p)))
		steps := g.Steps(ph)
		for _, s := range steps {
			title := fmt.Sprintf("%s – %s", p.Sprintf(keyStep, s.Number), s.Name(p))
			b.WriteString(c.node(nodeID(s.ID), c.label(title, s.Actor.Name(p), s.Clause.Text(p))))
		}
		for i := 1; i < len(steps); i++ {
			b.WriteString(c.edge(nodeID(steps[i-1].ID), nodeID(steps[i].ID)))
		}
		b.WriteString(c.phaseClose)
	}
	b.WriteString(c.footer)
	return b.String()
}

// Mermaid returns a Mermaid flowchart of both phases, generated from the
// guideline's steps, with the texts in the language of tag. Each node shows
// the step's number, name, actor and clause, so the diagram in the docs is
// always the procedure in the code.
func (g Guideline) Mermaid(tag language.Tag) string { return g.render(mermaidChart, tag) }

// DOT returns the same flowchart as [Guideline.Mermaid] in Graphviz DOT.
func (g Guideline) DOT(tag language.Tag) string { return g.render(dotChart, tag) }

func nodeID(id StepID) string { return strings.NewReplacer(".", "_").Replace(string(id)) }

// mermaidEscape replaces the characters that end a quoted Mermaid label.
func mermaidEscape(s string) string { return strings.ReplaceAll(s, `"`, "#quot;") }

func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
