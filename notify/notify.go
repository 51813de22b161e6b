package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
)

// Notifier is the port an integration implements: deliver one message.
//
// An implementation does not retry on its own and does not de-duplicate:
// retry, fan-out, fallback and de-duplication live once in this package,
// around any Notifier. It classifies its failures instead: an error that
// wraps a [*DeliveryError] with Permanent set (or made with [Permanent])
// will never succeed if tried again (a refused address, a rejected
// request); any other error is treated as temporary. It honours ctx: when
// ctx is done it returns promptly with an error wrapping ctx.Err().
//
// Implementations must be safe for concurrent use.
type Notifier interface {
	Notify(ctx context.Context, m Message) error
}

// NotifierFunc adapts a function to the [Notifier] interface.
type NotifierFunc func(ctx context.Context, m Message) error

// Notify calls f(ctx, m).
func (f NotifierFunc) Notify(ctx context.Context, m Message) error { return f(ctx, m) }

// Priority says how urgent a message is.
type Priority int

const (
	// Normal is the priority of preventive-phase messages.
	Normal Priority = iota
	// Urgent is the priority of emergency messages: they are not left
	// waiting on a generic backoff schedule.
	Urgent
)

// Message is one notification. Text bodies may hold personal data of a
// service user: Message never prints them (see [Message.String],
// [Message.LogValue] and [Message.MarshalJSON]), however it is logged.
type Message struct {
	// Key is the idempotency key: the same logical message always carries
	// the same key, so a resend can be recognised and de-duplicated.
	Key string
	// Kind names what the message is, such as "request.submitted".
	Kind string
	// Priority is Normal or Urgent.
	Priority Priority
	// To lists the recipients.
	To []Recipient
	// Subject is the subject line.
	Subject string
	// Text is the plain-text body.
	Text string
	// HTML is an optional HTML body.
	HTML string
	// Attachments are files sent with the message, such as an iCalendar
	// invitation.
	Attachments []Attachment
	// Language is the language the message is written in.
	Language language.Tag
	// Personal reports whether the message carries personal data of a
	// service user; adapters must then use a protected channel.
	Personal bool
}

// Recipient is one addressee of a message, reached by whichever of the
// addresses the adapter uses.
type Recipient struct {
	// Role is the recipient's role in the guideline.
	Role guideline.Role
	// Name is how the recipient is addressed.
	Name string
	// Email is the e-mail address, if any.
	Email string
	// Phone is the phone number in E.164 form, if any.
	Phone string
	// Endpoint is a URL for machine delivery (a webhook), if any.
	Endpoint string
}

// Attachment is a file sent with a message.
type Attachment struct {
	// Name is the file name shown to the recipient.
	Name string
	// ContentType is the MIME type, such as "text/calendar; method=REQUEST".
	ContentType string
	// Data is the file's content.
	Data []byte
}

// DeliveryError classifies a failed delivery. Adapters return it (wrapped or
// not); combinators inspect it with [errors.As].
type DeliveryError struct {
	// Permanent reports that trying again cannot succeed.
	Permanent bool
	// RetryAfter, if positive, is the delay the remote side asked for.
	RetryAfter time.Duration
	// Err is the underlying error.
	Err error
}

// Error implements error.
func (e *DeliveryError) Error() string {
	if e.Permanent {
		return fmt.Sprintf("notify: delivery failed (permanent): %v", e.Err)
	}
	return fmt.Sprintf("notify: delivery failed (temporary): %v", e.Err)
}

// Unwrap returns the underlying error.
func (e *DeliveryError) Unwrap() error { return e.Err }

// Permanent wraps err as a failure that retrying cannot fix.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &DeliveryError{Permanent: true, Err: err}
}

// Temporary wraps err as a failure that a later attempt may fix.
func Temporary(err error) error {
	if err == nil {
		return nil
	}
	return &DeliveryError{Err: err}
}

// IsPermanent reports whether err is a permanent delivery failure. Context
// cancellation is not permanent: it says nothing about the message.
func IsPermanent(err error) bool {
	var de *DeliveryError
	return errors.As(err, &de) && de.Permanent
}
