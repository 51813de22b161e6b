package sqliteregister

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sostegno/sostegno/register"
)

// newPath returns the path of a register file in a fresh directory.
func newPath(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "registro.db")
}

// rawDB opens the file with no register around it, as the tests' own
// connection.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, writerParams(Options{BusyTimeout: 5 * time.Second})))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func openRegister(t testing.TB, path string, opts *Options) *Register {
	t.Helper()
	r, err := Open(context.Background(), path, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// testRecord returns record seq of stream s at version v after prev.
func testRecord(seq uint64, s string, v uint64, prev []byte) register.Record {
	body := append([]byte("corpo di prova "), prev...)
	body = append(body, byte(seq))
	sum := sha256.Sum256(body)
	return register.Record{
		Seq: seq, Stream: s, Version: v, Kind: "request.submitted", Territory: "municipio-1",
		Time: time.Date(2026, 3, 2, 9, 0, 0, int(seq)*1000, time.UTC), Hash: sum[:], Body: body,
	}
}

func userVersion(t *testing.T, db *sql.DB) int {
	t.Helper()
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOpenMigratesOlderSchema(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := newPath(t)
	db := rawDB(t, path)
	if err := migrate(ctx, db, 1); err != nil {
		t.Fatal(err)
	}
	if v := userVersion(t, db); v != 1 {
		t.Fatalf("user_version = %d dopo la prima migrazione, atteso 1", v)
	}
	rec := testRecord(1, "richiesta-1", 1, nil)
	if _, err := db.Exec(insertQuery(1), int64(rec.Seq), rec.Stream, int64(rec.Version), rec.Kind, rec.Territory, rec.Time.UnixMicro(), rec.Hash, rec.Body); err != nil {
		t.Fatal(err)
	}

	r := openRegister(t, path, nil)
	if v := userVersion(t, db); v != len(migrations()) {
		t.Errorf("user_version = %d dopo Open, atteso %d", v, len(migrations()))
	}
	var indexes []string
	rows, err := db.Query(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'records' AND sql IS NOT NULL ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		indexes = append(indexes, name)
	}
	if want := []string{"records_kind", "records_territory", "records_time"}; !slices.Equal(indexes, want) {
		t.Errorf("indici = %v, attesi %v", indexes, want)
	}
	// The record written under the old schema is still there, and the
	// register continues after it.
	h, err := r.Head(ctx)
	if err != nil || h.Seq != 1 {
		t.Fatalf("Head = %v, %v; attesa la sequenza 1", h, err)
	}
	next := testRecord(2, "richiesta-1", 2, rec.Hash)
	if err := r.Append(ctx, register.Batch{Head: h, Versions: map[string]uint64{"richiesta-1": 1}, Records: []register.Record{next}}); err != nil {
		t.Fatalf("Append dopo la migrazione: %v", err)
	}
	var got []uint64
	for rec, err := range r.Scan(ctx, register.Filter{Kinds: []string{"request.submitted"}}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, rec.Seq)
	}
	if !slices.Equal(got, []uint64{1, 2}) {
		t.Errorf("Scan = %v, attese le sequenze [1 2]", got)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := newPath(t)
	db := rawDB(t, path)
	if err := migrate(ctx, db, len(migrations())); err != nil {
		t.Fatal(err)
	}
	future := len(migrations()) + 1
	if _, err := db.Exec("PRAGMA user_version = 3"); err != nil || future != 3 {
		t.Fatalf("preparazione: %v (versione futura %d)", err, future)
	}
	_, err := Open(ctx, path, nil)
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open = %v, atteso ErrSchemaTooNew", err)
	}
	if v := userVersion(t, db); v != future {
		t.Errorf("Open ha cambiato user_version in %d", v)
	}
}

func TestOpenSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts *Options
		sync int // PRAGMA synchronous: 1 NORMAL, 2 FULL
	}{
		{"predefinite", nil, 2},
		{"FULL esplicito", &Options{Synchronous: SynchronousFull}, 2},
		{"NORMAL", &Options{Synchronous: SynchronousNormal}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := openRegister(t, newPath(t), tt.opts)
			var mode string
			var sync, busy, page int
			if err := r.w.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
				t.Fatal(err)
			}
			if err := r.w.QueryRow("PRAGMA page_size").Scan(&page); err != nil {
				t.Fatal(err)
			}
			if page != 16384 {
				t.Errorf("page_size=%d, attesa 16384 per un file nuovo", page)
			}
			if err := r.w.QueryRow("PRAGMA synchronous").Scan(&sync); err != nil {
				t.Fatal(err)
			}
			if err := r.w.QueryRow("PRAGMA busy_timeout").Scan(&busy); err != nil {
				t.Fatal(err)
			}
			if mode != "wal" || sync != tt.sync || busy != 5000 {
				t.Errorf("journal_mode=%s synchronous=%d busy_timeout=%d, attesi wal %d 5000", mode, sync, busy, tt.sync)
			}
		})
	}
}

