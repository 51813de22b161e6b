package register

// Kinds of the entries of the outbox: the notifications that a change of
// state causes, recorded in the same append as the change, and what became
// of them. Each queued message has a stream of its own, named
// [MessageStreamPrefix] followed by its idempotency key, so that delivering
// it never moves the version of the request's or incident's stream. The
// outbox package writes these entries as the actor [SystemActor]("outbox"),
// except the queued entry, written by whoever made the change.
//
// Their Data holds only non-personal facts: [DataCauseStream],
// [DataMessageKey], [DataMessageKind], [DataRecipients], [DataPriority] in
// every one of them, so that a [Timeline] shows each outcome without a
// join; the subject, bodies, attachments, names and addresses of a message
// are sealed in the queued entry's Personal.
const (
	// KindMessageQueued: a notification was recorded, to be sent. Data
	// also carries [DataNotBefore] and [DataDeadline] when set.
	KindMessageQueued = "message.queued"
	// KindMessageClaimed: a dispatcher took the message to send it, until
	// [DataLeaseUntil]; [DataAttempt] is the number of this attempt.
	KindMessageClaimed = "message.claimed"
	// KindMessageDelivered: the notifier accepted the message;
	// [DataAttempt] is the attempt that succeeded.
	KindMessageDelivered = "message.delivered"
	// KindMessageFailed: an attempt failed temporarily; [DataReason] says
	// how and [DataNextAttempt] when the next one is due.
	KindMessageFailed = "message.failed"
	// KindMessageDeadLettered: the message will not be sent; [DataReason]
	// says why. Nothing is dropped without this entry.
	KindMessageDeadLettered = "message.dead_lettered"
)

// MessageStreamPrefix starts the name of every message stream of the
// outbox: "outbox/" followed by the message's idempotency key.
const MessageStreamPrefix = "outbox/"

// MessageKinds returns the kinds of the outbox's entries in the order of a
// message's life.
func MessageKinds() []string {
	return []string{KindMessageQueued, KindMessageClaimed, KindMessageDelivered, KindMessageFailed, KindMessageDeadLettered}
}

// Names of the Data fields of the outbox's entries.
const (
	// DataCauseStream: the stream of the request or incident whose change
	// caused the message.
	DataCauseStream = "cause_stream"
	// DataMessageKey: the message's idempotency key.
	DataMessageKey = "key"
	// DataMessageKind: what the message is, such as "request.submitted".
	DataMessageKind = "message_kind"
	// DataRecipients: the recipients as a list of objects with "role" (a
	// guideline role) and "channels" (such as ["email"]), never names or
	// addresses.
	DataRecipients = "recipients"
	// DataPriority: "normal" or "urgent".
	DataPriority = "priority"
	// DataNotBefore: the time, RFC 3339, before which the message must not
	// be sent.
	DataNotBefore = "not_before"
	// DataDeadline: the time, RFC 3339, after which an undelivered message
	// is dead-lettered.
	DataDeadline = "deadline"
	// DataAttempt: the number of the attempt, from 1.
	DataAttempt = "attempt"
	// DataLeaseUntil: the time, RFC 3339, until which a claim holds.
	DataLeaseUntil = "lease_until"
	// DataHolder: the identifier of the dispatcher that claimed the
	// message.
	DataHolder = "holder"
	// DataNextAttempt: the time, RFC 3339, of the next attempt after a
	// failure.
	DataNextAttempt = "next_attempt_at"
	// DataReason: a short code of why an attempt failed or a message was
	// dead-lettered, such as "permanent_failure"; never an error message,
	// which could repeat an address.
	DataReason = "reason"
)
