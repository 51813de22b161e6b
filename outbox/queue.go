package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/register"
)

// ErrInvalidMessage is wrapped by the errors of [Events] and [Queue] for a
// message that cannot be queued; the message names the field, never its
// value.
var ErrInvalidMessage = errors.New("outbox: invalid message")

// MaxKeyLen bounds the length of an idempotency key, in bytes.
const MaxKeyLen = 200

// Cause is the change of state that causes notifications: the stream of
// the request or incident, and the facts its entry carries.
type Cause struct {
	// Stream is the request's or incident's stream (required).
	Stream string
	// Territory is the territory concerned; every entry of the message
	// carries it.
	Territory string
	// Guideline is the version of the guideline in force.
	Guideline string
	// Actor is who made the change; the queued entry is theirs. The
	// dispatcher's own entries are [register.SystemActor]("outbox").
	Actor register.Actor
}

// Stream returns the name of the stream of the message with idempotency
// key key: [register.MessageStreamPrefix] followed by the key.
func Stream(key string) string { return register.MessageStreamPrefix + key }

// recipientFacts is a recipient without name or address.
type recipientFacts struct {
	Role     guideline.Role   `json:"role"`
	Channels []notify.Channel `json:"channels"`
}

// facts is the Data of every entry of a message stream: the non-personal
// facts of the message, and those of the entry.
type facts struct {
	Cause      string           `json:"cause_stream"`
	Key        string           `json:"key"`
	Kind       string           `json:"message_kind"`
	Priority   string           `json:"priority"`
	Recipients []recipientFacts `json:"recipients"`
	Language   string           `json:"language,omitempty"`
	Personal   bool             `json:"personal,omitempty"`
	NotBefore  *time.Time       `json:"not_before,omitempty"`
	Deadline   *time.Time       `json:"deadline,omitempty"`

	Attempt     int        `json:"attempt,omitempty"`
	Holder      string     `json:"holder,omitempty"`
	LeaseUntil  *time.Time `json:"lease_until,omitempty"`
	NextAttempt *time.Time `json:"next_attempt_at,omitempty"`
	Reason      Reason     `json:"reason,omitempty"`
}

// base returns the facts every entry of the message repeats.
func (f facts) base() facts {
	return facts{Cause: f.Cause, Key: f.Key, Kind: f.Kind, Priority: f.Priority, Recipients: f.Recipients}
}

// content is the personal part of a message, sealed in the queued entry.
type content struct {
	Subject     string          `json:"subject,omitempty"`
	Text        string          `json:"text,omitempty"`
	HTML        string          `json:"html,omitempty"`
	Attachments []attachment    `json:"attachments,omitempty"`
	To          []recipientInfo `json:"to"`
}

type attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"`
}

