package guideline

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// Graph is a directed graph for a person to read: the procedure of the
// guideline, or the states and transitions of a lifecycle. [Graph.Mermaid]
// and [Graph.DOT] draw it; every diagram of the module goes through them,
// so there is one renderer.
//
// Identifiers of nodes and groups must be letters, digits and underscores.
type Graph struct {
	// Name names the graph in DOT, such as "procedure".
	Name string
	// Groups are drawn as boxes (subgraphs, clusters) around their nodes.
	Groups []GraphGroup
	// Nodes are the nodes outside any group.
	Nodes []GraphNode
	// Edges are the edges between nodes, drawn after the groups.
	Edges []GraphEdge
}

// GraphGroup is a box of nodes, such as a phase of the procedure.
type GraphGroup struct {
	// ID identifies the group.
	ID string
	// Label is the group's title.
	Label string
	// Nodes are the group's nodes, in order.
	Nodes []GraphNode
	// Edges are edges between the group's nodes, drawn inside the box.
	Edges []GraphEdge
}

// GraphNode is one node.
type GraphNode struct {
	// ID identifies the node.
	ID string
	// Lines are the label's lines, shown one under the other.
	Lines []string
	// Note, if not empty, is a last line in a lighter style (italic in
	// Mermaid), such as the clause a step comes from.
	Note string
}

// GraphEdge is one edge.
type GraphEdge struct {
	// From and To are node identifiers.
	From, To string
	// Label, if not empty, is written along the edge.
	Label string
	// Dashed draws the edge dashed, for a path that is allowed but is a
	// deviation from the usual one.
	Dashed bool
}

// flowchart is the syntax of one diagram language.
type flowchart struct {
	header                func(name string) string
	footer, groupClose    string
	groupOpen             func(id, label string) string
	node                  func(indent, id string, n GraphNode) string
	edge                  func(indent string, e GraphEdge) string
	groupIndent, topLevel string
}

var (
	mermaidChart = flowchart{
		header:     func(string) string { return "flowchart TD\n" },
		groupOpen:  func(id, label string) string { return fmt.Sprintf("  subgraph %s[%q]\n", id, label) },
		groupClose: "  end\n",
		node: func(indent, id string, n GraphNode) string {
			label := strings.Join(n.Lines, "<br/>")
			if n.Note != "" {
				label += "<br/><i>" + n.Note + "</i>"
			}
			return fmt.Sprintf("%s%s[%q]\n", indent, id, mermaidEscape(label))
		},
		edge: func(indent string, e GraphEdge) string {
			arrow := "-->"
			if e.Dashed {
				arrow = "-.->"
			}
			if e.Label != "" {
				arrow += fmt.Sprintf("|%q|", mermaidEscape(e.Label))
			}
			return fmt.Sprintf("%s%s %s %s\n", indent, e.From, arrow, e.To)
		},
		groupIndent: "    ",
		topLevel:    "  ",
	}
	dotChart = flowchart{
		header: func(name string) string {
			return fmt.Sprintf("digraph %s {\n  rankdir=TB;\n  node [shape=box, style=rounded];\n", name)
		},
		footer: "}\n",
		groupOpen: func(id, label string) string {
			return fmt.Sprintf("  subgraph cluster_%s {\n    label=%s;\n", id, dotQuote(label))
		},
		groupClose: "  }\n",
		node: func(indent, id string, n GraphNode) string {
			lines := n.Lines
			if n.Note != "" {
				lines = append(lines[:len(lines):len(lines)], n.Note)
			}
			return fmt.Sprintf("%s%s [label=%s];\n", indent, id, dotQuote(strings.Join(lines, "\n")))
		},
		edge: func(indent string, e GraphEdge) string {
			var attrs []string
			if e.Label != "" {
				attrs = append(attrs, "label="+dotQuote(e.Label))
			}
			if e.Dashed {
				attrs = append(attrs, "style=dashed")
			}
			if len(attrs) == 0 {
				return fmt.Sprintf("%s%s -> %s;\n", indent, e.From, e.To)
			}
			return fmt.Sprintf("%s%s -> %s [%s];\n", indent, e.From, e.To, strings.Join(attrs, ", "))
		},
		groupIndent: "    ",
		topLevel:    "  ",
	}
)

// render draws g in the syntax of c.
func (g Graph) render(c flowchart) string {
	var b strings.Builder
	b.WriteString(c.header(g.Name))
	for _, grp := range g.Groups {
		b.WriteString(c.groupOpen(grp.ID, grp.Label))
		for _, n := range grp.Nodes {
			b.WriteString(c.node(c.groupIndent, n.ID, n))
		}
		for _, e := range grp.Edges {
			b.WriteString(c.edge(c.groupIndent, e))
		}
		b.WriteString(c.groupClose)
	}
	for _, n := range g.Nodes {
		b.WriteString(c.node(c.topLevel, n.ID, n))
	}
	for _, e := range g.Edges {
		b.WriteString(c.edge(c.topLevel, e))
	}
	b.WriteString(c.footer)
	return b.String()
}

// Mermaid returns the graph as a Mermaid flowchart, top to bottom.
func (g Graph) Mermaid() string { return g.render(mermaidChart) }

// DOT returns the graph in Graphviz DOT.
func (g Graph) DOT() string { return g.render(dotChart) }

// Graph returns the procedure as a graph, with the texts in the language of
// tag: one group per phase, one node per step, in order, linked one to the
// next. Each node shows the step's number, name, actor and clause.
func (g Guideline) Graph(tag language.Tag) Graph {
	p := BaseCatalog().Printer(tag)
	out := Graph{Name: "procedure"}
	for _, ph := range Phases() {
		grp := GraphGroup{ID: string(ph), Label: ph.Name(p)}
		steps := g.Steps(ph)
		for _, s := range steps {
			title := fmt.Sprintf("%s – %s", p.Sprintf(keyStep, s.Number), s.Name(p))
			grp.Nodes = append(grp.Nodes, GraphNode{ID: nodeID(s.ID), Lines: []string{title, s.Actor.Name(p)}, Note: s.Clause.Text(p)})
		}
		for i := 1; i < len(steps); i++ {
			grp.Edges = append(grp.Edges, GraphEdge{From: nodeID(steps[i-1].ID), To: nodeID(steps[i].ID)})
		}
		out.Groups = append(out.Groups, grp)
	}
	return out
}

// Mermaid returns a Mermaid flowchart of both phases, generated from the
// guideline's steps, with the texts in the language of tag. Each node shows
// the step's number, name, actor and clause, so the diagram in the docs is
// always the procedure in the code.
func (g Guideline) Mermaid(tag language.Tag) string { return g.Graph(tag).Mermaid() }

// DOT returns the same flowchart as [Guideline.Mermaid] in Graphviz DOT.
func (g Guideline) DOT(tag language.Tag) string { return g.Graph(tag).DOT() }

func nodeID(id StepID) string { return strings.NewReplacer(".", "_").Replace(string(id)) }

// mermaidEscape replaces the characters that end a quoted Mermaid label.
func mermaidEscape(s string) string { return strings.ReplaceAll(s, `"`, "#quot;") }

func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
