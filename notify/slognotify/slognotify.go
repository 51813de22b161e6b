// Package slognotify writes notifications to a [slog.Logger], for demos and
// development: a program can run the whole procedure and show, in its log,
// which messages would have gone to whom.
//
// It never logs personal data: a message appears as its redacted
// [notify.Message.LogValue] (kind, key, priority, number of recipients,
// roles), never with names, addresses, attachments or, when it carries
// personal data, its subject and text. The subject and text of other
// messages are logged only if [Options].ShowText is set.
//
// The notifier hands each record straight to the logger's handler and
// returns the handler's error, so a handler that fails (a full disk, a
// closed pipe) is a failed delivery: temporary, unless the handler
// returns an error for which [notify.IsPermanent] is true. Records below
// the handler's level are dropped and count as delivered.
package slognotify

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/sostegno/sostegno/notify"
)

// MessageText is the message of every record: "notifica".
const MessageText = "notifica"

// Options configure a [Notifier]; nil means the defaults.
type Options struct {
	// Level is the level of Normal messages; default slog.LevelInfo. Urgent
	// messages are logged at Level + 4 (Warn by default).
	Level slog.Level
	// ShowText logs the subject and text of messages whose Personal field
	// is false, under the keys "subject" and "text". Messages with
	// personal data never have them logged.
	ShowText bool
}

// Notifier is a [notify.Notifier] that logs each message. It is safe for
// concurrent use if its handler is, as slog handlers must be.
type Notifier struct {
	h    slog.Handler
	opts Options
}

var _ notify.Notifier = (*Notifier)(nil)

// New returns a Notifier writing to l (nil means [slog.Default]).
func New(l *slog.Logger, opts *Options) *Notifier {
	if l == nil {
		l = slog.Default()
	}
	n := &Notifier{h: l.Handler()}
	if opts != nil {
		n.opts = *opts
	}
	return n
}

// Notify logs m at the configured level.
func (n *Notifier) Notify(ctx context.Context, m notify.Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("slognotify: %w", err)
	}
	level := n.opts.Level
	if m.Priority == notify.Urgent {
		level += 4
	}
	if !n.h.Enabled(ctx, level) {
		return nil
	}
	r := slog.NewRecord(time.Now(), level, MessageText, 0)
	r.AddAttrs(slog.Any("message", m))
	if n.opts.ShowText && !m.Personal {
		r.AddAttrs(slog.String("subject", m.Subject), slog.String("text", m.Text))
	}
	err := n.h.Handle(ctx, r)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("slognotify: write interrupted: %w", ctx.Err())
	case notify.IsPermanent(err):
		return fmt.Errorf("slognotify: write failed: %w", err)
	}
	return notify.Temporary(fmt.Errorf("slognotify: write failed: %w", err))
}
