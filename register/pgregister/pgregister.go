package pgregister

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sostegno/sostegno/register"
)

var _ register.Register = (*Register)(nil)

// DefaultSchema is the PostgreSQL schema that holds the register when
// [Options.Schema] is empty.
const DefaultSchema = "sostegno"

// copyMinRecords is the size from which a batch is written with COPY in a
// transaction (a round trip more than the single statement, but much
// faster per record) rather than with one statement.
const copyMinRecords = 64

// scanPage is how many records Scan reads per query. Scan holds at most two
// pages in memory (the one it yields and the one it reads ahead) and no
// connection while the caller handles a record.
const scanPage = 4096

// Options configures a [Register]. The zero value, like a nil *Options,
// selects the defaults.
type Options struct {
	// Schema is the PostgreSQL schema that holds the register's tables; it
	// is created if missing. Empty means [DefaultSchema]. Registers in
	// different schemas of one database are independent.
	Schema string
}

// Register is a [register.Register] stored in PostgreSQL. Any number of
// Registers, in one process or in several on different machines, may append
// to the same schema at once: an advisory lock held until commit serialises
// appends, so sequence numbers and the hash chain stay consistent.
//
// A Register is safe for concurrent use.
type Register struct {
	pool    *pgxpool.Pool
	ownPool bool
	q       queries
	records pgx.Identifier // the records table, for COPY
	copyMin int            // batches of at least this many records use COPY
	closed  atomic.Bool
	reads   atomic.Uint64 // records read by Scan, for the conformance suite
	broken  atomic.Bool
}

// queries are the statements of a Register, with its schema filled in.
type queries struct {
	head, version, append, scan, scanIndexOnly string
}

// Open opens the register stored in pool's database, creating or migrating
// its schema first. Migrations run in one transaction under an advisory
// lock, so processes that open the same register at once are safe. Open
// fails with an error wrapping [ErrSchemaTooNew] if the schema was written
// by a newer version of this package.
//
// The role that creates or upgrades the schema needs the CREATE privilege
// on the database; once the schema is up to date, a role with USAGE on the
// schema, SELECT and INSERT on its tables and EXECUTE on its function is
// enough.
//
// The pool stays the caller's: Close does not close it.
func Open(ctx context.Context, pool *pgxpool.Pool, opts *Options) (*Register, error) {
	if pool == nil {
		return nil, errors.New("pgregister: nil connection pool")
	}
	schema := DefaultSchema
	if opts != nil && opts.Schema != "" {
		schema = opts.Schema
	}
	if len(schema) > 63 || strings.ContainsRune(schema, 0) {
		return nil, errors.New("pgregister: invalid schema name")
	}
	if err := migrate(ctx, pool, schema); err != nil {
		return nil, err
	}
	return &Register{
		pool:    pool,
		q:       newQueries(pgx.Identifier{schema}.Sanitize()),
		records: pgx.Identifier{schema, "records"},
		copyMin: copyMinRecords,
	}, nil
}

// Connect creates a connection pool from connString (a PostgreSQL URL or
// keyword/value string, as accepted by [pgxpool.ParseConfig]) and opens the
// register in it, as [Open] does. The Register owns the pool and closes it
// on Close.
func Connect(ctx context.Context, connString string, opts *Options) (*Register, error) {
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		// The parse error may repeat the connection string, password included.
		return nil, errors.New("pgregister: invalid connection string")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgregister: creating the connection pool: %w", err)
	}
	r, err := Open(ctx, pool, opts)
	if err != nil {
		pool.Close()
		return nil, err
	}
	r.ownPool = true
	return r, nil
}

// newQueries fills the quoted schema name into the statements.
func newQueries(schema string) queries {
	return queries{
		head:    expand("SELECT seq, hash FROM {schema}.records ORDER BY seq DESC LIMIT 1", schema),
		version: expand("SELECT coalesce(max(version), 0) FROM {schema}.records WHERE stream = $1", schema),
		append:  expand("SELECT {schema}.append_batch($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)", schema),
		scan:    expand("SELECT seq, stream, version, kind, territory, time, hash, body FROM {schema}.records WHERE seq >= $1", schema),
		// Filter.IndexOnly: hash and body only for the kinds in $3.
		scanIndexOnly: expand("SELECT seq, stream, version, kind, territory, time, "+
			"CASE WHEN kind = ANY($3) THEN hash END, CASE WHEN kind = ANY($3) THEN body END "+
			"FROM {schema}.records WHERE seq >= $1", schema),
	}
}

