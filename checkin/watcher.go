package checkin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
)

// Raiser raises an emergency incident on behalf of a check-in session:
// the port that the incident lifecycle's service satisfies, so that an
// alarm runs the normal steps of the emergency.
//
// inc is a valid report (incident.Incident.Validate passes): kind
// [incident.Threat], the session's venue, the operator as reporter, and a
// description (personal data, to be sealed) that names the session. by is
// register.SystemActor("checkin"). cause is register.AlarmCheckoutMissed
// or register.AlarmDuress; the lifecycle writes it in the report's Data
// under register.DataAlarmCause, so that a compliance check finds it, and
// for AlarmDuress it must not contact the operator in a way that shows
// (no call back to their phone).
//
// inc.ID is set, derived from the register ([AlarmIncidentID]): Raise
// must give the incident that ID, and must not raise it twice. When an
// incident with that ID already exists it returns the ID with a nil error
// or an error wrapping [register.ErrVersionConflict] (what appending the
// report at stream version 0 gives); both count as raised.
type Raiser interface {
	Raise(ctx context.Context, inc incident.Incident, by register.Actor, cause string) (incident.ID, error)
}

// The incident lifecycle's Desk is a Raiser: [incident.Desk.Raise].
var _ Raiser = (*incident.Desk)(nil)

// RaiserFunc adapts a function to a [Raiser].
type RaiserFunc func(ctx context.Context, inc incident.Incident, by register.Actor, cause string) (incident.ID, error)

// Raise calls f.
func (f RaiserFunc) Raise(ctx context.Context, inc incident.Incident, by register.Actor, cause string) (incident.ID, error) {
	return f(ctx, inc, by, cause)
}

// WatcherOptions configures a [Watcher]. A nil *WatcherOptions means the
// defaults.
type WatcherOptions struct {
	// Now returns the current time for Run; the Service's clock if nil.
	Now func() time.Time
	// Poll is how often Run reads the register for sessions started by
	// other processes; 30 seconds if zero. Sessions started and closed
	// through the same Service wake it at once.
	Poll time.Duration
}

// Watcher raises the emergencies of check-in sessions: a session not
// closed by its due time (its expected end plus the grace period), a
// session locked by too many wrong codes, and a duress alarm.
//
// It holds no timer of its own that a restart would lose: what is due is
// derived from the register, by folding the streams of the sessions (it
// reads the whole register's check-in entries the first time, then only
// the new ones). A Watcher started after a crash finds the same sessions
// due and the same alarms pending. Raising an alarm is recorded first (the
// [KindMissed] or [KindDuressRaised] entry, the intent), the incident's
// ID derives from that entry ([AlarmIncidentID]), and the incident's
// existence is checked before raising it, so that a crash between raising
// and recording ([KindIncidentRaised]) never raises a second incident.
//
// A Watcher is not safe for concurrent use: run one per process. Several
// processes may each run one on the same register; they race on the
// streams' versions and the loser moves on.
type Watcher struct {
	svc    *Service
	raiser Raiser
	now    func() time.Time
	poll   time.Duration
	wakeC  chan struct{}

	after   uint64
	streams map[string]*state
}

// Watcher returns a Watcher of the sessions of the Service's register that
// raises through r. The Service wakes it whenever a session starts, is
// closed or locked.
func (s *Service) Watcher(r Raiser, opts *WatcherOptions) *Watcher {
	var o WatcherOptions
	if opts != nil {
		o = *opts
	}
	w := &Watcher{svc: s, raiser: r, now: o.Now, poll: o.Poll, wakeC: make(chan struct{}, 1), streams: map[string]*state{}}
	if w.now == nil {
		w.now = s.now
	}
	if w.poll <= 0 {
		w.poll = 30 * time.Second
	}
	s.mu.Lock()
	s.wakes = append(s.wakes, w.wakeC)
	s.mu.Unlock()
	return w
}

// Run ticks until ctx is done: at each session's due time, whenever the
// Service wakes it, and every Poll. It returns ctx's error. The errors of
// a tick (a register or a Raiser that fails) do not stop it: the next
// tick tries again.
func (w *Watcher) Run(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		case <-w.wakeC:
		}
		now := w.now()
		_ = w.Tick(ctx, now) // retried at the next tick
		wait := w.poll
		if next, ok := w.nextDue(); ok {
			wait = min(wait, max(next.Sub(now), 0))
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(wait)
	}
}

// nextDue returns the earliest due time of an open session.
func (w *Watcher) nextDue() (time.Time, bool) {
	var next time.Time
	for _, st := range w.streams {
		if st.Status == StatusOpen && !st.alarm && (next.IsZero() || st.DueAt.Before(next)) {
			next = st.DueAt
		}
	}
	return next, !next.IsZero()
}

