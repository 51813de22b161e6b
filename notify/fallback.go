package notify

import (
	"context"
	"time"
)

// Fallback returns a Notifier that gives each message to primary and, if
// primary fails, to secondary. It returns nil if either delivered, a
// [*MultiError] with both failures otherwise (permanent only if both are).
// When ctx is done after primary failed, secondary is not tried.
//
// For Urgent messages that must not wait for primary to give up, use
// [Escalate].
func Fallback(primary, secondary Notifier) Notifier {
	return &fallback{primary: primary, secondary: secondary}
}

type fallback struct{ primary, secondary Notifier }

func (f *fallback) Notify(ctx context.Context, m Message) error {
	err := f.primary.Notify(ctx, m)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return multi([]error{withContext(ctx, err)})
	}
	serr := f.secondary.Notify(ctx, m)
	if serr == nil {
		return nil
	}
	return multi([]error{err, serr})
}

// Escalate returns a Notifier for messages that cannot wait. A Normal
// message behaves as with [Fallback]. An Urgent message is given to
// primary (typically wrapped in [Retry]); if primary has not delivered it
// within deadline, or fails before then, the message also goes to
// secondary while primary keeps trying. Notify returns nil as soon as
// either has delivered, and then stops the other by cancelling its
// context and waits for it to return. A channel already sending when it
// is stopped may still deliver, so the message reaches at least one
// channel, possibly both; use [FanOut] when both must be reached. It
// returns a [*MultiError] when both fail.
//
// The deadline is the policy's, guideline.Policy.UrgentDeliveryDeadline
// (60 seconds in Milan's defaults): pass
// g.Policy().UrgentDeliveryDeadline.Std(). It is measured with package
// time, so tests run it on a fake clock with [testing/synctest].
func Escalate(primary, secondary Notifier, deadline time.Duration) Notifier {
	return &escalate{fallback: fallback{primary: primary, secondary: secondary}, deadline: deadline}
}

type escalate struct {
	fallback
	deadline time.Duration
}

type outcome struct {
	index int
	err   error
}

func (e *escalate) Notify(ctx context.Context, m Message) error {
	if m.Priority != Urgent {
		return e.fallback.Notify(ctx, m)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan outcome, 2)
	start := func(i int, n Notifier) {
		go func() { done <- outcome{i, n.Notify(ctx, m)} }()
	}
	start(0, e.primary)
	running := 1
	timer := time.NewTimer(e.deadline)
	defer timer.Stop()
	escalated := false
	errs := make([]error, 2)
	escalateNow := func() {
		if !escalated && ctx.Err() == nil {
			escalated = true
			running++
			start(1, e.secondary)
		}
	}
	for running > 0 {
		select {
		case <-timer.C:
			escalateNow()
		case o := <-done:
			running--
			if o.err == nil {
				cancel()
				// Wait for the other one, so no goroutine outlives the call.
				for ; running > 0; running-- {
					<-done
				}
				return nil
			}
			errs[o.index] = o.err
			if o.index == 0 {
				escalateNow()
			}
		}
	}
	if !escalated {
		return multi([]error{withContext(ctx, errs[0])})
	}
	return multi(errs)
}