// check returns the error a method must fail with before doing anything:
// the register is closed or the context is done.
func (r *Register) check(ctx context.Context) error {
	if r.closed.Load() {
		return fmt.Errorf("pgregister: %w", register.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgregister: cancelled: %w", err)
	}
	return nil
}

// failed wraps an error of the driver, adding ErrClosed if the register was
// closed meanwhile.
func (r *Register) failed(what string, err error) error {
	if r.closed.Load() {
		return fmt.Errorf("pgregister: %s: %w: %w", what, register.ErrClosed, err)
	}
	return fmt.Errorf("pgregister: %s: %w", what, err)
}

// Head returns the last record's sequence number and hash.
func (r *Register) Head(ctx context.Context) (register.Head, error) {
	if err := r.check(ctx); err != nil {
		return register.Head{}, err
	}
	var (
		seq  int64
		hash []byte
	)
	err := r.pool.QueryRow(ctx, r.q.head).Scan(&seq, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return register.Head{}, nil
	}
	if err != nil {
		return register.Head{}, r.failed("reading the head", err)
	}
	if len(hash) == 0 {
		hash = nil
	}
	return register.Head{Seq: uint64(seq), Hash: hash}, nil
}

// Version returns the number of records stored for stream.
func (r *Register) Version(ctx context.Context, stream string) (uint64, error) {
	if err := r.check(ctx); err != nil {
		return 0, err
	}
	var v int64
	if err := r.pool.QueryRow(ctx, r.q.version, stream).Scan(&v); err != nil {
		return 0, r.failed("reading the stream version", err)
	}
	return uint64(v), nil
}

// Append stores b.Records atomically, in one statement that takes the
// register's append lock, checks the stream versions and the head (the last
// record) and inserts the records; a large batch is written instead in a
// transaction that runs the same checks and then copies the records. A
// version conflict is reported before a moved head, as the port requires;
// a malformed batch, whose records do not continue the head and versions it
// states, is refused after both checks and stores nothing.
//
// If the connection fails once the commit may have started (the single
// statement, or the COMMIT, was sent), the outcome is unknown: Append
// returns an error wrapping [register.ErrBroken] and refuses every later
// append; open a new Register to go on. A failure before that point rolls
// the transaction back and is an ordinary error.
//
// If ctx ends while the commit may be running, Append asks the server to
// cancel instead of dropping the connection, so the register stays usable:
// the append then fails with an error wrapping ctx.Err() and nothing
// written, or returns nil if it had committed already.
func (r *Register) Append(ctx context.Context, b register.Batch) error {
	if err := r.check(ctx); err != nil {
		return err
	}
	if r.broken.Load() {
		return fmt.Errorf("pgregister: %w", register.ErrBroken)
	}
	args, malformed, err := batchArgs(b)
	if err != nil {
		return err
	}
	conn, err := r.pool.Acquire(ctx)
	if err != nil {
		return r.failed("acquiring a connection", err)
	}
	defer conn.Release()
	if malformed == nil && len(b.Records) >= r.copyMin {
		return r.appendCopy(ctx, conn, b, args)
	}
	err = r.guard(ctx, conn, func(ctx context.Context) error {
		_, err := conn.Exec(ctx, r.q.append, args...)
		return err
	})
	if err != nil {
		return r.appendError(ctx, err, true)
	}
	// A malformed batch was only checked against the versions and the
	// head, which take precedence; it was not stored.
	return malformed
}

// appendCopy writes a large batch: in one transaction, the append function
// takes the lock and checks without storing, COPY writes the records, and
// COMMIT ends it. Until COMMIT is sent, any failure rolls everything back.
func (r *Register) appendCopy(ctx context.Context, conn *pgxpool.Conn, b register.Batch, args []any) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return r.appendError(ctx, err, false)
	}
	defer func() {
		// A no-op after COMMIT; otherwise it ends the failed transaction,
		// or fails at once on a broken connection.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cancelGrace)
		defer cancel()
		_ = tx.Rollback(rctx)
	}()
	check := slices.Clone(args)
	for i := 4; i < 12; i++ {
		check[i] = nil // the records go by COPY
	}
	check[12] = false
	if _, err := tx.Exec(ctx, r.q.append, check...); err != nil {
		return r.appendError(ctx, err, false)
	}
	rows := pgx.CopyFromSlice(len(b.Records), func(i int) ([]any, error) {
		rec := &b.Records[i]
		return []any{int64(rec.Seq), rec.Stream, int64(rec.Version), rec.Kind, rec.Territory, rec.Time, rec.Hash, rec.Body}, nil
	})
	columns := []string{"seq", "stream", "version", "kind", "territory", "time", "hash", "body"}
	if _, err := tx.CopyFrom(ctx, r.records, columns, rows); err != nil {
		return r.appendError(ctx, err, false)
	}
	if err := r.guard(ctx, conn, tx.Commit); err != nil {
		return r.appendError(ctx, err, true)
	}
	return nil
}

