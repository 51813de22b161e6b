package sqliteregister

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

// The benchmarks measure the register against a baseline run in the same
// process, through the same driver, on a file with the same schema and the
// same durability (PRAGMA synchronous=FULL, WAL), and report the ratio.
//
//	go test -run='^$' -bench=. -benchtime=... ./register/sqliteregister/
//
// SOSTEGNO_BENCH_ENTRIES sizes the fixture of BenchmarkVerify and
// BenchmarkSummary (default 1000000); it is built once per run, with
// batched appends, in a temporary directory removed at the end.

var benchActor = register.Actor{Role: guideline.RoleOperator, ID: "op-0042"}

// benchLog opens a Log with a sealer over a new register file.
func benchLog(b *testing.B, path string, now func() time.Time) *register.Log {
	b.Helper()
	backend, err := Open(b.Context(), path, nil)
	if err != nil {
		b.Fatal(err)
	}
	key := make([]byte, register.KeySize)
	if _, err := rand.Read(key); err != nil {
		b.Fatal(err)
	}
	keyring, err := register.NewKeyring("chiave-2026", key)
	if err != nil {
		b.Fatal(err)
	}
	l, err := register.Open(b.Context(), backend, &register.Options{Sealer: keyring, Now: now})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = l.Close() })
	return l
}

// rawTable opens a file with the register's schema and pragmas but no
// register: the baseline's raw INSERTs go there.
func rawTable(b *testing.B, path string) *sql.DB {
	b.Helper()
	db, err := openWriter(b.Context(), path, Options{BusyTimeout: defaultBusyTimeout})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	if err := migrate(b.Context(), db, len(migrations())); err != nil {
		b.Fatal(err)
	}
	return db
}

// personalData is what a preventive request carries about the service user.
var personalData = []byte(`{"nome":"Nome Cognome","codice_fiscale":"XXXXXX00X00X000X","data_di_nascita":"1985-12-10","indirizzo":"Via Esempio 1, 20100 Milano"}`)

// benchEvent is a request submission of about 500 bytes once encoded.
func benchEvent(i int) register.Event {
	return register.Event{
		Kind:      register.KindRequestSubmitted,
		Territory: "municipio-" + strconv.Itoa(1+i%9),
		Actor:     benchActor,
		Guideline: "milano-2021-03-02",
		Data:      []byte(`{"appointment_at":"2026-03-09T10:30:00+01:00","appointment_kind":"scheduled_interview","venue":"sede-via-esempio","notes_code":"RISK-2","requested_by":"op-0042","padding":"` + fmt.Sprintf("%0100d", i) + `"}`),
		Personal:  personalData,
	}
}

// rawRow is the columns of one record, ready for a raw INSERT.
type rawRow struct {
	seq, version       int64
	stream, kind, terr string
	micro              int64
	hash, body         []byte
}

func rawRows(b *testing.B, entries []register.Entry) []rawRow {
	rows := make([]rawRow, len(entries))
	for i, e := range entries {
		body, err := register.EncodeEntry(e)
		if err != nil {
			b.Fatal(err)
		}
		rows[i] = rawRow{int64(e.Seq), int64(e.Version), e.Stream, e.Kind, e.Territory, e.Time.UnixMicro(), e.Hash, body}
	}
	return rows
}

// insertRaw inserts rows in one transaction, as the baseline: a bare
// INSERT per row, with no check.
func insertRaw(ctx context.Context, db *sql.DB, rows []rawRow) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	stmt, err := tx.PrepareContext(ctx, insertQuery(1))
	if err != nil {
		return err
	}
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, r.seq, r.stream, r.version, r.kind, r.terr, r.micro, r.hash, r.body); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// benchAppend appends batches of size entries through a Log, each to a new
// stream, and the same rows with raw INSERTs to another file, alternately.
func benchAppend(b *testing.B, size int) {
	ctx := b.Context()
	dir := b.TempDir()
	l := benchLog(b, filepath.Join(dir, "registro.db"), nil)
	raw := rawTable(b, filepath.Join(dir, "grezzo.db"))
	events := make([]register.Event, size)
	for i := range events {
		events[i] = benchEvent(i)
	}
	var logTime, rawTime time.Duration
	n, bodies := 0, 0
	for b.Loop() {
		t0 := time.Now()
		entries, err := l.Append(ctx, "richiesta-"+strconv.Itoa(n), 0, events...)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		rows := rawRows(b, entries) // not timed: the baseline starts from the encoded rows
		for _, r := range rows {
			bodies += len(r.body)
		}
		t2 := time.Now()
		if err := insertRaw(ctx, raw, rows); err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		logTime += t1.Sub(t0)
		rawTime += t3.Sub(t2)
		n++
	}
	perLog := float64(logTime.Nanoseconds()) / float64(n)
	perRaw := float64(rawTime.Nanoseconds()) / float64(n)
	b.ReportMetric(perLog, "log-ns/append")
	b.ReportMetric(perRaw, "raw-ns/append")
	b.ReportMetric(perLog/perRaw, "log/raw")
	b.ReportMetric(float64(bodies)/float64(n*size), "body-bytes/entry")
	if size > 1 {
		b.ReportMetric(float64(size)/(perLog/1e9), "log-entries/s")
		b.ReportMetric(float64(size)/(perRaw/1e9), "raw-entries/s")
	}
}

