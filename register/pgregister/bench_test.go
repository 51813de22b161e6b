package pgregister_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sostegno/sostegno/register"
)

// benchEvent is an event whose entry encodes to about 500 bytes: some
// non-personal data and sealed personal data.
func benchEvent() register.Event {
	ev := event(register.KindIncidentReported, 1)
	ev.Data = []byte(`{"incident_kind":"verbal_aggression","venue":"sede-municipio-3","note":"` + strings.Repeat("x", 200) + `"}`)
	ev.Personal = []byte(`{"nome":"Nome Cognome","codice_fiscale":"XXXXXX00X00X000X","indirizzo":"via Esempio 1, Milano"}`)
	return ev
}

// benchSetup opens a Log with a sealer in a fresh schema, and creates
// next to its records table a bare copy of it, without the register, for
// the baseline.
func benchSetup(b *testing.B) (*register.Log, *pgxpool.Pool, pgx.Identifier) {
	b.Helper()
	pool := newPool(b, 4)
	schema := newSchema(b, pool)
	key := make([]byte, register.KeySize)
	_, _ = rand.Read(key)
	ring, err := register.NewKeyring("k1", key)
	if err != nil {
		b.Fatal(err)
	}
	l := openLog(b, pool, schema, &register.Options{Sealer: ring})
	raw := pgx.Identifier{schema, "raw"}
	if _, err := pool.Exec(context.Background(), "CREATE TABLE "+raw.Sanitize()+" (LIKE "+table(schema, "records")+" INCLUDING ALL)"); err != nil {
		b.Fatal(err)
	}
	return l, pool, raw
}

