package webhooknotify_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
	"github.com/sostegno/sostegno/notify/webhooknotify"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

// receiver is a test endpoint that behaves as a notifytest.Peer and keeps
// what it accepted, after verifying it as a real receiver would.
type receiver struct {
	peer notifytest.Peer
	stop chan struct{}
	mu   sync.Mutex
	got  []notifytest.Delivered
	hdrs []http.Header
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch rc.peer {
	case notifytest.RejectPermanently:
		http.Error(w, "richiesta rifiutata", http.StatusUnprocessableEntity)
		return
	case notifytest.FailTemporarily:
		w.Header().Set("Retry-After", "2")
		http.Error(w, "servizio non disponibile", http.StatusServiceUnavailable)
		return
	case notifytest.Stall:
		// Reading the body to the end lets the server notice the client
		// going away; stop ends the wait when the test is over.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-rc.stop:
		}
		// Never answer: returning would send an implicit 200, which a
		// client still waiting (its cancellation racing with this) would
		// take as a delivery.
		panic(http.ErrAbortHandler)
	}
	p, err := webhooknotify.VerifyRequest(secret, r, time.Minute, time.Now())
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.got = append(rc.got, notifytest.Delivered{Key: r.Header.Get(webhooknotify.HeaderIdempotencyKey), Subject: p.Subject, Text: p.Text})
	rc.hdrs = append(rc.hdrs, r.Header.Clone())
	w.WriteHeader(http.StatusAccepted)
}

func (rc *receiver) delivered() []notifytest.Delivered {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]notifytest.Delivered(nil), rc.got...)
}

// newReceiver starts an HTTPS server for peer and a Notifier posting to it.
func newReceiver(t *testing.T, peer notifytest.Peer, opts *webhooknotify.Options) (*webhooknotify.Notifier, *receiver, *httptest.Server) {
	t.Helper()
	rc := &receiver{peer: peer, stop: make(chan struct{})}
	srv := httptest.NewTLSServer(rc)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(rc.stop) }) // runs before srv.Close
	o := webhooknotify.Options{}
	if opts != nil {
		o = *opts
	}
	o.Client = srv.Client()
	n, err := webhooknotify.New(srv.URL+"/hook", secret, &o)
	if err != nil {
		t.Fatal(err)
	}
	return n, rc, srv
}

func TestConformance(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	receivers := map[notify.Notifier]*receiver{}
	notifytest.Run(t,
		func(t *testing.T, peer notifytest.Peer) notify.Notifier {
			n, rc, _ := newReceiver(t, peer, nil)
			mu.Lock()
			defer mu.Unlock()
			receivers[n] = rc
			return n
		},
		func(t *testing.T, n notify.Notifier) []notifytest.Delivered {
			mu.Lock()
			defer mu.Unlock()
			return receivers[n].delivered()
		})
}
