package lifecycle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
)

// Transition is one row of a [Table]: from a state, an action taken by one
// of the roles allowed leads to another state, recorded by an entry of
// Kind.
type Transition[S, A ~string] struct {
	// From is the state the transition starts from.
	From S
	// Action is what the actor does.
	Action A
	// To is the state it leads to.
	To S
	// Roles are the roles allowed to take it: guideline roles, or
	// [register.RoleSystem] for the library's own processes.
	Roles []guideline.Role
	// Kind is the register kind of the entry it appends.
	Kind string
	// Deviation marks a transition the guideline allows but that departs
	// from its usual path; diagrams draw it dashed.
	Deviation bool
	// Description, if not empty, is the catalog key of a sentence that
	// describes the transition for a person.
	Description string
}

// Allows reports whether role may take the transition.
func (t Transition[S, A]) Allows(role guideline.Role) bool { return slices.Contains(t.Roles, role) }

// Spec is what a [Table] is built from.
type Spec[S, A ~string] struct {
	// Name names the lifecycle, such as "request": it starts the Go error
	// strings and the catalog keys of its states (Name.state.<state>) and
	// actions (Name.action.<action>).
	Name string
	// Initial is the state of a stream with no entries.
	Initial S
	// States are every state, in the order diagrams draw them.
	States []S
	// Transitions are the rules. No two share From and Action; two that
	// share From and Kind lead to the same state and have no role in
	// common, so that both a step and a replay are unambiguous (the
	// replay tells them apart by the role of the entry's actor).
	Transitions []Transition[S, A]
	// Notes are kinds that may appear in a stream without changing its
	// state (an escalation, an annotation): each non-empty, once, and
	// never the Kind of a transition.
	Notes []string
	// Catalog holds [Messages], the guideline's role names, and the names
	// of every state and action.
	Catalog *guideline.Catalog
}

// Table is a lifecycle's transition table, immutable once built. It is
// safe for concurrent use.
type Table[S, A ~string] struct {
	spec Spec[S, A]
}

// ErrInvalidTable is wrapped by the errors of [New].
var ErrInvalidTable = errors.New("lifecycle: invalid table")

// New checks spec and returns its table. It fails if a state or action is
// empty or repeated, a transition names a state not in States, has no
// role or an invalid one, has no Kind, or is ambiguous, if a note's kind
// is empty, repeated or the Kind of a transition, or if the catalog lacks
// a text the table needs.
func New[S, A ~string](spec Spec[S, A]) (*Table[S, A], error) {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s: "+format, append([]any{ErrInvalidTable, spec.Name}, args...)...))
	}
	if spec.Name == "" {
		bad("no name")
	}
	if spec.Catalog == nil {
		bad("no catalog")
		return nil, errors.Join(errs...)
	}
	need := func(key string) {
		if !spec.Catalog.Has(key) {
			bad("catalog lacks %q", key)
		}
	}
	for _, k := range []string{keyRefusedState, keyRefusedRole, keyEdge} {
		need(k)
	}
	seen := map[S]bool{}
	for _, s := range spec.States {
		if s == "" || seen[s] {
			bad("state %q empty or repeated", s)
		}
		seen[s] = true
		need(stateKey(spec.Name, s))
	}
	if !seen[spec.Initial] {
		bad("initial state %q not among the states", spec.Initial)
	}
	type pair struct{ from, x string }
	byAction, byKind := map[pair]bool{}, map[pair][]Transition[S, A]{}
	kinds := map[string]bool{}
	for i, t := range spec.Transitions {
		kinds[t.Kind] = true
		switch {
		case !seen[t.From] || !seen[t.To]:
			bad("transition %d: unknown state", i)
		case t.Action == "":
			bad("transition %d: no action", i)
		case t.Kind == "":
			bad("transition %d: no kind", i)
		case len(t.Roles) == 0:
			bad("transition %d: no role", i)
		case byAction[pair{string(t.From), string(t.Action)}]:
			bad("transition %d: action %q repeated from state %q", i, t.Action, t.From)
		case slices.ContainsFunc(byKind[pair{string(t.From), t.Kind}], func(o Transition[S, A]) bool {
			return o.To != t.To || slices.ContainsFunc(t.Roles, o.Allows)
		}):
			bad("transition %d: kind %q repeated from state %q", i, t.Kind, t.From)
		}
		byAction[pair{string(t.From), string(t.Action)}] = true
		byKind[pair{string(t.From), t.Kind}] = append(byKind[pair{string(t.From), t.Kind}], t)
		for _, r := range t.Roles {
			if !register.ValidActorRole(r) {
				bad("transition %d: role %q", i, r)
			}
			need(r.MessageKey())
		}
		need(actionKey(spec.Name, t.Action))
		if t.Description != "" {
			need(t.Description)
		}
	}
	notes := map[string]bool{}
	for i, k := range spec.Notes {
		switch {
		case k == "":
			bad("note %d: no kind", i)
		case notes[k]:
			bad("note %d: kind %q repeated", i, k)
		case kinds[k]:
			bad("note %d: kind %q is a transition's", i, k)
		}
		notes[k] = true
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	spec.States = slices.Clone(spec.States)
	spec.Notes = slices.Clone(spec.Notes)
	spec.Transitions = slices.Clone(spec.Transitions)
	for i := range spec.Transitions {
		spec.Transitions[i].Roles = slices.Clone(spec.Transitions[i].Roles)
	}
	return &Table[S, A]{spec: spec}, nil
}

