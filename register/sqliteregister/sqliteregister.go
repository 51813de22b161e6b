// Package sqliteregister stores a register in a SQLite file, with the pure Go
// driver modernc.org/sqlite: it is the embedded default backend of
// [register.Register], and a file path is all it needs.
//
// The file is in WAL mode, so readers never block the writer, and commits are
// durable by default (PRAGMA synchronous=FULL: a successful Append has been
// fsynced). The schema is created and migrated by [Open]; its version is kept
// in PRAGMA user_version, and a file written by a newer version of this
// package, with a schema it does not know, is refused with
// [ErrSchemaTooNew].
//
// A Register writes through a single connection and reads through small
// pools of separate read-only connections. Several processes may open the same
// file: SQLite's locks serialize their appends, and the compare-and-swap
// checks of [register.Batch] keep the sequence and the chain consistent.
//
// If a commit fails, the Register cannot know whether the entries reached the
// disk: Append returns an error wrapping [register.ErrBroken] and refuses
// every later Append until the file is opened again.
package sqliteregister

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"maps"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sostegno/sostegno/register"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

var _ register.Register = (*Register)(nil)

// ErrSchemaTooNew means the file's schema was written by a newer version of
// this package: opening it with this one could damage it.
var ErrSchemaTooNew = errors.New("sqliteregister: schema version newer than supported")

// Synchronous is the durability level of a commit, SQLite's PRAGMA
// synchronous. The zero value is [SynchronousFull].
type Synchronous int

const (
	// SynchronousFull fsyncs the write-ahead log at every commit: an entry
	// whose Append returned nil survives a crash of the process and of the
	// machine. It is the default.
	SynchronousFull Synchronous = iota
	// SynchronousNormal fsyncs only at checkpoints: the file stays
	// consistent and an entry survives a crash of the process, but the last
	// entries appended before a power loss or a crash of the operating
	// system may be lost. Use it only where that loss is acceptable, such
	// as tests and demos.
	SynchronousNormal
)

// String returns the PRAGMA value, "FULL" or "NORMAL".
func (s Synchronous) String() string {
	switch s {
	case SynchronousFull:
		return "FULL"
	case SynchronousNormal:
		return "NORMAL"
	default:
		return "Synchronous(" + strconv.Itoa(int(s)) + ")"
	}
}

// Options are the optional settings of [Open]; a nil *Options means the
// defaults.
type Options struct {
	// Synchronous is the durability of a commit; the zero value is
	// SynchronousFull.
	Synchronous Synchronous
	// BusyTimeout is how long an operation waits for a lock held by another
	// process before failing; zero means 5 seconds.
	BusyTimeout time.Duration
	// MaxReaders bounds the read connections of Scan; zero means 4. Each
	// Scan holds one until its iteration ends, so at most MaxReaders
	// iterations can be in progress at a time: one more waits, as long as
	// its context allows, for another to end. Head and Version have
	// connections of their own and never wait for a Scan.
	MaxReaders int
}

const (
	defaultBusyTimeout = 5 * time.Second
	defaultMaxReaders  = 4
	// lookupConns is the size of the pool of Head, Version and the bounds
	// of Scan: short queries that never hold a connection for long.
	lookupConns = 2
)

// Register is a [register.Register] kept in a SQLite file. It is safe for
// concurrent use. Create it with [Open].
type Register struct {
	w      *sql.DB // the single writer connection
	r      *sql.DB // read-only connections for Scan
	q      *sql.DB // read-only connections for short lookups
	closed atomic.Bool
	reads  atomic.Uint64 // records read by Scan, for the conformance suite
	broken atomic.Bool

	// Statements prepared once on the writer connection.
	headStmt, versionStmt *sql.Stmt
	// insertStmts insert insertChunks()[i] rows each.
	insertStmts []*sql.Stmt
}

// insertChunks returns the numbers of rows of the prepared INSERT
// statements, largest first: a batch is inserted in as few statements as
// possible, each with at most 64 × 8 parameters.
func insertChunks() [3]int { return [3]int{64, 8, 1} }

