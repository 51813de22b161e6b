package lifecycle

import (
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
)

// ErrNotAllowed is matched by every [*TransitionError] with [errors.Is].
var ErrNotAllowed = errors.New("lifecycle: transition not allowed")

// TransitionError is a refused transition: the action is not possible
// from the state, or not for the role. Nothing was written. It names the
// state, the action and the role (codes, never personal data), and
// renders itself for a person with [TransitionError.Message].
type TransitionError struct {
	// Lifecycle is the table's name, such as "request".
	Lifecycle string
	// State is the state the stream was in.
	State string
	// Action is the action refused.
	Action string
	// Role is the role of the actor who tried.
	Role guideline.Role
	// Allowed are the roles that may take the action from State; empty
	// when the action is not possible from State at all.
	Allowed []guideline.Role

	catalog *guideline.Catalog
}

// Error returns an English description with the lifecycle's name as
// prefix, such as `request: action "accept" is not allowed in state
// "draft"`.
func (e *TransitionError) Error() string {
	if len(e.Allowed) > 0 {
		return fmt.Sprintf("%s: action %s in state %s is not allowed to role %s",
			e.Lifecycle, strconv.Quote(e.Action), strconv.Quote(e.State), strconv.Quote(string(e.Role)))
	}
	return fmt.Sprintf("%s: action %s is not allowed in state %s",
		e.Lifecycle, strconv.Quote(e.Action), strconv.Quote(e.State))
}

// Is reports whether target is [ErrNotAllowed].
func (e *TransitionError) Is(target error) bool { return target == ErrNotAllowed }

// RoleRefused reports whether the action was possible from the state but
// not for the role.
func (e *TransitionError) RoleRefused() bool { return len(e.Allowed) > 0 }

// Message returns the refusal for a person, in the language of tag
// (Italian for any language the catalog lacks), with the names of the
// state, the action and the role.
func (e *TransitionError) Message(tag language.Tag) string {
	c := e.catalog
	if c == nil {
		return e.Error()
	}
	p := c.Printer(tag)
	action := p.Sprintf(actionKey(e.Lifecycle, e.Action))
	state := p.Sprintf(stateKey(e.Lifecycle, e.State))
	if e.RoleRefused() {
		return p.Sprintf(keyRefusedRole, action, state, e.Role.Name(p))
	}
	return p.Sprintf(keyRefusedState, action, state)
}
