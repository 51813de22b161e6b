package outbox

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	mathrand "math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/register"
)

// Options configure a [Dispatcher]. A nil *Options, and any zero field,
// means the default written next to the field.
type Options struct {
	// Holder identifies this dispatcher in its claims; a random one if
	// empty. Claims that a dispatcher finds under its own Holder and is
	// not working on are left over from a previous run of the same
	// dispatcher (it crashed), so it takes them back at once instead of
	// waiting for their lease to expire. Two dispatchers running at once
	// must never share a Holder.
	Holder string
	// Lease is how long a claim holds; 1 minute. A dispatcher that dies
	// holding claims delays those messages by at most this much.
	Lease time.Duration
	// SendTimeout bounds one attempt to send a message; half the Lease, and
	// never more, so that an attempt ends before its claim does.
	SendTimeout time.Duration
	// BatchSize is how many messages are claimed, and marked, in one
	// append; 256.
	BatchSize int
	// Concurrency is how many messages are sent at once; 16.
	Concurrency int
	// PollInterval is how often [Dispatcher.Run] looks for new messages
	// when none is due earlier; 1 second.
	PollInterval time.Duration
	// MaxAttempts is the number of attempts after which a message that
	// still fails is dead-lettered; 10.
	MaxAttempts int
	// MaxAge is the deadline of a message queued without one, counted
	// from its queueing; 24 hours. A message is always tried at least
	// once; after its deadline it is not tried again.
	MaxAge time.Duration
	// InitialInterval is the wait after a first failed attempt; 5 seconds.
	InitialInterval time.Duration
	// MaxInterval caps the wait between two attempts of a Normal message;
	// 10 minutes.
	MaxInterval time.Duration
	// UrgentMaxInterval caps the wait between two attempts of an Urgent
	// message; 30 seconds.
	UrgentMaxInterval time.Duration
	// Multiplier is the growth of the wait after each failure; 2.
	Multiplier float64
	// Jitter is the randomization factor of each wait; 0.2, negative for
	// none.
	Jitter float64
	// Now returns the current time; time.Now if nil.
	Now func() time.Time
	// OnError receives the errors [Dispatcher.Run] survives (a register
	// briefly unreachable); they are dropped if nil. It must not block.
	OnError func(error)
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&r.Lease, time.Minute)
	if r.SendTimeout <= 0 || r.SendTimeout > r.Lease/2 {
		r.SendTimeout = r.Lease / 2
	}
	def(&r.PollInterval, time.Second)
	def(&r.MaxAge, 24*time.Hour)
	def(&r.InitialInterval, 5*time.Second)
	def(&r.MaxInterval, 10*time.Minute)
	def(&r.UrgentMaxInterval, 30*time.Second)
	if r.BatchSize <= 0 {
		r.BatchSize = 256
	}
	if r.Concurrency <= 0 {
		r.Concurrency = 16
	}
	if r.MaxAttempts <= 0 {
		r.MaxAttempts = 10
	}
	if r.Multiplier <= 0 {
		r.Multiplier = 2
	}
	switch {
	case r.Jitter == 0:
		r.Jitter = 0.2
	case r.Jitter < 0:
		r.Jitter = 0
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Holder == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		r.Holder = "outbox-" + hex.EncodeToString(b[:])
	}
	return r
}

// Actor is the actor of the dispatcher's entries: the system actor
// "outbox", never a role of the guideline.
var Actor = register.SystemActor("outbox")

// Purpose is the purpose written in the access log when the dispatcher
// opens the content of the messages it sends.
const Purpose = "invio della notifica"

// Dispatcher delivers the messages queued in a register through a
// [notify.Notifier], at least once, recording every claim, attempt,
// delivery and dead letter in the register. See the package
// documentation. Several dispatchers, in several processes, may serve one
// register.
//
// A Dispatcher is safe for concurrent use; its drains are serialised.
type Dispatcher struct {
	log *register.Log
	n   notify.Notifier
	o   Options

	lanes [2]sync.Mutex // serialise the drains of each lane

	mu       sync.Mutex // guards idx and inflight; never held while sending
	idx      *index
	inflight map[string]bool // streams of the messages being sent
}

// NewDispatcher returns a dispatcher that sends the messages queued in log
// through n. It reads nothing until its first drain, which reads every
// outbox entry of the register once; later drains read only what was
// appended since.
func NewDispatcher(log *register.Log, n notify.Notifier, opts *Options) *Dispatcher {
	return &Dispatcher{log: log, n: n, o: opts.withDefaults(), idx: newIndex(), inflight: map[string]bool{}}
}