// Open opens the register kept in the SQLite file at path, creating the file
// and its schema if missing and migrating an older schema. It fails with an
// error wrapping [ErrSchemaTooNew] if the schema is newer than this package.
func Open(ctx context.Context, path string, opts *Options) (*Register, error) {
	if path == "" {
		return nil, errors.New("sqliteregister: no file path")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Synchronous != SynchronousFull && o.Synchronous != SynchronousNormal {
		return nil, fmt.Errorf("sqliteregister: invalid synchronous level %d", int(o.Synchronous))
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = defaultBusyTimeout
	}
	if o.MaxReaders <= 0 {
		o.MaxReaders = defaultMaxReaders
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqliteregister: invalid file path: %w", err)
	}
	w, err := openWriter(ctx, abs, o)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, w, len(migrations())); err != nil {
		return nil, errors.Join(err, w.Close())
	}
	r, err := openReaders(ctx, abs, o, o.MaxReaders)
	if err != nil {
		return nil, errors.Join(err, w.Close())
	}
	q, err := openReaders(ctx, abs, o, lookupConns)
	if err != nil {
		return nil, errors.Join(err, r.Close(), w.Close())
	}
	reg := &Register{w: w, r: r, q: q}
	if err := reg.prepare(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("sqliteregister: open: %w", err), q.Close(), r.Close(), w.Close())
	}
	return reg, nil
}

// openReaders opens a pool of n read-only connections.
func openReaders(ctx context.Context, abs string, o Options, n int) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn(abs, readerParams(o)))
	if err != nil {
		return nil, fmt.Errorf("sqliteregister: open for reading: %w", err)
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("sqliteregister: open for reading: %w", err), db.Close())
	}
	return db, nil
}

// prepare prepares the writer's statements.
func (r *Register) prepare(ctx context.Context) error {
	var err error
	if r.headStmt, err = r.w.PrepareContext(ctx, headQuery); err != nil {
		return err
	}
	if r.versionStmt, err = r.w.PrepareContext(ctx, versionQuery); err != nil {
		return err
	}
	for _, n := range insertChunks() {
		stmt, err := r.w.PrepareContext(ctx, insertQuery(n))
		if err != nil {
			return err
		}
		r.insertStmts = append(r.insertStmts, stmt)
	}
	return nil
}

// openWriter opens the single writer connection, puts the file in WAL mode
// and checks that it is.
func openWriter(ctx context.Context, abs string, o Options) (*sql.DB, error) {
	w, err := sql.Open("sqlite", dsn(abs, writerParams(o)))
	if err != nil {
		return nil, fmt.Errorf("sqliteregister: open: %w", err)
	}
	// One connection: SQLite admits one writer at a time anyway, and a
	// single connection makes the pool the queue of appenders, honouring
	// their contexts while they wait.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	var mode string
	if err := w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return nil, errors.Join(fmt.Errorf("sqliteregister: open: %w", err), w.Close())
	}
	if !strings.EqualFold(mode, "wal") {
		return nil, errors.Join(fmt.Errorf("sqliteregister: the file does not support WAL mode (mode %q)", mode), w.Close())
	}
	return w, nil
}

// dsn builds a file: URI for the driver, escaping the path so that no
// character of it is taken for a parameter.
func dsn(abs string, params url.Values) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: params.Encode()}
	if !strings.HasPrefix(u.Path, "/") { // Windows: file:///C:/...
		u.Path = "/" + u.Path
	}
	return u.String()
}

func writerParams(o Options) url.Values {
	return url.Values{
		"_busy_timeout": {strconv.FormatInt(o.BusyTimeout.Milliseconds(), 10)},
		"_journal_mode": {"WAL"},
		"_synchronous":  {o.Synchronous.String()},
		// Take the write lock when the transaction begins, so that two
		// processes never both read the head and then fail to upgrade.
		"_txlock": {"immediate"},
		// Deferred foreign keys make a COMMIT fail for real; the schema
		// declares none, the tests use them to break a commit.
		"_foreign_keys": {"1"},
		// Pages of 16 KiB for a new file (an existing file keeps its
		// own): measured against the default 4 KiB on a 1,000,000-entry
		// register, batches of 1,000 go about 12% faster and scans about
		// 10% faster, while a single durable append takes about 15%
		// longer (it writes a larger page). See BENCHMARKS.md.
		"_pragma": {"page_size(16384)"},
	}
}

