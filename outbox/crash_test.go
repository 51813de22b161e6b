package outbox_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
	"github.com/sostegno/sostegno/notify/webhooknotify"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/sqliteregister"
)

// crashKills is how many times TestCrash kills the dispatching child.
var crashKills = flag.Int("sostegno.outbox.kills", 0, "kills of the dispatching child in TestCrash (default 300 with CI=true, 30 otherwise)")

const (
	// crashKillsPerFile bounds the size of a register, so that each child
	// starts quickly.
	crashKillsPerFile = 50
	// crashFirstQueue and crashQueuePerKill size the work: messages queued
	// on a new file, and before each kill.
	crashFirstQueue, crashQueuePerKill = 40, 4
	// crashMaxDelay bounds a kill's moment after the child starts;
	// crashMaxSendDelay after the receiver's first request from it.
	crashMaxDelay, crashMaxSendDelay = 60 * time.Millisecond, 15 * time.Millisecond
)

// receiver is a webhook endpoint that verifies and logs every request.
// Keys ending in "-t" are refused twice (503) before being taken; keys
// ending in "-p" are refused for good (400).
type receiver struct {
	mu       sync.Mutex
	seen     map[string]int   // requests per key
	taken    map[string][]int // kill indexes of each 200 answer, per key
	bad      []string         // problems found, for the test to report
	kill     atomic.Int64     // the kill during which requests arrive
	firstHit chan struct{}    // signalled on the first request of each child
}

func newReceiver() *receiver {
	return &receiver{seen: map[string]int{}, taken: map[string][]int{}, firstHit: make(chan struct{}, 1)}
}

// subject is the subject of the message with key: a duplicate must carry
// its original's key and content.
func subject(key string) string { return "Richiesta " + key + " per " + knownName }

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p, err := webhooknotify.VerifyRequest(webhookSecret, r, time.Minute, time.Now())
	rc.mu.Lock()
	defer rc.mu.Unlock()
	select {
	case rc.firstHit <- struct{}{}:
	default:
	}
	switch {
	case err != nil:
		rc.bad = append(rc.bad, "unverifiable request: "+err.Error())
		w.WriteHeader(http.StatusUnauthorized)
		return
	case p.Subject != subject(p.Key) || r.Header.Get(webhooknotify.HeaderIdempotencyKey) != p.Key:
		rc.bad = append(rc.bad, "message "+p.Key+" does not carry its own key and content")
	}
	rc.seen[p.Key]++
	switch {
	case strings.HasSuffix(p.Key, "-p"):
		w.WriteHeader(http.StatusBadRequest)
	case strings.HasSuffix(p.Key, "-t") && rc.seen[p.Key] <= 2:
		w.WriteHeader(http.StatusServiceUnavailable)
	default:
		rc.taken[p.Key] = append(rc.taken[p.Key], int(rc.kill.Load()))
		w.WriteHeader(http.StatusOK)
	}
}

// crashMessages queues n messages on l, a third of them refused twice and
// one in ten refused for good, and returns their keys.
func crashMessages(t *testing.T, l *register.Log, prefix string, n int) []string {
	t.Helper()
	keys := make([]string, n)
	msgs := make([]notify.Message, n)
	for i := range n {
		key := fmt.Sprintf("%s-%d", prefix, i)
		switch {
		case i%10 == 9:
			key += "-p"
		case i%3 == 1:
			key += "-t"
		}
		keys[i] = key
		m := msg(key, notify.Priority(i%2))
		m.Subject = subject(key)
		msgs[i] = m
	}
	if _, err := outbox.Queue(context.Background(), l, outbox.Cause{Stream: "request/" + prefix, Actor: official}, msgs...); err != nil {
		t.Fatal(err)
	}
	return keys
}

