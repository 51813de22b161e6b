package pgregister_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/pgregister"
)

// rec builds a record whose hash depends on its position, as a chain would.
func rec(seq uint64, stream string, version uint64) register.Record {
	h := sha256.Sum256(fmt.Appendf(nil, "%d/%s/%d", seq, stream, version))
	return register.Record{
		Seq: seq, Stream: stream, Version: version,
		Kind: "request.submitted", Territory: "municipio-1",
		Time: time.Date(2026, 11, 26, 1, 0, int(seq), 0, time.UTC),
		Hash: h[:], Body: fmt.Appendf(nil, "body %d", seq),
	}
}

// next appends one record to stream, reading the head and version first.
func next(ctx context.Context, r register.Register, stream string) (register.Record, error) {
	head, err := r.Head(ctx)
	if err != nil {
		return register.Record{}, err
	}
	v, err := r.Version(ctx, stream)
	if err != nil {
		return register.Record{}, err
	}
	x := rec(head.Seq+1, stream, v+1)
	err = r.Append(ctx, register.Batch{Head: head, Versions: map[string]uint64{stream: v}, Records: []register.Record{x}})
	return x, err
}

func TestSchemaVersionMatchesMigrations(t *testing.T) {
	t.Parallel()
	pool := newPool(t, 2)
	_, schema := openRegister(t, pool)
	var got int
	if err := pool.QueryRow(t.Context(), "SELECT max(version) FROM "+table(schema, "schema_version")).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != pgregister.SchemaVersion {
		t.Fatalf("schema version %d, want %d", got, pgregister.SchemaVersion)
	}
}

// Processes that open the same new register at once all succeed, and the
// migrations run once.
func TestOpenConcurrently(t *testing.T) {
	t.Parallel()
	pool := newPool(t, 8)
	schema := newSchema(t, pool)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			r, err := pgregister.Open(t.Context(), pool, &pgregister.Options{Schema: schema})
			if err == nil {
				err = r.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Open: %v", err)
		}
	}
	var rows int
	if err := pool.QueryRow(t.Context(), "SELECT count(*) FROM "+table(schema, "schema_version")).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != pgregister.SchemaVersion {
		t.Fatalf("%d migration rows, want %d", rows, pgregister.SchemaVersion)
	}
}

// A register written by a newer version of the package is left alone.
func TestOpenRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	pool := newPool(t, 2)
	r, schema := openRegister(t, pool)
	if _, err := next(t.Context(), r, "s"); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(t.Context(), "INSERT INTO "+table(schema, "schema_version")+" (version) VALUES ($1)", pgregister.SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	_, err := pgregister.Open(t.Context(), pool, &pgregister.Options{Schema: schema})
	if !errors.Is(err, pgregister.ErrSchemaTooNew) {
		t.Fatalf("Open of a newer schema: %v, want ErrSchemaTooNew", err)
	}
}

