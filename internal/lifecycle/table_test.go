package lifecycle_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/internal/lifecycle"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
	"github.com/sostegno/sostegno/register/sqliteregister"
)

type (
	state  string
	action string
)

// A small lifecycle shaped like the preventive request's.
const (
	draft         state = "draft"
	submitted     state = "submitted"
	infoRequested state = "info_requested"
	accepted      state = "accepted"
	declined      state = "declined"
	completed     state = "completed"
	cancelled     state = "cancelled"

	submit      action = "submit"
	requestInfo action = "request_info"
	accept      action = "accept"
	decline     action = "decline"
	complete    action = "complete"
	cancel      action = "cancel"
	expire      action = "expire"
)

const knownName = "Gianfranca Bellavista"

var (
	official = register.Actor{Role: guideline.RoleResponsibleOfficial, ID: "po-3"}
	command  = register.Actor{Role: guideline.RolePoliceCommand, ID: "pl-1"}
)

func names() []guideline.Text {
	var out []guideline.Text
	for _, s := range []state{draft, submitted, infoRequested, accepted, declined, completed, cancelled} {
		out = append(out, guideline.NewText("toy.state."+string(s), "Stato "+string(s), "State "+string(s)))
	}
	for _, a := range []action{submit, requestInfo, accept, decline, complete, cancel, expire} {
		out = append(out, guideline.NewText("toy.action."+string(a), "Azione "+string(a), "Action "+string(a)))
	}
	return out
}

func toySpec(t testing.TB) lifecycle.Spec[state, action] {
	t.Helper()
	cat, err := guideline.NewCatalog(guideline.Messages(), lifecycle.Messages(), names())
	if err != nil {
		t.Fatal(err)
	}
	po, pl := []guideline.Role{guideline.RoleResponsibleOfficial}, []guideline.Role{guideline.RolePoliceCommand}
	tr := func(from state, a action, to state, roles []guideline.Role, kind string) lifecycle.Transition[state, action] {
		return lifecycle.Transition[state, action]{From: from, Action: a, To: to, Roles: roles, Kind: kind}
	}
	return lifecycle.Spec[state, action]{
		Name:    "toy",
		Initial: draft,
		States:  []state{draft, submitted, infoRequested, accepted, declined, completed, cancelled},
		Transitions: []lifecycle.Transition[state, action]{
			tr(draft, submit, submitted, po, register.KindRequestSubmitted),
			tr(submitted, requestInfo, infoRequested, pl, register.KindRequestInfoRequested),
			tr(infoRequested, submit, submitted, po, register.KindRequestSubmitted),
			tr(submitted, accept, accepted, pl, register.KindRequestAccepted),
			tr(submitted, decline, declined, pl, register.KindRequestDeclined),
			tr(accepted, complete, completed, append(po, guideline.RolePoliceCommand), register.KindRequestCompleted),
			tr(submitted, cancel, cancelled, po, register.KindRequestCancelled),
			tr(infoRequested, cancel, cancelled, po, register.KindRequestCancelled),
			tr(accepted, cancel, cancelled, po, register.KindRequestCancelled),
			{From: infoRequested, Action: expire, To: cancelled, Roles: []guideline.Role{register.RoleSystem}, Kind: "request.expired", Deviation: true},
		},
		Notes:   []string{"request.note"},
		Catalog: cat,
	}
}