// recipientInfo is the personal part of a recipient, in the order of
// facts.Recipients.
type recipientInfo struct {
	Name     string `json:"name,omitempty"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Endpoint string `json:"endpoint,omitempty"`
}

func priorityName(p notify.Priority) string {
	if p == notify.Urgent {
		return "urgent"
	}
	return "normal"
}

func priorityOf(s string) notify.Priority {
	if s == "urgent" {
		return notify.Urgent
	}
	return notify.Normal
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// Events returns the register events that queue msgs as caused by c, one
// per message, each in the message's own stream ([Stream] of its key). The
// caller appends them in the same [register.Log.AppendBatch] as the change
// of state, with expected version 0 for each message stream (see
// [Expect]), so that the change and its notifications are recorded
// together or not at all; queueing a key twice then fails with
// [register.ErrVersionConflict].
//
// The message's subject, bodies, attachments, and the recipients' names
// and addresses go in the event's Personal, which the Log seals; its kind,
// key, priority, language, recipients' roles and channels, and c.Stream go
// in Data. The Log must have a Sealer.
func Events(c Cause, msgs ...notify.Message) ([]register.Event, error) {
	return EventsAt(c, time.Time{}, time.Time{}, msgs...)
}

// EventsAt is [Events] for messages that must not be sent before
// notBefore, and that are dead-lettered if still undelivered after
// deadline (the dispatcher's MaxAge after queueing when zero). A zero
// notBefore means at once.
func EventsAt(c Cause, notBefore, deadline time.Time, msgs ...notify.Message) ([]register.Event, error) {
	if c.Stream == "" || !utf8.ValidString(c.Stream) {
		return nil, fmt.Errorf("%w: Cause.Stream", ErrInvalidMessage)
	}
	seen := make(map[string]bool, len(msgs))
	out := make([]register.Event, len(msgs))
	for i, m := range msgs {
		bad := func(field string) error { return fmt.Errorf("%w: message %d: %s", ErrInvalidMessage, i, field) }
		switch {
		case m.Key == "" || len(m.Key) > MaxKeyLen || !utf8.ValidString(m.Key):
			return nil, bad("Key")
		case seen[m.Key]:
			return nil, bad("Key (repeated)")
		case len(m.To) == 0:
			return nil, bad("To")
		case !utf8.ValidString(m.Kind):
			return nil, bad("Kind")
		}
		seen[m.Key] = true
		f := facts{
			Cause: c.Stream, Key: m.Key, Kind: m.Kind, Priority: priorityName(m.Priority),
			Personal: m.Personal, NotBefore: timePtr(notBefore), Deadline: timePtr(deadline),
		}
		if m.Language != language.Und {
			f.Language = m.Language.String()
		}
		body := content{Subject: m.Subject, Text: m.Text, HTML: m.HTML}
		for j, r := range m.To {
			if !r.Role.Valid() {
				return nil, bad(fmt.Sprintf("To[%d].Role", j))
			}
			f.Recipients = append(f.Recipients, recipientFacts{Role: r.Role, Channels: r.Channels()})
			body.To = append(body.To, recipientInfo{Name: r.Name, Email: r.Email, Phone: r.Phone, Endpoint: r.Endpoint})
		}
		for _, a := range m.Attachments {
			body.Attachments = append(body.Attachments, attachment(a))
		}
		data, err := json.Marshal(f)
		if err != nil {
			return nil, fmt.Errorf("outbox: message %d: %w", i, err)
		}
		personal, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("outbox: message %d: %w", i, err)
		}
		out[i] = register.Event{
			Stream:    Stream(m.Key),
			Kind:      register.KindMessageQueued,
			Territory: c.Territory,
			Actor:     c.Actor,
			Guideline: c.Guideline,
			Data:      data,
			Personal:  personal,
		}
	}
	return out, nil
}

// Expect adds to expected the version every event's message stream must
// have: 0, since a message is queued once.
func Expect(expected map[string]uint64, events []register.Event) {
	for _, e := range events {
		expected[e.Stream] = 0
	}
}

// Queue records msgs as caused by c, on their own, in one append: for
// notifications that come with no change of state. A change of state
// queues its notifications with [Events] in its own append instead.
func Queue(ctx context.Context, log *register.Log, c Cause, msgs ...notify.Message) ([]register.Entry, error) {
	evs, err := Events(c, msgs...)
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 {
		return nil, nil
	}
	expected := make(map[string]uint64, len(evs))
	Expect(expected, evs)
	return log.AppendBatch(ctx, expected, evs...)
}

// decodeMessage rebuilds the message from its facts and opened content.
func decodeMessage(f facts, plain []byte) (notify.Message, error) {
	var body content
	if err := json.Unmarshal(plain, &body); err != nil {
		return notify.Message{}, fmt.Errorf("outbox: message content: %w", err)
	}
	if len(body.To) != len(f.Recipients) {
		return notify.Message{}, errors.New("outbox: message content: recipients do not match")
	}
	m := notify.Message{
		Key: f.Key, Kind: f.Kind, Priority: priorityOf(f.Priority),
		Subject: body.Subject, Text: body.Text, HTML: body.HTML, Personal: f.Personal,
	}
	if f.Language != "" {
		m.Language, _ = language.Parse(f.Language)
	}
	for i, r := range body.To {
		m.To = append(m.To, notify.Recipient{
			Role: f.Recipients[i].Role, Name: r.Name, Email: r.Email, Phone: r.Phone, Endpoint: r.Endpoint,
		})
	}
	for _, a := range body.Attachments {
		m.Attachments = append(m.Attachments, notify.Attachment(a))
	}
	return m, nil
}