func TestAppendChecks(t *testing.T) {
	t.Parallel()
	pool := newPool(t, 2)
	r, _ := openRegister(t, pool)
	ctx := t.Context()
	first, err := next(ctx, r, "a")
	if err != nil {
		t.Fatal(err)
	}
	head := register.Head{Seq: 1, Hash: first.Hash}
	stale := register.Head{Seq: 1, Hash: make([]byte, 32)}
	tests := []struct {
		name  string
		batch register.Batch
		want  error
	}{
		{"head moved", register.Batch{Head: register.Head{}, Versions: map[string]uint64{"b": 0}, Records: []register.Record{rec(1, "b", 1)}}, register.ErrHeadMoved},
		{"head hash differs", register.Batch{Head: stale, Versions: map[string]uint64{"b": 0}, Records: []register.Record{rec(2, "b", 1)}}, register.ErrHeadMoved},
		{"version conflict", register.Batch{Head: head, Versions: map[string]uint64{"a": 0}, Records: []register.Record{rec(2, "a", 1)}}, register.ErrVersionConflict},
		{"version conflict wins over head", register.Batch{Head: register.Head{}, Versions: map[string]uint64{"a": 0}, Records: []register.Record{rec(1, "a", 1)}}, register.ErrVersionConflict},
		{"conflict on one of two streams", register.Batch{Head: head, Versions: map[string]uint64{"a": 1, "b": 1}, Records: []register.Record{rec(2, "a", 2), rec(3, "b", 2)}}, register.ErrVersionConflict},
	}
	for _, tt := range tests {
		if err := r.Append(ctx, tt.batch); !errors.Is(err, tt.want) {
			t.Errorf("%s: Append = %v, want %v", tt.name, err, tt.want)
		}
	}
	if got, err := r.Head(ctx); err != nil || got.Seq != 1 {
		t.Fatalf("after rejected batches head = %v, %v; want seq 1", got, err)
	}
	// A good batch on two streams, one new.
	ok := register.Batch{Head: head, Versions: map[string]uint64{"a": 1, "b": 0}, Records: []register.Record{rec(2, "a", 2), rec(3, "b", 1), rec(4, "a", 3)}}
	if err := r.Append(ctx, ok); err != nil {
		t.Fatalf("Append: %v", err)
	}
	for stream, want := range map[string]uint64{"a": 3, "b": 1, "c": 0} {
		if v, err := r.Version(ctx, stream); err != nil || v != want {
			t.Errorf("Version(%s) = %d, %v; want %d", stream, v, err, want)
		}
	}
}

// Malformed batches are refused and store nothing; the version and head
// checks still take precedence, and an empty batch is only checked.
func TestAppendRejectsMalformedBatch(t *testing.T) {
	t.Parallel()
	pool := newPool(t, 2)
	r, _ := openRegister(t, pool)
	noHash := rec(1, "a", 1)
	noHash.Hash = nil
	tests := map[string]register.Batch{
		"sequence gap":      {Versions: map[string]uint64{"a": 0}, Records: []register.Record{rec(2, "a", 1)}},
		"version gap":       {Versions: map[string]uint64{"a": 0}, Records: []register.Record{rec(1, "a", 2)}},
		"stream not stated": {Versions: map[string]uint64{"a": 0}, Records: []register.Record{rec(1, "b", 1)}},
		"no hash":           {Versions: map[string]uint64{"a": 0}, Records: []register.Record{noHash}},
	}
	for name, b := range tests {
		err := r.Append(t.Context(), b)
		if err == nil || errors.Is(err, register.ErrBroken) {
			t.Errorf("%s: Append = %v, want a plain error", name, err)
		}
	}
	if h, err := r.Head(t.Context()); err != nil || h.Seq != 0 {
		t.Fatalf("head after refused batches: %v, %v", h, err)
	}
	if err := r.Append(t.Context(), register.Batch{}); err != nil {
		t.Fatalf("empty batch: %v", err)
	}
	if _, err := next(t.Context(), r, "a"); err != nil {
		t.Fatalf("append after refused batches: %v", err)
	}
	for name, b := range tests {
		if err := r.Append(t.Context(), b); !errors.Is(err, register.ErrVersionConflict) {
			t.Errorf("%s, stale version: Append = %v, want ErrVersionConflict", name, err)
		}
	}
	if err := r.Append(t.Context(), register.Batch{}); !errors.Is(err, register.ErrHeadMoved) {
		t.Errorf("empty batch with a stale head: %v, want ErrHeadMoved", err)
	}
}

