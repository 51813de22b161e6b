package lifecycle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sostegno/sostegno/register"
)

// ErrNotANote is wrapped by the errors of [Table.ApplyAt] and
// [Table.Annotate] for a [Note] whose Kind is not in [Spec.Notes].
var ErrNotANote = errors.New("lifecycle: kind is not a note of the table")

// Note is an entry that records a fact in a stream without changing its
// state (an escalation, a late confirmation): its Kind must be one of
// [Spec.Notes]. Its territory and guideline are those of the [Change]
// it comes with.
type Note struct {
	// Kind is the entry's kind, one of the table's notes.
	Kind string
	// Actor is who records it; the Change's Actor when zero.
	Actor register.Actor
	// Data holds the note's non-personal facts, as a JSON object.
	Data json.RawMessage
	// Personal is personal data, sealed by the Log.
	Personal []byte
}

// Annotate appends c.Notes to stream and queues c.Messages, without a
// transition, in one append at version at.Version: all of it or none.
// c.Action must be empty. If the stream moved since at, the error matches
// [register.ErrVersionConflict] and nothing is written. The Result's
// State is at.State and its Entry is zero.
func (t *Table[S, A]) Annotate(ctx context.Context, log *register.Log, stream string, at Snapshot[S], c Change[A]) (Result[S], error) {
	if c.Action != "" {
		return Result[S]{}, fmt.Errorf("%s: annotate with action %q: %w", t.spec.Name, c.Action, ErrNotANote)
	}
	if len(c.Notes) == 0 {
		return Result[S]{}, fmt.Errorf("%s: annotate without notes: %w", t.spec.Name, ErrNotANote)
	}
	rs, err := t.append(ctx, log, stream, at, []part[S, A]{{c: c}})
	if err != nil {
		return Result[S]{}, fmt.Errorf("%s: note: %w", t.spec.Name, err)
	}
	return rs[0], nil
}
