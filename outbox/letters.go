package outbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/register"
)

// DeadLetters returns every message that was dead-lettered, oldest first,
// with the reason and no personal data. It reads the whole outbox.
func DeadLetters(ctx context.Context, log *register.Log) ([]Letter, error) {
	return letters(ctx, log, func(m *tracked) bool { return m.status == StatusDeadLettered })
}

// Undelivered returns the messages queued before queuedBefore that are
// neither delivered nor dead-lettered (pending, failing, or being sent),
// oldest first, each with its attempts, last failure reason and next
// attempt time, and no personal data: what a dashboard shows as late and a
// compliance check counts as not yet reached. It reads the whole outbox.
func Undelivered(ctx context.Context, log *register.Log, queuedBefore time.Time) ([]Letter, error) {
	return letters(ctx, log, func(m *tracked) bool {
		return !m.done() && m.queued.Time.Before(queuedBefore)
	})
}

// letters folds every message stream and lists those keep selects.
func letters(ctx context.Context, log *register.Log, keep func(*tracked) bool) ([]Letter, error) {
	all := map[string]*tracked{}
	var order []*tracked
	for e, err := range log.Scan(ctx, register.Filter{Kinds: register.MessageKinds()}) {
		if err != nil {
			return nil, err
		}
		m := all[e.Stream]
		if m == nil {
			m = &tracked{}
		}
		ok, err := m.apply(e)
		if err != nil {
			return nil, err
		}
		if ok && m.version == 1 {
			all[e.Stream] = m
			order = append(order, m)
		}
	}
	var out []Letter
	for _, m := range order {
		if keep(m) {
			out = append(out, m.letter())
		}
	}
	slices.SortStableFunc(out, func(a, b Letter) int { return a.QueuedAt.Compare(b.QueuedAt) })
	return out, nil
}

// ErrNotQueued means no message with the key was queued.
var ErrNotQueued = errors.New("outbox: no message with this key")

// Read returns the queued message with idempotency key key, content
// included, for a person with a reason to read it (a dashboard showing a
// dead letter, an inquiry). It opens the content through
// [register.Log.Unseal], so the reading is in the access log under a.
func Read(ctx context.Context, log *register.Log, a register.Access, key string) (notify.Message, error) {
	var queued *register.Entry
	for e, err := range log.Scan(ctx, register.Filter{Stream: Stream(key), Limit: 1}) {
		if err != nil {
			return notify.Message{}, err
		}
		queued = &e
	}
	if queued == nil || queued.Kind != register.KindMessageQueued {
		return notify.Message{}, ErrNotQueued
	}
	var m tracked
	if _, err := m.apply(*queued); err != nil {
		return notify.Message{}, err
	}
	plain, err := log.Unseal(ctx, a, *queued)
	if err != nil {
		return notify.Message{}, fmt.Errorf("outbox: opening the message: %w", err)
	}
	return decodeMessage(m.facts, plain)
}