// Scan pages through the register: results cross page boundaries in order,
// and Limit and AfterSeq cut them where asked.
func TestScanPages(t *testing.T) {
	t.Parallel()
	pool := newPool(t, 1)
	r, _ := openRegister(t, pool)
	ctx := t.Context()
	const n = 9000 // more than two pages of Scan
	b := register.Batch{Versions: map[string]uint64{"even": 0, "odd": 0}}
	v := map[string]uint64{}
	for seq := uint64(1); seq <= n; seq++ {
		s := [2]string{"even", "odd"}[seq%2]
		v[s]++
		b.Records = append(b.Records, rec(seq, s, v[s]))
	}
	if err := r.Append(ctx, b); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		f           register.Filter
		first, last uint64
		count       int
	}{
		{"all", register.Filter{}, 1, n, n},
		{"after", register.Filter{AfterSeq: 999}, 1000, n, n - 999},
		{"limit across pages", register.Filter{Limit: 5000}, 1, 5000, 5000},
		{"limit of two pages", register.Filter{Limit: 8192}, 1, 8192, 8192},
		{"stream", register.Filter{Stream: "odd", AfterSeq: 1000}, 1001, 8999, 4000},
		{"time range", register.Filter{From: rec(10, "", 0).Time, To: rec(20, "", 0).Time}, 10, 19, 10},
		{"kind none", register.Filter{Kinds: []string{"incident.reported"}}, 0, 0, 0},
		{"territory", register.Filter{Territories: []string{"x", "municipio-1"}, Limit: 3}, 1, 3, 3},
	}
	for _, tt := range tests {
		var got []uint64
		for rec, err := range r.Scan(ctx, tt.f) {
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if len(got) > 0 && rec.Seq <= got[len(got)-1] {
				t.Fatalf("%s: seq %d after %d", tt.name, rec.Seq, got[len(got)-1])
			}
			got = append(got, rec.Seq)
		}
		if len(got) != tt.count || tt.count > 0 && (got[0] != tt.first || got[len(got)-1] != tt.last) {
			t.Errorf("%s: %d records, want %d from %d to %d", tt.name, len(got), tt.count, tt.first, tt.last)
		}
	}
	// No connection is held while the caller handles a record, and breaking
	// early releases it: with a one-connection pool, Head inside the loop
	// or after the break would block until the deadline otherwise.
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for rec, err := range r.Scan(ctx, register.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if rec.Seq%500 != 0 {
			continue
		}
		if _, err := r.Head(ctx); err != nil {
			t.Fatalf("Head during Scan: %v", err)
		}
		if rec.Seq == 5000 { // while the third page is being read ahead
			break
		}
	}
	if _, err := r.Head(ctx); err != nil {
		t.Fatalf("Head after breaking out of Scan: %v", err)
	}
}

func TestClose(t *testing.T) {
	t.Parallel()
	pool := newPool(t, 2)
	r, _ := openRegister(t, pool)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	ctx := t.Context()
	if _, err := r.Head(ctx); !errors.Is(err, register.ErrClosed) {
		t.Errorf("Head after Close: %v", err)
	}
	if _, err := next(ctx, r, "a"); !errors.Is(err, register.ErrClosed) {
		t.Errorf("append after Close: %v", err)
	}
	var scanErr error
	for _, err := range r.Scan(ctx, register.Filter{}) {
		scanErr = err
		break
	}
	if !errors.Is(scanErr, register.ErrClosed) {
		t.Errorf("Scan after Close: %v", scanErr)
	}
	// The pool was the caller's: it still works.
	if err := pool.Ping(ctx); err != nil {
		t.Fatalf("pool after Close: %v", err)
	}
}

