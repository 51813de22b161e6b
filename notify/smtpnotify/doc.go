// Package smtpnotify delivers notifications by e-mail: it is the
// [notify.Notifier] that writes to the Police Command and to the Area
// Director in the preventive phase.
//
// It renders a [notify.Message] into a MIME message with
// github.com/wneessen/go-mail and hands it to an SMTP server (a relay of the
// municipality), one connection per message. The subject is encoded as in
// RFC 2047 and the bodies as quoted-printable UTF-8, so Italian accents
// arrive intact; an HTML body becomes a multipart/alternative part, and
// attachments (an iCalendar invitation, for instance) keep their content
// type.
//
// # Encryption
//
// The connection is encrypted by default: with [StartTLS] (the default, for
// port 587 or 25) a server that does not offer STARTTLS is refused, with
// [ImplicitTLS] (SMTPS, port 465) TLS starts before the first byte. A clear
// connection is used only when [Options.AllowInsecure] is set, for a
// development server; even then a message whose Personal field is set is
// refused, before the envelope is sent, unless
// [Options.AllowInsecurePersonalData] is set as well. Credentials are never
// sent over a clear connection, whatever the options.
//
// # Duplicates
//
// SMTP has no de-duplication of its own, and a connection dropped after the
// message was sent but before the server confirmed it forces a resend that
// the server may already have accepted. So every message carries a
// Message-ID derived from its idempotency key ([MessageID]): a resend of the
// same logical message has the same Message-ID, and a mail client or a
// mailbox rule recognises it as a duplicate. The key itself travels in the
// X-Idempotency-Key header so the receiving side can correlate the message
// with the register, and X-Sostegno-Kind carries the message's kind. The
// key names a message, not a person: keys are built from identifiers the
// library generates and must never contain personal data (see
// [notify.Message]).
//
// # Errors
//
// Failures are classified as [notify] expects: a 5xx reply (a refused
// recipient, a refused sender, a rejected message), a missing STARTTLS, a
// certificate that does not verify, refused credentials and a message that
// cannot be rendered are permanent; a 4xx reply, a refused or dropped
// connection and a timeout are temporary. The returned error wraps a
// [*notify.DeliveryError] around an [*Error] that records the SMTP phase and
// the reply code. Its text never repeats the server's reply text, the
// message, or addresses, so it can be logged safely.
//
// A recipient refused by the server fails the whole message: go-mail
// stops before DATA, so no recipient receives it, and a 5xx refusal makes
// the failure permanent. Where one wrong address must not keep the message
// from the others (the Police Command and the Area Director of a
// preventive request), give each recipient its own copy, for instance with
// [notify.ByRole] mapping each role to the same Notifier.
//
// The Notifier does not retry: wrap it in [notify.Retry].
//
// # Testing
//
// Package smtptest starts a real SMTP server on 127.0.0.1 for a test,
// records what it receives and decodes it; this package's own tests use
// it, and so can an integrator's.
package smtpnotify