func readerParams(o Options) url.Values {
	return url.Values{
		"_busy_timeout": {strconv.FormatInt(o.BusyTimeout.Milliseconds(), 10)},
		"_query_only":   {"1"},
	}
}

// migrations returns the schema, as ordered steps: step i brings the schema
// from version i to version i+1. Steps are only ever added at the end.
func migrations() []string {
	return []string{
		// 1: the records, with the two compare-and-swap keys.
		`CREATE TABLE records (
			seq       INTEGER PRIMARY KEY,
			stream    TEXT    NOT NULL,
			version   INTEGER NOT NULL,
			kind      TEXT    NOT NULL,
			territory TEXT    NOT NULL,
			time      INTEGER NOT NULL, -- microseconds since 1970-01-01 UTC
			hash      BLOB    NOT NULL,
			body      BLOB    NOT NULL,
			UNIQUE (stream, version)
		) STRICT`,
		// 2: the indexes of the filters of Scan.
		`CREATE INDEX records_kind ON records (kind);
		CREATE INDEX records_territory ON records (territory);
		CREATE INDEX records_time ON records (time)`,
	}
}

// migrate brings the schema of db to version target in one transaction.
func migrate(ctx context.Context, db *sql.DB, target int) error {
	steps := migrations()[:target]
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqliteregister: schema migration: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	var current int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("sqliteregister: reading the schema version: %w", err)
	}
	if current > len(migrations()) {
		return fmt.Errorf("%w: version %d, supported up to %d", ErrSchemaTooNew, current, len(migrations()))
	}
	if current >= target {
		return nil
	}
	for i := current; i < target; i++ {
		if _, err := tx.ExecContext(ctx, steps[i]); err != nil {
			return fmt.Errorf("sqliteregister: schema migration to version %d: %w", i+1, err)
		}
	}
	// PRAGMA takes no parameters; target is an int, not user input.
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(target)); err != nil {
		return fmt.Errorf("sqliteregister: schema migration: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqliteregister: schema migration: %w", err)
	}
	return nil
}

// fail wraps err from operation op, so that callers recognise a closed
// register and a done context with errors.Is.
func (r *Register) fail(ctx context.Context, op string, err error) error {
	if r.closed.Load() {
		return fmt.Errorf("sqliteregister: %s: %w", op, register.ErrClosed)
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("sqliteregister: %s: %w (%w)", op, cerr, err)
	}
	return fmt.Errorf("sqliteregister: %s: %w", op, err)
}

func (r *Register) errClosed(op string) error {
	return fmt.Errorf("sqliteregister: %s: %w", op, register.ErrClosed)
}

const (
	headQuery    = `SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1`
	versionQuery = `SELECT version FROM records WHERE stream = ? ORDER BY version DESC LIMIT 1`
)

// insertQuery returns the INSERT of n rows.
func insertQuery(n int) string {
	return "INSERT INTO records (seq, stream, version, kind, territory, time, hash, body) VALUES " +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?), ", n), ", ")
}

// head scans the result of headQuery.
func head(row *sql.Row) (register.Head, error) {
	var h register.Head
	err := row.Scan(&h.Seq, &h.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return register.Head{}, nil
	}
	return h, err
}

