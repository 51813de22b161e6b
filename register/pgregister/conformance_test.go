package pgregister_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sostegno/sostegno/register/pgregister"
	"github.com/sostegno/sostegno/register/registertest"
)

func TestConformance(t *testing.T) {
	postgresURL(t)
	registertest.Run(t, newConformanceRegister(0))
}

// The suite passes as well when every batch, however small, is written
// with COPY in a transaction.
func TestConformanceCopy(t *testing.T) {
	postgresURL(t)
	registertest.Run(t, newConformanceRegister(1))
}

// newConformanceRegister returns a NewRegister that opens a register in a
// fresh schema; copyMin, if positive, sets the batch size from which it
// writes with COPY.
func newConformanceRegister(copyMin int) registertest.NewRegister {
	return func(ctx context.Context, t *testing.T) (registertest.Instance, error) {
		pool := newPool(t, 8)
		schema := newSchema(t, pool)
		r, err := pgregister.Open(ctx, pool, &pgregister.Options{Schema: schema})
		if err != nil {
			return registertest.Instance{}, err
		}
		if copyMin > 0 {
			pgregister.SetCopyMin(r, copyMin)
		}
		t.Cleanup(func() { _ = r.Close() })
		return registertest.Instance{Register: r, Tamper: tamperer{pool, table(schema, "records")}, Reads: func() uint64 { return pgregister.Reads(r) }}, nil
	}
}

// tamperer alters the records table with plain SQL, as someone with write
// access to the database could.
type tamperer struct {
	pool    *pgxpool.Pool
	records string
}

func (tp tamperer) ReplaceBody(ctx context.Context, seq uint64, body []byte) error {
	return tp.one(ctx, tp.pool, "UPDATE "+tp.records+" SET body = $2 WHERE seq = $1", int64(seq), body)
}

func (tp tamperer) Delete(ctx context.Context, seq uint64) error {
	return tp.one(ctx, tp.pool, "DELETE FROM "+tp.records+" WHERE seq = $1", int64(seq))
}

// Swap deletes both rows and inserts them back with their contents
// exchanged, in one transaction, so the unique constraints never see a
// duplicate.
func (tp tamperer) Swap(ctx context.Context, a, b uint64) error {
	return pgx.BeginFunc(ctx, tp.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "DELETE FROM "+tp.records+" WHERE seq IN ($1, $2) RETURNING *", int64(a), int64(b))
		if err != nil {
			return err
		}
		old, err := pgx.CollectRows(rows, pgx.RowToMap)
		if err != nil {
			return err
		}
		if len(old) != 2 {
			return fmt.Errorf("tamper: %d rows to swap, want 2", len(old))
		}
		old[0]["seq"], old[1]["seq"] = old[1]["seq"], old[0]["seq"]
		for _, row := range old {
			err := tp.one(ctx, tx, "INSERT INTO "+tp.records+" (seq, stream, version, kind, territory, time, hash, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
				row["seq"], row["stream"], row["version"], row["kind"], row["territory"], row["time"], row["hash"], row["body"])
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// one runs a statement that must touch at least one row.
func (tamperer) one(ctx context.Context, db interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, sql string, args ...any) error {
	tag, err := db.Exec(ctx, sql, args...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("tamper: no row changed by %q", sql)
	}
	return nil
}
