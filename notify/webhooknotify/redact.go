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
func (p Payload) Format(f fmt.State, verb rune) {
	s := p.String()
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