// BenchmarkAppend appends one entry of about 500 bytes, durably; target:
// log/raw <= 1.2.
func BenchmarkAppend(b *testing.B) { benchAppend(b, 1) }

// BenchmarkAppendBatch appends 1,000 entries in one batch; target:
// log-entries/s >= 100,000.
func BenchmarkAppendBatch(b *testing.B) { benchAppend(b, 1000) }

// bigFixture is the register shared by BenchmarkVerify and
// BenchmarkSummary, built on first use.
var bigFixture struct {
	once     sync.Once
	dir      string
	path     string
	entries  int
	from, to time.Time
	took     time.Duration
	err      error
}

// removeFixtures removes the shared fixture, if one was built.
func removeFixtures() error {
	if bigFixture.dir == "" {
		return nil
	}
	return os.RemoveAll(bigFixture.dir)
}

// fixtureEntries is the size of the shared fixture.
func fixtureEntries() (int, error) {
	s := os.Getenv("SOSTEGNO_BENCH_ENTRIES")
	if s == "" {
		return 1_000_000, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1000 {
		return 0, fmt.Errorf("SOSTEGNO_BENCH_ENTRIES=%q: serve un numero di almeno 1000", s)
	}
	return n, nil
}

// fixture returns the path of the shared register: requests (submitted with
// an appointment and personal data, accepted, completed with an outcome)
// and incidents (reported with a kind and personal data, then every step),
// appended in batches of up to 1,000, twelve hours apart.
func fixture(b *testing.B) string {
	b.Helper()
	f := &bigFixture
	f.once.Do(func() {
		start := time.Now()
		f.entries, f.err = fixtureEntries()
		if f.err != nil {
			return
		}
		f.dir, f.err = os.MkdirTemp("", "sqliteregister-bench-")
		if f.err != nil {
			return
		}
		f.path = filepath.Join(f.dir, "registro.db")
		f.err = buildFixture(context.Background(), f.path, f.entries)
		f.from = fixtureStart
		f.to = fixtureStart.Add(time.Duration(f.entries/999+2) * fixtureStep)
		f.took = time.Since(start)
	})
	if f.err != nil {
		b.Fatal(f.err)
	}
	b.Logf("registro di %d voci, costruito in %s", f.entries, f.took.Round(time.Second))
	return f.path
}

var fixtureStart = time.Date(2024, time.January, 1, 8, 0, 0, 0, time.UTC)

const fixtureStep = 12 * time.Hour

// fixtureStreams returns the events of one request and one incident.
func fixtureStreams(i int) map[string][]register.Event {
	territory := "municipio-" + strconv.Itoa(1+i%9)
	pad := fmt.Sprintf("%0150d", i)
	ev := func(kind, data string, personal bool) register.Event {
		e := register.Event{Kind: kind, Territory: territory, Actor: benchActor, Guideline: "milano-2021-03-02",
			Data: []byte(`{` + data + `"padding":"` + pad + `"}`)}
		if personal {
			e.Personal = personalData
		}
		return e
	}
	kinds := []string{"verbal_aggression", "physical_aggression", "threat", "damage"}
	return map[string][]register.Event{
		"richiesta-" + strconv.Itoa(i): {
			ev(register.KindRequestSubmitted, `"appointment_at":"2026-03-09T10:30:00+01:00",`, true),
			ev(register.KindRequestAccepted, ``, false),
			ev(register.KindRequestCompleted, `"outcome":"presence_provided",`, false),
		},
		"evento-" + strconv.Itoa(i): {
			ev(register.KindIncidentReported, `"incident_kind":"`+kinds[i%4]+`",`, true),
			ev(register.KindIncidentColleaguesAlerted, ``, false),
			ev(register.KindIncidentOperationsCentreCalled, ``, false),
			ev(register.KindIncidentDispatched, ``, false),
			ev(register.KindIncidentPatrolReportFiled, ``, false),
			ev(register.KindIncidentClosed, ``, false),
		},
	}
}

func buildFixture(ctx context.Context, path string, entries int) error {
	backend, err := Open(ctx, path, nil)
	if err != nil {
		return err
	}
	key := make([]byte, register.KeySize)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	keyring, err := register.NewKeyring("chiave-2026", key)
	if err != nil {
		return err
	}
	now := fixtureStart
	l, err := register.Open(ctx, backend, &register.Options{Sealer: keyring, Now: func() time.Time { return now }})
	if err != nil {
		return err
	}
	defer l.Close()
	for i, done := 0, 0; done < entries; now = now.Add(fixtureStep) {
		expected := make(map[string]uint64)
		var batch []register.Event
		for len(batch)+9 <= min(1000, entries-done) {
			for stream, evs := range fixtureStreams(i) {
				expected[stream] = 0
				for _, e := range evs {
					e.Stream = stream
					batch = append(batch, e)
				}
			}
			i++
		}
		for len(batch) < min(1000, entries-done) { // the last few
			stream := "richiesta-" + strconv.Itoa(i)
			i++
			expected[stream] = 0
			e := fixtureStreams(i)["richiesta-"+strconv.Itoa(i)][0]
			e.Stream = stream
			batch = append(batch, e)
		}
		if _, err := l.AppendBatch(ctx, expected, batch...); err != nil {
			return err
		}
		done += len(batch)
	}
	return nil
}

// bareScan reads every row of the table in order into the types
// Register.Scan uses: the baseline of Verify and Summary.
func bareScan(ctx context.Context, db *sql.DB) (rows, bytes int, err error) {
	rs, err := db.QueryContext(ctx, `SELECT seq, stream, version, kind, territory, time, hash, body FROM records ORDER BY seq`)
	if err != nil {
		return 0, 0, err
	}
	defer rs.Close()
	for rs.Next() {
		var (
			seq, version            uint64
			stream, kind, territory string
			micro                   int64
			hash, body              []byte
		)
		if err := rs.Scan(&seq, &stream, &version, &kind, &territory, &micro, &hash, &body); err != nil {
			return 0, 0, err
		}
		rows++
		bytes += len(body)
	}
	return rows, bytes, rs.Err()
}

// benchBig runs op and the bare scan alternately over the shared fixture
// and reports both and their ratio. prepare, if not nil, runs once before,
// untimed.
func benchBig(b *testing.B, name string, prepare, op func(ctx context.Context, l *register.Log) error) {
	path := fixture(b)
	ctx := b.Context()
	backend, err := Open(ctx, path, nil)
	if err != nil {
		b.Fatal(err)
	}
	l, err := register.Open(ctx, backend, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = l.Close() })
	raw, err := sql.Open("sqlite", dsn(path, readerParams(Options{BusyTimeout: defaultBusyTimeout})))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = raw.Close() })
	if prepare != nil {
		if err := prepare(ctx, l); err != nil {
			b.Fatal(err)
		}
	}
	var opTime, scanTime time.Duration
	var rows, size int
	n := 0
	for b.Loop() {
		t0 := time.Now()
		rows, size, err = bareScan(ctx, raw)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := op(ctx, l); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		scanTime += t1.Sub(t0)
		opTime += t2.Sub(t1)
		n++
	}
	perOp := opTime.Seconds() / float64(n)
	perScan := scanTime.Seconds() / float64(n)
	b.ReportMetric(perOp, name+"-s")
	b.ReportMetric(perScan, "scan-s")
	b.ReportMetric(perOp/perScan, name+"/scan")
	b.ReportMetric(float64(rows), "entries")
	b.ReportMetric(float64(size)/float64(rows), "body-bytes/entry")
}

