package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/smtpnotify"
)

// defaultFrom is the sender of the demo's e-mails, in the domain reserved
// for examples.
const defaultFrom = "Sostegno (dimostrazione) <sostegno.demo@example.org>"

// terminal is the demo's default channel: it takes every message the
// outbox dispatcher delivers, and the demo prints them after each drain,
// in a stable order, showing what each recipient would receive.
type terminal struct {
	mu   sync.Mutex
	msgs []notify.Message
}

var _ notify.Notifier = (*terminal)(nil)

// Notify keeps m for printing.
func (t *terminal) Notify(ctx context.Context, m notify.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.msgs = append(t.msgs, m)
	return nil
}

// take returns the messages delivered since the previous call, sorted by
// idempotency key, and forgets them.
func (t *terminal) take() []notify.Message {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := t.msgs
	t.msgs = nil
	// The dispatcher's two lanes deliver concurrently: sort for a
	// stable order. Keys of one request or incident share a prefix.
	slices.SortStableFunc(out, func(a, b notify.Message) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// emlWriter writes every message it is given as an RFC 5322 file into a
// folder, rendered exactly as smtpnotify would send it. A message sent
// again (delivery is at least once) replaces its file, since the name
// comes from its idempotency key. The files may hold personal data: they
// are readable by their owner only.
type emlWriter struct {
	dir    string
	render *smtpnotify.Notifier

	mu    sync.Mutex
	files map[string]bool
}

var _ notify.Notifier = (*emlWriter)(nil)

// newEMLWriter returns an emlWriter into dir, creating it, with sender from.
func newEMLWriter(dir, from string) (*emlWriter, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	// The SMTP address is never dialled: only WriteMessage is used.
	r, err := smtpnotify.New("localhost:25", from, nil)
	if err != nil {
		return nil, err
	}
	return &emlWriter{dir: dir, render: r, files: map[string]bool{}}, nil
}

// Notify writes m to a file named after its key.
func (w *emlWriter) Notify(ctx context.Context, m notify.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	name := emlName(m.Key)
	f, err := os.CreateTemp(w.dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := w.render.WriteMessage(f, m); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), filepath.Join(w.dir, name)); err != nil {
		return err
	}
	w.mu.Lock()
	w.files[name] = true
	w.mu.Unlock()
	return nil
}

// written returns how many files the writer has written.
func (w *emlWriter) written() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.files)
}

// emlName turns an idempotency key ("request/2026-000001/submission/1/
// police_command") into a file name: every character that is not a
// letter, a digit, '-' or '.' becomes '_'.
func emlName(key string) string {
	b := []byte(key)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			b[i] = '_'
		}
	}
	return string(b) + ".eml"
}

// errSMTPURL is wrapped by the errors of parseSMTP.
var errSMTPURL = errors.New("quickstart: invalid -smtp URL")

// parseSMTP reads the -smtp URL into an smtpnotify.Notifier:
//
//	smtp://[user:password@]host[:port][?insecure=true]   STARTTLS, port 587
//	smtps://[user:password@]host[:port]                   implicit TLS, port 465
//
// insecure=true lets a development server without TLS (such as a local
// mail catcher) take the messages in clear: acceptable here only because
// the demo's personal data is fictitious.
func parseSMTP(raw, from string) (*smtpnotify.Notifier, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errSMTPURL
	}
	opts := &smtpnotify.Options{}
	port := "587"
	switch u.Scheme {
	case "smtp":
	case "smtps":
		opts.TLS = smtpnotify.ImplicitTLS
		port = "465"
	default:
		return nil, fmt.Errorf("%w: the scheme must be smtp or smtps", errSMTPURL)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("%w: no host", errSMTPURL)
	}
	if p := u.Port(); p != "" {
		port = p
	}
	if u.User != nil {
		opts.Username = u.User.Username()
		opts.Password, _ = u.User.Password()
	}
	for k, v := range u.Query() {
		switch k {
		case "insecure":
			on, err := strconv.ParseBool(strings.Join(v, ""))
			if err != nil {
				return nil, fmt.Errorf("%w: insecure must be true or false", errSMTPURL)
			}
			opts.AllowInsecure = on
			opts.AllowInsecurePersonalData = on
		default:
			return nil, fmt.Errorf("%w: unknown parameter", errSMTPURL)
		}
	}
	return smtpnotify.New(net.JoinHostPort(u.Hostname(), port), from, opts)
}
