package pgregister_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/pgregister"
)

var cutsFlag = flag.Int("pgregister.cuts", 0, "connections to cut in TestConnectionCut and TestNetworkCut (default 500 with CI=true, 150 otherwise)")

// cutCount is how many connections TestConnectionCut and TestNetworkCut
// cut.
func cutCount() int {
	switch {
	case *cutsFlag > 0:
		return *cutsFlag
	case os.Getenv("CI") == "true":
		return 500
	default:
		return 150
	}
}

// cutModes are the two ways Register appends: one statement, or COPY in a
// transaction (forced here for every batch).
var cutModes = []struct {
	name    string
	copyMin int
}{{"statement", 0}, {"copy", 1}}

// An appender's backend is terminated by the server again and again while
// it appends batches (pg_terminate_backend, as an administrator or a
// failover would).
func TestConnectionCut(t *testing.T) {
	runCuts(t, func(t *testing.T, admin *pgxpool.Pool, schema string, cfg *pgxpool.Config) func(context.Context) (int64, error) {
		app := "pgregister-cut-" + schema[len(schema)-8:]
		cfg.ConnConfig.RuntimeParams["application_name"] = app
		return func(ctx context.Context) (int64, error) {
			var killed int64
			err := admin.QueryRow(ctx, `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))
FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&killed)
			return killed, err
		}
	})
}

// An appender's TCP connection is cut again and again while it appends
// batches, by a proxy between it and the server, as a network failure
// would: the server may commit a batch whose client never hears of it.
func TestNetworkCut(t *testing.T) {
	runCuts(t, func(t *testing.T, _ *pgxpool.Pool, _ string, cfg *pgxpool.Config) func(context.Context) (int64, error) {
		p := startProxy(t, net.JoinHostPort(cfg.ConnConfig.Host, strconv.Itoa(int(cfg.ConnConfig.Port))))
		host, port, err := net.SplitHostPort(p.ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		portNum, _ := strconv.Atoi(port)
		cfg.ConnConfig.Host, cfg.ConnConfig.Port = host, uint16(portNum)
		for _, fb := range cfg.ConnConfig.Fallbacks {
			fb.Host, fb.Port = host, uint16(portNum)
		}
		return func(context.Context) (int64, error) { return p.cut(), nil }
	})
}

// runCuts runs testCuts in every append mode, each in a fresh schema.
// prepare adjusts the appender's connection settings and returns the
// function that cuts its connection.
func runCuts(t *testing.T, prepare func(t *testing.T, admin *pgxpool.Pool, schema string, cfg *pgxpool.Config) func(context.Context) (int64, error)) {
	if testing.Short() {
		t.Skip("long test")
	}
	t.Parallel()
	for _, mode := range cutModes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			admin := newPool(t, 2)
			schema := newSchema(t, admin)
			cfg := admin.Config().Copy()
			cut := prepare(t, admin, schema, cfg)
			testCuts(t, admin, schema, cfg, mode.copyMin, cut)
		})
	}
}

// testCuts appends batches through a Log on a one-connection pool made from
// cfg while cut, called at random moments during appends, breaks its
// connection; copyMin, if positive, sets the batch size from which the
// register writes with COPY. After every failed append the register
// reopens and verifies, the batch in flight is whole, or absent if its
// append failed without ErrBroken, and every entry a successful append
// returned is stored as returned. It stops after
// half of cutCount cuts: each test runs it in two modes.
func testCuts(t *testing.T, admin *pgxpool.Pool, schema string, cfg *pgxpool.Config, copyMin int, cut func(context.Context) (int64, error)) {
	const batch = 40
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)

	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	want := int64(max(cutCount()/2, 1))
	var (
		cuts      atomic.Int64
		appending atomic.Bool // cut only while an append runs
	)
	cutterDone := make(chan error, 1)
	go func() {
		cutterDone <- cutLoop(ctx, want, &cuts, func(ctx context.Context) (int64, error) {
			if !appending.Load() {
				return 0, nil
			}
			return cut(ctx)
		})
	}()

	var (
		committed = map[string]bool{} // streams whose batch append succeeded
		refused   = map[string]bool{} // streams whose append failed, not broken
		broken    int
		reopen    = func() *register.Log {
			r, err := pgregister.Open(context.Background(), pool, &pgregister.Options{Schema: schema})
			if err != nil {
				return nil
			}
			if copyMin > 0 {
				pgregister.SetCopyMin(r, copyMin)
			}
			l, err := register.Open(context.Background(), r, nil)
			if err != nil {
				_ = r.Close()
				return nil
			}
			return l
		}
		l = reopen()
	)
	var last register.Entry // the last entry of the last successful append
	check := func(stream string) {
		// A fresh register on other connections sees a whole chain and the
		// batch in flight either whole or absent.
		v := verifyAll(t, admin, schema)
		defer v.Close()
		got, err := v.Backend().Version(t.Context(), stream)
		if err != nil {
			t.Fatal(err)
		}
		if got != 0 && got != batch {
			t.Fatalf("batch %s has %d of %d entries", stream, got, batch)
		}
		if refused[stream] && got != 0 {
			t.Fatalf("batch %s failed without ErrBroken, yet it is stored", stream)
		}
		// The chain is whole, so if the last entry that an append returned
		// is stored as returned, so is every entry before it.
		if last.Seq == 0 {
			return
		}
		found := false
		for e, err := range v.Scan(t.Context(), register.Filter{AfterSeq: last.Seq - 1, Limit: 1}) {
			if err != nil {
				t.Fatal(err)
			}
			found = e.Seq == last.Seq && bytes.Equal(e.Hash, last.Hash)
		}
		if !found {
			t.Fatalf("entry %d, returned by a successful append, is missing or changed", last.Seq)
		}
	}
	events := make([]register.Event, batch)
	for j := range events {
		events[j] = event(register.KindRequestSubmitted, j)
	}
	for i := 0; cuts.Load() < want; i++ {
		stream := fmt.Sprintf("batch-%d", i)
		if l != nil {
			appending.Store(true)
			entries, err := l.Append(ctx, stream, 0, events...)
			appending.Store(false)
			if err == nil {
				committed[stream] = true
				last = entries[len(entries)-1]
				continue
			}
			if errors.Is(err, register.ErrBroken) {
				broken++
			} else {
				refused[stream] = true
			}
			_ = l.Close()
		}
		if ctx.Err() != nil {
			break
		}
		check(stream)
		l = reopen()
	}
	stop()
	if err := <-cutterDone; err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("cutter: %v", err)
	}
	if l != nil {
		_ = l.Close()
	}
	// Every stream in the register is a whole batch, and every committed
	// batch is there.
	v := verifyAll(t, admin, schema)
	sizes := map[string]int{}
	for e, err := range v.Scan(t.Context(), register.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		sizes[e.Stream]++
	}
	for stream, n := range sizes {
		if n != batch {
			t.Errorf("batch %s has %d of %d entries", stream, n, batch)
		}
	}
	for stream := range committed {
		if sizes[stream] != batch {
			t.Errorf("batch %s returned success but is missing", stream)
		}
	}
	for stream := range refused {
		if sizes[stream] != 0 {
			t.Errorf("batch %s failed without ErrBroken, yet it is stored", stream)
		}
	}
	t.Logf("%d cuts, %d appends broken, %d batches returned success, %d stored", cuts.Load(), broken, len(committed), len(sizes))
	if broken == 0 {
		t.Errorf("no append reported ErrBroken: the cuts never hit a running append")
	}
}

// cutLoop calls cut at random moments until it reports n cuts in all.
func cutLoop(ctx context.Context, n int64, cuts *atomic.Int64, cut func(context.Context) (int64, error)) error {
	for cuts.Load() < n {
		pause := time.NewTimer(time.Duration(rand.N(20000)) * time.Microsecond)
		select {
		case <-ctx.Done():
			pause.Stop()
			return ctx.Err()
		case <-pause.C:
		}
		k, err := cut(ctx)
		if err != nil {
			return err
		}
		cuts.Add(k)
	}
	return nil
}

// proxy forwards TCP connections to a server and can cut them all at once.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  map[net.Conn]net.Conn // client side -> server side
	wg     sync.WaitGroup
}

// startProxy listens on a free port of 127.0.0.1 and forwards to target
// until the test ends.
func startProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]net.Conn{}}
	p.wg.Go(p.serve)
	t.Cleanup(func() {
		_ = ln.Close()
		p.cut()
		p.wg.Wait()
	})
	return p
}

func (p *proxy) serve() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = client.Close()
			continue
		}
		p.mu.Lock()
		p.conns[client] = server
		p.mu.Unlock()
		p.wg.Go(func() { p.pipe(client, server) })
	}
}

// pipe copies both ways until either side ends, then closes both.
func (p *proxy) pipe(client, server net.Conn) {
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(server, client); done <- struct{}{} }()
	go func() { _, _ = io.Copy(client, server); done <- struct{}{} }()
	<-done
	_ = client.Close()
	_ = server.Close()
	<-done
	p.mu.Lock()
	delete(p.conns, client)
	p.mu.Unlock()
}

// cut closes every forwarded connection and says how many there were.
func (p *proxy) cut() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	for client, server := range p.conns {
		_ = client.Close()
		_ = server.Close()
	}
	n := int64(len(p.conns))
	clear(p.conns)
	return n
}