// cancelGrace bounds how long Append waits for the server to answer a
// cancel request once its context is done, before it gives the connection
// up and reports an unknown outcome.
const cancelGrace = 2 * time.Second

// guard runs on conn a step that may commit (the append statement, or
// COMMIT). If ctx ends first, it asks the server to cancel the step rather
// than dropping the connection, so that the outcome stays known: either the
// step fails with query_canceled (nothing written) or it had already
// committed. Only if the step has not ended within cancelGrace is the
// connection closed. A connection that received a cancel request is closed
// after use, so that a late cancel cannot hit another statement.
func (r *Register) guard(ctx context.Context, conn *pgxpool.Conn, step func(context.Context) error) error {
	pg := conn.Conn().PgConn()
	finished := make(chan struct{})
	cancelled := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(cancelled)
		grace, cancel := context.WithTimeout(context.WithoutCancel(ctx), cancelGrace)
		defer cancel()
		_ = pg.CancelRequest(grace)
		select {
		case <-finished:
		case <-grace.Done():
			_ = pg.Conn().Close() // the pending step fails at once
		}
	})
	err := step(context.WithoutCancel(ctx))
	close(finished)
	if !stop() {
		<-cancelled
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cancelGrace)
		defer cancel()
		_ = conn.Conn().Close(closeCtx)
	}
	return err
}

// batchArgs turns b into the arguments of the append function. If b is
// malformed (its records do not continue the head and the versions it
// states, or lack a hash or a body), malformed says why and the arguments
// ask the function to check the versions and the head only: those errors
// take precedence. An empty batch is checked and stores nothing. err is
// set only for values PostgreSQL cannot hold.
func batchArgs(b register.Batch) (args []any, malformed, err error) {
	n := len(b.Records)
	if b.Head.Seq > math.MaxInt64-uint64(n) {
		return nil, nil, errors.New("pgregister: sequence number out of the supported range")
	}
	streams := make([]string, 0, len(b.Versions))
	versions := make([]int64, 0, len(b.Versions))
	for s, v := range b.Versions {
		if v > math.MaxInt64-uint64(n) {
			return nil, nil, errors.New("pgregister: stream version out of the supported range")
		}
		streams = append(streams, s)
		versions = append(versions, int64(v))
	}
	var (
		seq        = make([]int64, n)
		stream     = make([]string, n)
		version    = make([]int64, n)
		kind       = make([]string, n)
		territory  = make([]string, n)
		times      = make([]time.Time, n)
		hash, body = make([][]byte, n), make([][]byte, n)
	)
	malformed = register.CheckBatch(b)
	for i, rec := range b.Records {
		seq[i], stream[i], version[i] = int64(rec.Seq), rec.Stream, int64(rec.Version)
		kind[i], territory[i], times[i] = rec.Kind, rec.Territory, rec.Time
		hash[i], body[i] = rec.Hash, rec.Body
	}
	headHash := b.Head.Hash
	if len(headHash) == 0 {
		headHash = nil
	}
	return []any{
		int64(b.Head.Seq), headHash, streams, versions,
		seq, stream, version, kind, territory, times, hash, body,
		malformed == nil && n > 0,
	}, malformed, nil
}

