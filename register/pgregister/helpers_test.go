package pgregister_test

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

// urlEnv names the variable that points the tests at a PostgreSQL server.
const urlEnv = "SOSTEGNO_POSTGRES_URL"

// postgresURL returns the server the tests use. Without one the test is
// skipped, except in CI, where PostgreSQL tests are mandatory.
func postgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(urlEnv)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: in CI the PostgreSQL tests must run", urlEnv)
		}
		t.Skipf("PostgreSQL tests skipped: set %s, for example %s='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' go test ./register/pgregister/", urlEnv, urlEnv)
	}
	return u
}

// newPool returns a pool on the test server, closed when the test ends.
// Every pool has its own connections, as a separate machine would.
func newPool(t testing.TB, maxConns int32) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(postgresURL(t))
	if err != nil {
		t.Fatalf("parse %s: %v", urlEnv, err)
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

// newSchema returns a fresh schema name, dropped with everything in it when
// the test ends.
func newSchema(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "pgregister_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		_, err := pool.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		if err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	return schema
}

// table returns the quoted name of a table of the register in schema.
func table(schema, name string) string {
	return pgx.Identifier{schema, name}.Sanitize()
}

// openRegister opens a register in a fresh schema of pool, closed when the
// test ends.
func openRegister(t testing.TB, pool *pgxpool.Pool) (*pgregister.Register, string) {
	t.Helper()
	schema := newSchema(t, pool)
	r, err := pgregister.Open(context.Background(), pool, &pgregister.Options{Schema: schema})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r, schema
}