// Tick does, as of now, what is due: it marks as missed every open session
// whose due time is not after now, and raises the incident of every alarm
// not yet raised. It returns the errors met, joined; what failed is tried
// again at the next tick.
func (w *Watcher) Tick(ctx context.Context, now time.Time) error {
	if err := w.fold(ctx); err != nil {
		return err
	}
	var errs []error
	marked := false
	for _, st := range w.streams {
		if st.alarm || st.Status != StatusOpen || st.started.Seq == 0 || now.Before(st.DueAt) {
			continue
		}
		_, err := w.svc.log.Append(ctx, string(st.ID), st.Version, register.Event{
			Kind: KindMissed, Territory: st.Territory, Actor: register.SystemActor(ActorID),
			Guideline: w.svc.g.Version(), Data: mustJSON(map[string]any{DataReason: MissedDeadline}),
		})
		if err != nil && !errors.Is(err, register.ErrVersionConflict) {
			errs = append(errs, err)
		}
		marked = true
	}
	if marked {
		if err := w.fold(ctx); err != nil {
			return errors.Join(append(errs, err)...)
		}
	}
	for name, st := range w.streams {
		if st.raised || st.intent.Seq == 0 {
			continue
		}
		if err := w.raise(ctx, name, st); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// fold reads the check-in entries appended since the last call.
func (w *Watcher) fold(ctx context.Context) error {
	for e, err := range w.svc.log.Scan(ctx, register.Filter{Kinds: Kinds(), AfterSeq: w.after}) {
		if err != nil {
			return err
		}
		w.after = e.Seq
		st := w.streams[e.Stream]
		if st == nil {
			st = &state{}
			w.streams[e.Stream] = st
		}
		st.apply(e)
	}
	// Only open sessions and alarms not yet raised need watching.
	for name, st := range w.streams {
		pending := st.intent.Seq != 0 && !st.raised
		if !pending && (st.alarm || st.started.Seq == 0 || st.Status != StatusOpen) {
			delete(w.streams, name)
		}
	}
	return nil
}

// raise raises the incident of one alarm and records it.
func (w *Watcher) raise(ctx context.Context, stream string, st *state) error {
	log := w.svc.log
	loc := w.svc.g.Location()
	id, err := AlarmIncidentID(st.intent, loc)
	if err != nil {
		return err
	}
	v, err := log.Backend().Version(ctx, id.Stream())
	if err != nil {
		return err
	}
	if v == 0 {
		src, cause := st.started, register.AlarmCheckoutMissed
		if st.alarm {
			src, cause = st.intent, register.AlarmDuress
		}
		pt, err := log.Unseal(ctx, systemAccess(purposeAlarm), src)
		if err != nil {
			return fmt.Errorf("checkin: opening the alarm's data: %w", err)
		}
		var p personal
		if err := json.Unmarshal(pt, &p); err != nil {
			return fmt.Errorf("%w: alarm of %s", ErrUnreadable, stream)
		}
		inc := incident.Incident{
			ID:    id,
			Kinds: incident.NewKinds(incident.Threat),
			Venue: guideline.Venue{Name: p.Venue.Name, Address: p.Venue.Address, Territory: p.Venue.Territory},
			// The session's venue is personal data (a home visit's name
			// and address): the incident's register keeps both sealed.
			PrivateVenue: true,
			Reporter: incident.Staff{ID: p.Operator.ID, Name: p.Operator.Name, Role: guideline.Role(p.Operator.Role),
				Email: p.Operator.Email, Phone: guideline.Phone(p.Operator.Phone), Endpoint: p.Operator.Endpoint},
		}
		if st.alarm {
			inc.Description = describe(keyDuress, string(p.Session))
		} else {
			due := st.DueAt.In(loc).Format("02/01/2006 15:04")
			inc.Description = describe(keyMissed, string(st.ID), due)
		}
		got, err := w.raiser.Raise(ctx, inc, register.SystemActor(ActorID), cause)
		switch {
		case errors.Is(err, register.ErrVersionConflict):
			// Raised already, by an earlier attempt or another process.
		case err != nil:
			return fmt.Errorf("checkin: raising the incident: %w", err)
		case got != "" && got != id:
			return fmt.Errorf("%w: %s instead of %s", ErrRaisedID, got, id)
		}
	}
	_, err = log.Append(ctx, stream, st.Version, register.Event{
		Kind: KindIncidentRaised, Territory: st.Territory, Actor: register.SystemActor(ActorID),
		Guideline: w.svc.g.Version(), Data: mustJSON(map[string]any{DataIncident: id}),
	})
	if err != nil && !errors.Is(err, register.ErrVersionConflict) {
		return err
	}
	return nil
}
