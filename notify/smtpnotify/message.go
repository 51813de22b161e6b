package smtpnotify

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	netmail "net/mail"
	"strings"
	"unicode"

	mail "github.com/wneessen/go-mail"
	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/notify"
)

// Header names set on every message besides the standard ones.
const (
	// HeaderIdempotencyKey carries [notify.Message.Key] verbatim.
	HeaderIdempotencyKey = "X-Idempotency-Key"
	// HeaderKind carries [notify.Message.Kind], such as "request.submitted".
	HeaderKind = "X-Sostegno-Kind"
)

// userAgent replaces go-mail's default User-Agent and X-Mailer.
const userAgent = "sostegno/smtpnotify"

// maxKeyLen bounds the idempotency key so the header stays one line.
const maxKeyLen = 200

// MessageID returns the Message-ID, without angle brackets, that a message
// with idempotency key key sent from domain carries: the first 128 bits of
// the SHA-256 of the key, in hex, "@" domain. Two sends of the same key
// carry the same Message-ID, so a resend is recognisable; the hash reveals
// nothing about the key.
func MessageID(key, domain string) string {
	sum := sha256.Sum256([]byte("sostegno/notify\x00" + key))
	return hex.EncodeToString(sum[:16]) + "@" + domain
}

// checkKey reports whether key can name a message in a header.
func checkKey(key string) error {
	if key == "" || len(key) > maxKeyLen || strings.IndexFunc(key, unicode.IsControl) >= 0 {
		return ErrInvalidKey
	}
	return nil
}

// render builds the go-mail message for m.
func (n *Notifier) render(m notify.Message) (*mail.Msg, error) {
	if err := checkKey(m.Key); err != nil {
		return nil, permanent(OpRender, err)
	}
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	msg.FromMailAddress(n.from)
	to, err := recipients(m.To)
	if err != nil {
		return nil, permanent(OpRender, err)
	}
	msg.ToMailAddress(to...)
	msg.SetMessageIDWithValue(MessageID(m.Key, n.domain))
	msg.SetGenHeader(HeaderIdempotencyKey, m.Key)
	if m.Kind != "" {
		msg.SetGenHeader(HeaderKind, m.Kind)
	}
	// RFC 3834: an automatic message, so out-of-office replies stay away.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetUserAgent(userAgent)
	if m.Language != language.Und {
		msg.SetGenHeader("Content-Language", m.Language.String())
	}
	if m.Priority == notify.Urgent {
		msg.SetImportance(mail.ImportanceHigh)
	}
	msg.Subject(m.Subject)
	switch {
	case m.HTML == "":
		msg.SetBodyString(mail.TypeTextPlain, m.Text)
	case m.Text == "":
		msg.SetBodyString(mail.TypeTextHTML, m.HTML)
	default:
		msg.SetBodyString(mail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		ct, err := attachmentType(a.ContentType)
		if err != nil {
			return nil, permanent(OpRender, err)
		}
		msg.AttachReadSeeker(a.Name, bytes.NewReader(a.Data),
			mail.WithFileContentType(mail.ContentType(ct)))
	}
	return msg, nil
}

// attachmentType returns ct in canonical form, or application/octet-stream
// when it is empty. go-mail writes the content type into the part's header
// as it is, so a value that does not parse as a media type (a line break
// would add headers to the part) is refused.
func attachmentType(ct string) (string, error) {
	if ct == "" {
		return string(mail.TypeAppOctetStream), nil
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", ErrInvalidAttachment
	}
	return mime.FormatMediaType(mt, params), nil
}

// recipients returns the addresses of the recipients that have one. Their
// names are officials' names, never a service user's.
func recipients(rs []notify.Recipient) ([]*netmail.Address, error) {
	var to []*netmail.Address
	for _, r := range rs {
		if r.Email == "" {
			continue
		}
		a, err := netmail.ParseAddress(r.Email)
		if err != nil || a.Name != "" {
			return nil, ErrInvalidAddress
		}
		to = append(to, &netmail.Address{Name: r.Name, Address: a.Address})
	}
	if len(to) == 0 {
		return nil, ErrNoRecipient
	}
	return to, nil
}

// WriteMessage writes m to w as the RFC 5322 message [Notifier.Notify]
// would send, without connecting to any server: for an archive copy, a
// preview or a test. The Date header is the time of the call.
func (n *Notifier) WriteMessage(w io.Writer, m notify.Message) (int64, error) {
	msg, err := n.render(m)
	if err != nil {
		return 0, err
	}
	written, err := msg.WriteTo(w)
	if err != nil {
		return written, fmt.Errorf("smtpnotify: %s: %w", OpRender, err)
	}
	return written, nil
}
