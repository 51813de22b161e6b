package main

import (
	"io"
	"log"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
)

// startGateway starts a fake gateway behaving as b, over HTTPS, and a
// Gateway posting to it; both end with the test.
func startGateway(t *testing.T, b behaviour, opts *GatewayOptions) (*Gateway, *fakeGateway) {
	t.Helper()
	fake := newFakeGateway("test-token", b)
	srv := httptest.NewUnstartedServer(fake)
	// Closing the server cuts the spare connections that concurrent
	// requests opened, which it would log as handshake errors.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(fake.stop) }) // runs before srv.Close
	o := GatewayOptions{}
	if opts != nil {
		o = *opts
	}
	o.Client = srv.Client()
	gw, err := NewGateway(srv.URL+"/v1/messages", "test-token", &o)
	if err != nil {
		t.Fatal(err)
	}
	return gw, fake
}

// TestConformance runs the library's conformance suite: a fresh gateway
// per case, behaving as the case's peer, and what it took in charge as
// what the peer received.
func TestConformance(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	fakes := map[notify.Notifier]*fakeGateway{}
	notifytest.Run(t,
		func(t *testing.T, peer notifytest.Peer) notify.Notifier {
			b, ok := map[notifytest.Peer]behaviour{
				notifytest.Accept:            accept,
				notifytest.RejectPermanently: reject,
				notifytest.FailTemporarily:   unavailable,
				notifytest.Stall:             stall,
			}[peer]
			if !ok {
				t.Skipf("the fake gateway cannot behave as %v", peer)
			}
			gw, fake := startGateway(t, b, nil)
			mu.Lock()
			defer mu.Unlock()
			fakes[gw] = fake
			return gw
		},
		func(t *testing.T, n notify.Notifier) []notifytest.Delivered {
			mu.Lock()
			fake := fakes[n]
			mu.Unlock()
			var out []notifytest.Delivered
			for _, m := range fake.messages() {
				out = append(out, notifytest.Delivered{Key: m.Key, Subject: m.Subject, Text: m.Text})
			}
			return out
		})
}