// Holder returns the identifier the dispatcher writes in its claims
// ([register.DataHolder]): [Options.Holder], or the random one it was
// given ("outbox-" and 16 hexadecimal digits), so that an operator can
// tell, from its logs, which dispatcher holds a message.
func (d *Dispatcher) Holder() string { return d.o.Holder }

// DrainStats counts what one [Dispatcher.Drain] did.
type DrainStats struct {
	// Claimed is the number of attempts started.
	Claimed int
	// Delivered is the number of messages delivered.
	Delivered int
	// Failed is the number of attempts that failed and will be retried.
	Failed int
	// DeadLettered is the number of messages dead-lettered.
	DeadLettered int
	// Conflicts is the number of appends lost to another dispatcher.
	Conflicts int
}

// maxConflicts bounds the appends a drain may lose in a row before it
// gives up: each one means another dispatcher made progress.
const maxConflicts = 1000

// Drain sends every message that is due now, in batches, urgent messages
// first, and returns when none is left: messages whose next attempt is
// later, and messages claimed by another live dispatcher, are left for
// later drains. Between two batches it reads the entries appended since,
// so a message queued meanwhile is seen at once.
//
// Urgent messages have a lane of their own, drained concurrently with the
// main one (which takes urgent messages first, then normal ones), so an
// urgent message never waits for a batch of normal ones being sent.
//
// A claim lost to another dispatcher is not an error: the message is
// theirs. If ctx ends while messages are being sent, the outcomes already
// known are still recorded, and the others are taken again by the next
// drain of this dispatcher (or by another dispatcher once their lease
// expires), with the same idempotency key.
func (d *Dispatcher) Drain(ctx context.Context) (DrainStats, error) {
	var (
		wg   sync.WaitGroup
		sts  [2]DrainStats
		errs [2]error
	)
	for _, l := range []lane{urgentLane, mainLane} {
		wg.Go(func() { sts[l], errs[l] = d.drainLane(ctx, l) })
	}
	wg.Wait()
	var st DrainStats
	for _, x := range sts {
		st.Claimed += x.Claimed
		st.Delivered += x.Delivered
		st.Failed += x.Failed
		st.DeadLettered += x.DeadLettered
		st.Conflicts += x.Conflicts
	}
	return st, errors.Join(errs[0], errs[1])
}

// lane is one of the dispatcher's two lanes.
type lane int

const (
	// urgentLane takes only urgent messages.
	urgentLane lane = iota
	// mainLane takes urgent messages first, then normal ones.
	mainLane
)

// drainLane drains what is due for lane l, one batch at a time.
func (d *Dispatcher) drainLane(ctx context.Context, l lane) (DrainStats, error) {
	d.lanes[l].Lock()
	defer d.lanes[l].Unlock()
	var st DrainStats
	rotate, lost := false, 0
	for {
		err := d.round(ctx, l, rotate, &st)
		switch {
		case errors.Is(err, errNothingDue):
			return st, nil
		case err == nil:
			lost = 0
		case errors.Is(err, register.ErrVersionConflict):
			st.Conflicts++
			lost++
			rotate = true
			if lost >= maxConflicts {
				return st, err
			}
		default:
			return st, err
		}
	}
}

// errNothingDue ends a lane's drain.
var errNothingDue = errors.New("outbox: nothing due")

// due returns the messages lane l should work on now, at most a batch:
// every due urgent one first, then (in the main lane) normal ones, oldest
// due first. A message being sent by this dispatcher is not due; a claim
// of this dispatcher's Holder that it is not working on was left by a
// previous run, and is due. After a conflict, the normal ones start at a
// random place, so that dispatchers draining one backlog stop taking the
// same batch. The caller holds mu.
func (d *Dispatcher) due(now time.Time, l lane, rotate bool) []*tracked {
	var urgent, normal []*tracked
	for _, m := range d.idx.msgs {
		if d.inflight[m.stream] {
			continue
		}
		ready := m.status == StatusPending && !m.due.After(now) ||
			m.status == StatusClaimed && (!m.lease.After(now) || m.holder == d.o.Holder)
		switch {
		case !ready:
		case m.facts.Priority == "urgent":
			urgent = append(urgent, m)
		case l == mainLane:
			normal = append(normal, m)
		}
	}
	order := func(a, b *tracked) int {
		return cmp.Or(a.due.Compare(b.due), cmp.Compare(a.queued.Seq, b.queued.Seq))
	}
	slices.SortFunc(urgent, order)
	room := d.o.BatchSize - len(urgent)
	if room <= 0 {
		return urgent[:d.o.BatchSize]
	}
	if len(normal) > room && rotate {
		r := mathrand.N(len(normal))
		normal = slices.Concat(normal[r:], normal[:r])
	} else {
		slices.SortFunc(normal, order)
	}
	return append(urgent, normal[:min(room, len(normal))]...)
}

