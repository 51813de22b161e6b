package incident

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/sostegno/sostegno/guideline"
)

// Roster says who is on duty where: the port an integrator implements
// over the municipality's staff directory or shift roster, as on-call
// schedules do. The emergency alert goes to the staff it returns.
//
// Implementations must be safe for concurrent use and honour ctx. They
// identify a venue by its Name.
type Roster interface {
	// OnDuty returns the staff on duty at venue at the given time, each
	// once, with how to reach them. Nobody on duty is an empty list and a
	// nil error: the lifecycle escalates at once.
	OnDuty(ctx context.Context, venue guideline.Venue, at time.Time) ([]Staff, error)
	// ResponsibleOfficial returns the responsible official (Funzionario
	// P.O.) of the territory at the given time, to whom an unanswered
	// alarm escalates, or an error wrapping [ErrNoOfficial].
	ResponsibleOfficial(ctx context.Context, territory string, at time.Time) (Staff, error)
}

// ErrNoOfficial is wrapped by [Roster.ResponsibleOfficial] when the
// territory has no responsible official at that time.
var ErrNoOfficial = errors.New("incident: no responsible official on duty for the territory")

// ErrShift is wrapped by the errors of [MemRoster.Add].
var ErrShift = errors.New("incident: invalid shift")

var _ Roster = (*MemRoster)(nil)

// Shift is a period in which a member of staff is on duty at a venue:
// from From (included) until Until (excluded). A shift of a responsible
// official ([guideline.RoleResponsibleOfficial]) makes them the official
// of the venue's territory for that period.
type Shift struct {
	// Staff is who is on duty.
	Staff Staff `json:"staff"`
	// Venue is where; its Name identifies it, and its Territory says whose
	// official a responsible official is.
	Venue guideline.Venue `json:"venue"`
	// From is when the shift starts.
	From time.Time `json:"from" validate:"required"`
	// Until is when the shift ends, after From.
	Until time.Time `json:"until" validate:"required"`
}

// covers reports whether the shift includes at.
func (s Shift) covers(at time.Time) bool { return !at.Before(s.From) && at.Before(s.Until) }

// MemRoster is a [Roster] held in memory, for tests, examples and small
// deployments: a list of shifts. The zero value is an empty roster ready
// to use; it is safe for concurrent use.
type MemRoster struct {
	mu     sync.RWMutex
	shifts []Shift
}

// Add adds shifts to the roster, all or none: it fails with an error
// wrapping [ErrShift] and a [*guideline.ValidationError] naming every
// invalid field (paths from "shifts[i]."), and adds nothing.
func (r *MemRoster) Add(shifts ...Shift) error {
	v := validator()
	var fs []guideline.FieldError
	for i, s := range shifts {
		prefix := fmt.Sprintf("shifts[%d].", i)
		// Labelled by the shift's own fields; the path keeps the index.
		own := structErrors(v, s)
		own = append(own, venueErrors(v, s.Venue)...)
		if !s.From.IsZero() && !s.Until.IsZero() && !s.Until.After(s.From) {
			own = append(own, v.Fail("until", ruleAfterStart, ""))
		}
		fs = append(fs, under(prefix, own)...)
	}
	if len(fs) > 0 {
		return fmt.Errorf("%w: %w", ErrShift, &guideline.ValidationError{Fields: fs})
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.shifts = append(r.shifts, shifts...)
	return nil
}

// Shifts returns a copy of the roster's shifts, in the order added.
func (r *MemRoster) Shifts() []Shift {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return slices.Clone(r.shifts)
}

// OnDuty returns the staff whose shift at the venue (same Name) includes
// at, each once (by Staff.ID), in the order their shifts were added.
func (r *MemRoster) OnDuty(ctx context.Context, venue guideline.Venue, at time.Time) ([]Staff, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("incident: roster: %w", err)
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []Staff
	for _, s := range r.shifts {
		if s.Venue.Name == venue.Name && s.covers(at) &&
			!slices.ContainsFunc(out, func(o Staff) bool { return o.ID == s.Staff.ID }) {
			out = append(out, s.Staff)
		}
	}
	return out, nil
}

// ResponsibleOfficial returns the responsible official whose shift at a
// venue of the territory includes at; the earliest added when several
// do. It fails with [ErrNoOfficial] when none does, and for an empty
// territory.
func (r *MemRoster) ResponsibleOfficial(ctx context.Context, territory string, at time.Time) (Staff, error) {
	if err := ctx.Err(); err != nil {
		return Staff{}, fmt.Errorf("incident: roster: %w", err)
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, s := range r.shifts {
		if territory != "" && s.Staff.Role == guideline.RoleResponsibleOfficial && s.Venue.Territory == territory && s.covers(at) {
			return s.Staff, nil
		}
	}
	return Staff{}, ErrNoOfficial
}