// BenchmarkVerify verifies the shared fixture; target: verify/scan <= 1.3.
func BenchmarkVerify(b *testing.B) {
	benchBig(b, "verify", nil, func(ctx context.Context, l *register.Log) error { return l.Verify(ctx) })
}

// BenchmarkSummary summarises the whole shared fixture; target:
// summary-s < 1.
func BenchmarkSummary(b *testing.B) {
	benchBig(b, "summary", nil, func(ctx context.Context, l *register.Log) error {
		s, err := l.Summary(ctx, bigFixture.from, bigFixture.to)
		if err == nil && len(s.Requests) == 0 {
			err = fmt.Errorf("sommario vuoto")
		}
		return err
	})
}

// BenchmarkMonitorSummary summarises the whole shared fixture through a
// Monitor that has already read it: its first call, the catch-up that reads
// the whole register, is timed apart and reported as catchup-s. Target:
// monitor-s < 1.
func BenchmarkMonitorSummary(b *testing.B) {
	var m *register.Monitor
	var catchup time.Duration
	prepare := func(ctx context.Context, l *register.Log) error {
		m = l.Monitor()
		t0 := time.Now()
		_, err := m.Summary(ctx, bigFixture.from, bigFixture.to)
		catchup = time.Since(t0)
		return err
	}
	benchBig(b, "monitor", prepare, func(ctx context.Context, l *register.Log) error {
		s, err := m.Summary(ctx, bigFixture.from, bigFixture.to)
		if err == nil && len(s.Requests) == 0 {
			err = fmt.Errorf("sommario vuoto")
		}
		return err
	})
	b.ReportMetric(catchup.Seconds(), "catchup-s")
}
