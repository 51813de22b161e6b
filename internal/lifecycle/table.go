package lifecycle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
	// Transitions are the rules. No two share From and Action, nor From
	// and Kind, so that both a step and a replay are unambiguous.
	Transitions []Transition[S, A]
	// Notes are kinds that may appear in a stream without changing its
	// state (an escalation, an annotation).
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
// role or an invalid one, has no Kind, or is ambiguous, or if the catalog
// lacks a text the table needs.
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
	byAction, byKind := map[pair]bool{}, map[pair]bool{}
	for i, t := range spec.Transitions {
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
		case byKind[pair{string(t.From), t.Kind}]:
			bad("transition %d: kind %q repeated from state %q", i, t.Kind, t.From)
		}
		byAction[pair{string(t.From), string(t.Action)}] = true
		byKind[pair{string(t.From), t.Kind}] = true
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

// Allowed returns the transitions that role may take from state from.
func (t *Table[S, A]) Allowed(from S, role guideline.Role) []Transition[S, A] {
	var out []Transition[S, A]
	for _, tr := range t.spec.Transitions {
		if tr.From == from && tr.Allows(role) {
			tr.Roles = slices.Clone(tr.Roles)
			out = append(out, tr)
		}
	}
	return out
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
// stands. It is a pure function of the table.
func (t *Table[S, A]) Fold(entries []register.Entry) (Snapshot[S], error) {
	snap := Snapshot[S]{State: t.spec.Initial}
	for _, e := range entries {
		var err error
		if snap, err = t.step(snap, e); err != nil {
			return Snapshot[S]{}, err
		}
	}
	return snap, nil
}

// step folds one entry.
func (t *Table[S, A]) step(snap Snapshot[S], e register.Entry) (Snapshot[S], error) {
	if e.Version != snap.Version+1 {
		return snap, fmt.Errorf("%w: %s: entry %d has version %d after %d", ErrUnexpectedEntry, t.spec.Name, e.Seq, e.Version, snap.Version)
	}
	snap.Version = e.Version
	for _, tr := range t.spec.Transitions {
		if tr.From == snap.State && tr.Kind == e.Kind {
			snap.State = tr.To
			return snap, nil
		}
	}
	if slices.Contains(t.spec.Notes, e.Kind) {
		return snap, nil
	}
	return snap, fmt.Errorf("%w: %s: entry %d of kind %q in state %q", ErrUnexpectedEntry, t.spec.Name, e.Seq, e.Kind, snap.State)
}

// Load reads stream from log and folds it: where the request or incident
// stands, as a restarted process finds it.
func (t *Table[S, A]) Load(ctx context.Context, log *register.Log, stream string) (Snapshot[S], error) {
	snap := Snapshot[S]{State: t.spec.Initial}
	for e, err := range log.Stream(ctx, stream) {
		if err != nil {
			return Snapshot[S]{}, err
		}
		if snap, err = t.step(snap, e); err != nil {
			return Snapshot[S]{}, err
		}
	}
	return snap, nil
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

// Apply reads where stream stands and makes the change: see
// [Table.ApplyAt].
func (t *Table[S, A]) Apply(ctx context.Context, log *register.Log, stream string, c Change[A]) (Result[S], error) {
	at, err := t.Load(ctx, log, stream)
	if err != nil {
		return Result[S]{}, err
	}
	return t.ApplyAt(ctx, log, stream, at, c)
}

// ApplyAt makes the change on stream, which the caller read at at. It
// checks that the action is possible from at.State and allowed to the
// actor's role (otherwise a [*TransitionError], and nothing is written),
// then makes one append, at version at.Version, of the transition's entry
// and of one queued entry per message: all of it or none. If the stream
// moved since at (another writer got there first) the error matches
// [register.ErrVersionConflict] and nothing is written.
func (t *Table[S, A]) ApplyAt(ctx context.Context, log *register.Log, stream string, at Snapshot[S], c Change[A]) (Result[S], error) {
	tr, err := t.Next(at.State, c.Action, c.Actor.Role)
	if err != nil {
		return Result[S]{}, err
	}
	ev := register.Event{
		Stream: stream, Kind: tr.Kind, Territory: c.Territory, Actor: c.Actor,
		Guideline: c.Guideline, Data: c.Data, Personal: c.Personal, Pseudonym: c.Pseudonym,
	}
	r, err := t.append(ctx, log, stream, at, []register.Event{ev}, c)
	if err != nil {
		return Result[S]{}, fmt.Errorf("%s: action %q: %w", t.spec.Name, c.Action, err)
	}
	r.State, r.Entry, r.Queued = tr.To, r.Queued[0], r.Queued[1:]
	return r, nil
}

// append makes one append, at version at.Version of stream, of own (the
// transition's entry, or nothing), c's notes and c's queued messages.
// The Result's Queued holds own's entries followed by the queued ones;
// its State is at.State.
func (t *Table[S, A]) append(ctx context.Context, log *register.Log, stream string, at Snapshot[S], own []register.Event, c Change[A]) (Result[S], error) {
	for _, n := range c.Notes {
		if !slices.Contains(t.spec.Notes, n.Kind) {
			return Result[S]{}, fmt.Errorf("%w: %q", ErrNotANote, n.Kind)
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
	queued, err := outbox.Events(outbox.Cause{Stream: stream, Territory: c.Territory, Guideline: c.Guideline, Actor: c.Actor}, c.Messages...)
	if err != nil {
		return Result[S]{}, err
	}
	expected := map[string]uint64{stream: at.Version}
	outbox.Expect(expected, queued)
	entries, err := log.AppendBatch(ctx, expected, append(own, queued...)...)
	if err != nil {
		return Result[S]{}, err
	}
	r := Result[S]{Snapshot: at}
	if len(own) > 0 {
		r.Version = entries[len(own)-1].Version
	}
	nOwn := len(own) - len(c.Notes)
	r.Notes = entries[nOwn:len(own)]
	r.Queued = append(entries[:nOwn:nOwn], entries[len(own):]...)
	return r, nil
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