// version scans the result of versionQuery.
func version(row *sql.Row) (uint64, error) {
	var v uint64
	err := row.Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// Head returns the sequence number and hash of the last record.
func (r *Register) Head(ctx context.Context) (register.Head, error) {
	const op = "reading the head"
	if r.closed.Load() {
		return register.Head{}, r.errClosed(op)
	}
	h, err := head(r.q.QueryRowContext(ctx, headQuery))
	if err != nil {
		return register.Head{}, r.fail(ctx, op, err)
	}
	return h, nil
}

// Version returns the number of records stored for stream.
func (r *Register) Version(ctx context.Context, stream string) (uint64, error) {
	const op = "reading the version"
	if r.closed.Load() {
		return 0, r.errClosed(op)
	}
	v, err := version(r.q.QueryRowContext(ctx, versionQuery, stream))
	if err != nil {
		return 0, r.fail(ctx, op, err)
	}
	return v, nil
}

// Append stores b.Records in one transaction, after checking the stream
// versions and the head inside it. A nil error means the transaction was
// committed, and with SynchronousFull fsynced.
func (r *Register) Append(ctx context.Context, b register.Batch) error {
	const op = "append"
	if r.closed.Load() {
		return r.errClosed(op)
	}
	if r.broken.Load() {
		return fmt.Errorf("sqliteregister: %s: %w", op, register.ErrBroken)
	}
	if err := register.CheckBatch(b); err != nil {
		return err
	}
	tx, err := r.w.BeginTx(ctx, nil)
	if err != nil {
		if r.broken.Load() {
			return fmt.Errorf("sqliteregister: %s: %w", op, register.ErrBroken)
		}
		return r.fail(ctx, op, err)
	}
	// Another Append may have broken the register while this one waited
	// for the connection.
	if r.broken.Load() {
		return errors.Join(fmt.Errorf("sqliteregister: %s: %w", op, register.ErrBroken), r.rollback(ctx, tx))
	}
	if err := r.store(ctx, tx, b); err != nil {
		if !isCAS(err) {
			err = r.fail(ctx, op, err)
		}
		return errors.Join(err, r.rollback(ctx, tx))
	}
	if err := tx.Commit(); err != nil {
		// When the context ends around the COMMIT, database/sql and the
		// driver report the context's error (or ErrTxDone after their own
		// rollback) whether or not the COMMIT reached SQLite, and may hide
		// a failure of the commit itself. The file knows: read it.
		if cerr := ctx.Err(); cerr != nil && (errors.Is(err, cerr) || errors.Is(err, sql.ErrTxDone)) {
			switch stored, rerr := r.stored(b); {
			case rerr != nil:
				return r.breakDown(errors.Join(err, rerr))
			case stored:
				return nil
			}
			return r.fail(ctx, op, err)
		}
		return r.breakDown(err)
	}
	return nil
}

// storedTimeout bounds the read with which Append settles the outcome of a
// commit interrupted by its context.
const storedTimeout = 5 * time.Second

// stored reports whether the last record of b is in the file, with its
// hash: whether the transaction that wrote b was committed.
func (r *Register) stored(b register.Batch) (bool, error) {
	if len(b.Records) == 0 {
		return false, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), storedTimeout)
	defer cancel()
	last := b.Records[len(b.Records)-1]
	var hash []byte
	err := r.q.QueryRowContext(ctx, "SELECT hash FROM records WHERE seq = ?", int64(last.Seq)).Scan(&hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, err
	}
	return bytes.Equal(hash, last.Hash), nil
}

// breakDown marks the register broken after a commit whose outcome is
// unknown, and drops the writer connection, with whatever transaction SQLite
// may still hold open on it.
func (r *Register) breakDown(cause error) error {
	r.broken.Store(true)
	return fmt.Errorf("sqliteregister: commit: %w: %w", register.ErrBroken, errors.Join(cause, r.w.Close()))
}

// rollback ends a failed transaction. If even that fails, the state of the
// writer connection is unknown and the register breaks; except when the
// context ended, because then SQLite, interrupted, may have rolled the
// transaction back already, and database/sql rolls it back too.
func (r *Register) rollback(ctx context.Context, tx *sql.Tx) error {
	err := tx.Rollback()
	if err == nil || errors.Is(err, sql.ErrTxDone) || ctx.Err() != nil {
		return nil
	}
	return r.breakDown(err)
}

func isCAS(err error) bool {
	return errors.Is(err, register.ErrVersionConflict) || errors.Is(err, register.ErrHeadMoved)
}