// appendError classifies an error of a step of Append; mayCommit says
// whether the step could have committed (the single statement, or COMMIT).
//
// An error the server reports with severity ERROR aborted the statement and
// with it the transaction: nothing was written. So did any failure of a
// step that could not commit. Any other failure of a committing step (a
// FATAL error, a broken connection, a timeout) leaves the outcome unknown
// and breaks the register.
func (r *Register) appendError(ctx context.Context, err error, mayCommit bool) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		severity := pgErr.SeverityUnlocalized
		if severity == "" {
			severity = pgErr.Severity
		}
		if severity == "ERROR" {
			switch {
			case pgErr.Code == codeVersionConflict,
				pgErr.Code == "23505" && pgErr.ConstraintName == constraintStreamVersion:
				return fmt.Errorf("pgregister: %w", register.ErrVersionConflict)
			case pgErr.Code == codeHeadMoved,
				pgErr.Code == "23505" && pgErr.ConstraintName == constraintRecordsPkey,
				pgErr.Code == "40001", // serialization_failure
				pgErr.Code == "40P01": // deadlock_detected
				return fmt.Errorf("pgregister: %w", register.ErrHeadMoved)
			}
			if ctxErr := ctx.Err(); ctxErr != nil && pgErr.Code == "57014" { // query_canceled
				return fmt.Errorf("pgregister: append cancelled, nothing written: %w", ctxErr)
			}
			return r.failed("append refused by the database, nothing written", err)
		}
	}
	switch {
	case errors.Is(err, pgx.ErrTxCommitRollback):
		return r.failed("transaction already aborted, nothing written", err)
	case !mayCommit:
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("pgregister: append cancelled, nothing written: %w: %w", ctxErr, err)
		}
		return r.failed("append failed, nothing written", err)
	}
	// pgconn.SafeToRetry is no proof that a committing step was not sent:
	// pgconn also reports a connection closed while it awaited the reply
	// as a "conn closed" error that is safe to retry.
	r.broken.Store(true)
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("pgregister: %w: %w: %w", register.ErrBroken, ctxErr, err)
	}
	return fmt.Errorf("pgregister: %w: %w", register.ErrBroken, err)
}

// Scan returns the records that match f in ascending sequence order. It
// reads them in pages of a bounded number of records, each with one query
// on the primary key, and reads the next page while the caller handles the
// current one. Memory use does not grow with the register, and no
// connection is held while the caller handles a record: breaking out of the
// loop ends the scan, leaving at most one page being read ahead to finish
// in the background and be dropped. Records appended while the scan runs
// are returned if they come after the page being read.
func (r *Register) Scan(ctx context.Context, f register.Filter) iter.Seq2[register.Record, error] {
	return func(yield func(register.Record, error) bool) {
		if err := r.check(ctx); err != nil {
			yield(register.Record{}, err)
			return
		}
		if f.AfterSeq >= math.MaxInt64 {
			return
		}
		query, base := r.scanQuery(f)
		remaining := f.Limit // meaningful only when f.Limit > 0
		// The first page starts from the lowest bigint when no AfterSeq
		// is given, so that a row with a sequence number below 1 (which
		// the schema's checks forbid, unless they were dropped) is read
		// and reported, never skipped.
		from := int64(math.MinInt64)
		if f.AfterSeq > 0 {
			from = int64(f.AfterSeq) + 1
		}
		next := r.fetch(ctx, query, base, from, f.Limit, remaining)
		for {
			p := <-next
			if p.err != nil {
				yield(register.Record{}, p.err)
				return
			}
			remaining -= len(p.records)
			more := len(p.records) == p.limit && (f.Limit <= 0 || remaining > 0) &&
				p.records[len(p.records)-1].Seq < math.MaxInt64
			if more {
				next = r.fetch(ctx, query, base, int64(p.records[len(p.records)-1].Seq)+1, f.Limit, remaining)
			}
			for _, rec := range p.records {
				if err := r.check(ctx); err != nil {
					yield(register.Record{}, err)
					return
				}
				if !yield(rec, nil) {
					return
				}
			}
			if !more {
				return
			}
		}
	}
}

// page is one page of a Scan: the records read, or the error.
type page struct {
	records []register.Record
	limit   int // the page size asked for; fewer records means the end
	err     error
}