// MustNew is [New] for tables that are fixed data: it panics on an error,
// which the lifecycle's tests catch.
func MustNew[S, A ~string](spec Spec[S, A]) *Table[S, A] {
	t, err := New(spec)
	if err != nil {
		panic(err)
	}
	return t
}

func stateKey[S ~string](name string, s S) string  { return name + ".state." + string(s) }
func actionKey[A ~string](name string, a A) string { return name + ".action." + string(a) }

// Name returns the lifecycle's name.
func (t *Table[S, A]) Name() string { return t.spec.Name }

// Initial returns the state of a stream with no entries.
func (t *Table[S, A]) Initial() S { return t.spec.Initial }

// States returns every state, in the order of the spec.
func (t *Table[S, A]) States() []S { return slices.Clone(t.spec.States) }

// Transitions returns every transition, in the order of the spec.
func (t *Table[S, A]) Transitions() []Transition[S, A] {
	out := slices.Clone(t.spec.Transitions)
	for i := range out {
		out[i].Roles = slices.Clone(out[i].Roles)
	}
	return out
}

// Catalog returns the table's catalog.
func (t *Table[S, A]) Catalog() *guideline.Catalog { return t.spec.Catalog }

// StateName returns the name of a state in the printer's language.
func (t *Table[S, A]) StateName(p *message.Printer, s S) string {
	return p.Sprintf(stateKey(t.spec.Name, s))
}

// ActionName returns the name of an action in the printer's language.
func (t *Table[S, A]) ActionName(p *message.Printer, a A) string {
	return p.Sprintf(actionKey(t.spec.Name, a))
}

// Next returns the transition that action a by role takes from state
// from. It is a pure function of the table. It fails with a
// [*TransitionError] when the action is not possible from that state, or
// not for that role.
func (t *Table[S, A]) Next(from S, a A, role guideline.Role) (Transition[S, A], error) {
	for _, tr := range t.spec.Transitions {
		if tr.From != from || tr.Action != a {
			continue
		}
		if !tr.Allows(role) {
			return Transition[S, A]{}, t.refuse(from, a, role, slices.Clone(tr.Roles))
		}
		tr.Roles = slices.Clone(tr.Roles)
		return tr, nil
	}
	return Transition[S, A]{}, t.refuse(from, a, role, nil)
}

func (t *Table[S, A]) refuse(from S, a A, role guideline.Role, allowed []guideline.Role) *TransitionError {
	return &TransitionError{
		Lifecycle: t.spec.Name, State: string(from), Action: string(a), Role: role, Allowed: allowed,
		catalog: t.spec.Catalog,
	}
}

// Snapshot is where a stream stands: its state and its version (the number
// of its entries), the version a transition must name to append.
type Snapshot[S ~string] struct {
	// State is the current state.
	State S
	// Version is the stream's version.
	Version uint64
}

// ErrUnexpectedEntry is wrapped by the error of a fold that meets an entry
// whose kind is neither a transition from the state reached nor a note.
var ErrUnexpectedEntry = errors.New("lifecycle: entry does not follow the table")

// Fold replays entries, the whole stream in order, and returns where it
// stands. It is a pure function of the table: [Table.Step] on each entry.
func (t *Table[S, A]) Fold(entries []register.Entry) (Snapshot[S], error) {
	snap := Snapshot[S]{State: t.spec.Initial}
	for _, e := range entries {
		var err error
		if snap, _, _, err = t.step(snap, e); err != nil {
			return Snapshot[S]{}, err
		}
	}
	return snap, nil
}

