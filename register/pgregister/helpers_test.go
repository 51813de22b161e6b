package pgregister_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sostegno/sostegno/register/pgregister"
	"github.com/sostegno/sostegno/register/pgregister/pgtest"
)

// postgresURL returns the server the tests use (see pgtest.URL).
func postgresURL(t testing.TB) string { t.Helper(); return pgtest.URL(t) }

// newPool returns a pool on the test server, closed when the test ends.
func newPool(t testing.TB, maxConns int32) *pgxpool.Pool { t.Helper(); return pgtest.Pool(t, maxConns) }

// newSchema returns a fresh schema name, dropped when the test ends.
func newSchema(t testing.TB, pool *pgxpool.Pool) string { t.Helper(); return pgtest.Schema(t, pool) }

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
