package slognotify_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
	"github.com/sostegno/sostegno/notify/slognotify"
)

// peerHandler is a slog.Handler that behaves as a notifytest.Peer: the
// handler is the slog notifier's receiving end.
type peerHandler struct {
	peer notifytest.Peer
	mu   sync.Mutex
	got  []notifytest.Delivered
}

func (h *peerHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *peerHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *peerHandler) WithGroup(string) slog.Handler            { return h }

func (h *peerHandler) Handle(ctx context.Context, r slog.Record) error {
	switch h.peer {
	case notifytest.RejectPermanently:
		return notify.Permanent(errors.New("registro chiuso"))
	case notifytest.FailTemporarily:
		return errors.New("disco momentaneamente pieno")
	case notifytest.Stall:
		<-ctx.Done()
		return ctx.Err()
	}
	var d notifytest.Delivered
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "message":
			for _, g := range a.Value.Resolve().Group() {
				if g.Key == "key" {
					d.Key = g.Value.String()
				}
			}
		case "subject":
			d.Subject = a.Value.String()
		case "text":
			d.Text = a.Value.String()
		}
		return true
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	h.got = append(h.got, d)
	return nil
}

func TestConformance(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	handlers := map[notify.Notifier]*peerHandler{}
	notifytest.Run(t,
		func(t *testing.T, peer notifytest.Peer) notify.Notifier {
			h := &peerHandler{peer: peer}
			n := slognotify.New(slog.New(h), &slognotify.Options{ShowText: true})
			mu.Lock()
			defer mu.Unlock()
			handlers[n] = h
			return n
		},
		func(t *testing.T, n notify.Notifier) []notifytest.Delivered {
			mu.Lock()
			h := handlers[n]
			mu.Unlock()
			h.mu.Lock()
			defer h.mu.Unlock()
			return append([]notifytest.Delivered(nil), h.got...)
		})
}

func TestNeverLogsPersonalData(t *testing.T) {
	t.Parallel()
	const (
		name = "Mariarosa Brambilla"
		cf   = "BRMMRS80A41F205X"
	)
	m := notify.Message{
		Key:      "request-7/submitted",
		Kind:     "request.submitted",
		Priority: notify.Urgent,
		To: []notify.Recipient{
			{Role: guideline.RolePoliceCommand, Name: name, Email: "comando@example.org"},
			{Role: guideline.RoleAreaDirector, Name: "Direttore", Phone: "+393331234567", Endpoint: "https://example.org/hook?token=x"},
		},
		Subject:     "Richiesta per " + name,
		Text:        "Codice fiscale " + cf,
		HTML:        "<p>" + name + "</p>",
		Attachments: []notify.Attachment{{Name: cf + ".ics", Data: []byte(name)}},
		Personal:    true,
	}
	for _, show := range []bool{false, true} {
		var buf bytes.Buffer
		n := slognotify.New(slog.New(slog.NewJSONHandler(&buf, nil)), &slognotify.Options{ShowText: show})
		if err := n.Notify(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		notifytest.AssertNoLeak(t, []string{name, cf, "comando@example.org", "+393331234567", "token=x"}, out)
		for _, want := range []string{`"level":"WARN"`, `"msg":"notifica"`, `"key":"request-7/submitted"`, `"recipients":2`, `"police_command"`} {
			if !strings.Contains(out, want) {
				t.Errorf("ShowText %v: log lacks %s: %s", show, want, out)
			}
		}
	}
}

func TestShowTextOnlyForNonPersonalMessages(t *testing.T) {
	t.Parallel()
	m := notify.Message{Key: "k", Subject: "Prova è", Text: "Città"}
	for _, tt := range []struct {
		show, personal, want bool
	}{{false, false, false}, {true, false, true}, {true, true, false}} {
		var buf bytes.Buffer
		m.Personal = tt.personal
		n := slognotify.New(slog.New(slog.NewTextHandler(&buf, nil)), &slognotify.Options{ShowText: tt.show})
		if err := n.Notify(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(buf.String(), "Città"); got != tt.want {
			t.Errorf("ShowText %v, Personal %v: text logged %v, want %v: %s", tt.show, tt.personal, got, tt.want, buf.String())
		}
	}
}

func TestBelowLevelIsDropped(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	n := slognotify.New(l, nil)
	if err := n.Notify(context.Background(), notify.Message{Key: "normal"}); err != nil {
		t.Fatal(err)
	}
	if err := n.Notify(context.Background(), notify.Message{Key: "urgent", Priority: notify.Urgent}); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); strings.Contains(out, "key=normal") || !strings.Contains(out, "key=urgent") {
		t.Errorf("log %q: want only the urgent message", out)
	}
}