// store runs the checks of b and inserts its records inside tx. The version
// checks come first: a version conflict takes precedence over a moved head.
func (r *Register) store(ctx context.Context, tx *sql.Tx, b register.Batch) error {
	versionStmt := tx.StmtContext(ctx, r.versionStmt)
	for _, stream := range slices.Sorted(maps.Keys(b.Versions)) {
		v, err := version(versionStmt.QueryRowContext(ctx, stream))
		if err != nil {
			return err
		}
		if v != b.Versions[stream] {
			return fmt.Errorf("sqliteregister: expected version %d, found %d: %w", b.Versions[stream], v, register.ErrVersionConflict)
		}
	}
	h, err := head(tx.StmtContext(ctx, r.headStmt).QueryRowContext(ctx))
	if err != nil {
		return err
	}
	if h.Seq != b.Head.Seq || !bytes.Equal(h.Hash, b.Head.Hash) {
		return fmt.Errorf("sqliteregister: expected head %d, found %d: %w", b.Head.Seq, h.Seq, register.ErrHeadMoved)
	}
	recs := b.Records
	chunks := insertChunks()
	args := make([]any, 0, 8*min(len(recs), chunks[0]))
	for i, n := range chunks {
		if len(recs) < n {
			continue
		}
		stmt := tx.StmtContext(ctx, r.insertStmts[i])
		for ; len(recs) >= n; recs = recs[n:] {
			args = args[:0]
			for _, rec := range recs[:n] {
				args = append(args, int64(rec.Seq), rec.Stream, int64(rec.Version), rec.Kind, rec.Territory, rec.Time.UnixMicro(), rec.Hash, rec.Body)
			}
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return err
			}
		}
	}
	return nil
}

