package incident

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/internal/lifecycle"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/register"
)

// EscalationPurpose is the purpose written in the access log when the
// [Escalator] opens a report to alert again.
const EscalationPurpose = "sollecito dell'allarme non confermato"

// EscalatorOptions configure an [Escalator]. A nil *EscalatorOptions, and
// any zero field, means the default written next to the field.
type EscalatorOptions struct {
	// PollInterval is how often [Escalator.Run] reads the register when
	// nothing is due earlier; 1 second.
	PollInterval time.Duration
	// OnError receives the errors [Escalator.Run] survives; dropped if
	// nil. It must not block.
	OnError func(error)
}

// Escalator escalates the steps of an emergency that are not confirmed in
// time, on the ladder of the guideline's policy (guideline.Policy.Ladder):
// the alarm again, then the responsible official, then the call script
// to the operator to phone directly, repeated until the step is confirmed
// or the incident closed; and at once, without waiting, when an alert, a
// call script or an escalation is dead-lettered (an address that does not
// work) while step 1 or 2 is still pending: the official is alerted and
// the reporter gets the direct call script (not again for a message
// that was itself sent for a dead letter). Each escalation is an
// entry of kind [KindEscalated] by register.SystemActor("escalation"),
// with its messages queued in the outbox in the same append.
//
// Its timers are not held in memory: every [Escalator.Tick] folds the
// open incidents' streams (reading only the entries appended since the
// previous tick) and computes what is due from the times in the
// register, so a restarted Escalator resumes where the register says,
// and two Escalators on one register never escalate the same rung twice
// (the second append conflicts). A step confirmed is not escalated any
// further from the next tick on.
//
// An Escalator is safe for concurrent use; its ticks are serialised.
type Escalator struct {
	d *Desk
	o EscalatorOptions

	mu   sync.Mutex
	seen uint64
	open map[string]*tracked
	// retry holds, for the incidents whose rungs could not be built at
	// the last tick (the roster did not answer), when [Escalator.Due]
	// says to try again: a PollInterval later, not at once.
	retry map[string]time.Time
}

// tracked is an open incident as the Escalator follows it.
type tracked struct {
	entries []register.Entry
	dead    []deadLetter
}

type deadLetter struct{ key, kind string }