// deadline returns when m is dead-lettered if still undelivered.
func (d *Dispatcher) deadline(m *tracked) time.Time {
	if m.facts.Deadline != nil {
		return *m.facts.Deadline
	}
	return m.queued.Time.Add(d.o.MaxAge)
}

// event builds an entry of m's stream.
func (d *Dispatcher) event(m *tracked, kind string, f facts) register.Event {
	data, err := json.Marshal(f)
	if err != nil {
		panic(err) // facts holds only strings, numbers and times
	}
	return register.Event{
		Stream: m.stream, Kind: kind, Territory: m.queued.Territory,
		Actor: Actor, Guideline: m.queued.Guideline, Data: data,
	}
}

func (d *Dispatcher) deadLetter(m *tracked, r Reason) register.Event {
	f := m.facts.base()
	f.Attempt, f.Reason = m.attempt, r
	return d.event(m, register.KindMessageDeadLettered, f)
}

// append appends events, one per message of ms, at the versions the index
// knows, and folds the result into the index.
func (d *Dispatcher) append(ctx context.Context, ms []*tracked, evs []register.Event) error {
	expected := make(map[string]uint64, len(ms))
	for _, m := range ms {
		expected[m.stream] = m.version
	}
	entries, err := d.log.AppendBatch(ctx, expected, evs...)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := d.idx.apply(e); err != nil {
			return err
		}
	}
	return nil
}

// job is a claimed message being sent: its entry and facts, copied
// under mu so that sending needs no lock.
type job struct {
	m       *tracked
	version uint64 // the stream's version after the claim
	queued  register.Entry
	facts   facts
}

// round reads what was appended since the last round, claims (or
// dead-letters) what is due for lane l in one append, opens and sends what
// it claimed, and records the outcomes in one append. It returns
// errNothingDue when nothing is due.
func (d *Dispatcher) round(ctx context.Context, l lane, rotate bool, st *DrainStats) error {
	jobs, err := d.claim(ctx, l, rotate, st)
	if err != nil || len(jobs) == 0 {
		return err
	}
	defer func() {
		d.mu.Lock()
		for _, j := range jobs {
			delete(d.inflight, j.m.stream)
		}
		d.mu.Unlock()
	}()
	// Sending must end well before the claims' lease does, however many
	// messages the batch holds: what is not sent by then times out and is
	// retried later, rather than sent by two dispatchers at once.
	sendBy := time.Now().Add(d.o.Lease - d.o.Lease/4)
	msgs, unreadable, err := d.open(ctx, jobs)
	if err != nil {
		return err
	}
	errs := d.send(ctx, sendBy, msgs, unreadable)
	return d.mark(ctx, jobs, errs, unreadable, st)
}

// claim catches up, and claims or dead-letters in one append what is due
// for lane l. The claimed messages are in flight until their outcome is
// recorded.
func (d *Dispatcher) claim(ctx context.Context, l lane, rotate bool, st *DrainStats) ([]job, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.idx.catchUp(ctx, d.log); err != nil {
		return nil, err
	}
	now := d.o.Now()
	work := d.due(now, l, rotate)
	if len(work) == 0 {
		return nil, errNothingDue
	}
	lease := now.Add(d.o.Lease)
	evs := make([]register.Event, len(work))
	var claimed []*tracked
	dead := 0
	for i, m := range work {
		switch {
		case m.attempt >= d.o.MaxAttempts:
			// Its last attempt was claimed and never finished.
			evs[i] = d.deadLetter(m, ReasonAttemptsExhausted)
			dead++
		case m.attempt > 0 && now.After(d.deadline(m)):
			evs[i] = d.deadLetter(m, ReasonDeadlinePassed)
			dead++
		default:
			f := m.facts.base()
			f.Attempt, f.Holder, f.LeaseUntil = m.attempt+1, d.o.Holder, timePtr(lease)
			evs[i] = d.event(m, register.KindMessageClaimed, f)
			claimed = append(claimed, m)
		}
	}
	if err := d.append(ctx, work, evs); err != nil {
		return nil, err
	}
	st.Claimed += len(claimed)
	st.DeadLettered += dead
	jobs := make([]job, len(claimed))
	for i, m := range claimed {
		d.inflight[m.stream] = true
		jobs[i] = job{m: m, version: m.version, queued: m.queued, facts: m.facts}
	}
	return jobs, nil
}

