package outbox_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/sostegno/sostegno/internal/testkit"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/pgregister/pgtest"
)

// twoProcessMessages is the backlog the two dispatchers drain.
const twoProcessMessages = 10_000

// queueBacklog queues n messages on l, 500 per append.
func queueBacklog(t testing.TB, l *register.Log, n int) map[string]bool {
	t.Helper()
	return queueBacklogPrefix(t, l, "backlog", n)
}

// queueBacklogPrefix queues n messages keyed prefix-i on l, 500 per append.
func queueBacklogPrefix(t testing.TB, l *register.Log, prefix string, n int) map[string]bool {
	t.Helper()
	keys := make(map[string]bool, n)
	for start := 0; start < n; start += 500 {
		msgs := make([]notify.Message, 0, 500)
		for i := start; i < min(start+500, n); i++ {
			m := msg(fmt.Sprintf("%s-%05d", prefix, i), notify.Normal)
			keys[m.Key] = true
			msgs = append(msgs, m)
		}
		if _, err := outbox.Queue(context.Background(), l, outbox.Cause{Stream: fmt.Sprintf("request/%s/%d", prefix, start), Actor: official}, msgs...); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// drainFromTwoProcesses runs two drain children on the register named by
// env and checks that together they sent every key of want exactly once:
// their leases (one minute) never expire here, so no message may be sent
// twice.
func drainFromTwoProcesses(t *testing.T, l *register.Log, want map[string]bool, env ...string) {
	t.Helper()
	children := make([]*testkit.Child, 2)
	for i := range children {
		children[i] = testkit.Start(t, append([]string{childEnv + "=drain", fmt.Sprintf("%s=dispatcher-%d", holderEnv, i)}, env...)...)
	}
	var outs [2][]string
	for i, c := range children {
		out, err := c.Wait()
		if err != nil {
			t.Fatalf("child %d: %v", i, err)
		}
		outs[i] = out
	}
	sent := map[string]int{}
	for i, out := range outs {
		t.Logf("dispatcher %d: sent %d (%s)", i, len(out), children[i].Stderr())
		for _, k := range out {
			sent[k]++
		}
	}
	for k := range want {
		switch sent[k] {
		case 1:
		case 0:
			t.Errorf("%s: never sent", k)
		default:
			t.Errorf("%s: sent %d times", k, sent[k])
		}
	}
	if len(sent) != len(want) {
		t.Errorf("%d keys sent, %d queued", len(sent), len(want))
	}
	ctx := context.Background()
	left, err := outbox.Undelivered(ctx, l, maxTime)
	if err != nil || len(left) != 0 {
		t.Errorf("%d undelivered after both drains (%v)", len(left), err)
	}
	if err := l.Verify(ctx); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

func TestTwoProcessesDrainSQLite(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "registro.db")
	l := sqliteLog(t, path)
	want := queueBacklog(t, l, twoProcessMessages)
	drainFromTwoProcesses(t, l, want, dbEnv+"="+path)
}

func TestTwoProcessesDrainPostgres(t *testing.T) {
	t.Parallel()
	backend, schema := pgtest.Open(t)
	l, err := register.Open(context.Background(), backend, &register.Options{Sealer: keyring(t)})
	if err != nil {
		t.Fatal(err)
	}
	want := queueBacklog(t, l, twoProcessMessages)
	drainFromTwoProcesses(t, l, want, schemaEnv+"="+schema)
}