// storedRecord returns the record the Log stored last, to give the
// baseline rows of the same size.
func storedRecord(b *testing.B, l *register.Log) register.Record {
	b.Helper()
	ctx := context.Background()
	h, err := l.Backend().Head(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for rec, err := range l.Backend().Scan(ctx, register.Filter{AfterSeq: h.Seq - 1}) {
		if err != nil {
			b.Fatal(err)
		}
		return rec
	}
	b.Fatal("no record stored")
	return register.Record{}
}

var rawColumns = []string{"seq", "stream", "version", "kind", "territory", "time", "hash", "body"}

// BenchmarkAppend compares appending one entry of about 500 bytes through
// the Log (sealing, hashing, one round trip that checks the head and the
// version and commits) with a bare INSERT of a row of the same size through
// pgx in autocommit: both wait for one durable commit. The two alternate in
// each iteration, so they share the conditions of the machine.
func BenchmarkAppend(b *testing.B) {
	l, pool, raw := benchSetup(b)
	ctx := context.Background()
	ev := benchEvent()
	if _, err := l.Append(ctx, "bench", 0, ev); err != nil {
		b.Fatal(err)
	}
	row := storedRecord(b, l)
	insert := "INSERT INTO " + raw.Sanitize() + " (" + strings.Join(rawColumns, ", ") + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
	var logTime, rawTime time.Duration
	var n int64
	for b.Loop() {
		n++
		start := time.Now()
		if _, err := l.Append(ctx, "bench", uint64(n), ev); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		if _, err := pool.Exec(ctx, insert, n, row.Stream, n, row.Kind, row.Territory, row.Time, row.Hash, row.Body); err != nil {
			b.Fatal(err)
		}
		rawTime += time.Since(mid)
		logTime += mid.Sub(start)
	}
	b.ReportMetric(float64(len(row.Body)), "body-bytes")
	b.ReportMetric(float64(logTime.Nanoseconds())/float64(n), "log-ns/append")
	b.ReportMetric(float64(rawTime.Nanoseconds())/float64(n), "raw-ns/insert")
	b.ReportMetric(float64(logTime)/float64(rawTime), "log/raw")
}

// BenchmarkAppendBatch compares one Log append of a batch of 1,000 entries
// with a bare COPY of 1,000 rows of the same size through pgx, each one
// durable commit.
func BenchmarkAppendBatch(b *testing.B) {
	const size = 1000
	l, pool, raw := benchSetup(b)
	ctx := context.Background()
	events := make([]register.Event, size)
	for i := range events {
		events[i] = benchEvent()
	}
	if _, err := l.Append(ctx, "warmup", 0, events[0]); err != nil {
		b.Fatal(err)
	}
	row := storedRecord(b, l)
	rows := make([][]any, size)
	var logTime, rawTime time.Duration
	var n int64
	for b.Loop() {
		start := time.Now()
		if _, err := l.Append(ctx, fmt.Sprintf("batch-%d", n), 0, events...); err != nil {
			b.Fatal(err)
		}
		// The baseline builds its rows too, as the Log builds its records.
		mid := time.Now()
		stream := fmt.Sprintf("batch-%d", n)
		for i := range rows {
			rows[i] = []any{n*size + int64(i) + 1, stream, int64(i + 1), row.Kind, row.Territory, row.Time, row.Hash, row.Body}
		}
		if _, err := pool.CopyFrom(ctx, raw, rawColumns, pgx.CopyFromRows(rows)); err != nil {
			b.Fatal(err)
		}
		rawTime += time.Since(mid)
		logTime += mid.Sub(start)
		n++
	}
	b.ReportMetric(float64(n*size)/logTime.Seconds(), "log-entries/s")
	b.ReportMetric(float64(n*size)/rawTime.Seconds(), "raw-rows/s")
	b.ReportMetric(float64(logTime)/float64(rawTime), "log/raw")
}

// BenchmarkVerify compares Log.Verify of a register of 100,000 entries
// (paged scan, decoding, hashing, checks) with a bare pgx query that reads
// every row of the same table once; it also reports the backend's own
// Scan of the whole register.
func BenchmarkVerify(b *testing.B) {
	const entries, size = 100_000, 1000
	l, pool, raw := benchSetup(b)
	ctx := context.Background()
	events := make([]register.Event, size)
	for i := range events {
		events[i] = benchEvent()
	}
	for i := range entries / size {
		if _, err := l.Append(ctx, fmt.Sprintf("s-%d", i), 0, events...); err != nil {
			b.Fatal(err)
		}
	}
	records := table(raw[0], "records")
	var verifyTime, scanTime, rawTime time.Duration
	for b.Loop() {
		start := time.Now()
		if err := l.Verify(ctx); err != nil {
			b.Fatal(err)
		}
		scanStart := time.Now()
		var scanned int
		for _, err := range l.Backend().Scan(ctx, register.Filter{}) {
			if err != nil {
				b.Fatal(err)
			}
			scanned++
		}
		if scanned != entries {
			b.Fatalf("backend scan: %d records", scanned)
		}
		mid := time.Now()
		scanTime += mid.Sub(scanStart)
		rows, err := pool.Query(ctx, "SELECT seq, stream, version, kind, territory, time, hash, body FROM "+records+" ORDER BY seq")
		if err != nil {
			b.Fatal(err)
		}
		var (
			n                       int
			seq, version            int64
			stream, kind, territory string
			at                      time.Time
			hash, body              []byte
		)
		for rows.Next() {
			if err := rows.Scan(&seq, &stream, &version, &kind, &territory, &at, &hash, &body); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if rows.Err() != nil || n != entries {
			b.Fatalf("bare scan: %d rows, %v", n, rows.Err())
		}
		rawTime += time.Since(mid)
		verifyTime += scanStart.Sub(start)
	}
	b.ReportMetric(verifyTime.Seconds()/float64(b.N), "verify-s")
	b.ReportMetric(scanTime.Seconds()/float64(b.N), "backend-scan-s")
	b.ReportMetric(rawTime.Seconds()/float64(b.N), "scan-s")
	b.ReportMetric(float64(verifyTime)/float64(rawTime), "verify/scan")
}