// NewEscalator returns an Escalator for the incidents of d's register,
// with d's guideline, roster, catalog and clock. It reads nothing until
// its first tick.
func NewEscalator(d *Desk, opts *EscalatorOptions) *Escalator {
	var o EscalatorOptions
	if opts != nil {
		o = *opts
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	return &Escalator{d: d, o: o, open: map[string]*tracked{}, retry: map[string]time.Time{}}
}

// escalatorKinds are the kinds an Escalator reads: every kind an
// incident's stream may hold (its fold needs them all), and the dead
// letters.
var escalatorKinds = slices.Concat(stages, Notes(), []string{register.KindMessageDeadLettered})

// catchUp reads the entries appended since the previous call.
func (x *Escalator) catchUp(ctx context.Context) error {
	for e, err := range x.d.log.Scan(ctx, register.Filter{Kinds: escalatorKinds, AfterSeq: x.seen}) {
		if err != nil {
			return err
		}
		x.seen = e.Seq
		switch {
		case e.Kind == register.KindIncidentReported && strings.HasPrefix(e.Stream, idPrefix):
			x.open[e.Stream] = &tracked{entries: []register.Entry{e}}
		case e.Kind == register.KindMessageDeadLettered:
			var cause, key, kind string
			_, _ = (register.TimelineEntry{Data: e.Data}).Field(register.DataCauseStream, &cause)
			_, _ = (register.TimelineEntry{Data: e.Data}).Field(register.DataMessageKey, &key)
			_, _ = (register.TimelineEntry{Data: e.Data}).Field(register.DataMessageKind, &kind)
			if t := x.open[cause]; t != nil {
				t.dead = append(t.dead, deadLetter{key: key, kind: kind})
			}
		default:
			if t := x.open[e.Stream]; t != nil {
				t.entries = append(t.entries, e)
				if e.Kind == register.KindIncidentClosed {
					delete(x.open, e.Stream)
					delete(x.retry, e.Stream)
				}
			}
		}
	}
	return nil
}

// rung is one rung of the ladder due.
type rung struct {
	step         guideline.StepID
	round, index int
	action       guideline.EscalationAction
	start        time.Time
}

// plan returns what is due for st at now (rungs of the ladder, dead
// letters to escalate), and when the next rung falls due (zero for
// none).
func (x *Escalator) plan(st Status, dead []deadLetter, now time.Time) ([]rung, []deadLetter, time.Time) {
	step, start, ok := st.pending()
	if !ok {
		return nil, nil, time.Time{}
	}
	pol := x.d.g.Policy()
	ladder := pol.Ladder(step)
	period := pol.LadderPeriod(step)
	if len(ladder) == 0 || period <= 0 {
		return nil, nil, time.Time{}
	}
	// The rungs taken for this step, by any Escalator. The report's own
	// escalation, when nobody else was on duty, took the first round's
	// rungs of the same actions: the official and the direct call are not
	// sent again.
	taken := map[[2]int]bool{}
	escalatedKeys := map[string]bool{}
	for _, e := range st.Escalations {
		if e.Reason == ReasonUndelivered {
			escalatedKeys[e.UndeliveredKey] = true
		}
		if e.Step != step {
			continue
		}
		switch e.Reason {
		case ReasonNotConfirmed:
			taken[[2]int{e.Round, e.Rung}] = true
		case ReasonNoColleagues:
			for i, r := range ladder {
				if slices.Contains(e.Actions, r.Action) {
					taken[[2]int{0, i}] = true
				}
			}
		}
	}
	at := func(r, i int) time.Time { return start.Add(time.Duration(r)*period + ladder[i].After.Std()) }
	// The round now under way: the last whose first rung is due. Rungs of
	// earlier rounds are not taken late; a rung of this round not taken
	// (its messages could not be built) is due again.
	round := 0
	if now.After(start) {
		round = int(now.Sub(start) / period)
	}
	for round > 0 && at(round, 0).After(now) {
		round--
	}
	var due []rung
	next := at(round+1, 0)
	for i := range ladder {
		if at(round, i).After(now) {
			next = at(round, i)
			break
		}
		if !taken[[2]int{round, i}] {
			due = append(due, rung{step: step, round: round, index: i, action: ladder[i].Action, start: start})
		}
	}
	var deadDue []deadLetter
	for _, d := range dead {
		if slices.Contains(alertKinds, d.kind) && !escalatedKeys[d.key] && !strings.Contains(d.key, "/escalation/undelivered/") {
			deadDue = append(deadDue, d)
		}
	}
	return due, deadDue, next
}

// Due returns when the next rung of any open incident falls due, after a
// catch-up with the register; the zero time when none is open. A dead
// letter to escalate is due at once (the time of its reading).
func (x *Escalator) Due(ctx context.Context, now time.Time) (time.Time, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.catchUp(ctx); err != nil {
		return time.Time{}, err
	}
	var next time.Time
	for stream, t := range x.open {
		st, err := foldStatus(ID(stream), t.entries)
		if err != nil {
			continue
		}
		due, dead, n := x.plan(st, t.dead, now)
		if len(due) > 0 || len(dead) > 0 {
			r, ok := x.retry[stream]
			if !ok || !r.After(now) {
				return now, nil
			}
			n = r
		}
		if !n.IsZero() && (next.IsZero() || n.Before(next)) {
			next = n
		}
	}
	return next, nil
}

// Tick escalates what is due at now: it reads the entries appended since
// the previous tick, and for every open incident whose pending step has
// rungs due (or whose alert was dead-lettered) appends the escalation and
// queues its messages. It returns the escalations it recorded. A rung
// that another Escalator recorded first, or an incident that moved
// meanwhile (a step confirmed), is left for the next tick, which sees
// why. A rung whose messages could not be built (the roster did not
// answer) is not recorded: its error is returned, the incident's other
// rungs go ahead, and the next tick tries it again ([Escalator.Due]
// says when: a PollInterval later); a rung with nobody to send to (no
// colleague on duty, no official: [ErrNoOfficial]) is recorded with no
// action. After a report that escalated at once because nobody else was
// on duty, the first round's rungs of the actions it took (the official,
// the direct call) are taken already. Rungs of earlier rounds that fell
// due while no Escalator ran are not taken late: the ladder resumes at
// the round under way.
func (x *Escalator) Tick(ctx context.Context, now time.Time) ([]Escalation, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.catchUp(ctx); err != nil {
		return nil, err
	}
	type work struct {
		st   Status
		due  []rung
		dead []deadLetter
	}
	var jobs []work
	var reports []register.Entry
	streams := make([]string, 0, len(x.open))
	for s := range x.open {
		streams = append(streams, s)
	}
	slices.Sort(streams)
	var errs []error
	for _, s := range streams {
		t := x.open[s]
		st, err := foldStatus(ID(s), t.entries)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !st.Open() {
			delete(x.open, s)
			delete(x.retry, s)
			continue
		}
		due, dead, _ := x.plan(st, t.dead, now)
		if len(due) == 0 && len(dead) == 0 {
			continue
		}
		jobs = append(jobs, work{st: st, due: due, dead: dead})
		reports = append(reports, st.report)
	}
	if len(jobs) == 0 {
		return nil, errors.Join(errs...)
	}
	// The reporters' names and contacts and the venues' addresses (and a
	// private venue's name), sealed, for the messages and the roster:
	// one access entry for all.
	opened, err := x.d.log.UnsealBatch(ctx, register.Access{Actor: escalationActor, Purpose: EscalationPurpose}, reports)
	if err != nil {
		return nil, errors.Join(append(errs, err)...)
	}
	var out []Escalation
	for i, j := range jobs {
		inc := j.st.incident()
		if o := opened[i]; o.Err == nil {
			if err := inc.unseal(o.Plain); err != nil {
				errs = append(errs, err)
			}
		} else {
			errs = append(errs, o.Err)
		}
		escs, err := x.escalate(ctx, j.st, inc, j.due, j.dead, now)
		delete(x.retry, string(j.st.ID))
		if err != nil && !errors.Is(err, register.ErrVersionConflict) {
			errs = append(errs, err)
			x.retry[string(j.st.ID)] = now.Add(x.o.PollInterval)
		}
		out = append(out, escs...)
	}
	return out, errors.Join(errs...)
}

// escalate appends the escalations of one incident and queues their
// messages, in one append.
func (x *Escalator) escalate(ctx context.Context, st Status, inc Incident, due []rung, dead []deadLetter, now time.Time) ([]Escalation, error) {
	d := x.d
	var notes []lifecycle.Note
	var msgs []notify.Message
	var escs []Escalation
	key := string(st.ID) + "/escalation/"
	at := st.ReportedAt.In(d.g.Location())
	reminders := 0
	for _, e := range st.Escalations {
		if slices.Contains(e.Actions, guideline.EscalateRealert) {
			reminders++
		}
	}
	var errs []error
	for _, r := range due {
		round, idx := r.round, r.index
		data := escalationData{Step: r.step, Reason: ReasonNotConfirmed, Round: &round, Rung: &idx}
		k := fmt.Sprintf("%s%s/%d-%d/", key, strings.TrimPrefix(string(r.step), "emergency."), r.round, r.index)
		var m []notify.Message
		var err error
		switch r.action {
		case guideline.EscalateRealert:
			m, err = x.realert(ctx, st, inc, r.step, k+"realert", reminders+1, now)
		case guideline.EscalateOfficial:
			m, err = x.official(ctx, st, inc, at, r.step, ReasonNotConfirmed, now.Sub(r.start), k+"official", now)
		case guideline.EscalateDirectCall:
			m, err = x.directCall(ctx, st, inc, k+"direct-call", now)
		}
		switch {
		case errors.Is(err, ErrNoOfficial):
			// Nobody to escalate to: the rung is taken, with no action.
			d.onError(err)
		case err != nil:
			// The roster did not answer: the rung is not taken, and the
			// next tick tries it again.
			errs = append(errs, fmt.Errorf("incident: escalating %s: %w", st.ID, err))
			continue
		}
		if len(m) > 0 {
			data.Actions = []guideline.EscalationAction{r.action}
			if r.action == guideline.EscalateRealert {
				reminders++
			}
		}
		msgs = append(msgs, m...)
		n, err := data.note()
		if err != nil {
			return nil, err
		}
		notes = append(notes, n)
		escs = append(escs, Escalation{Step: r.step, Reason: ReasonNotConfirmed, Actions: data.Actions, Round: r.round, Rung: r.index})
	}
	step, _, _ := st.pending()
	for n, dl := range dead {
		data := escalationData{Step: step, Reason: ReasonUndelivered, Key: dl.key}
		k := fmt.Sprintf("%sundelivered/%d-%d/", key, len(st.Escalations), n)
		if dl.kind != KindOfficialAlert {
			m, err := x.official(ctx, st, inc, at, step, ReasonUndelivered, 0, k+"official", now)
			if err != nil {
				d.onError(err)
			}
			if len(m) > 0 {
				msgs = append(msgs, m...)
				data.Actions = append(data.Actions, guideline.EscalateOfficial)
			}
		}
		if !strings.HasSuffix(dl.key, "/direct-call") && (!st.Silent() || dl.kind != KindOfficialAlert) {
			m, err := x.directCall(ctx, st, inc, k+"direct-call", now)
			if err != nil {
				d.onError(err)
			} else if len(m) > 0 {
				msgs = append(msgs, m...)
				data.Actions = append(data.Actions, guideline.EscalateDirectCall)
			}
		}
		note, err := data.note()
		if err != nil {
			return nil, err
		}
		notes = append(notes, note)
		escs = append(escs, Escalation{Step: step, Reason: ReasonUndelivered, Actions: data.Actions, Round: -1, Rung: -1, UndeliveredKey: dl.key})
	}
	if len(notes) == 0 {
		return nil, errors.Join(errs...)
	}
	r, err := table.Annotate(ctx, d.log, st.ID.Stream(), lifecycle.Snapshot[State]{State: st.State, Version: st.Version}, lifecycle.Change[Action]{
		Actor: escalationActor, Territory: st.Territory, Guideline: st.Guideline, Notes: notes, Messages: msgs,
	})
	if err != nil {
		return nil, errors.Join(append(errs, fmt.Errorf("incident: escalating %s: %w", st.ID, err))...)
	}
	for i := range escs {
		escs[i].At, escs[i].Seq = r.Notes[i].Time, r.Notes[i].Seq
	}
	return escs, errors.Join(errs...)
}

// realert returns the alarm again: the alert to the colleagues on duty
// now for step 1; the call script again to the colleague who confirmed
// step 1, for step 2.
func (x *Escalator) realert(ctx context.Context, st Status, inc Incident, step guideline.StepID, key string, n int, now time.Time) ([]notify.Message, error) {
	d := x.d
	onDuty, err := d.roster.OnDuty(ctx, inc.Venue, now)
	if err != nil {
		return nil, err
	}
	cols, err := onDutyColleagues(onDuty, inc.Reporter)
	d.onError(err)
	if step == StepCallOperationsCentre {
		first, _ := st.Confirmed(StepAlertColleagues)
		for _, c := range cols {
			if c.ID == first.By.ID {
				m, err := d.script(key, inc, c, false, st.Silent()).Message(d.o.Catalog)
				return []notify.Message{m}, err
			}
		}
	}
	if len(cols) == 0 {
		return nil, nil
	}
	m, err := Alert{Key: key, To: cols, Incident: inc, At: st.ReportedAt.In(d.g.Location()), Number: d.number, Reminder: n,
		Silent: st.Silent(), Language: d.o.Language}.Message(d.o.Catalog)
	return []notify.Message{m}, err
}

// directCall returns the direct call script: to the reporter, or for a
// silent alarm to the responsible official of the territory, if there is
// one (the reporter must get nothing).
func (x *Escalator) directCall(ctx context.Context, st Status, inc Incident, key string, now time.Time) ([]notify.Message, error) {
	d := x.d
	var official *Staff
	if st.Silent() {
		o, err := d.roster.ResponsibleOfficial(ctx, inc.Territory(), now)
		if err != nil {
			return nil, err
		}
		official = &o
	}
	caller, ok := d.directCaller(inc, official, st.Silent())
	if !ok {
		return nil, nil
	}
	m, err := d.script(key, inc, caller, true, st.Silent()).Message(d.o.Catalog)
	if err != nil {
		return nil, err
	}
	return []notify.Message{m}, nil
}

// official returns the alert to the responsible official of the
// territory, if there is one.
func (x *Escalator) official(ctx context.Context, st Status, inc Incident, at time.Time, step guideline.StepID, reason EscalationReason, after time.Duration, key string, now time.Time) ([]notify.Message, error) {
	d := x.d
	o, err := d.roster.ResponsibleOfficial(ctx, inc.Territory(), now)
	if err != nil {
		return nil, err
	}
	if after < time.Second {
		after = time.Second
	}
	m, err := OfficialAlert{
		Key: key, To: o, Incident: inc, At: at, Step: step, Reason: reason,
		After: guideline.Duration(after.Round(time.Second)), Number: d.number, Silent: st.Silent(), Language: d.o.Language,
	}.Message(d.o.Catalog)
	return []notify.Message{m}, err
}

// Run escalates until ctx ends, then returns ctx's error: after each tick
// it waits until the next rung is due or PollInterval passes, whichever
// comes first. It survives errors of the register (passing them to
// OnError), except register.ErrBroken and register.ErrClosed.
func (x *Escalator) Run(ctx context.Context) error {
	for {
		now := x.d.o.Now()
		if _, err := x.Tick(ctx, now); err != nil {
			if errors.Is(err, register.ErrBroken) || errors.Is(err, register.ErrClosed) {
				return err
			}
			if x.o.OnError != nil && ctx.Err() == nil {
				x.o.OnError(err)
			}
		}
		wait := x.o.PollInterval
		if next, err := x.Due(ctx, now); err == nil && !next.IsZero() {
			if w := next.Sub(now); w < wait {
				wait = max(w, time.Millisecond)
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
