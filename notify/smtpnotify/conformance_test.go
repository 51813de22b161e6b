package smtpnotify_test

import (
	"mime"
	"sync"
	"testing"

	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
	"github.com/sostegno/sostegno/notify/smtpnotify/smtptest"
)

// peerConfig maps the suite's peer behaviours onto the test SMTP server.
var peerConfig = map[notifytest.Peer][]smtptest.Option{
	notifytest.Accept:            nil,
	notifytest.RejectPermanently: {smtptest.RefuseData(&smtpErr554)},
	notifytest.FailTemporarily:   {smtptest.RefuseData(&smtpErr451)},
	notifytest.Stall:             {smtptest.Stall()},
}

func TestConformance(t *testing.T) {
	var (
		mu      sync.Mutex
		servers = map[notify.Notifier]*smtptest.Server{}
	)
	newNotifier := func(t *testing.T, peer notifytest.Peer) notify.Notifier {
		cfg, ok := peerConfig[peer]
		if !ok {
			t.Skipf("comportamento %v non disponibile", peer)
		}
		s := smtptest.NewServer(t, cfg...)
		n := s.Notifier(t, testFrom, nil)
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
		for _, d := range s.Messages() {
			out = append(out, delivered(t, d))
		}
		return out
	}
	notifytest.Run(t, newNotifier, inspect)
}

// delivered reads the key, subject and plain text back from a message the
// server received.
func delivered(t *testing.T, d smtptest.Message) notifytest.Delivered {
	t.Helper()
	h, parts := smtptest.ParseMessage(t, d.Data)
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(h.Get("Subject"))
	if err != nil {
		t.Fatalf("Subject non decodificabile: %v", err)
	}
	out := notifytest.Delivered{Key: h.Get("X-Idempotency-Key"), Subject: subject}
	for _, p := range parts {
		if p.MediaType == "text/plain" {
			out.Text = string(p.Body)
			break
		}
	}
	return out
}