func toyTable(t testing.TB) *lifecycle.Table[state, action] {
	t.Helper()
	tb, err := lifecycle.New(toySpec(t))
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func newLog(t testing.TB) *register.Log {
	t.Helper()
	key := make([]byte, register.KeySize)
	k, err := register.NewKeyring("k1", key)
	if err != nil {
		t.Fatal(err)
	}
	l, err := register.Open(context.Background(), memregister.New(), &register.Options{Sealer: k})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// load reads stream from log and folds it, as a restarted process does.
func load(ctx context.Context, tb *lifecycle.Table[state, action], log *register.Log, stream string) (lifecycle.Snapshot[state], error) {
	var entries []register.Entry
	for e, err := range log.Stream(ctx, stream) {
		if err != nil {
			return lifecycle.Snapshot[state]{}, err
		}
		entries = append(entries, e)
	}
	return tb.Fold(entries)
}

// apply reads where stream stands and makes the change.
func apply(ctx context.Context, tb *lifecycle.Table[state, action], log *register.Log, stream string, c lifecycle.Change[action]) (lifecycle.Result[state], error) {
	at, err := load(ctx, tb, log, stream)
	if err != nil {
		return lifecycle.Result[state]{}, err
	}
	return tb.ApplyAt(ctx, log, stream, at, c)
}

// actorFor returns an actor with a role the transition allows.
func actorFor(tr lifecycle.Transition[state, action]) register.Actor {
	return register.Actor{Role: tr.Roles[0], ID: "x-1"}
}

// pathTo returns a shortest list of transitions from the initial state to s.
func pathTo(tb *lifecycle.Table[state, action], s state) []lifecycle.Transition[state, action] {
	type node struct {
		s    state
		path []lifecycle.Transition[state, action]
	}
	seen := map[state]bool{tb.Initial(): true}
	queue := []node{{s: tb.Initial()}}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if n.s == s {
			return n.path
		}
		for _, tr := range tb.Transitions() {
			if tr.From == n.s && !seen[tr.To] {
				seen[tr.To] = true
				queue = append(queue, node{s: tr.To, path: append(slices.Clone(n.path), tr)})
			}
		}
	}
	return nil
}

// reach applies the transitions leading to s on a new stream.
func reach(t *testing.T, tb *lifecycle.Table[state, action], l *register.Log, stream string, s state) lifecycle.Snapshot[state] {
	t.Helper()
	at := lifecycle.Snapshot[state]{State: tb.Initial()}
	for _, tr := range pathTo(tb, s) {
		r, err := tb.ApplyAt(context.Background(), l, stream, at, lifecycle.Change[action]{Action: tr.Action, Actor: actorFor(tr)})
		if err != nil {
			t.Fatalf("reaching %s: %v", s, err)
		}
		at = r.Snapshot
	}
	if at.State != s {
		t.Fatalf("reached %s, want %s", at.State, s)
	}
	return at
}

func message(key string, role guideline.Role) notify.Message {
	return notify.Message{
		Key: key, Kind: "request.submitted", To: []notify.Recipient{{Role: role, Name: knownName, Email: "x@example.org"}},
		Subject: "Richiesta", Text: "Dati: " + knownName, Personal: true,
	}
}

func TestEveryAllowedTransition(t *testing.T) {
	t.Parallel()
	tb := toyTable(t)
	ctx := context.Background()
	for i, tr := range tb.Transitions() {
		for _, role := range tr.Roles {
			t.Run(fmt.Sprintf("%s-%s-%s", tr.From, tr.Action, role), func(t *testing.T) {
				l := newLog(t)
				stream := fmt.Sprintf("toy/%d", i)
				at := reach(t, tb, l, stream, tr.From)
				msgs := []notify.Message{message(stream+"/a", guideline.RolePoliceCommand), message(stream+"/b", guideline.RoleAreaDirector)}
				r, err := tb.ApplyAt(ctx, l, stream, at, lifecycle.Change[action]{
					Action: tr.Action, Actor: register.Actor{Role: role, ID: "x"}, Territory: "municipio-1",
					Data: []byte(`{"n":1}`), Personal: []byte(knownName), Messages: msgs,
				})
				if err != nil {
					t.Fatal(err)
				}
				if r.State != tr.To || r.Version != at.Version+1 || r.Entry.Kind != tr.Kind || len(r.Queued) != 2 {
					t.Fatalf("result = %+v", r)
				}
				if r.Queued[0].Stream != register.MessageStreamPrefix+stream+"/a" || r.Queued[0].Seq != r.Entry.Seq+1 {
					t.Errorf("queued = %v", r.Queued[0])
				}
				got, err := load(ctx, tb, l, stream)
				if err != nil || got != r.Snapshot {
					t.Errorf("Load = %+v, %v; want %+v", got, err, r.Snapshot)
				}
			})
		}
	}
}

// roles are every role an actor can have.
func roles() []guideline.Role { return append(guideline.Roles(), register.RoleSystem) }

func TestEveryIllegalTransitionWritesNothing(t *testing.T) {
	t.Parallel()
	tb := toyTable(t)
	ctx := context.Background()
	actions := []action{submit, requestInfo, accept, decline, complete, cancel, expire, "fly"}
	checked := 0
	for _, s := range tb.States() {
		l := newLog(t)
		stream := "toy/" + string(s)
		at := reach(t, tb, l, stream, s)
		head, _ := l.Backend().Head(ctx)
		for _, a := range actions {
			for _, role := range roles() {
				tr, ok := findTransition(tb, s, a)
				if ok && tr.Allows(role) {
					continue
				}
				checked++
				_, err := tb.ApplyAt(ctx, l, stream, at, lifecycle.Change[action]{
					Action: a, Actor: register.Actor{Role: role, ID: "x"}, Personal: []byte(knownName),
					Messages: []notify.Message{message("k-"+string(s)+string(a)+string(role), guideline.RolePoliceCommand)},
				})
				var te *lifecycle.TransitionError
				if !errors.As(err, &te) || !errors.Is(err, lifecycle.ErrNotAllowed) {
					t.Fatalf("%s %s %s: err = %v, want a TransitionError", s, a, role, err)
				}
				if te.State != string(s) || te.Action != string(a) || te.Role != role || te.RoleRefused() != ok {
					t.Errorf("%s %s %s: error = %+v", s, a, role, te)
				}
				for _, text := range []string{te.Error(), te.Message(language.Italian), te.Message(language.English)} {
					if strings.Contains(text, knownName) {
						t.Errorf("the refusal leaks personal data: %s", text)
					}
				}
				if after, _ := l.Backend().Head(ctx); after.Seq != head.Seq {
					t.Fatalf("%s %s %s: the refused transition wrote %d entries", s, a, role, after.Seq-head.Seq)
				}
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d refusals checked", checked)
	}
}

func findTransition(tb *lifecycle.Table[state, action], s state, a action) (lifecycle.Transition[state, action], bool) {
	for _, tr := range tb.Transitions() {
		if tr.From == s && tr.Action == a {
			return tr, true
		}
	}
	return lifecycle.Transition[state, action]{}, false
}

func TestTransitionErrorMessages(t *testing.T) {
	t.Parallel()
	tb := toyTable(t)
	_, err := tb.Next(submitted, accept, guideline.RoleOperator)
	var te *lifecycle.TransitionError
	if !errors.As(err, &te) {
		t.Fatal(err)
	}
	if got, want := te.Message(language.Italian), "L'azione «Azione accept» nello stato «Stato submitted» non spetta al ruolo «Operatore dei servizi sociali»."; got != want {
		t.Errorf("Italian:\n%s\nwant\n%s", got, want)
	}
	if got, want := te.Message(language.English), "The action “Action accept” in the state “State submitted” is not for the role “Social services operator”."; got != want {
		t.Errorf("English:\n%s\nwant\n%s", got, want)
	}
	if got, want := te.Error(), `toy: action "accept" in state "submitted" is not allowed to role "operator"`; got != want {
		t.Errorf("Error = %s", got)
	}
	_, err = tb.Next(draft, accept, guideline.RolePoliceCommand)
	if !errors.As(err, &te) || te.Message(language.Italian) != "L'azione «Azione accept» non è consentita quando lo stato è «Stato draft»." {
		t.Errorf("state refusal: %v / %s", err, te.Message(language.Italian))
	}
	if !slices.Equal(te.Allowed, nil) {
		t.Errorf("Allowed = %v", te.Allowed)
	}
}

func TestFoldAfterRestart(t *testing.T) {
	t.Parallel()
	tb := toyTable(t)
	ctx := context.Background()
	path := t.TempDir() + "/registro.db"
	key := make([]byte, register.KeySize)
	open := func() *register.Log {
		backend, err := sqliteregister.Open(ctx, path, nil)
		if err != nil {
			t.Fatal(err)
		}
		k, _ := register.NewKeyring("k1", key)
		l, err := register.Open(ctx, backend, &register.Options{Sealer: k})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	l := open()
	want := map[string]state{}
	for i, s := range []state{submitted, infoRequested, accepted, completed, cancelled, declined} {
		stream := fmt.Sprintf("toy/%d", i)
		reach(t, tb, l, stream, s)
		want[stream] = s
	}
	// A note does not change the state.
	if _, err := l.Append(ctx, "toy/0", 1, register.Event{Kind: "request.note", Actor: official}); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = open()
	defer l.Close()
	for stream, s := range want {
		snap, err := load(ctx, tb, l, stream)
		if err != nil || snap.State != s {
			t.Errorf("%s: %+v, %v; want %s", stream, snap, err, s)
		}
	}
	snap, _ := load(ctx, tb, l, "toy/0")
	if snap.Version != 2 {
		t.Errorf("version after a note = %d", snap.Version)
	}
	// The state goes on from where it was.
	if _, err := apply(ctx, tb, l, "toy/0", lifecycle.Change[action]{Action: accept, Actor: command}); err != nil {
		t.Fatal(err)
	}
	// An entry the table does not know stops the fold.
	if _, err := l.Append(ctx, "toy/9", 0, register.Event{Kind: "request.unknown", Actor: official}); err != nil {
		t.Fatal(err)
	}
	if _, err := load(ctx, tb, l, "toy/9"); !errors.Is(err, lifecycle.ErrUnexpectedEntry) {
		t.Errorf("unknown kind: err = %v", err)
	}
}

func TestRaceOnOneStream(t *testing.T) {
	t.Parallel()
	tb := toyTable(t)
	ctx := context.Background()
	l := newLog(t)
	at := reach(t, tb, l, "toy/r", submitted)
	const writers = 8
	var (
		wg   sync.WaitGroup
		errs [writers]error
	)
	for i := range writers {
		wg.Go(func() {
			a := accept
			if i%2 == 1 {
				a = decline
			}
			_, errs[i] = tb.ApplyAt(ctx, l, "toy/r", at, lifecycle.Change[action]{
				Action: a, Actor: command, Messages: []notify.Message{message(fmt.Sprintf("race/%d", i), guideline.RoleResponsibleOfficial)},
			})
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, register.ErrVersionConflict):
			t.Errorf("loser's error = %v, want ErrVersionConflict", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d writers won", won)
	}
	n := 0
	for e, err := range l.Scan(ctx, register.Filter{Kinds: []string{register.KindMessageQueued}}) {
		if err != nil {
			t.Fatal(err)
		}
		_ = e
		n++
	}
	if n != 1 {
		t.Errorf("%d messages queued, want the winner's one", n)
	}
	snap, _ := load(ctx, tb, l, "toy/r")
	if snap.Version != at.Version+1 {
		t.Errorf("version = %d", snap.Version)
	}
}

// failing is a backend whose appends fail.
type failing struct {
	register.Register
}

var errDisk = errors.New("disco pieno")

func (failing) Append(context.Context, register.Batch) error { return errDisk }

func TestFailedAppendLeavesNothing(t *testing.T) {
	t.Parallel()
	tb := toyTable(t)
	ctx := context.Background()
	mem := memregister.New()
	k, _ := register.NewKeyring("k1", make([]byte, register.KeySize))
	l, err := register.Open(ctx, failing{mem}, &register.Options{Sealer: k})
	if err != nil {
		t.Fatal(err)
	}
	_, err = apply(ctx, tb, l, "toy/f", lifecycle.Change[action]{
		Action: submit, Actor: official, Messages: []notify.Message{message("f/1", guideline.RolePoliceCommand)},
	})
	if !errors.Is(err, errDisk) {
		t.Fatalf("err = %v", err)
	}
	if h, _ := mem.Head(ctx); h.Seq != 0 {
		t.Fatalf("%d entries written", h.Seq)
	}
	// A message key already queued fails the whole transition too.
	l2 := newLog(t)
	if _, err := apply(ctx, tb, l2, "toy/a", lifecycle.Change[action]{Action: submit, Actor: official,
		Messages: []notify.Message{message("dup", guideline.RolePoliceCommand)}}); err != nil {
		t.Fatal(err)
	}
	head, _ := l2.Backend().Head(ctx)
	_, err = apply(ctx, tb, l2, "toy/b", lifecycle.Change[action]{Action: submit, Actor: official,
		Messages: []notify.Message{message("fresh", guideline.RolePoliceCommand), message("dup", guideline.RolePoliceCommand)}})
	if !errors.Is(err, register.ErrVersionConflict) {
		t.Fatalf("err = %v", err)
	}
	if after, _ := l2.Backend().Head(ctx); after.Seq != head.Seq {
		t.Errorf("the failed transition wrote %d entries", after.Seq-head.Seq)
	}
	if snap, _ := load(ctx, tb, l2, "toy/b"); snap.State != draft || snap.Version != 0 {
		t.Errorf("toy/b = %+v", snap)
	}
}

func TestNewRejectsBadTables(t *testing.T) {
	t.Parallel()
	base := toySpec(t)
	for name, mutate := range map[string]func(*lifecycle.Spec[state, action]){
		"no name":         func(s *lifecycle.Spec[state, action]) { s.Name = "" },
		"no catalog":      func(s *lifecycle.Spec[state, action]) { s.Catalog = nil },
		"unknown initial": func(s *lifecycle.Spec[state, action]) { s.Initial = "limbo" },
		"repeated state":  func(s *lifecycle.Spec[state, action]) { s.States = append(s.States, draft) },
		"unknown state":   func(s *lifecycle.Spec[state, action]) { s.Transitions[0].To = "limbo" },
		"no role":         func(s *lifecycle.Spec[state, action]) { s.Transitions[0].Roles = nil },
		"bad role":        func(s *lifecycle.Spec[state, action]) { s.Transitions[0].Roles = []guideline.Role{"mayor"} },
		"no kind":         func(s *lifecycle.Spec[state, action]) { s.Transitions[0].Kind = "" },
		"ambiguous action": func(s *lifecycle.Spec[state, action]) {
			s.Transitions = append(s.Transitions, lifecycle.Transition[state, action]{From: draft, Action: submit, To: cancelled, Roles: s.Transitions[0].Roles, Kind: "x.y"})
		},
		"ambiguous kind": func(s *lifecycle.Spec[state, action]) {
			s.Transitions = append(s.Transitions, lifecycle.Transition[state, action]{From: draft, Action: cancel, To: cancelled, Roles: s.Transitions[0].Roles, Kind: register.KindRequestSubmitted})
		},
		"kind shared with a role in common": func(s *lifecycle.Spec[state, action]) {
			s.Transitions = append(s.Transitions, lifecycle.Transition[state, action]{From: draft, Action: cancel, To: submitted, Roles: []guideline.Role{guideline.RolePoliceCommand, guideline.RoleResponsibleOfficial}, Kind: register.KindRequestSubmitted})
		},
		"note without kind":         func(s *lifecycle.Spec[state, action]) { s.Notes = append(s.Notes, "") },
		"note repeated":             func(s *lifecycle.Spec[state, action]) { s.Notes = append(s.Notes, "request.note") },
		"note kind of a transition": func(s *lifecycle.Spec[state, action]) { s.Notes = append(s.Notes, register.KindRequestAccepted) },
		"missing text": func(s *lifecycle.Spec[state, action]) {
			s.Transitions = append(s.Transitions, lifecycle.Transition[state, action]{From: draft, Action: "fly", To: cancelled, Roles: s.Transitions[0].Roles, Kind: "x.fly"})
		},
	} {
		s := base
		s.States = slices.Clone(base.States)
		s.Transitions = slices.Clone(base.Transitions)
		s.Notes = slices.Clone(base.Notes)
		mutate(&s)
		if _, err := lifecycle.New(s); !errors.Is(err, lifecycle.ErrInvalidTable) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestDiagrams(t *testing.T) {
	t.Parallel()
	tb := toyTable(t)
	m := tb.Mermaid(language.Italian)
	for _, want := range []string{
		"flowchart TD\n",
		`  s_draft["Stato draft"]` + "\n",
		`  s_draft -->|"Azione submit (Funzionario P.O. responsabile del Servizio Sociale Professionale competente per territorio)"| s_submitted` + "\n",
		`  s_info_requested -.->|"Azione expire (Sistema (procedura automatica))"| s_cancelled` + "\n",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("Mermaid lacks %q:\n%s", want, m)
		}
	}
	d := tb.DOT(language.English)
	for _, want := range []string{
		"digraph toy {\n",
		`  s_submitted -> s_accepted [label="Action accept (Local Police Command)"];` + "\n",
		`  s_info_requested -> s_cancelled [label="Action expire (System (automatic procedure))", style=dashed];` + "\n",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("DOT lacks %q:\n%s", want, d)
		}
	}
	if n := strings.Count(m, "-->") + strings.Count(m, "-.->"); n != len(tb.Transitions()) {
		t.Errorf("%d edges for %d transitions", n, len(tb.Transitions()))
	}
}

// Two transitions from one state may record the same kind when they lead
// to the same state and no role may take both: the replay tells them
// apart by the role of the entry's actor.
func TestSharedKindTellsTransitionsApartByRole(t *testing.T) {
	t.Parallel()
	spec := toySpec(t)
	spec.Transitions = append(spec.Transitions, lifecycle.Transition[state, action]{
		From: draft, Action: accept, To: submitted, Roles: []guideline.Role{guideline.RolePoliceCommand}, Kind: register.KindRequestSubmitted,
	})
	tb, err := lifecycle.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		actor register.Actor
		want  action
	}{{official, submit}, {command, accept}, {register.Actor{Role: guideline.RolePatrol, ID: "x"}, submit}} {
		e := register.Entry{Seq: 7, Kind: register.KindRequestSubmitted, Actor: c.actor, Version: 1}
		snap, tr, note, err := tb.Step(lifecycle.Snapshot[state]{State: draft}, e)
		if err != nil || note || snap.State != submitted || snap.Version != 1 || tr.Action != c.want {
			t.Errorf("%s: Step = %+v, %+v, %v, %v; want %s", c.actor.Role, snap, tr, note, err, c.want)
		}
	}
}

func TestStep(t *testing.T) {
	t.Parallel()
	tb := toyTable(t)
	at := lifecycle.Snapshot[state]{State: submitted, Version: 1}
	entry := func(kind string, version uint64) register.Entry {
		return register.Entry{Seq: 9, Kind: kind, Actor: command, Version: version}
	}
	snap, tr, note, err := tb.Step(at, entry("request.note", 2))
	if err != nil || !note || snap != (lifecycle.Snapshot[state]{State: submitted, Version: 2}) || tr.Kind != "" {
		t.Errorf("note: %+v, %+v, %v, %v", snap, tr, note, err)
	}
	snap, tr, note, err = tb.Step(at, entry(register.KindRequestAccepted, 2))
	if err != nil || note || snap != (lifecycle.Snapshot[state]{State: accepted, Version: 2}) || tr.Action != accept {
		t.Errorf("transition: %+v, %+v, %v, %v", snap, tr, note, err)
	}
	// The transition returned is a copy: changing it changes no table.
	tr.Roles[0] = guideline.RolePatrol
	if _, err := tb.Next(submitted, accept, guideline.RolePoliceCommand); err != nil {
		t.Errorf("Step shares the table's roles: %v", err)
	}
	for name, e := range map[string]register.Entry{
		"version gap":  entry(register.KindRequestAccepted, 3),
		"unknown kind": entry("request.unknown", 2),
		"wrong state":  entry(register.KindRequestCompleted, 2),
	} {
		if _, _, _, err := tb.Step(at, e); !errors.Is(err, lifecycle.ErrUnexpectedEntry) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestApplyAllAtIsOneAppend(t *testing.T) {
	t.Parallel()
	tb := toyTable(t)
	ctx := context.Background()
	l := newLog(t)
	at := reach(t, tb, l, "toy/two", submitted)
	head, _ := l.Backend().Head(ctx)
	// The second change is refused: nothing of the first is written.
	_, err := tb.ApplyAllAt(ctx, l, "toy/two", at,
		lifecycle.Change[action]{Action: accept, Actor: command},
		lifecycle.Change[action]{Action: complete, Actor: register.Actor{Role: guideline.RolePatrol, ID: "x"}})
	var te *lifecycle.TransitionError
	if !errors.As(err, &te) || te.State != string(accepted) || te.Action != string(complete) {
		t.Fatalf("err = %v", err)
	}
	if after, _ := l.Backend().Head(ctx); after.Seq != head.Seq {
		t.Fatalf("the refused changes wrote %d entries", after.Seq-head.Seq)
	}
	rs, err := tb.ApplyAllAt(ctx, l, "toy/two", at,
		lifecycle.Change[action]{Action: accept, Actor: command, Messages: []notify.Message{message("two/a", guideline.RoleResponsibleOfficial)},
			Notes: []lifecycle.Note{{Kind: "request.note"}}},
		lifecycle.Change[action]{Action: complete, Actor: official, Messages: []notify.Message{message("two/b", guideline.RolePoliceCommand)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].State != accepted || rs[0].Version != at.Version+2 || rs[0].Entry.Kind != register.KindRequestAccepted ||
		len(rs[0].Notes) != 1 || len(rs[0].Queued) != 1 || rs[0].Queued[0].Stream != register.MessageStreamPrefix+"two/a" {
		t.Fatalf("first result = %+v", rs[0])
	}
	if r := rs[1]; r.State != completed || r.Version != at.Version+3 || r.Entry.Kind != register.KindRequestCompleted || r.Entry.Actor != official ||
		len(r.Notes) != 0 || len(r.Queued) != 1 || r.Queued[0].Stream != register.MessageStreamPrefix+"two/b" {
		t.Fatalf("second result = %+v", r)
	}
	// One batch: the entries are consecutive, the stream's then the queued.
	if rs[1].Entry.Seq != rs[0].Entry.Seq+2 || rs[0].Queued[0].Seq != rs[1].Entry.Seq+1 || rs[1].Queued[0].Seq != rs[0].Queued[0].Seq+1 {
		t.Errorf("not one batch: %d %d %d %d", rs[0].Entry.Seq, rs[1].Entry.Seq, rs[0].Queued[0].Seq, rs[1].Queued[0].Seq)
	}
	if got, err := load(ctx, tb, l, "toy/two"); err != nil || got != rs[1].Snapshot {
		t.Errorf("load = %+v, %v; want %+v", got, err, rs[1].Snapshot)
	}
	// Another writer got there first: nothing is written.
	if _, err := tb.ApplyAllAt(ctx, l, "toy/two", at, lifecycle.Change[action]{Action: accept, Actor: command}); !errors.Is(err, register.ErrVersionConflict) {
		t.Errorf("stale: err = %v", err)
	}
	if rs, err := tb.ApplyAllAt(ctx, l, "toy/two", rs[1].Snapshot); rs != nil || err != nil {
		t.Errorf("no change: %v, %v", rs, err)
	}
}
