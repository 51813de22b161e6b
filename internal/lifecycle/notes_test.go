package lifecycle_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/internal/lifecycle"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/register"
)

func TestNotesWithATransitionAndAlone(t *testing.T) {
	t.Parallel()
	tb := toyTable(t)
	l := newLog(t)
	ctx := context.Background()
	sys := register.SystemActor("escalation")
	r, err := tb.ApplyAt(ctx, l, "toy/n", lifecycle.Snapshot[state]{State: draft}, lifecycle.Change[action]{
		Action: submit, Actor: official, Territory: "municipio-1",
		Notes:    []lifecycle.Note{{Kind: "request.note", Actor: sys, Data: []byte(`{"n":1}`)}},
		Messages: []notify.Message{message("toy/n/a", guideline.RolePoliceCommand)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.State != submitted || r.Version != 2 || r.Entry.Version != 1 || len(r.Notes) != 1 || len(r.Queued) != 1 {
		t.Fatalf("result = %+v", r)
	}
	if n := r.Notes[0]; n.Kind != "request.note" || n.Version != 2 || n.Actor != sys || n.Territory != "municipio-1" {
		t.Errorf("note = %v", n)
	}
	a, err := tb.Annotate(ctx, l, "toy/n", r.Snapshot, lifecycle.Change[action]{
		Actor: official, Notes: []lifecycle.Note{{Kind: "request.note"}},
		Messages: []notify.Message{message("toy/n/b", guideline.RolePoliceCommand)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if a.State != submitted || a.Version != 3 || len(a.Notes) != 1 || len(a.Queued) != 1 || a.Notes[0].Actor != official {
		t.Fatalf("annotate = %+v", a)
	}
	if got, err := load(ctx, tb, l, "toy/n"); err != nil || got != a.Snapshot {
		t.Errorf("Load = %+v, %v", got, err)
	}
	// A stale version, a kind that is not a note, an action: nothing written.
	head, _ := l.Backend().Head(ctx)
	_, err = tb.Annotate(ctx, l, "toy/n", r.Snapshot, lifecycle.Change[action]{Actor: official, Notes: []lifecycle.Note{{Kind: "request.note"}}})
	if !errors.Is(err, register.ErrVersionConflict) {
		t.Errorf("stale annotate: %v", err)
	}
	_, err = tb.Annotate(ctx, l, "toy/n", a.Snapshot, lifecycle.Change[action]{Actor: official, Notes: []lifecycle.Note{{Kind: register.KindRequestAccepted}}})
	if !errors.Is(err, lifecycle.ErrNotANote) {
		t.Errorf("not a note: %v", err)
	}
	_, err = tb.Annotate(ctx, l, "toy/n", a.Snapshot, lifecycle.Change[action]{Action: accept, Actor: command, Notes: []lifecycle.Note{{Kind: "request.note"}}})
	if !errors.Is(err, lifecycle.ErrNotANote) {
		t.Errorf("annotate with an action: %v", err)
	}
	_, err = tb.ApplyAt(ctx, l, "toy/n", a.Snapshot, lifecycle.Change[action]{Action: accept, Actor: command, Notes: []lifecycle.Note{{Kind: "request.bogus"}}})
	if !errors.Is(err, lifecycle.ErrNotANote) {
		t.Errorf("transition with a bad note: %v", err)
	}
	if after, _ := l.Backend().Head(ctx); after.Seq != head.Seq {
		t.Errorf("refused notes wrote %d entries", after.Seq-head.Seq)
	}
}
