package notify

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrNoKey is wrapped, as a permanent failure, by the error of [Dedup]
// given a message without an idempotency key.
var ErrNoKey = errors.New("notify: message without an idempotency key")

// DeliveryLog remembers which messages were delivered, by idempotency key.
// It is the notification log of [Dedup]: checked before a send, written
// after it (Alertmanager's DedupStage and SetNotifiesStage). An
// implementation must be safe for concurrent use; [MemLog] is the
// in-memory one, and the register can hold a durable one.
type DeliveryLog interface {
	// Delivered reports whether a message with key was delivered.
	Delivered(ctx context.Context, key string) (bool, error)
	// MarkDelivered records that the message with key was delivered.
	MarkDelivered(ctx context.Context, key string) error
}

// MemLog is an in-memory [DeliveryLog]. The zero value is empty and ready
// to use; it is safe for concurrent use and forgets everything when the
// process ends.
type MemLog struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

var _ DeliveryLog = (*MemLog)(nil)

// Delivered reports whether key was marked delivered.
func (l *MemLog) Delivered(_ context.Context, key string) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.seen[key]
	return ok, nil
}

// MarkDelivered records key as delivered now.
func (l *MemLog) MarkDelivered(_ context.Context, key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string]time.Time{}
	}
	if _, ok := l.seen[key]; !ok {
		l.seen[key] = time.Now()
	}
	return nil
}

// Len returns the number of keys recorded.
func (l *MemLog) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.seen)
}

// Dedup returns a Notifier that gives a message to n only if log has no
// record of its key, and records the key after n delivered it. Concurrent
// sends of the same key through one Dedup are serialised, so only one of
// them reaches n.
//
// The guarantee is at least once, not exactly once: if the process stops
// between n's delivery and the record (or the record fails), the next
// attempt sends the message again with the SAME key, which the receiver
// can recognise (the Message-ID of an e-mail, the Idempotency-Key header of
// a webhook). A failure to record after a successful delivery is therefore
// not returned as an error of the delivery, which did happen; it is
// reported to onLogError, if not nil.
func Dedup(n Notifier, log DeliveryLog, onLogError func(key string, err error)) Notifier {
	return &dedup{next: n, log: log, onLogError: onLogError, inFlight: map[string]chan struct{}{}}
}

type dedup struct {
	next       Notifier
	log        DeliveryLog
	onLogError func(string, error)

	mu       sync.Mutex
	inFlight map[string]chan struct{}
}

// acquire waits until no other call is sending key, then claims it.
func (d *dedup) acquire(ctx context.Context, key string) (release func(), err error) {
	for {
		d.mu.Lock()
		wait, busy := d.inFlight[key]
		if !busy {
			ch := make(chan struct{})
			d.inFlight[key] = ch
			d.mu.Unlock()
			return func() {
				d.mu.Lock()
				delete(d.inFlight, key)
				d.mu.Unlock()
				close(ch)
			}, nil
		}
		d.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (d *dedup) Notify(ctx context.Context, m Message) error {
	if m.Key == "" {
		return Permanent(ErrNoKey)
	}
	release, err := d.acquire(ctx, m.Key)
	if err != nil {
		return fmt.Errorf("notify: waiting for a delivery with the same key: %w", err)
	}
	defer release()
	done, err := d.log.Delivered(ctx, m.Key)
	if err != nil {
		return Temporary(fmt.Errorf("notify: reading the delivery log: %w", err))
	}
	if done {
		return nil
	}
	if err := d.next.Notify(ctx, m); err != nil {
		return err
	}
	// Record even if ctx ended just after the delivery.
	if err := d.log.MarkDelivered(context.WithoutCancel(ctx), m.Key); err != nil && d.onLogError != nil {
		d.onLogError(m.Key, err)
	}
	return nil
}