// Step folds one entry, the next of the stream after snap: it returns
// where the stream stands after it, and either the transition the entry
// records or, with note set, that the entry is one of [Spec.Notes] (the
// state unchanged, the Transition zero). Where two transitions from the
// state share the entry's kind (they lead to the same state), the one
// the entry's actor's role may take is returned. An entry whose version
// does not follow snap's, or whose kind is neither a transition from
// snap.State nor a note, fails with an error wrapping
// [ErrUnexpectedEntry]. It is a pure function of the table, which
// [Table.Fold] applies to each entry: a caller that folds more than the
// state (the facts of each entry) calls it so that its replay and the
// table's cannot disagree.
func (t *Table[S, A]) Step(snap Snapshot[S], e register.Entry) (next Snapshot[S], tr Transition[S, A], note bool, err error) {
	next, tr, note, err = t.step(snap, e)
	tr.Roles = slices.Clone(tr.Roles)
	return next, tr, note, err
}

// step is [Table.Step] without the copy of the transition's roles.
func (t *Table[S, A]) step(snap Snapshot[S], e register.Entry) (Snapshot[S], Transition[S, A], bool, error) {
	var tr Transition[S, A]
	note := false
	if e.Version != snap.Version+1 {
		return snap, tr, false, fmt.Errorf("%w: %s: entry %d has version %d after %d", ErrUnexpectedEntry, t.spec.Name, e.Seq, e.Version, snap.Version)
	}
	found := false
	for _, c := range t.spec.Transitions {
		if c.From != snap.State || c.Kind != e.Kind {
			continue
		}
		if !found || !tr.Allows(e.Actor.Role) && c.Allows(e.Actor.Role) {
			tr, found = c, true
		}
	}
	switch {
	case found:
		snap.State = tr.To
	case slices.Contains(t.spec.Notes, e.Kind):
		note = true
	default:
		return snap, tr, false, fmt.Errorf("%w: %s: entry %d of kind %q in state %q", ErrUnexpectedEntry, t.spec.Name, e.Seq, e.Kind, snap.State)
	}
	snap.Version = e.Version
	return snap, tr, note, nil
}

// Change is one transition to make: the action, who takes it, the facts
// its entry records, and the notifications it causes.
type Change[A ~string] struct {
	// Action is the action taken.
	Action A
	// Actor is who takes it; its role must be allowed.
	Actor register.Actor
	// Territory is the territory concerned.
	Territory string
	// Guideline is the version of the guideline in force.
	Guideline string
	// Data holds the entry's non-personal facts, as a JSON object.
	Data json.RawMessage
	// Personal is personal data, sealed by the Log.
	Personal []byte
	// Pseudonym is the service user's pseudonym, if any.
	Pseudonym register.Pseudonym
	// Messages are the notifications the change causes, queued in the
	// outbox by the same append (see outbox.Events).
	Messages []notify.Message
	// Notes are entries of kinds listed in [Spec.Notes], appended to the
	// stream after the transition's entry in the same append (an
	// escalation decided together with the change). See [Note].
	Notes []Note
}

// Result is what a transition appended.
type Result[S ~string] struct {
	// Snapshot is where the stream stands after it.
	Snapshot[S]
	// Entry is the transition's entry.
	Entry register.Entry
	// Queued are the queued entries of its notifications, in the order of
	// Change.Messages.
	Queued []register.Entry
	// Notes are the entries of Change.Notes, in their order.
	Notes []register.Entry
}

// ApplyAt makes the change on stream, which the caller read at at. It
// checks that the action is possible from at.State and allowed to the
// actor's role (otherwise a [*TransitionError], and nothing is written),
// then makes one append, at version at.Version, of the transition's entry
// and of one queued entry per message: all of it or none. If the stream
// moved since at (another writer got there first) the error matches
// [register.ErrVersionConflict] and nothing is written.
func (t *Table[S, A]) ApplyAt(ctx context.Context, log *register.Log, stream string, at Snapshot[S], c Change[A]) (Result[S], error) {
	rs, err := t.ApplyAllAt(ctx, log, stream, at, c)
	if err != nil {
		return Result[S]{}, err
	}
	return rs[0], nil
}

// ApplyAllAt makes several changes on stream together, each from the
// state the one before it reached: for one fact that is two steps of
// the table (a colleague who phoned the Operations Centre also confirms
// that they received the alarm). It checks every change as
// [Table.ApplyAt] does, from at.State on, and writes nothing if one is
// refused (the first refusal's [*TransitionError]); then it makes one
// append, at version at.Version, of each change's transition entry and
// notes, in order, and of every queued message: all of it or none. The
// Results are in the order of cs, each with the Snapshot the stream
// reached after that change. Without changes it does nothing.
func (t *Table[S, A]) ApplyAllAt(ctx context.Context, log *register.Log, stream string, at Snapshot[S], cs ...Change[A]) ([]Result[S], error) {
	if len(cs) == 0 {
		return nil, nil
	}
	parts := make([]part[S, A], len(cs))
	state := at.State
	actions := make([]string, len(cs))
	for i, c := range cs {
		tr, err := t.Next(state, c.Action, c.Actor.Role)
		if err != nil {
			return nil, err
		}
		parts[i] = part[S, A]{c: c, tr: &tr}
		state, actions[i] = tr.To, strconv.Quote(string(c.Action))
	}
	rs, err := t.append(ctx, log, stream, at, parts)
	if err != nil {
		return nil, fmt.Errorf("%s: action %s: %w", t.spec.Name, strings.Join(actions, " then "), err)
	}
	return rs, nil
}

