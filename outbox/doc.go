// Package outbox delivers, at least once, the notifications that a change
// of state of a request or an incident causes. It is the one package that
// imports both ports, notify and register: it plays the part of
// Alertmanager's notification log, which lives beside its notifiers, not
// inside them.
//
// # Queueing: with the change, or not at all
//
// A notification is recorded in the register in the same
// [register.Log.AppendBatch] as the change that causes it: [Events] turns
// messages into events, one per message, each in a stream of its own
// ([Stream] of its idempotency key) at expected version 0 ([Expect]). The
// change and its notifications are then in the register together or not at
// all, and a message queued twice is a version conflict. [Queue] records
// messages that come with no change.
//
// A queued entry holds the message's non-personal facts in Data (kind,
// key, priority, language, the recipients' roles and channels, the cause
// stream, not-before time and deadline) and its personal content
// (subject, bodies, attachments, the recipients' names and addresses) in
// Personal, which the Log seals like any personal data.
//
// # Delivering
//
// A [Dispatcher] ([Dispatcher.Run], or [Dispatcher.Drain] for tests and
// cron-style use) follows the outbox entries in memory, reading on each
// drain only those appended since the previous one, as register.Monitor
// does; the first drain of a process reads them all. It:
//
//   - claims due messages with the compare-and-swap of their streams: a
//     "claimed" entry at the version it read, with a lease. If another
//     dispatcher claimed first, its append fails as a whole and it reads
//     again; a claim whose holder died expires with its lease;
//   - opens their content and sends them through any [notify.Notifier], so
//     every combinator of notify applies (Retry, FanOut, Fallback,
//     ByChannel, Dedup);
//   - records each outcome: delivered; failed, with the attempt number and
//     the time of the next attempt on an exponential schedule
//     (cenkalti/backoff), kept in the register so that a restarted
//     dispatcher continues it; or dead-lettered, at once for a permanent
//     failure ([notify.IsPermanent]), and after the last attempt or the
//     deadline for a temporary one. Nothing is dropped without an entry
//     saying why, as a [Reason] code, never an error message.
//
// Claims and outcomes of many messages are batched in one append each, so
// draining a backlog does not cost two commits per message. A batch stops
// sending at three quarters of its lease: what is not sent by then times
// out and is retried, never sent by two dispatchers at once. Urgent
// messages ([notify.Urgent]) have a lane of their own, drained alongside
// the main lane (which takes urgent messages first, then normal ones), so
// they never wait behind a backlog of normal ones, even one being sent to
// a slow server; between two batches each lane reads what was queued
// meanwhile.
//
// Delivery is at least once: a dispatcher that dies between sending and
// recording sends again, after a restart or after its lease expires, with
// the same idempotency key, which receivers use to recognise the repeat.
//
// The dispatcher's entries are in the message streams, never in the
// request's or incident's, so a delivery never moves their version and a
// person's next step never conflicts with it. It acts as
// [register.SystemActor]("outbox") ([Actor]), never as a role of the
// guideline.
//
// # Opening sealed content, and the access log
//
// Every opening of a message's content is in the access log. The
// dispatcher opens what it claimed with [register.Log.UnsealBatch], as
// [Actor] with purpose [Purpose] ("invio della notifica"): one access entry
// per batch, listing every entry opened. The reason: the dispatcher is a
// process reading a service user's personal data, and the register's rule
// is that no personal data is read without a trace of who read it, when
// and why; an access log that only some readers appear in cannot show a
// data protection officer that nothing else read it. Batching keeps the
// cost at one append per batch. A person reading a queued message (a
// dashboard showing a dead letter) uses [Read], which goes through
// [register.Log.Unseal] under that person's [register.Access].
//
// # Dashboards and compliance
//
// [DeadLetters] and [Undelivered] list messages with no personal data:
// kind, key, cause, recipients' roles and channels, attempts, and the
// [Reason] of the last failure, whose Italian and English descriptions
// are in [Messages]. A register.Timeline of a request or incident includes
// its messages' queued, failed, delivered and dead-lettered entries.
package outbox