// TestCrash kills a child running the dispatcher on an SQLite register
// with SIGKILL at random moments, against a webhook receiver that logs
// every idempotency key. At the end every queued message is delivered or
// dead-lettered, none is lost, and every duplicate the receiver saw carries
// its original's key and content.
func TestCrash(t *testing.T) {
	kills := *crashKills
	if kills <= 0 {
		kills = 30
		if os.Getenv("CI") == "true" {
			kills = 300
		}
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	rc := newReceiver()
	srv := httptest.NewServer(rc)
	defer srv.Close()
	dir := t.TempDir()
	var (
		perKill     = make([]int, kills)
		duringSends int
		start       = time.Now()
	)
	for first := 0; first < kills; first += crashKillsPerFile {
		path := filepath.Join(dir, fmt.Sprintf("registro-%d.db", first/crashKillsPerFile))
		l := sqliteLog(t, path)
		var keys []string
		keys = append(keys, crashMessages(t, l, fmt.Sprintf("f%d", first), crashFirstQueue)...)
		for k := first; k < min(first+crashKillsPerFile, kills); k++ {
			keys = append(keys, crashMessages(t, l, fmt.Sprintf("k%d", k), crashQueuePerKill)...)
			rc.kill.Store(int64(k))
			if runAndKill(t, exe, path, srv.URL, rc, k%2 == 1) {
				duringSends++
			}
		}
		rc.kill.Store(-1)
		finish(t, l, srv.URL)
		checkCrashFile(t, l, rc, keys)
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, b := range rc.bad {
		t.Error(b)
	}
	total := 0
	for _, ks := range rc.taken {
		for i, k := range ks {
			if i > 0 && k >= 0 {
				perKill[k]++
				total++
			}
		}
	}
	var lines []string
	for k, n := range perKill {
		if n > 0 {
			lines = append(lines, fmt.Sprintf("%d:%d", k+1, n))
		}
	}
	t.Logf("%d kills in %s, %d of them after the child's first send; %d duplicates at the receiver, all with the original's key", kills, time.Since(start).Round(time.Millisecond), duringSends, total)
	t.Logf("duplicates per kill (kill:duplicates, kills without any omitted): %s", strings.Join(lines, " "))
	if kills >= 100 && duringSends < kills/4 {
		t.Errorf("only %d kills of %d came during sending", duringSends, kills)
	}
}

// sqliteLog opens a Log on the SQLite file at path, closed at the end.
func sqliteLog(t testing.TB, path string) *register.Log {
	t.Helper()
	backend, err := sqliteregister.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	l, err := register.Open(context.Background(), backend, &register.Options{Sealer: keyring(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// runAndKill starts a crash child on path and kills it at a random moment:
// within crashMaxDelay of its start or, if afterSend, within
// crashMaxSendDelay of the receiver's first request from it. It reports
// whether the child had sent something.
func runAndKill(t *testing.T, exe, path, url string, rc *receiver, afterSend bool) bool {
	t.Helper()
	select {
	case <-rc.firstHit:
	default:
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=crash", dbEnv+"="+path, receiverEnv+"="+url)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sent := false
	delay := rand.N(crashMaxDelay)
	if afterSend {
		select {
		case <-rc.firstHit:
			sent = true
			delay = rand.N(crashMaxSendDelay)
		case <-time.After(5 * time.Second):
		}
	}
	time.Sleep(delay)
	if !sent {
		select {
		case <-rc.firstHit:
			sent = true
		default:
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatalf("kill: %v", err)
	}
	_ = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != -1 {
		t.Fatalf("the child ended on its own (code %d):\n%s", code, stderr.Bytes())
	}
	return sent
}

// finish drains the register in this process, as a restarted dispatcher
// would, until nothing is left undelivered.
func finish(t *testing.T, l *register.Log, url string) {
	t.Helper()
	ctx := context.Background()
	d := outbox.NewDispatcher(l, webhook(url), crashOptions())
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := d.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		left, err := outbox.Undelivered(ctx, l, time.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages still undelivered, such as %+v", len(left), left[0])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkCrashFile checks one register after its kills: it verifies, every
// queued message is delivered (and was received) or dead-lettered for the
// receiver's refusal, and nothing else.
func checkCrashFile(t *testing.T, l *register.Log, rc *receiver, keys []string) {
	t.Helper()
	ctx := context.Background()
	if err := l.Verify(ctx); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	delivered := map[string]bool{}
	for e, err := range l.Scan(ctx, register.Filter{Kinds: []string{register.KindMessageDelivered}}) {
		if err != nil {
			t.Fatal(err)
		}
		delivered[strings.TrimPrefix(e.Stream, register.MessageStreamPrefix)] = true
	}
	dead, err := outbox.DeadLetters(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	deadKeys := map[string]outbox.Reason{}
	for _, d := range dead {
		deadKeys[d.Key] = d.Reason
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, k := range keys {
		switch {
		case strings.HasSuffix(k, "-p"):
			if deadKeys[k] != outbox.ReasonPermanent || delivered[k] {
				t.Errorf("%s: refused for good, but dead letter %q, delivered %v", k, deadKeys[k], delivered[k])
			}
		case !delivered[k]:
			t.Errorf("%s: lost (dead letter %q)", k, deadKeys[k])
		case len(rc.taken[k]) == 0:
			t.Errorf("%s: recorded as delivered but never received", k)
		}
	}
	if len(delivered)+len(deadKeys) != len(keys) {
		t.Errorf("%d delivered and %d dead letters for %d messages", len(delivered), len(deadKeys), len(keys))
	}
}

// TestCrashRightAfterTheAppend kills a process right after it appended a
// change of state with two notifications, before any dispatcher ran: a
// dispatcher started afterwards delivers both.
func TestCrashRightAfterTheAppend(t *testing.T) {
	t.Parallel()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "registro.db")
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=append", dbEnv+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	_ = cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != -1 {
		t.Fatalf("the child was not killed (code %d):\n%s", code, stderr.Bytes())
	}
	l := sqliteLog(t, path)
	if es := entries(t, l, "request/crashed"); len(es) != 1 {
		t.Fatalf("the change: %v", es)
	}
	rec := &notifytest.Recorder{}
	st, err := outbox.NewDispatcher(l, rec, &outbox.Options{Concurrency: 1}).Drain(context.Background())
	if err != nil || st.Delivered != 2 {
		t.Fatalf("after the restart: %+v, %v", st, err)
	}
	if keys := rec.Keys(); keys[0] != "crashed-2" {
		t.Errorf("the urgent message was not first: %v", keys)
	}
}