// part is one change of an append, and the transition it takes (nil
// for notes alone).
type part[S, A ~string] struct {
	c  Change[A]
	tr *Transition[S, A]
}

// append makes one append, at version at.Version of stream, of every
// part's transition entry (if any) and notes, in order, then of every
// part's queued messages. It returns one Result per part.
func (t *Table[S, A]) append(ctx context.Context, log *register.Log, stream string, at Snapshot[S], parts []part[S, A]) ([]Result[S], error) {
	var own, queued []register.Event
	for _, p := range parts {
		c := p.c
		if p.tr != nil {
			own = append(own, register.Event{
				Stream: stream, Kind: p.tr.Kind, Territory: c.Territory, Actor: c.Actor,
				Guideline: c.Guideline, Data: c.Data, Personal: c.Personal, Pseudonym: c.Pseudonym,
			})
		}
		for _, n := range c.Notes {
			if !slices.Contains(t.spec.Notes, n.Kind) {
				return nil, fmt.Errorf("%w: %q", ErrNotANote, n.Kind)
			}
			actor := n.Actor
			if actor == (register.Actor{}) {
				actor = c.Actor
			}
			own = append(own, register.Event{
				Stream: stream, Kind: n.Kind, Territory: c.Territory, Actor: actor,
				Guideline: c.Guideline, Data: n.Data, Personal: n.Personal,
			})
		}
		q, err := outbox.Events(outbox.Cause{Stream: stream, Territory: c.Territory, Guideline: c.Guideline, Actor: c.Actor}, c.Messages...)
		if err != nil {
			return nil, err
		}
		queued = append(queued, q...)
	}
	expected := map[string]uint64{stream: at.Version}
	outbox.Expect(expected, queued)
	nOwn := len(own)
	entries, err := log.AppendBatch(ctx, expected, append(own, queued...)...)
	if err != nil {
		return nil, err
	}
	rs := make([]Result[S], len(parts))
	snap := at
	o, q := 0, nOwn
	for i, p := range parts {
		var r Result[S]
		if p.tr != nil {
			r.Entry = entries[o]
			snap.State = p.tr.To
			o++
		}
		r.Notes = entries[o : o+len(p.c.Notes) : o+len(p.c.Notes)]
		o += len(p.c.Notes)
		if o > 0 {
			snap.Version = entries[o-1].Version
		}
		r.Queued = entries[q : q+len(p.c.Messages) : q+len(p.c.Messages)]
		q += len(p.c.Messages)
		r.Snapshot = snap
		rs[i] = r
	}
	return rs, nil
}

// Graph returns the table as a graph, with the texts in the language of
// tag: one node per state, one edge per transition labelled with the
// action and the roles allowed, deviations dashed.
func (t *Table[S, A]) Graph(tag language.Tag) guideline.Graph {
	p := t.spec.Catalog.Printer(tag)
	g := guideline.Graph{Name: strings.TrimPrefix(nodeID(t.spec.Name), "s_")}
	for _, s := range t.spec.States {
		g.Nodes = append(g.Nodes, guideline.GraphNode{ID: nodeID(string(s)), Lines: []string{t.StateName(p, s)}})
	}
	for _, tr := range t.spec.Transitions {
		roles := make([]string, len(tr.Roles))
		for i, r := range tr.Roles {
			roles[i] = r.Name(p)
		}
		g.Edges = append(g.Edges, guideline.GraphEdge{
			From: nodeID(string(tr.From)), To: nodeID(string(tr.To)),
			Label:  p.Sprintf(keyEdge, t.ActionName(p, tr.Action), strings.Join(roles, ", ")),
			Dashed: tr.Deviation,
		})
	}
	return g
}

// Mermaid returns the table as a Mermaid flowchart.
func (t *Table[S, A]) Mermaid(tag language.Tag) string { return t.Graph(tag).Mermaid() }

// DOT returns the table in Graphviz DOT.
func (t *Table[S, A]) DOT(tag language.Tag) string { return t.Graph(tag).DOT() }

// nodeID turns a state into a node identifier: letters, digits and
// underscores, prefixed so that it is never a keyword of either language.
func nodeID(s string) string {
	var b strings.Builder
	b.WriteString("s_")
	for _, r := range s {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