func TestOpenInvalid(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	if _, err := Open(ctx, "", nil); err == nil {
		t.Error("Open con percorso vuoto è riuscito")
	}
	if _, err := Open(ctx, newPath(t), &Options{Synchronous: 7}); err == nil {
		t.Error("Open con un livello di sincronizzazione sconosciuto è riuscito")
	}
	if _, err := Open(ctx, filepath.Join(t.TempDir(), "manca", "registro.db"), nil); err == nil {
		t.Error("Open in una cartella inesistente è riuscito")
	}
}

// A path with characters that mean something in a URI still names the file.
func TestOpenPathWithURICharacters(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "registro?mode=ro&x=1#frammento %20.db")
	r := openRegister(t, path, nil)
	if err := r.Append(t.Context(), register.Batch{Versions: map[string]uint64{"s": 0}, Records: []register.Record{testRecord(1, "s", 1, nil)}}); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	var n int
	if err := db.QueryRow("SELECT count(*) FROM records").Scan(&n); err != nil || n != 1 {
		t.Fatalf("il file %q ha %d record (%v), atteso 1", filepath.Base(path), n, err)
	}
}

// TestCommitFailureBreaks makes a COMMIT fail for real: a trigger inserts a
// row that violates a deferred foreign key, which SQLite checks only at
// COMMIT, and leaves the transaction open.
func TestCommitFailureBreaks(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := newPath(t)
	r := openRegister(t, path, nil)
	first := testRecord(1, "richiesta-1", 1, nil)
	if err := r.Append(ctx, register.Batch{Versions: map[string]uint64{"richiesta-1": 0}, Records: []register.Record{first}}); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	if _, err := db.Exec(`
		CREATE TABLE parent (id INTEGER PRIMARY KEY);
		CREATE TABLE fault (id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
		CREATE TRIGGER fault_on_insert AFTER INSERT ON records BEGIN INSERT INTO fault VALUES (NEW.seq); END`); err != nil {
		t.Fatal(err)
	}
	head := register.Head{Seq: 1, Hash: first.Hash}
	second := register.Batch{Head: head, Versions: map[string]uint64{"richiesta-1": 1}, Records: []register.Record{testRecord(2, "richiesta-1", 2, first.Hash)}}
	if err := r.Append(ctx, second); !errors.Is(err, register.ErrBroken) {
		t.Fatalf("Append con COMMIT fallito = %v, atteso ErrBroken", err)
	}
	if _, err := db.Exec(`DROP TRIGGER fault_on_insert; DROP TABLE fault; DROP TABLE parent`); err != nil {
		t.Fatal(err)
	}
	// Even with the cause gone, the register refuses until reopened.
	if err := r.Append(ctx, second); !errors.Is(err, register.ErrBroken) {
		t.Fatalf("Append dopo il guasto = %v, atteso ErrBroken", err)
	}
	// Reading still works, and the failed batch is not there.
	if h, err := r.Head(ctx); err != nil || h.Seq != 1 {
		t.Fatalf("Head dopo il guasto = %v, %v; attesa la sequenza 1", h, err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("Close dopo il guasto: %v", err)
	}
	r = openRegister(t, path, nil)
	if err := r.Append(ctx, second); err != nil {
		t.Fatalf("Append dopo la riapertura: %v", err)
	}
	if h, err := r.Head(ctx); err != nil || h.Seq != 2 {
		t.Fatalf("Head dopo la riapertura = %v, %v; attesa la sequenza 2", h, err)
	}
}

// A batch that does not continue from its own head is refused before it
// reaches the file.
func TestAppendRefusesGaps(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	r := openRegister(t, newPath(t), nil)
	tests := []struct {
		name string
		b    register.Batch
	}{
		{"sequenza con un buco", register.Batch{Versions: map[string]uint64{"s": 0}, Records: []register.Record{testRecord(2, "s", 1, nil)}}},
		{"versione con un buco", register.Batch{Versions: map[string]uint64{"s": 0}, Records: []register.Record{testRecord(1, "s", 2, nil)}}},
		{"stream senza versione attesa", register.Batch{Versions: map[string]uint64{}, Records: []register.Record{testRecord(1, "s", 1, nil)}}},
	}
	for _, tt := range tests {
		err := r.Append(ctx, tt.b)
		if err == nil || errors.Is(err, register.ErrBroken) {
			t.Errorf("%s: Append = %v, atteso un errore di lotto non valido", tt.name, err)
		}
	}
	if h, err := r.Head(ctx); err != nil || h.Seq != 0 {
		t.Errorf("Head = %v, %v; atteso un registro vuoto", h, err)
	}
}

// TestScanNeverSorts checks the query plans: a sort would hold every
// matching record in memory, or in a temporary file, before the first one
// is yielded.
func TestScanNeverSorts(t *testing.T) {
	t.Parallel()
	r := openRegister(t, newPath(t), nil)
	now := time.Now()
	tests := []struct {
		f     register.Filter
		index string // the index the plan must use, if any
	}{
		{register.Filter{}, ""},
		{register.Filter{Kinds: []string{"a"}, AfterSeq: 3}, "records_kind"},
		{register.Filter{Kinds: []string{"a"}, Territories: []string{"t"}, From: now}, "records_kind"},
		{register.Filter{Kinds: []string{"a", "b"}, From: now, To: now, Limit: 4}, ""},
		{register.Filter{Territories: []string{"t"}, To: now}, "records_territory"},
		{register.Filter{Territories: []string{"t", "u"}}, ""},
		{register.Filter{From: now, To: now}, ""},
	}
	for _, tt := range tests {
		plan := queryPlan(t, r, tt.f, bounds{lo: 2, hi: 9})
		if strings.Contains(plan, "TEMP B-TREE") || !strings.Contains(plan, tt.index) {
			t.Errorf("filtro %+v: piano con un ordinamento o senza l'indice %q:\n%s", tt.f, tt.index, plan)
		}
	}
	// A stream is read through its unique index.
	if plan := queryPlan(t, r, register.Filter{Stream: "s", Kinds: []string{"a", "b"}}, bounds{}); !strings.Contains(plan, "sqlite_autoindex_records_1") {
		t.Errorf("lo stream non è letto dal suo indice:\n%s", plan)
	}
}

func queryPlan(t *testing.T, r *Register, f register.Filter, b bounds) string {
	t.Helper()
	q, args := scanQuery(f, b)
	rows, err := r.r.Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(detail + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan.String()
}

// TestScanTimeBounds checks the narrowing of a time range to sequence
// numbers on a register whose clock went back.
func TestScanTimeBounds(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	r := openRegister(t, newPath(t), nil)
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	hours := []int{5, 1, 7, 3, 9, 2, 8} // seq 1..7
	var head register.Head
	for i, h := range hours {
		rec := testRecord(uint64(i+1), "s", uint64(i+1), head.Hash)
		rec.Time = base.Add(time.Duration(h) * time.Hour)
		if err := r.Append(ctx, register.Batch{Head: head, Versions: map[string]uint64{"s": uint64(i)}, Records: []register.Record{rec}}); err != nil {
			t.Fatal(err)
		}
		head = register.Head{Seq: rec.Seq, Hash: rec.Hash}
	}
	at := func(h int) time.Time { return base.Add(time.Duration(h) * time.Hour) }
	tests := []struct {
		from, to time.Time
		want     []uint64
	}{
		{at(3), at(8), []uint64{1, 3, 4}},
		{at(0), at(2), []uint64{2}},
		{at(8), time.Time{}, []uint64{5, 7}},
		{time.Time{}, at(2), []uint64{2}},
		{at(10), time.Time{}, nil},
		{time.Time{}, at(1), nil},
		{at(4), at(5), nil},
		{at(0), at(10), []uint64{1, 2, 3, 4, 5, 6, 7}},
	}
	for _, tt := range tests {
		var got []uint64
		for rec, err := range r.Scan(ctx, register.Filter{From: tt.from, To: tt.to, Kinds: []string{"request.submitted", "x"}}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, rec.Seq)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("da %s a %s: sequenze %v, attese %v", tt.from, tt.to, got, tt.want)
		}
	}
}

// A batch larger than the prepared INSERTs is split across them (here
// 64 + 64 + 8 + 1 rows) and reads back whole and in order.
func TestAppendLargeBatch(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	r := openRegister(t, newPath(t), nil)
	const n = 137
	var (
		recs     []register.Record
		prev     []byte
		versions = map[string]uint64{}
	)
	for i := range n {
		s := "richiesta-" + strconv.Itoa(i%3)
		versions[s]++
		rec := testRecord(uint64(i+1), s, versions[s], prev)
		recs = append(recs, rec)
		prev = rec.Hash
	}
	b := register.Batch{Versions: map[string]uint64{"richiesta-0": 0, "richiesta-1": 0, "richiesta-2": 0}, Records: recs}
	if err := r.Append(ctx, b); err != nil {
		t.Fatal(err)
	}
	i := 0
	for got, err := range r.Scan(ctx, register.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		want := recs[i]
		if got.Seq != want.Seq || got.Stream != want.Stream || got.Version != want.Version || !got.Time.Equal(want.Time) ||
			!bytes.Equal(got.Hash, want.Hash) || !bytes.Equal(got.Body, want.Body) {
			t.Fatalf("record %d letto diverso da quello scritto", i+1)
		}
		i++
	}
	if i != n {
		t.Fatalf("letti %d record, attesi %d", i, n)
	}
}

// With every read connection held by a Scan in progress, Head, Version and
// Append still answer, and one more Scan waits only as long as its context.
func TestScansDoNotStarveLookups(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	const readers = 2
	r := openRegister(t, newPath(t), &Options{MaxReaders: readers})
	first := testRecord(1, "s", 1, nil)
	if err := r.Append(ctx, register.Batch{Versions: map[string]uint64{"s": 0}, Records: []register.Record{first}}); err != nil {
		t.Fatal(err)
	}
	quick, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var inner func(depth int)
	inner = func(depth int) {
		for _, err := range r.Scan(quick, register.Filter{}) {
			if err != nil {
				t.Fatalf("Scan a profondità %d: %v", depth, err)
			}
			if depth < readers {
				inner(depth + 1)
				return
			}
			if _, err := r.Head(quick); err != nil {
				t.Fatalf("Head con le letture occupate: %v", err)
			}
			if _, err := r.Version(quick, "s"); err != nil {
				t.Fatalf("Version con le letture occupate: %v", err)
			}
			second := testRecord(2, "s", 2, first.Hash)
			if err := r.Append(quick, register.Batch{Head: register.Head{Seq: 1, Hash: first.Hash}, Versions: map[string]uint64{"s": 1}, Records: []register.Record{second}}); err != nil {
				t.Fatalf("Append con le letture occupate: %v", err)
			}
			brief, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			defer cancel()
			var waited error
			for _, err := range r.Scan(brief, register.Filter{}) {
				waited = err
				break
			}
			if !errors.Is(waited, context.DeadlineExceeded) {
				t.Fatalf("uno Scan oltre MaxReaders = %v, atteso che attenda fino alla scadenza del contesto", waited)
			}
			return
		}
	}
	inner(1)
}

// An Append whose context ends at any moment stores all of its batch or
// none of it, and never breaks the register.
func TestAppendCancelledAtRandom(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	r := openRegister(t, newPath(t), &Options{Synchronous: SynchronousNormal})
	var (
		head    register.Head
		version uint64
	)
	batch := func(n int) register.Batch {
		b := register.Batch{Head: head, Versions: map[string]uint64{"s": version}}
		prev := head.Hash
		for i := range n {
			rec := testRecord(head.Seq+uint64(i)+1, "s", version+uint64(i)+1, prev)
			b.Records = append(b.Records, rec)
			prev = rec.Hash
		}
		return b
	}
	accept := func(b register.Batch) {
		last := b.Records[len(b.Records)-1]
		head, version = register.Head{Seq: last.Seq, Hash: last.Hash}, last.Version
	}
	cancelled := 0
	for i := range 30 {
		b := batch(500)
		short, cancel := context.WithTimeout(ctx, time.Duration(i%16)*2*time.Millisecond)
		err := r.Append(short, b)
		cancel()
		switch {
		case err == nil:
			accept(b)
		case errors.Is(err, register.ErrBroken):
			t.Fatalf("tentativo %d: un contesto scaduto ha rotto il registro: %v", i, err)
		case !errors.Is(err, context.DeadlineExceeded):
			t.Fatalf("tentativo %d: Append = %v, atteso nil o la scadenza del contesto", i, err)
		default:
			cancelled++
		}
		h, err := r.Head(ctx)
		if err != nil || h.Seq != head.Seq {
			t.Fatalf("tentativo %d: Head = %d, %v; attesa la sequenza %d (tutto o niente)", i, h.Seq, err, head.Seq)
		}
		next := batch(1)
		if err := r.Append(ctx, next); err != nil {
			t.Fatalf("tentativo %d: Append successivo = %v", i, err)
		}
		accept(next)
	}
	t.Logf("%d Append interrotti su 30", cancelled)
}

// stored settles the outcome of a commit interrupted by its context: it
// reports a batch as committed only if its last record is in the file with
// its own hash.
func TestStoredSettlesAnInterruptedCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := openRegister(t, newPath(t), nil)
	first := register.Batch{Versions: map[string]uint64{"s": 0}, Records: []register.Record{testRecord(1, "s", 1, nil)}}
	if ok, err := r.stored(first); ok || err != nil {
		t.Fatalf("before the append: stored = %v, %v; want false", ok, err)
	}
	if err := r.Append(ctx, first); err != nil {
		t.Fatal(err)
	}
	if ok, err := r.stored(first); !ok || err != nil {
		t.Fatalf("after the append: stored = %v, %v; want true", ok, err)
	}
	other := register.Batch{Versions: map[string]uint64{"t": 0}, Records: []register.Record{testRecord(1, "t", 1, []byte("altro"))}}
	if ok, err := r.stored(other); ok || err != nil {
		t.Fatalf("another batch at the same sequence: stored = %v, %v; want false", ok, err)
	}
	if ok, err := r.stored(register.Batch{}); ok || err != nil {
		t.Fatalf("empty batch: stored = %v, %v; want false", ok, err)
	}
}
