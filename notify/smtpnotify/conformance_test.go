package smtpnotify_test

import (
	"mime"
	"sync"
	"testing"

	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
)

// peerConfig maps the suite's peer behaviours onto the test SMTP server.
var peerConfig = map[notifytest.Peer]serverConfig{
	notifytest.Accept:            {},
	notifytest.RejectPermanently: {dataReply: &smtpErr554},
	notifytest.FailTemporarily:   {dataReply: &smtpErr451},
	notifytest.Stall:             {stall: true},
}

func TestConformance(t *testing.T) {
	var (
		mu      sync.Mutex
		servers = map[notify.Notifier]*testServer{}
	)
	newNotifier := func(t *testing.T, peer notifytest.Peer) notify.Notifier {
		cfg, ok := peerConfig[peer]
		if !ok {
			t.Skipf("comportamento %v non disponibile", peer)
		}
		s := startServer(t, cfg)
		n := s.notifier(t, nil)
		mu.Lock()
		servers[n] = s
		mu.Unlock()
		return n
	}
	inspect := func(t *testing.T, n notify.Notifier) []notifytest.Delivered {
		mu.Lock()
		s := servers[n]
		mu.Unlock()
		var out []notifytest.Delivered
		for _, d := range s.deliveries() {
			out = append(out, delivered(t, d))
		}
		return out
	}
	notifytest.Run(t, newNotifier, inspect)
}

// delivered reads the key, subject and plain text back from a message the
// server received.
func delivered(t *testing.T, d delivery) notifytest.Delivered {
	t.Helper()
	h, parts := parseMessage(t, d.Data)
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(h.Get("Subject"))
	if err != nil {
		t.Fatalf("Subject non decodificabile: %v", err)
	}
	out := notifytest.Delivered{Key: h.Get("X-Idempotency-Key"), Subject: subject}
	for _, p := range parts {
		if p.mediaType == "text/plain" {
			out.Text = string(p.body)
			break
		}
	}
	return out
}