// open opens the content of the claimed messages, with one entry in the
// access log for all of them.
func (d *Dispatcher) open(ctx context.Context, jobs []job) ([]notify.Message, []bool, error) {
	entries := make([]register.Entry, len(jobs))
	for i, j := range jobs {
		entries[i] = j.queued
	}
	opened, err := d.log.UnsealBatch(ctx, register.Access{Actor: Actor, Purpose: Purpose}, entries)
	if err != nil {
		return nil, nil, fmt.Errorf("outbox: opening the messages: %w", err)
	}
	msgs := make([]notify.Message, len(jobs))
	unreadable := make([]bool, len(jobs))
	for i, o := range opened {
		if o.Err == nil {
			msgs[i], o.Err = decodeMessage(jobs[i].facts, o.Plain)
		}
		unreadable[i] = o.Err != nil
	}
	return msgs, unreadable, nil
}

// send sends the readable messages concurrently, each within SendTimeout
// and all by sendBy, and returns each one's error.
func (d *Dispatcher) send(ctx context.Context, sendBy time.Time, msgs []notify.Message, skip []bool) []error {
	errs := make([]error, len(msgs))
	sem := make(chan struct{}, d.o.Concurrency)
	var wg sync.WaitGroup
	for i := range msgs {
		if skip[i] {
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			by := time.Now().Add(d.o.SendTimeout)
			if sendBy.Before(by) {
				by = sendBy
			}
			sctx, cancel := context.WithDeadline(ctx, by)
			defer cancel()
			errs[i] = d.n.Notify(sctx, msgs[i])
			if errs[i] != nil && sctx.Err() != nil && ctx.Err() == nil {
				errs[i] = &timeoutError{errs[i]}
			}
		})
	}
	wg.Wait()
	return errs
}

// timeoutError marks a send that ran out of its SendTimeout.
type timeoutError struct{ err error }

func (e *timeoutError) Error() string { return "outbox: send timed out: " + e.err.Error() }
func (e *timeoutError) Unwrap() error { return e.err }

// markTimeout bounds the recording of outcomes after ctx ended.
const markTimeout = 10 * time.Second

// mark records the outcome of each claimed message in one append. After a
// conflict (a claim whose lease expired was taken by another dispatcher)
// it drops the outcomes of the messages taken and records the others.
func (d *Dispatcher) mark(ctx context.Context, jobs []job, errs []error, unreadable []bool, st *DrainStats) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	stopped := ctx.Err() != nil
	// Outcomes already known are recorded even if ctx ended meanwhile.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	now := d.o.Now()
	type outcome struct {
		m       *tracked
		version uint64
		ev      register.Event
		kind    string
	}
	var outs []outcome
	for i, j := range jobs {
		m := j.m
		if d.idx.msgs[m.stream] != m || m.version != j.version {
			continue // its lease expired and another dispatcher took it
		}
		var ev register.Event
		switch {
		case unreadable[i]:
			ev = d.deadLetter(m, ReasonUnreadable)
		case errs[i] == nil:
			f := m.facts.base()
			f.Attempt = m.attempt
			ev = d.event(m, register.KindMessageDelivered, f)
		case stopped && errors.Is(errs[i], ctx.Err()):
			continue // interrupted: taken again later
		case notify.IsPermanent(errs[i]):
			ev = d.deadLetter(m, ReasonPermanent)
		default:
			ev = d.failure(m, errs[i], now)
		}
		outs = append(outs, outcome{m: m, version: m.version, ev: ev, kind: ev.Kind})
	}
	for attempt := 0; len(outs) > 0; attempt++ {
		ms := make([]*tracked, len(outs))
		evs := make([]register.Event, len(outs))
		for i, o := range outs {
			ms[i], evs[i] = o.m, o.ev
		}
		err := d.append(wctx, ms, evs)
		if err == nil {
			for _, o := range outs {
				switch o.kind {
				case register.KindMessageDelivered:
					st.Delivered++
				case register.KindMessageFailed:
					st.Failed++
				default:
					st.DeadLettered++
				}
			}
			break
		}
		if !errors.Is(err, register.ErrVersionConflict) || attempt >= maxConflicts {
			return err
		}
		st.Conflicts++
		if err := d.idx.catchUp(wctx, d.log); err != nil {
			return err
		}
		// The index updates each message in place: one that moved was
		// taken by another dispatcher, whose outcome will be recorded.
		outs = slices.DeleteFunc(outs, func(o outcome) bool {
			cur, ok := d.idx.msgs[o.m.stream]
			return !ok || cur != o.m || cur.version != o.version
		})
	}
	if stopped {
		return ctx.Err()
	}
	return nil
}

