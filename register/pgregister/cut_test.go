package pgregister_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
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
	runCuts(t, func(t testing.TB, admin *pgxpool.Pool, schema string, cfg *pgxpool.Config) cutter {
		app := "pgregister-cut-" + schema[len(schema)-8:]
		cfg.ConnConfig.RuntimeParams["application_name"] = app
		return randomCut{func(ctx context.Context) (int64, error) {
			var killed int64
			err := admin.QueryRow(ctx, `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))
FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&killed)
			return killed, err
		}}
	})
}

// An appender's TCP connection is cut again and again while it appends
// batches, by a proxy between it and the server, as a network failure
// would: the server may commit a batch whose client never hears of it.
//
// Each cut lands inside an append, whatever the machine's speed: the
// proxy reads the client's protocol messages and cuts the connection after
// a chosen number of bytes of a chosen message of the append (the whole of
// its last one, the COMMIT or the statement's Sync, every other time), and
// forwards nothing more.
func TestNetworkCut(t *testing.T) {
	runCuts(t, networkCut(nil))
}

// The network cut test fails a backend that mishandles a cut: one that
// reports a plain failure, rather than ErrBroken, when it cannot tell
// whether its COMMIT happened. The cut after the whole COMMIT makes the
// server commit a batch its client calls failed, and the test sees it.
func TestNetworkCutFailsMishandledCut(t *testing.T) {
	if testing.Short() {
		t.Skip("long test")
	}
	t.Parallel()
	admin := newPool(t, 2)
	schema := newSchema(t, admin)
	cfg := admin.Config().Copy()
	cut := networkCut(func(r register.Register) register.Register { return hidesBroken{r} })(t, admin, schema, cfg)
	rec := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		testCuts(rec, admin, schema, cfg, 1, cut)
	}()
	<-done
	if !rec.failed(" failed without ErrBroken, yet it is stored") {
		t.Errorf("a backend that hides ErrBroken passed; failures: %q", rec.msgs)
	}
}

// hidesBroken reports an append whose outcome is unknown as a plain
// failure, as a backend that mishandles a cut would.
type hidesBroken struct{ register.Register }

func (h hidesBroken) Append(ctx context.Context, b register.Batch) error {
	err := h.Register.Append(ctx, b)
	if errors.Is(err, register.ErrBroken) {
		return errors.New("pgregister: append failed")
	}
	return err
}

// recorder records the failures of a test instead of failing it; Fatal
// ends the goroutine that calls it, as testing.T's does.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	msgs []string
}

func (r *recorder) add(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, msg)
}

func (r *recorder) failed(part string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.msgs {
		if strings.Contains(m, part) {
			return true
		}
	}
	return false
}

func (r *recorder) Errorf(format string, args ...any) { r.add(fmt.Sprintf(format, args...)) }
func (r *recorder) Error(args ...any)                 { r.add(fmt.Sprint(args...)) }
func (r *recorder) Fatalf(format string, args ...any) {
	r.add(fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (r *recorder) Fatal(args ...any) {
	r.add(fmt.Sprint(args...))
	runtime.Goexit()
}

// networkCut returns the prepare function of runCuts that routes the
// appender through a cutting proxy; wrap, if not nil, wraps the backend
// the appender's Log uses.
func networkCut(wrap func(register.Register) register.Register) func(t testing.TB, _ *pgxpool.Pool, _ string, cfg *pgxpool.Config) cutter {
	return func(t testing.TB, _ *pgxpool.Pool, _ string, cfg *pgxpool.Config) cutter {
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
		// No health check on acquire: its ping would add a message to
		// some appends and not to others.
		cfg.ShouldPing = func(context.Context, pgxpool.ShouldPingParams) bool { return false }
		return &planned{p: p, wrap: wrap}
	}
}

// cutter breaks the appender's connection during its appends.
type cutter interface {
	// start begins cutting; the appends follow. It returns a function
	// that stops and reports an error of the cutting itself.
	start(ctx context.Context, want int64, cuts *atomic.Int64, appending *atomic.Bool) (stop func() error)
	// before is called before each append on a connection that has
	// appended before, after each append with the append's error, and
	// fresh when the appender reconnects.
	before()
	after(err error)
	fresh()
	// wrapper, if not nil, wraps the appender's backend.
	wrapper() func(register.Register) register.Register
}

// randomCut calls cut at random moments while an append runs.
type randomCut struct {
	cut func(context.Context) (int64, error)
}

func (r randomCut) start(ctx context.Context, want int64, cuts *atomic.Int64, appending *atomic.Bool) func() error {
	done := make(chan error, 1)
	go func() {
		done <- cutLoop(ctx, want, cuts, func(ctx context.Context) (int64, error) {
			if !appending.Load() {
				return 0, nil
			}
			return r.cut(ctx)
		})
	}()
	return func() error {
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		return nil
	}
}
func (randomCut) before()                                            {}
func (randomCut) after(error)                                        {}
func (randomCut) fresh()                                             {}
func (randomCut) wrapper() func(register.Register) register.Register { return nil }

// planned arms the proxy before each append with a message of the append
// and a fraction of its bytes. The first append on a connection is not
// cut: it prepares the statements, so it sends more messages than the
// others; the second is counted, to learn how many messages an append
// sends.
type planned struct {
	p        *proxy
	wrap     func(register.Register) register.Register
	cuts     *atomic.Int64
	appends  int // on the current connection
	messages int // of a whole append, once counted
	n        int // cuts planned
}

func (pl *planned) start(_ context.Context, _ int64, cuts *atomic.Int64, _ *atomic.Bool) func() error {
	pl.cuts = cuts
	return func() error { return nil }
}

func (pl *planned) fresh() { pl.appends = 0 }

func (pl *planned) before() {
	pl.appends++
	switch {
	case pl.appends == 1:
		pl.p.arm(0, 0) // not cut
	case pl.messages == 0:
		pl.p.arm(-1, 0) // counted
	default:
		// Every other cut after the whole of the last message, so the
		// server may commit what the client never hears of; the others
		// at a message and a byte drawn at random.
		pl.n++
		if pl.n%2 == 0 {
			pl.p.arm(pl.messages, 1)
		} else {
			pl.p.arm(1+rand.IntN(pl.messages), rand.Float64())
		}
	}
}

func (pl *planned) after(err error) {
	counted, hit := pl.p.disarm()
	if pl.messages == 0 && pl.appends > 1 && err == nil {
		pl.messages = counted
	}
	if hit {
		pl.cuts.Add(1)
	}
}

func (pl *planned) wrapper() func(register.Register) register.Register { return pl.wrap }

// runCuts runs testCuts in every append mode, each in a fresh schema.
// prepare adjusts the appender's connection settings and returns the
// function that cuts its connection.
func runCuts(t *testing.T, prepare func(t testing.TB, admin *pgxpool.Pool, schema string, cfg *pgxpool.Config) cutter) {
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
// cfg while cut breaks its connection during appends; copyMin, if positive, sets the batch size from which the
// register writes with COPY. After every failed append the register
// reopens and verifies, the batch in flight is whole, or absent if its
// append failed without ErrBroken, and every entry a successful append
// returned is stored as returned. It stops after
// half of cutCount cuts: each test runs it in two modes.
func testCuts(t testing.TB, admin *pgxpool.Pool, schema string, cfg *pgxpool.Config, copyMin int, cut cutter) {
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
	stopCutter := cut.start(ctx, want, &cuts, &appending)

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
			cut.fresh()
			var backend register.Register = r
			if w := cut.wrapper(); w != nil {
				backend = w(r)
			}
			l, err := register.Open(context.Background(), backend, nil)
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
		stream := fmt.Sprintf("batch-%06d", i)
		if l != nil {
			cut.before()
			appending.Store(true)
			entries, err := l.Append(ctx, stream, 0, events...)
			appending.Store(false)
			cut.after(err)
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
	if err := stopCutter(); err != nil {
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

// proxy forwards TCP connections to a server and can cut them all at once,
// or cut a connection at a chosen place of what the client sends.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  map[net.Conn]net.Conn // client side -> server side
	wg     sync.WaitGroup

	// The plan, under mu: when armed, the client's protocol messages are
	// counted; with at > 0, the connection is cut in message number at,
	// after a fraction frac of its bytes (at least one).
	armed bool
	at    int
	frac  float64
	count int
	hit   bool
}

// arm sets the plan for the next append: at > 0 cuts in that message,
// at = -1 only counts messages, at = 0 does nothing.
func (p *proxy) arm(at int, frac float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.armed, p.at, p.frac, p.count, p.hit = true, at, frac, 0, false
}

// disarm ends the plan and reports how many messages the client sent
// under it and whether the cut happened.
func (p *proxy) disarm() (count int, hit bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.armed = false
	return p.count, p.hit
}

// cutAt counts a message of size bytes and returns how many of its bytes
// to forward before cutting, or -1 to forward it whole.
func (p *proxy) cutAt(size int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.armed || p.at == 0 {
		return -1
	}
	p.count++
	if p.count != p.at {
		return -1
	}
	p.armed, p.hit = false, true
	return min(max(int(math.Ceil(p.frac*float64(size))), 1), size)
}

// startProxy listens on a free port of 127.0.0.1 and forwards to target
// until the test ends.
func startProxy(t testing.TB, target string) *proxy {
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
	go func() { p.forward(client, server); done <- struct{}{} }()
	go func() { _, _ = io.Copy(client, server); done <- struct{}{} }()
	<-done
	_ = client.Close()
	_ = server.Close()
	<-done
	p.mu.Lock()
	delete(p.conns, client)
	p.mu.Unlock()
}

// forward copies the client's messages to the server one by one, until
// either side ends or the plan cuts the connection. The first message is
// the startup message, without a type byte; each later one is a type byte
// and a length that counts itself.
func (p *proxy) forward(client, server net.Conn) {
	r := bufio.NewReader(client)
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:4]); err != nil {
		return
	}
	msg, ok := readMessage(r, hdr[:4])
	if !ok {
		return
	}
	if _, err := server.Write(msg); err != nil {
		return
	}
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return
		}
		msg, ok := readMessage(r, hdr[:])
		if !ok {
			return
		}
		if n := p.cutAt(len(msg)); n >= 0 {
			// The client hears nothing more, not even a reply the
			// server could send to these bytes: it is closed first.
			_ = client.Close()
			_, _ = server.Write(msg[:n])
			_ = server.Close()
			return
		}
		if _, err := server.Write(msg); err != nil {
			return
		}
	}
}

// readMessage reads the rest of a message whose header (ending with a
// 32-bit length that counts itself) is hdr, and returns the whole message.
func readMessage(r io.Reader, hdr []byte) ([]byte, bool) {
	n := int(binary.BigEndian.Uint32(hdr[len(hdr)-4:]))
	if n < 4 || n > 1<<30 {
		return nil, false
	}
	msg := make([]byte, len(hdr)+n-4)
	copy(msg, hdr)
	if _, err := io.ReadFull(r, msg[len(hdr):]); err != nil {
		return nil, false
	}
	return msg, true
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
