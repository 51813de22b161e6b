package webhooknotify

import (
	"fmt"
	"log/slog"
	"strconv"
)

// String returns a description of p that holds no personal data: kind,
// key, priority, number of recipients and attachments. It never shows the
// subject, the bodies, names, addresses or attachments, so a receiver that
// logs a verified Payload leaks nothing.
func (p Payload) String() string {
	return fmt.Sprintf("webhooknotify.Payload{kind=%s key=%s priority=%s recipients=%d attachments=%d personal=%t}",
		strconv.Quote(p.Kind), strconv.Quote(p.Key), p.Priority, len(p.Recipients), len(p.Attachments), p.Personal)
}

// Format implements [fmt.Formatter] so that every verb, %#v and %+v
// included, prints [Payload.String] and never the fields.
func (p Payload) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p.String()) }

func formatRedacted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = f.Write([]byte(s))
}

// LogValue implements [slog.LogValuer]: the fields of [Payload.String],
// never personal data.
func (p Payload) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("kind", p.Kind),
		slog.String("key", p.Key),
		slog.String("priority", p.Priority),
		slog.Int("recipients", len(p.Recipients)),
		slog.Int("attachments", len(p.Attachments)),
		slog.Bool("personal", p.Personal),
	)
}

// String returns the recipient's role only, never a name or address.
func (r Recipient) String() string { return "webhooknotify.Recipient{role=" + string(r.Role) + "}" }

// Format implements [fmt.Formatter] so that every verb prints
// [Recipient.String] and never the fields.
func (r Recipient) Format(f fmt.State, verb rune) { formatRedacted(f, verb, r.String()) }

// LogValue implements [slog.LogValuer]: the role, never a name or address.
func (r Recipient) LogValue() slog.Value {
	return slog.GroupValue(slog.String("role", string(r.Role)))
}

// String returns the attachment's content type and size, never its name
// or content.
func (a Attachment) String() string {
	return fmt.Sprintf("webhooknotify.Attachment{type=%q size=%d}", a.ContentType, len(a.Data))
}

// Format implements [fmt.Formatter] so that every verb prints
// [Attachment.String] and never the name or the content.
func (a Attachment) Format(f fmt.State, verb rune) { formatRedacted(f, verb, a.String()) }

// LogValue implements [slog.LogValuer]: content type and size only.
func (a Attachment) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", a.ContentType), slog.Int("size", len(a.Data)))
}
