// Package pgtest gives tests a PostgreSQL register of their own: a fresh
// schema on the server named by [URLEnv], dropped when the test ends, so
// that tests running at once on one server never see each other's data.
//
// Without the variable a test that asks for a server is skipped, with a
// message saying how to run it, except under CI=true, where PostgreSQL
// tests are mandatory and a missing server fails the test.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sostegno/sostegno/register/pgregister"
)

// URLEnv names the variable that points tests at a PostgreSQL server, such
// as postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const URLEnv = "SOSTEGNO_POSTGRES_URL"

// URL returns the server the tests use. Without one the test is skipped,
// except in CI (CI=true), where it fails.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(URLEnv)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: in CI the PostgreSQL tests must run", URLEnv)
		}
		t.Skipf("PostgreSQL tests skipped: set %s, for example %s='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' go test ./...", URLEnv, URLEnv)
	}
	return u
}

// Pool returns a pool on the test server with at most maxConns
// connections (pgx's default if 0), closed when the test ends. Every pool
// has its own connections, as a separate machine would.
func Pool(t testing.TB, maxConns int32) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(URL(t))
	if err != nil {
		t.Fatalf("parse %s: %v", URLEnv, err)
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// Schema returns a fresh schema name, dropped with everything in it when
// the test ends. The schema itself is created by whoever opens a register
// in it.
func Schema(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "sostegno_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		_, err := pool.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		if err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	return schema
}

// Open returns a register in a fresh schema of a pool of its own, closed
// and dropped when the test ends, and the schema's name (so that another
// process or pool can open the same register).
func Open(t testing.TB) (*pgregister.Register, string) {
	t.Helper()
	pool := Pool(t, 0)
	schema := Schema(t, pool)
	r, err := pgregister.Open(context.Background(), pool, &pgregister.Options{Schema: schema})
	if err != nil {
		t.Fatalf("pgregister.Open: %v", err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r, schema
}