// Scan returns the records matching f in ascending sequence order, reading
// them from the file one at a time.
//
// The query is planned so that SQLite never sorts: a sort would hold every
// matching record before yielding the first. A stream is read through its
// index (a stream is short); a single kind or territory through its index,
// which is in sequence order; anything else by sequence, with the time
// range first narrowed to a range of sequence numbers through the index on
// time.
func (r *Register) Scan(ctx context.Context, f register.Filter) iter.Seq2[register.Record, error] {
	return func(yield func(register.Record, error) bool) {
		const op = "reading records"
		if r.closed.Load() {
			yield(register.Record{}, r.errClosed(op))
			return
		}
		b, err := r.seqBounds(ctx, f)
		if err != nil {
			yield(register.Record{}, r.fail(ctx, op, err))
			return
		}
		if b.empty {
			return
		}
		query, args := scanQuery(f, b)
		rows, err := r.r.QueryContext(ctx, query, args...)
		if err != nil {
			yield(register.Record{}, r.fail(ctx, op, err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			var (
				rec      register.Record
				seq, ver int64
				micro    int64
			)
			if err := rows.Scan(&seq, &rec.Stream, &ver, &rec.Kind, &rec.Territory, &micro, &rec.Hash, &rec.Body); err != nil {
				yield(register.Record{}, r.fail(ctx, op, err))
				return
			}
			if seq < 1 || ver < 1 {
				// No entry has such a row: it was added behind the
				// register's back, and Verify reports it as tampering.
				yield(register.Record{}, fmt.Errorf("sqliteregister: stored row with sequence number %d and version %d: %w", seq, ver, register.ErrTampered))
				return
			}
			rec.Seq, rec.Version = uint64(seq), uint64(ver)
			r.reads.Add(1)
			if err := ctx.Err(); err != nil {
				yield(register.Record{}, r.fail(ctx, op, err))
				return
			}
			rec.Time = time.UnixMicro(micro).UTC()
			if !yield(rec, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(register.Record{}, r.fail(ctx, op, err))
		}
	}
}

// bounds is a range of sequence numbers, lo <= seq <= hi, where zero means
// unbounded; empty means that nothing can match.
type bounds struct {
	lo, hi uint64
	empty  bool
}

// byIndex reports whether scanQuery reads f through an index that is in
// sequence order or small, rather than by sequence.
func byIndex(f register.Filter) bool {
	return f.Stream != "" || len(f.Kinds) == 1 || len(f.Territories) == 1
}

// seqBounds narrows the time range of f to a range of sequence numbers,
// when f is read by sequence: every record with Time >= From has a sequence
// number at least that of the first such record, and likewise for To. The
// lookups go through the index on time; a bound that excludes nothing is
// not looked up.
func (r *Register) seqBounds(ctx context.Context, f register.Filter) (bounds, error) {
	if byIndex(f) || f.From.IsZero() && f.To.IsZero() {
		return bounds{}, nil
	}
	var first, last sql.NullInt64
	if err := r.q.QueryRowContext(ctx, `SELECT min(time) FROM records`).Scan(&first); err != nil {
		return bounds{}, err
	}
	if err := r.q.QueryRowContext(ctx, `SELECT max(time) FROM records`).Scan(&last); err != nil {
		return bounds{}, err
	}
	if !first.Valid {
		return bounds{empty: true}, nil
	}
	var b bounds
	lookup := func(query string, t time.Time, dst *uint64) error {
		var seq sql.NullInt64
		if err := r.q.QueryRowContext(ctx, query, register.BoundMicros(t)).Scan(&seq); err != nil {
			return err
		}
		if !seq.Valid {
			b.empty = true
		}
		*dst = uint64(seq.Int64)
		return nil
	}
	if !f.From.IsZero() && register.BoundMicros(f.From) > first.Int64 {
		if err := lookup(`SELECT min(seq) FROM records WHERE time >= ?`, f.From, &b.lo); err != nil {
			return bounds{}, err
		}
	}
	if !f.To.IsZero() && register.BoundMicros(f.To) <= last.Int64 {
		if err := lookup(`SELECT max(seq) FROM records WHERE time < ?`, f.To, &b.hi); err != nil {
			return bounds{}, err
		}
	}
	return b, nil
}

// scanQuery translates f, within b, into SQL with positional parameters.
func scanQuery(f register.Filter, b bounds) (string, []any) {
	var (
		where []string
		args  []any
	)
	cond := func(c string, arg any) {
		where = append(where, c)
		args = append(args, arg)
	}
	if f.AfterSeq > 0 {
		cond("seq > ?", int64(f.AfterSeq))
	}
	if b.lo > 0 {
		cond("seq >= ?", int64(b.lo))
	}
	if b.hi > 0 {
		cond("seq <= ?", int64(b.hi))
	}
	if f.Stream != "" {
		cond("stream = ?", f.Stream)
	}
	in := func(column string, values []string) {
		if len(values) == 0 {
			return
		}
		where = append(where, column+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", ")+")")
		for _, v := range values {
			args = append(args, v)
		}
	}
	in("kind", f.Kinds)
	in("territory", f.Territories)
	if !f.From.IsZero() {
		cond("time >= ?", register.BoundMicros(f.From))
	}
	if !f.To.IsZero() {
		cond("time < ?", register.BoundMicros(f.To))
	}
	var q strings.Builder
	if f.IndexOnly {
		// Hash and body only where asked for: reading them is most of the
		// cost of a scan. The parameters of the select list come first.
		if len(f.BodyKinds) == 0 {
			q.WriteString("SELECT seq, stream, version, kind, territory, time, NULL, NULL FROM records")
		} else {
			list := strings.TrimSuffix(strings.Repeat("?, ", len(f.BodyKinds)), ", ")
			q.WriteString("SELECT seq, stream, version, kind, territory, time, " +
				"CASE WHEN kind IN (" + list + ") THEN hash END, " +
				"CASE WHEN kind IN (" + list + ") THEN body END FROM records")
			head := make([]any, 0, 2*len(f.BodyKinds)+len(args))
			for range 2 {
				for _, k := range f.BodyKinds {
					head = append(head, k)
				}
			}
			args = append(head, args...)
		}
	} else {
		q.WriteString("SELECT seq, stream, version, kind, territory, time, hash, body FROM records")
	}
	switch {
	case f.Stream != "":
		// The planner's choice: a stream has few records, sorting them is cheap.
	case len(f.Kinds) == 1:
		q.WriteString(" INDEXED BY records_kind")
	case len(f.Territories) == 1:
		q.WriteString(" INDEXED BY records_territory")
	default:
		q.WriteString(" NOT INDEXED")
	}
	if len(where) > 0 {
		q.WriteString(" WHERE ")
		q.WriteString(strings.Join(where, " AND "))
	}
	q.WriteString(" ORDER BY seq")
	if f.Limit > 0 {
		q.WriteString(" LIMIT ?")
		args = append(args, f.Limit)
	}
	return q.String(), args
}

// Close closes the file's connections. Calling it twice is harmless.
func (r *Register) Close() error {
	if r.closed.Swap(true) {
		return nil
	}
	return errors.Join(r.w.Close(), r.r.Close(), r.q.Close())
}
