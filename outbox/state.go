package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/register"
)

// Status is where a message stands.
type Status string

// The statuses of a message.
const (
	// StatusPending: waiting for its first attempt or for the next one.
	StatusPending Status = "pending"
	// StatusClaimed: a dispatcher is sending it, or was until its lease
	// expires.
	StatusClaimed Status = "claimed"
	// StatusDelivered: the notifier accepted it.
	StatusDelivered Status = "delivered"
	// StatusDeadLettered: it will not be sent; see its Reason.
	StatusDeadLettered Status = "dead_lettered"
)

// tracked is the fold of one message stream.
type tracked struct {
	stream  string
	version uint64
	facts   facts          // of the queued entry
	queued  register.Entry // with the sealed content
	status  Status
	attempt int       // claims so far
	due     time.Time // when pending: not before this
	holder  string    // when claimed
	lease   time.Time // when claimed
	reason  Reason    // of the last failure or of the dead letter
	last    time.Time // time of the last entry
}

// apply folds entry e, of the message's stream, into m. It reports false
// for an entry that is not the next one of the stream (already applied, or
// of a message not followed).
func (m *tracked) apply(e register.Entry) (bool, error) {
	if e.Version != m.version+1 || (m.version == 0) != (e.Kind == register.KindMessageQueued) {
		return false, nil
	}
	var f facts
	if err := json.Unmarshal(e.Data, &f); err != nil {
		return false, fmt.Errorf("outbox: entry %d: data: %w", e.Seq, err)
	}
	m.version = e.Version
	m.last = e.Time
	switch e.Kind {
	case register.KindMessageQueued:
		m.stream = e.Stream
		m.facts = f
		m.queued = e
		m.status = StatusPending
		m.due = e.Time
		if f.NotBefore != nil {
			m.due = *f.NotBefore
		}
	case register.KindMessageClaimed:
		m.status = StatusClaimed
		m.attempt = f.Attempt
		m.holder = f.Holder
		if f.LeaseUntil != nil {
			m.lease = *f.LeaseUntil
		}
	case register.KindMessageFailed:
		m.status = StatusPending
		m.reason = f.Reason
		m.due = e.Time
		if f.NextAttempt != nil {
			m.due = *f.NextAttempt
		}
	case register.KindMessageDelivered:
		m.status = StatusDelivered
	case register.KindMessageDeadLettered:
		m.status = StatusDeadLettered
		m.reason = f.Reason
		if f.Attempt > m.attempt {
			m.attempt = f.Attempt
		}
	}
	return true, nil
}

// done reports whether nothing more will happen to the message.
func (m *tracked) done() bool { return m.status == StatusDelivered || m.status == StatusDeadLettered }

// index follows the messages not yet done, reading only the entries
// appended since its previous catch-up, as register.Monitor does.
type index struct {
	after uint64
	msgs  map[string]*tracked // by stream
}

func newIndex() *index { return &index{msgs: map[string]*tracked{}} }

// catchUp reads the outbox entries appended since the previous call. On
// an error the entries read so far are kept.
func (x *index) catchUp(ctx context.Context, log *register.Log) error {
	for e, err := range log.Scan(ctx, register.Filter{Kinds: register.MessageKinds(), AfterSeq: x.after}) {
		if err != nil {
			return err
		}
		if err := x.apply(e); err != nil {
			return err
		}
		x.after = e.Seq
	}
	return nil
}

// apply folds one entry; entries already applied are skipped, and a
// message is forgotten once done.
func (x *index) apply(e register.Entry) error {
	m := x.msgs[e.Stream]
	if m == nil {
		if e.Kind != register.KindMessageQueued {
			return nil // of a message already done
		}
		m = &tracked{}
	}
	ok, err := m.apply(e)
	if err != nil || !ok {
		return err
	}
	if m.done() {
		delete(x.msgs, e.Stream)
	} else {
		x.msgs[e.Stream] = m
	}
	return nil
}

// Letter describes one message, with no personal data: what it is, whom it
// is for (by role and channel), and where it stands. [DeadLetters] and
// [Undelivered] list them for a dashboard or a compliance check.
type Letter struct {
	// Key is the idempotency key.
	Key string
	// Stream is the message's stream in the register.
	Stream string
	// Cause is the stream of the request or incident that caused it.
	Cause string
	// Kind is what the message is, such as "request.submitted".
	Kind string
	// Priority is Normal or Urgent.
	Priority notify.Priority
	// Recipients are the recipients' roles and channels.
	Recipients []Recipient
	// Territory is the territory concerned.
	Territory string
	// QueuedAt is when it was queued.
	QueuedAt time.Time
	// Status is where it stands.
	Status Status
	// Attempts is the number of attempts made.
	Attempts int
	// Reason is why the last attempt failed or why it was dead-lettered;
	// empty if no attempt failed.
	Reason Reason
	// NextAttempt is when the next attempt is due, for a pending message.
	NextAttempt time.Time
	// Updated is the time of its last entry.
	Updated time.Time
}

// Recipient is a recipient of a [Letter]: a role and the channels it is
// reached on, never a name or an address.
type Recipient struct {
	// Role is the recipient's role in the guideline.
	Role guideline.Role
	// Channels are the channels it has addresses for.
	Channels []notify.Channel
}

func (m *tracked) letter() Letter {
	l := Letter{
		Key: m.facts.Key, Stream: m.stream, Cause: m.facts.Cause, Kind: m.facts.Kind,
		Priority: priorityOf(m.facts.Priority), Territory: m.queued.Territory,
		QueuedAt: m.queued.Time, Status: m.status, Attempts: m.attempt, Reason: m.reason, Updated: m.last,
	}
	for _, r := range m.facts.Recipients {
		l.Recipients = append(l.Recipients, Recipient(r))
	}
	if m.status == StatusPending {
		l.NextAttempt = m.due
	}
	return l
}