// fetch reads, in its own goroutine, the page of records from seq from on:
// scanPage of them, or fewer when limit (the Filter's) is positive and
// only remaining are still wanted. base holds the query's arguments, the
// first two of which fetch sets.
func (r *Register) fetch(ctx context.Context, query string, base []any, from int64, limit, remaining int) <-chan page {
	size := scanPage
	if limit > 0 && remaining < size {
		size = remaining
	}
	args := slices.Clone(base)
	args[0], args[1] = from, size
	ch := make(chan page, 1)
	go func() {
		records, err := r.readPage(ctx, query, args, make([]register.Record, 0, size))
		ch <- page{records: records, limit: size, err: err}
	}()
	return ch
}

// scanQuery builds the query of a Scan and its arguments; the first two,
// the page's lower bound and size, are set by fetch for every page.
func (r *Register) scanQuery(f register.Filter) (string, []any) {
	var sb strings.Builder
	args := []any{int64(0), 0}
	if f.IndexOnly {
		sb.WriteString(r.q.scanIndexOnly)
		args = append(args, append([]string{}, f.BodyKinds...))
	} else {
		sb.WriteString(r.q.scan)
	}
	cond := func(format string, arg any) {
		args = append(args, arg)
		fmt.Fprintf(&sb, format, "$"+strconv.Itoa(len(args)))
	}
	if f.Stream != "" {
		cond(" AND stream = %s", f.Stream)
	}
	if len(f.Kinds) > 0 {
		cond(" AND kind = ANY(%s)", f.Kinds)
	}
	if len(f.Territories) > 0 {
		cond(" AND territory = ANY(%s)", f.Territories)
	}
	// Stored times are whole microseconds, and PostgreSQL would truncate a
	// finer bound: rounding both bounds up keeps >= From and < To exact.
	if !f.From.IsZero() {
		cond(" AND time >= %s", ceilMicro(f.From))
	}
	if !f.To.IsZero() {
		cond(" AND time < %s", ceilMicro(f.To))
	}
	sb.WriteString(" ORDER BY seq LIMIT $2")
	return sb.String(), args
}

// ceilMicro rounds t up to a whole microsecond. A t outside the years 1 to
// 9999, which every entry's time is within, is brought to the edge of that
// range: the bound selects the same records, and PostgreSQL can hold it
// (pgx would wrap a time beyond 292,000 years around, and PostgreSQL
// refuses one beyond 294276 AD).
func ceilMicro(t time.Time) time.Time {
	switch {
	case t.Before(firstTime):
		return firstTime
	case t.After(lastTime):
		return lastTime
	}
	c := t.Truncate(time.Microsecond)
	if c.Before(t) {
		c = c.Add(time.Microsecond)
	}
	return c
}

// The edges of the range of times that ceilMicro brings bounds within.
var firstTime, lastTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)

// readPage runs one page query and appends its records to page.
func (r *Register) readPage(ctx context.Context, query string, args []any, page []register.Record) ([]register.Record, error) {
	rows, err := r.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, r.failed("reading records", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			rec          register.Record
			seq, version int64
		)
		if err := rows.Scan(&seq, &rec.Stream, &version, &rec.Kind, &rec.Territory, &rec.Time, &rec.Hash, &rec.Body); err != nil {
			return nil, r.failed("reading records", err)
		}
		if seq < 1 || version < 1 {
			// No entry has such a row (the schema's checks were dropped):
			// it was added behind the register's back, and Verify reports
			// it as tampering.
			return nil, fmt.Errorf("pgregister: stored row with sequence number %d and version %d: %w", seq, version, register.ErrTampered)
		}
		rec.Seq, rec.Version, rec.Time = uint64(seq), uint64(version), rec.Time.UTC()
		r.reads.Add(1)
		page = append(page, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, r.failed("reading records", err)
	}
	return page, nil
}

// Close marks the register closed; every later call fails with an error
// wrapping [register.ErrClosed]. It closes the pool only if [Connect]
// created it. Calling Close twice is harmless.
func (r *Register) Close() error {
	if r.closed.Swap(true) {
		return nil
	}
	if r.ownPool {
		r.pool.Close()
	}
	return nil
}
