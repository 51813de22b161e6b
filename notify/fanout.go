package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Failure is one failed delivery inside a [MultiError].
type Failure struct {
	// Index is the position of the notifier that failed, as given to the
	// combinator (for [Fallback] and [Escalate], 0 is the primary).
	Index int
	// Err is its error.
	Err error
}

// MultiError is the failure of a combinator that tried several notifiers,
// such as [FanOut] and [Fallback]. It lists each notifier that failed.
//
// Its classification is an aggregate: [errors.As] with a **DeliveryError
// target finds a DeliveryError that is permanent only if every failure is
// permanent (trying again could still help the others), and whose
// RetryAfter is the longest one asked for. [errors.Is] looks into every
// failure, so errors.Is(err, context.Canceled) works.
type MultiError struct {
	// Failed lists the failures in the notifiers' order.
	Failed []Failure
	// Of is how many notifiers were tried.
	Of int
}

// Error implements error.
func (e *MultiError) Error() string {
	var b strings.Builder
	if len(e.Failed) == 1 {
		fmt.Fprintf(&b, "notify: 1 of %d deliveries failed", e.Of)
	} else {
		fmt.Fprintf(&b, "notify: %d of %d deliveries failed", len(e.Failed), e.Of)
	}
	for _, f := range e.Failed {
		fmt.Fprintf(&b, "; [%d] %v", f.Index, f.Err)
	}
	return b.String()
}

// Unwrap returns the errors of every failure.
func (e *MultiError) Unwrap() []error {
	errs := make([]error, len(e.Failed))
	for i, f := range e.Failed {
		errs[i] = f.Err
	}
	return errs
}

// As sets a **DeliveryError target to the aggregate classification
// described on [MultiError].
func (e *MultiError) As(target any) bool {
	p, ok := target.(**DeliveryError)
	if !ok || len(e.Failed) == 0 {
		return false
	}
	agg := &DeliveryError{Permanent: true, Err: e}
	for _, f := range e.Failed {
		agg.Permanent = agg.Permanent && IsPermanent(f.Err)
		if ra := retryAfter(f.Err); ra > agg.RetryAfter {
			agg.RetryAfter = ra
		}
	}
	*p = agg
	return true
}

// retryAfter returns the RetryAfter of the DeliveryError in err, if any.
func retryAfter(err error) (d time.Duration) {
	var de *DeliveryError
	if errors.As(err, &de) {
		return de.RetryAfter
	}
	return 0
}

// multi returns nil when no notifier failed, the [MultiError] otherwise.
func multi(errs []error) error {
	e := &MultiError{Of: len(errs)}
	for i, err := range errs {
		if err != nil {
			e.Failed = append(e.Failed, Failure{Index: i, Err: err})
		}
	}
	if len(e.Failed) == 0 {
		return nil
	}
	return e
}

// FanOut returns a Notifier that gives each message to every one of ns
// concurrently and waits for all of them: the slowest, not the sum, sets
// the time. It returns nil if every notifier delivered, a [*MultiError]
// naming the ones that failed otherwise. With no notifiers it delivers
// nothing and fails with [ErrNoRoute], since a message that reaches no one
// must not look delivered.
//
// Retrying a FanOut sends the message again to the notifiers that had
// already delivered it (with the same key, so a de-duplicating receiver
// drops it); to retry only the failed ones, put [Retry] inside each branch:
// FanOut(Retry(a, nil), Retry(b, nil)).
func FanOut(ns ...Notifier) Notifier { return fanOut(ns) }

type fanOut []Notifier

func (f fanOut) Notify(ctx context.Context, m Message) error {
	if len(f) == 0 {
		return Permanent(fmt.Errorf("%w: no notifier", ErrNoRoute))
	}
	return multi(fanOutMessages(ctx, f, func(int) Message { return m }))
}

// fanOutMessages calls ns[i].Notify(ctx, msg(i)) concurrently and returns
// their errors in order.
func fanOutMessages(ctx context.Context, ns []Notifier, msg func(i int) Message) []error {
	errs := make([]error, len(ns))
	if len(ns) == 1 {
		errs[0] = ns[0].Notify(ctx, msg(0))
		return errs
	}
	var wg sync.WaitGroup
	for i, n := range ns {
		wg.Go(func() { errs[i] = n.Notify(ctx, msg(i)) })
	}
	wg.Wait()
	return errs
}