// failure returns the entry of a temporary failure of m: failed, with the
// time of the next attempt, or dead-lettered when no attempt is left
// before the deadline.
func (d *Dispatcher) failure(m *tracked, err error, now time.Time) register.Event {
	reason := ReasonTemporary
	var te *timeoutError
	if errors.As(err, &te) {
		reason = ReasonTimeout
	}
	if m.attempt >= d.o.MaxAttempts {
		return d.deadLetter(m, ReasonAttemptsExhausted)
	}
	wait := d.wait(m.attempt, priorityOf(m.facts.Priority))
	var de *notify.DeliveryError
	if errors.As(err, &de) && de.RetryAfter > wait {
		wait = de.RetryAfter
	}
	next := now.Add(wait)
	if next.After(d.deadline(m)) {
		return d.deadLetter(m, ReasonDeadlinePassed)
	}
	f := m.facts.base()
	f.Attempt, f.Reason, f.NextAttempt = m.attempt, reason, timePtr(next)
	return d.event(m, register.KindMessageFailed, f)
}

// wait returns the wait after the attempt-th failure, by the exponential
// schedule of cenkalti/backoff. The schedule's state is the attempt
// number, kept in the register, so a restarted dispatcher continues it.
func (d *Dispatcher) wait(attempt int, p notify.Priority) time.Duration {
	b := &backoff.ExponentialBackOff{
		InitialInterval:     d.o.InitialInterval,
		RandomizationFactor: d.o.Jitter,
		Multiplier:          d.o.Multiplier,
		MaxInterval:         d.o.MaxInterval,
	}
	if p == notify.Urgent && d.o.UrgentMaxInterval < b.MaxInterval {
		b.MaxInterval = d.o.UrgentMaxInterval
		b.InitialInterval = min(b.InitialInterval, b.MaxInterval)
	}
	b.Reset()
	var w time.Duration
	for range max(attempt, 1) {
		w = b.NextBackOff()
	}
	return w
}

// Run drains the register until ctx ends, then returns ctx's error. Each
// lane (see [Dispatcher.Drain]) runs on its own: after each drain it waits
// until its next message is due, a lease expires, or PollInterval passes,
// whichever comes first. Run survives errors of the register (passing them
// to OnError and trying again after PollInterval), except
// [register.ErrBroken] and [register.ErrClosed], which it returns: the
// register must then be reopened.
func (d *Dispatcher) Run(ctx context.Context) error {
	lctx, stop := context.WithCancel(ctx)
	defer stop()
	var (
		wg   sync.WaitGroup
		errs [2]error
	)
	for _, l := range []lane{urgentLane, mainLane} {
		wg.Go(func() {
			if errs[l] = d.runLane(lctx, l); errs[l] != nil {
				stop()
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs[0], errs[1]); err != nil {
		return err
	}
	return ctx.Err()
}

// runLane drains lane l until ctx ends (returning nil) or the register
// fails for good.
func (d *Dispatcher) runLane(ctx context.Context, l lane) error {
	for {
		_, err := d.drainLane(ctx, l)
		if ctx.Err() != nil {
			return nil
		}
		wait := d.o.PollInterval
		if err != nil {
			if errors.Is(err, register.ErrBroken) || errors.Is(err, register.ErrClosed) {
				return err
			}
			if d.o.OnError != nil {
				d.o.OnError(err)
			}
		} else {
			wait = d.nextWake(l, wait)
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil
		}
	}
}

// nextWake returns how long lane l may wait before its next drain, at
// most limit.
func (d *Dispatcher) nextWake(l lane, limit time.Duration) time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.o.Now()
	wait := limit
	for _, m := range d.idx.msgs {
		if d.inflight[m.stream] || l == urgentLane && m.facts.Priority != "urgent" {
			continue
		}
		at := m.due
		if m.status == StatusClaimed && m.holder != d.o.Holder {
			at = m.lease
		} else if m.status == StatusClaimed {
			at = now
		}
		wait = min(wait, max(at.Sub(now), 0))
	}
	return wait
}
