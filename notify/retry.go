package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// RetryOptions configure [Retry]. A nil *RetryOptions, and any zero field,
// means the default written next to the field.
type RetryOptions struct {
	// InitialInterval is the wait before the second attempt; default 500 ms.
	InitialInterval time.Duration
	// MaxInterval caps the wait between two attempts of a Normal message;
	// default 30 s.
	MaxInterval time.Duration
	// UrgentMaxInterval caps the wait between two attempts of an Urgent
	// message, so an emergency is not left on a long schedule; default 2 s.
	UrgentMaxInterval time.Duration
	// Multiplier is the growth of the wait after each attempt; default 2.
	Multiplier float64
	// Jitter is the randomization factor: each wait is drawn in
	// [w·(1−Jitter), w·(1+Jitter)]; default 0.5, negative for none.
	Jitter float64
	// MaxAttempts bounds the number of attempts; default 0, no bound.
	MaxAttempts int
	// MaxElapsed bounds the time spent from the first attempt: no wait
	// that would end after it is started; default 15 minutes, negative for
	// no bound (the context still bounds it).
	MaxElapsed time.Duration
	// OnRetry, if set, is called before each wait with the number of the
	// attempt that failed, its error and the wait. It must not block.
	OnRetry func(attempt int, err error, wait time.Duration)
}

func (o *RetryOptions) withDefaults() RetryOptions {
	var r RetryOptions
	if o != nil {
		r = *o
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&r.InitialInterval, 500*time.Millisecond)
	def(&r.MaxInterval, 30*time.Second)
	def(&r.UrgentMaxInterval, 2*time.Second)
	def(&r.MaxElapsed, 15*time.Minute)
	if r.Multiplier == 0 {
		r.Multiplier = 2
	}
	switch {
	case r.Jitter == 0:
		r.Jitter = 0.5
	case r.Jitter < 0:
		r.Jitter = 0
	}
	return r
}

// RetryError is returned by [Retry] when it gives up. It wraps the error
// of the last attempt, so [IsPermanent] and [errors.As] see through it.
type RetryError struct {
	// Attempts is the number of attempts made.
	Attempts int
	// Err is the error of the last attempt, joined with the context's
	// error when the context ended the retries.
	Err error
}

// Error implements error.
func (e *RetryError) Error() string {
	return fmt.Sprintf("notify: delivery failed after %d attempts: %v", e.Attempts, e.Err)
}

// Unwrap returns the last attempt's error.
func (e *RetryError) Unwrap() error { return e.Err }

// Retry returns a Notifier that delivers through n, trying again after a
// temporary failure with exponential backoff and jitter
// (github.com/cenkalti/backoff/v5). It stops at the first success, at a
// permanent failure ([IsPermanent]), when ctx is done, after MaxAttempts
// attempts, or when the next wait would pass MaxElapsed. A
// [DeliveryError.RetryAfter] longer than the computed wait replaces it.
// Urgent messages wait at most UrgentMaxInterval between attempts (use
// [Escalate] to move them to another channel after a deadline).
//
// Every attempt carries the same message, so the same idempotency key: a
// receiver that de-duplicates sees one message.
//
// Waits use package time, so tests run them on a fake clock with
// [testing/synctest].
func Retry(n Notifier, opts *RetryOptions) Notifier {
	return &retrier{next: n, opts: opts.withDefaults()}
}

type retrier struct {
	next Notifier
	opts RetryOptions
}

func (r *retrier) schedule(p Priority) *backoff.ExponentialBackOff {
	b := &backoff.ExponentialBackOff{
		InitialInterval:     r.opts.InitialInterval,
		RandomizationFactor: r.opts.Jitter,
		Multiplier:          r.opts.Multiplier,
		MaxInterval:         r.opts.MaxInterval,
	}
	if p == Urgent && r.opts.UrgentMaxInterval < b.MaxInterval {
		b.MaxInterval = r.opts.UrgentMaxInterval
		b.InitialInterval = min(b.InitialInterval, b.MaxInterval)
	}
	b.Reset()
	return b
}

func (r *retrier) Notify(ctx context.Context, m Message) error {
	b := r.schedule(m.Priority)
	start := time.Now()
	for attempt := 1; ; attempt++ {
		err := r.next.Notify(ctx, m)
		switch {
		case err == nil:
			return nil
		case IsPermanent(err):
			return &RetryError{Attempts: attempt, Err: err}
		case ctx.Err() != nil:
			return &RetryError{Attempts: attempt, Err: withContext(ctx, err)}
		case r.opts.MaxAttempts > 0 && attempt >= r.opts.MaxAttempts:
			return &RetryError{Attempts: attempt, Err: err}
		}
		wait := b.NextBackOff()
		var de *DeliveryError
		if errors.As(err, &de) && de.RetryAfter > wait {
			wait = de.RetryAfter
		}
		if wait == backoff.Stop || (r.opts.MaxElapsed > 0 && time.Since(start)+wait > r.opts.MaxElapsed) {
			return &RetryError{Attempts: attempt, Err: err}
		}
		if r.opts.OnRetry != nil {
			r.opts.OnRetry(attempt, err, wait)
		}
		if werr := sleep(ctx, wait); werr != nil {
			return &RetryError{Attempts: attempt, Err: withContext(ctx, err)}
		}
	}
}

// withContext returns err joined with ctx's error, unless ctx is not done
// or err already wraps it.
func withContext(ctx context.Context, err error) error {
	cerr := ctx.Err()
	if cerr == nil || errors.Is(err, cerr) {
		return err
	}
	return fmt.Errorf("%w (last error: %w)", cerr, err)
}

// sleep waits for d or until ctx is done, returning ctx's error then.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
