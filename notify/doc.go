// Package notify is the notification port of the library and the shared
// delivery behaviour around it.
//
// # The port
//
// [Notifier] is what an integration implements: deliver one [Message], and
// say whether a failure is permanent (a refused address) or temporary (a
// server down) with a [DeliveryError]. Adapters live in sub-packages so
// that importing this package pulls in nothing heavy: smtpnotify (e-mail),
// webhooknotify (signed HTTPS POST), slognotify (a log, for demos and
// development). notifytest holds a recording notifier, a notifier that
// fails on demand and the conformance suite every adapter runs.
//
// # The combinators
//
// Retrying, fanning out, falling back, routing and de-duplicating are not
// the adapters' business: they live once, here, as Notifiers that wrap
// Notifiers, the way the Go CDK puts portable types around small drivers
// and Alertmanager chains its notification stages (RetryStage, DedupStage,
// SetNotifiesStage):
//
//   - [Retry] tries again after temporary failures with exponential backoff
//     and jitter, stopping at a permanent failure or when ctx ends.
//   - [FanOut] sends to several notifiers concurrently; the slowest sets
//     the time.
//   - [Fallback] uses a second channel when the first fails; [Escalate]
//     does it for Urgent messages after a deadline, while the first channel
//     keeps trying.
//   - [ByChannel] and [ByRole] split a message among notifiers by the
//     recipients' addresses or roles.
//   - [Dedup] skips messages whose idempotency key a [DeliveryLog] has
//     recorded as delivered.
//
// They compose. A typical emergency chain de-duplicates, routes e-mail
// recipients to SMTP and endpoints to a webhook, retries each channel, and
// escalates to a text message if nothing is delivered in a minute:
//
//	n := notify.Dedup(
//		notify.Escalate(
//			notify.ByChannel(map[notify.Channel]notify.Notifier{
//				notify.ChannelEmail:   notify.Retry(smtp, nil),
//				notify.ChannelWebhook: notify.Retry(webhook, nil),
//			}),
//			sms, time.Minute),
//		log, nil)
//
// The error of a combinator that tried several notifiers is a
// [*MultiError], which says which notifier failed and classifies the whole
// (permanent only if every failure is).
//
// # Time in tests
//
// Retry and Escalate wait with package time rather than an injected clock:
// tests run them inside [testing/synctest.Test], whose bubble has a fake
// clock that jumps ahead when every goroutine is blocked, so a 60-second
// escalation is checked exactly and instantly, and an integrator's test of
// a whole chain needs no clock plumbing.
//
// # Delivery guarantee
//
// Delivery is at least once: the same logical message always carries the
// same idempotency key, so a resend after a crash or a retry after a lost
// answer can be recognised by the receiver (the Message-ID of an e-mail,
// the Idempotency-Key header of a webhook).
//
// # Personal data
//
// Message, Recipient and Attachment print themselves (String, every fmt
// verb, slog, encoding/json) without subject, bodies, names, addresses or
// attachment content, so logging a message or an error about it leaks
// nothing, also inside a slice, a map or a struct field, where slog does
// not call LogValue but encodes the value as JSON (JSON handler) or with
// fmt (text handler). The fields themselves stay plain strings and bytes
// for the adapters that deliver them. A Message therefore has no JSON
// form that carries its content: an adapter that sends JSON builds its
// own payload, as webhooknotify does.
//
// One limit remains, that of fmt itself: a struct field that is not
// exported is printed by fmt without calling its Format method, so keep a
// Message in an exported field (or behind a pointer) of any struct that
// may be logged.
//
// # The lifecycles' vocabulary
//
// This package knows messages, not emergencies: the call script of step 2,
// the alert to colleagues and the kinds of violent event belong to package
// incident, which renders them as Messages for any Notifier.
package notify
