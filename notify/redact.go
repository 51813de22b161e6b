package notify

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/sostegno/sostegno/guideline"
)

// String returns a description of m that holds no personal data: kind,
// key, priority, number of recipients and their roles. It never shows the
// subject, the bodies, the attachments or any name or address.
func (m Message) String() string {
	var b strings.Builder
	b.WriteString("notify.Message{kind=")
	b.WriteString(strconv.Quote(m.Kind))
	b.WriteString(" key=")
	b.WriteString(strconv.Quote(m.Key))
	b.WriteString(" priority=")
	b.WriteString(m.Priority.String())
	fmt.Fprintf(&b, " recipients=%d roles=%v", len(m.To), m.roles())
	if m.Personal {
		b.WriteString(" personal")
	}
	b.WriteString("}")
	return b.String()
}

// Format implements [fmt.Formatter] so that every verb, %#v and %+v
// included, prints [Message.String] and never the fields.
func (m Message) Format(f fmt.State, verb rune) { formatRedacted(f, verb, m.String()) }

// LogValue implements [slog.LogValuer]: a group with the same fields as
// [Message.String], never personal data.
func (m Message) LogValue() slog.Value {
	s := m.summary()
	return slog.GroupValue(
		slog.String("kind", s.Kind),
		slog.String("key", s.Key),
		slog.String("priority", s.Priority),
		slog.Int("recipients", s.Recipients),
		slog.Any("roles", s.Roles),
		slog.Bool("personal", s.Personal),
	)
}

// MarshalJSON implements [json.Marshaler] with the fields of
// [Message.LogValue], never personal data, so that a message logged
// inside a slice, a map or a struct (where slog does not call LogValue)
// or encoded with encoding/json leaks nothing. A Message has no JSON form
// that carries its content: an adapter that sends JSON builds its own
// payload from the fields, as webhooknotify does.
func (m Message) MarshalJSON() ([]byte, error) { return json.Marshal(m.summary()) }

// messageSummary is what Message shows of itself in logs and JSON.
type messageSummary struct {
	Kind       string   `json:"kind"`
	Key        string   `json:"key"`
	Priority   string   `json:"priority"`
	Recipients int      `json:"recipients"`
	Roles      []string `json:"roles"`
	Personal   bool     `json:"personal"`
}

func (m Message) summary() messageSummary {
	roles := m.roles()
	rs := make([]string, len(roles))
	for i, r := range roles {
		rs[i] = string(r)
	}
	return messageSummary{Kind: m.Kind, Key: m.Key, Priority: m.Priority.String(),
		Recipients: len(m.To), Roles: rs, Personal: m.Personal}
}

// roles returns the distinct roles of m's recipients, in order.
func (m Message) roles() []guideline.Role {
	var out []guideline.Role
	for _, r := range m.To {
		if !containsRole(out, r.Role) {
			out = append(out, r.Role)
		}
	}
	return out
}

func containsRole(rs []guideline.Role, r guideline.Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// String returns a description of r that holds no name or address: its
// role and the channels it can be reached on.
func (r Recipient) String() string {
	return fmt.Sprintf("notify.Recipient{role=%s channels=%v}", r.Role, r.Channels())
}

// Format implements [fmt.Formatter] so that every verb prints
// [Recipient.String] and never the fields.
func (r Recipient) Format(f fmt.State, verb rune) { formatRedacted(f, verb, r.String()) }

// LogValue implements [slog.LogValuer]: the role and the channels, never a
// name or address.
func (r Recipient) LogValue() slog.Value {
	s := r.summary()
	return slog.GroupValue(slog.String("role", s.Role), slog.Any("channels", s.Channels))
}

// MarshalJSON implements [json.Marshaler] with the fields of
// [Recipient.LogValue]: the role and the channels, never a name or
// address.
func (r Recipient) MarshalJSON() ([]byte, error) { return json.Marshal(r.summary()) }

// recipientSummary is what Recipient shows of itself in logs and JSON.
type recipientSummary struct {
	Role     string   `json:"role"`
	Channels []string `json:"channels"`
}

func (r Recipient) summary() recipientSummary {
	cs := r.Channels()
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return recipientSummary{Role: string(r.Role), Channels: s}
}

// String returns "normal" or "urgent".
func (p Priority) String() string {
	switch p {
	case Normal:
		return "normal"
	case Urgent:
		return "urgent"
	}
	return "priority(" + strconv.Itoa(int(p)) + ")"
}

func formatRedacted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = f.Write([]byte(s))
}

// String returns a description of a that holds neither its name (which may
// name a person) nor its content: its content type and size.
func (a Attachment) String() string {
	return fmt.Sprintf("notify.Attachment{type=%q size=%d}", a.ContentType, len(a.Data))
}

// Format implements [fmt.Formatter] so that every verb prints
// [Attachment.String] and never the name or the content.
func (a Attachment) Format(f fmt.State, verb rune) { formatRedacted(f, verb, a.String()) }

// LogValue implements [slog.LogValuer]: content type and size only.
func (a Attachment) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", a.ContentType), slog.Int("size", len(a.Data)))
}

// MarshalJSON implements [json.Marshaler] with the fields of
// [Attachment.LogValue]: content type and size, never the name or the
// content.
func (a Attachment) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Type string `json:"type"`
		Size int    `json:"size"`
	}{a.ContentType, len(a.Data)})
}
