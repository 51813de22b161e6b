package outbox_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/webhooknotify"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/pgregister"
	"github.com/sostegno/sostegno/register/pgregister/pgtest"
	"github.com/sostegno/sostegno/register/sqliteregister"
)

// The test binary is also the child process of the crash and two-process
// tests: the variables below tell it which, and where its register is.
const (
	childEnv    = "SOSTEGNO_OUTBOX_CHILD"    // "crash", "drain" or "append"
	dbEnv       = "SOSTEGNO_OUTBOX_DB"       // the SQLite file
	schemaEnv   = "SOSTEGNO_OUTBOX_SCHEMA"   // or the PostgreSQL schema (server in pgtest.URLEnv)
	receiverEnv = "SOSTEGNO_OUTBOX_RECEIVER" // the webhook receiver of a crash child
	holderEnv   = "SOSTEGNO_OUTBOX_HOLDER"   // the dispatcher's holder
)

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "crash":
		crashChild()
	case "drain":
		drainChild()
	case "append":
		appendChild()
	default:
		os.Exit(m.Run())
	}
}

// childFail ends a child with a message on stderr.
func childFail(err error) {
	fmt.Fprintln(os.Stderr, "figlio:", err)
	os.Exit(2)
}

// childLog opens the register named by the environment.
func childLog(ctx context.Context) *register.Log {
	var (
		backend register.Register
		err     error
	)
	if schema := os.Getenv(schemaEnv); schema != "" {
		backend, err = pgregister.Connect(ctx, os.Getenv(pgtest.URLEnv), &pgregister.Options{Schema: schema})
	} else {
		backend, err = sqliteregister.Open(ctx, os.Getenv(dbEnv), nil)
	}
	if err != nil {
		childFail(err)
	}
	k, err := register.NewKeyring("k1", testKey)
	if err != nil {
		childFail(err)
	}
	l, err := register.Open(ctx, backend, &register.Options{Sealer: k})
	if err != nil {
		childFail(err)
	}
	return l
}

// crashOptions are the dispatcher's options in the crash test, parent and
// child alike: short waits, so that a few hundred kills exercise claims,
// retries and leases in seconds.
func crashOptions() *outbox.Options {
	return &outbox.Options{
		Holder: "crash", Lease: 2 * time.Second, BatchSize: 16, Concurrency: 4,
		PollInterval: 5 * time.Millisecond, InitialInterval: 10 * time.Millisecond,
		MaxInterval: 50 * time.Millisecond, MaxAttempts: 1000, MaxAge: time.Hour,
	}
}

// webhook is the notifier of the crash test.
func webhook(url string) notify.Notifier {
	n, err := webhooknotify.New(url, webhookSecret, &webhooknotify.Options{AllowInsecure: true, Timeout: time.Second})
	if err != nil {
		childFail(err)
	}
	return n
}

var webhookSecret = []byte("segreto-condiviso-del-test-di-crash")

// crashChild runs a dispatcher for ever; the test kills it.
func crashChild() {
	ctx := context.Background()
	l := childLog(ctx)
	d := outbox.NewDispatcher(l, webhook(os.Getenv(receiverEnv)), crashOptions())
	err := d.Run(ctx)
	childFail(fmt.Errorf("Run returned: %w", err))
}

// drainChild drains the register once, printing each key it sends on a
// line of its own, and exits when nothing is left for it.
func drainChild() {
	ctx := context.Background()
	l := childLog(ctx)
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	var mu sync.Mutex
	n := notify.NotifierFunc(func(ctx context.Context, m notify.Message) error {
		mu.Lock()
		defer mu.Unlock()
		_, err := fmt.Fprintln(out, m.Key)
		return err
	})
	d := outbox.NewDispatcher(l, n, &outbox.Options{Holder: os.Getenv(holderEnv)})
	var total outbox.DrainStats
	for {
		st, err := d.Drain(ctx)
		if err != nil {
			childFail(err)
		}
		total.Claimed += st.Claimed
		total.Delivered += st.Delivered
		total.Conflicts += st.Conflicts
		if st.Claimed == 0 && st.DeadLettered == 0 {
			break
		}
	}
	if err := out.Flush(); err != nil {
		childFail(err)
	}
	fmt.Fprintf(os.Stderr, "delivered %d, conflicts %d\n", total.Delivered, total.Conflicts)
	_ = l.Close()
	os.Exit(0)
}

// appendChild appends a change of state with two notifications, then
// kills itself before any dispatcher runs.
func appendChild() {
	ctx := context.Background()
	l := childLog(ctx)
	change := register.Event{Stream: "request/crashed", Kind: register.KindRequestSubmitted, Actor: official}
	evs, err := outbox.Events(outbox.Cause{Stream: change.Stream, Actor: official}, msg("crashed-1", notify.Normal), msg("crashed-2", notify.Urgent))
	if err != nil {
		childFail(err)
	}
	expected := map[string]uint64{change.Stream: 0}
	outbox.Expect(expected, evs)
	if _, err := l.AppendBatch(ctx, expected, append([]register.Event{change}, evs...)...); err != nil {
		childFail(err)
	}
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}
