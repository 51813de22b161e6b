// Package lifecycle is what the two lifecycles of the guideline, request
// (the preventive phase) and incident (the emergency), share: a state
// machine written as data, whose current state is the fold of a register
// stream, and whose transitions are guarded appends that record the change
// of state and the notifications it causes in one atomic batch.
//
// Users see it only through request and incident; its API is for them.
//
// # The table
//
// A [Table] is built once, from a [Spec], and never changes. Its
// transitions say, each: from which state, by which action, to which
// state, which roles may take it (guideline roles, or [register.RoleSystem]
// for the library's own timers), the register Kind the transition appends,
// and whether it is a deviation the guideline allows (an operator alone on
// duty calling the Operations Centre directly). The table is the only
// place those rules live: [Table.Next] applies them, [Table.Fold] replays
// them, and [Table.Graph] draws them with the guideline's one renderer
// (Mermaid and DOT).
//
// # State is a fold
//
// The current state of a request or incident is not stored anywhere: it is
// the fold of its stream's entries ([Table.Fold]), each entry's Kind
// naming the transition taken from the state before. A restarted process
// reads where everything stands from the register. Kinds listed in
// [Spec.Notes] may appear in a stream without changing its state. A desk
// that folds more than the state (who confirmed what, and when) replays
// each entry with [Table.Step], the one step [Table.Fold] takes, so that
// the two replays cannot disagree.
//
// # A transition is one append
//
// [Table.ApplyAt], given the [Snapshot] the caller read, checks the state
// and the actor's role and then makes one [register.Log.AppendBatch], at
// the stream's expected version, holding the transition's entry and one
// queued entry per notification (see package outbox). Either all of it is
// in the register or none of it. [Table.ApplyAllAt] does the same for
// several transitions taken together (one fact that is two steps).
// A refused transition returns a [*TransitionError] and writes nothing. Two
// writers racing on one stream: one wins, the other gets an error matching
// [register.ErrVersionConflict], and nothing is duplicated.
//
// # The typed error
//
// [TransitionError] names the state, the action and the role, and renders
// itself for a person through the table's catalog, in Italian by default
// or English. Since this package is internal, request and incident
// re-export it as a type alias (type TransitionError =
// lifecycle.TransitionError), so that users of either write
// errors.As(err, &te) with a *request.TransitionError or a
// *incident.TransitionError, which are one type; it also matches
// [ErrNotAllowed] with errors.Is.
package lifecycle
