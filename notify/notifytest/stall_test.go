package notifytest_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
	"github.com/sostegno/sostegno/notify/webhooknotify"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

// webhookHarness runs the suite on webhooknotify against a test server.
// With careless set, its Stall peer waits on r.Context() only, without
// reading the body, as a harness written without the package
// documentation would: it never returns.
func webhookHarness(careless bool) (notifytest.NewNotifier, notifytest.Inspect) {
	var mu sync.Mutex
	got := map[notify.Notifier]*[]notifytest.Delivered{}
	newNotifier := func(t *testing.T, peer notifytest.Peer) notify.Notifier {
		var delivered []notifytest.Delivered
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch peer {
			case notifytest.RejectPermanently:
				http.Error(w, "rejected", http.StatusBadRequest)
				return
			case notifytest.FailTemporarily:
				http.Error(w, "unavailable", http.StatusServiceUnavailable)
				return
			case notifytest.Stall:
				if careless {
					<-r.Context().Done()
				} else {
					_, _ = io.Copy(io.Discard, r.Body)
					select {
					case <-r.Context().Done():
					case <-t.Context().Done():
					}
				}
				panic(http.ErrAbortHandler)
			}
			p, err := webhooknotify.VerifyRequest(secret, r, time.Minute, time.Now())
			if err != nil {
				http.Error(w, "unverified", http.StatusUnauthorized)
				return
			}
			mu.Lock()
			delivered = append(delivered, notifytest.Delivered{Key: p.Key, Subject: p.Subject, Text: p.Text})
			mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		}))
		t.Cleanup(srv.Close)
		n, err := webhooknotify.New(srv.URL, secret, &webhooknotify.Options{Client: srv.Client()})
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		got[n] = &delivered
		mu.Unlock()
		return n
	}
	inspect := func(t *testing.T, n notify.Notifier) []notifytest.Delivered {
		mu.Lock()
		defer mu.Unlock()
		return append([]notifytest.Delivered(nil), *got[n]...)
	}
	return newNotifier, inspect
}

// TestRunPassesAStallPeerThatStopsWithTheTest: the harness the package
// documentation describes passes.
func TestRunPassesAStallPeerThatStopsWithTheTest(t *testing.T) {
	t.Parallel()
	newNotifier, inspect := webhookHarness(false)
	notifytest.Run(t, newNotifier, inspect)
}

const carelessEnv = "NOTIFYTEST_CARELESS_STALL_PEER"

// TestRunStopsOnAStallPeerThatNeverReturns runs the suite, in a child
// process, with a harness whose Stall peer waits on r.Context() without
// reading the body, and so never returns: the suite stops the test with
// an explanation instead of hanging until go test's -timeout.
func TestRunStopsOnAStallPeerThatNeverReturns(t *testing.T) {
	if os.Getenv(carelessEnv) == "1" {
		newNotifier, inspect := webhookHarness(true)
		notifytest.Run(t, newNotifier, inspect)
		return
	}
	t.Parallel()
	if testing.Short() {
		t.Skipf("waits notifytest.ReleaseWithin (%v): skipped with -short", notifytest.ReleaseWithin)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunStopsOnAStallPeerThatNeverReturns$", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), carelessEnv+"=1")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("the suite did not fail (err %v):\n%s", err, out)
	}
	for _, want := range []string{
		"notifytest: case ContextCancelledWhileStalled: the harness's cleanups have not returned",
		"t.Context()",
		"without reading the request body",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "test timed out") {
		t.Errorf("the suite hung until the timeout:\n%s", out)
	}
}