// An append whose context ends while it waits inside the database is
// cancelled: it returns the context's error promptly, writes nothing, and
// leaves the register usable, whether it is one statement or COPY in a
// transaction.
func TestAppendCancelledWhileWaiting(t *testing.T) {
	t.Parallel()
	for _, copyMin := range []int{0, 1} {
		t.Run(fmt.Sprintf("copyMin=%d", copyMin), func(t *testing.T) {
			t.Parallel()
			pool := newPool(t, 3)
			r, schema := openRegister(t, pool)
			if copyMin > 0 {
				pgregister.SetCopyMin(r, copyMin)
			}
			ctx := t.Context()
			if _, err := next(ctx, r, "a"); err != nil {
				t.Fatal(err)
			}
			// Another session blocks inserts into the records table.
			blocker, err := pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = blocker.Rollback(context.Background()) }()
			if _, err := blocker.Exec(ctx, "LOCK TABLE "+table(schema, "records")+" IN EXCLUSIVE MODE"); err != nil {
				t.Fatal(err)
			}
			appendCtx, cancel := context.WithCancel(ctx)
			defer cancel()
			result := make(chan error, 1)
			go func() {
				_, err := next(appendCtx, r, "a")
				result <- err
			}()
			// Wait until the append is blocked on the lock, then cancel it.
			for {
				var waiting bool
				err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_stat_activity
WHERE wait_event_type = 'Lock' AND query LIKE $1)`, "%"+schema+"%").Scan(&waiting)
				if err != nil {
					t.Fatal(err)
				}
				if waiting {
					break
				}
				select {
				case err := <-result:
					t.Fatalf("append returned while the table was locked: %v", err)
				case <-time.After(5 * time.Millisecond):
				}
			}
			cancel()
			err = <-result
			if !errors.Is(err, context.Canceled) || errors.Is(err, register.ErrBroken) {
				t.Fatalf("cancelled append = %v, want context.Canceled without ErrBroken", err)
			}
			if err := blocker.Rollback(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := next(ctx, r, "a"); err != nil {
				t.Fatalf("append after a cancelled one: %v", err)
			}
			if h, err := r.Head(ctx); err != nil || h.Seq != 2 {
				t.Fatalf("head = %v, %v; want seq 2: the cancelled append wrote something", h, err)
			}
		})
	}
}

// Connect does not repeat a malformed connection string, which may hold a
// password, in its error.
func TestConnectHidesConnectionString(t *testing.T) {
	t.Parallel()
	_, err := pgregister.Connect(t.Context(), "postgres://u:segreto@localhost:notaport/db", nil)
	if err == nil || strings.Contains(err.Error(), "segreto") {
		t.Fatalf("Connect error = %v", err)
	}
}

// Once an administrator has created the schema, an application role with
// only USAGE, SELECT, INSERT and EXECUTE opens the register and appends.
func TestLeastPrivilegeRole(t *testing.T) {
	t.Parallel()
	admin := newPool(t, 2)
	_, schema := openRegister(t, admin)
	ctx := t.Context()
	role := schema + "_app"
	quotedRole := pgx.Identifier{role}.Sanitize()
	quotedSchema := pgx.Identifier{schema}.Sanitize()
	if _, err := admin.Exec(ctx, "CREATE ROLE "+quotedRole+" LOGIN"); err != nil {
		t.Skipf("cannot create a role on this server: %v", err)
	}
	t.Cleanup(func() {
		bg := context.Background()
		_, _ = admin.Exec(bg, "DROP OWNED BY "+quotedRole)
		_, _ = admin.Exec(bg, "DROP ROLE "+quotedRole)
	})
	for _, grant := range []string{
		"GRANT USAGE ON SCHEMA " + quotedSchema + " TO " + quotedRole,
		"GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA " + quotedSchema + " TO " + quotedRole,
		"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA " + quotedSchema + " TO " + quotedRole,
	} {
		if _, err := admin.Exec(ctx, grant); err != nil {
			t.Fatal(err)
		}
	}
	cfg := admin.Config().Copy()
	cfg.ConnConfig.User = role
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	r, err := pgregister.Open(ctx, pool, &pgregister.Options{Schema: schema})
	if err != nil {
		t.Fatalf("Open as an application role: %v", err)
	}
	defer r.Close()
	if _, err := next(ctx, r, "a"); err != nil {
		t.Fatalf("append as an application role: %v", err)
	}
	// The role cannot rewrite history.
	if _, err := pool.Exec(ctx, "DELETE FROM "+table(schema, "records")); err == nil {
		t.Fatal("the application role could delete records")
	}
}

// The append function makes its transaction's commit durable even when the
// session runs with synchronous_commit=off.
func TestAppendForcesSynchronousCommit(t *testing.T) {
	t.Parallel()
	pool := newPool(t, 2)
	_, schema := openRegister(t, pool)
	ctx := t.Context()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(context.Background()) }()
	if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = off"); err != nil {
		t.Fatal(err)
	}
	// An empty batch on the empty register: every check passes, nothing is
	// stored.
	_, err = tx.Exec(ctx, "SELECT "+table(schema, "append_batch")+
		"(0, NULL, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', true)")
	if err != nil {
		t.Fatal(err)
	}
	var setting string
	if err := tx.QueryRow(ctx, "SHOW synchronous_commit").Scan(&setting); err != nil {
		t.Fatal(err)
	}
	if setting != "on" {
		t.Fatalf("synchronous_commit after the append function = %q, want on", setting)
	}
}
