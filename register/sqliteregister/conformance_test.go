package sqliteregister

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/sostegno/sostegno/register/registertest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	registertest.Run(t, func(ctx context.Context, t *testing.T) (registertest.Instance, error) {
		path := filepath.Join(t.TempDir(), "registro.db")
		r, err := Open(ctx, path, nil)
		if err != nil {
			return registertest.Instance{}, err
		}
		t.Cleanup(func() { _ = r.Close() })
		tamper, err := openTamperer(path)
		if err != nil {
			return registertest.Instance{}, err
		}
		t.Cleanup(func() { _ = tamper.db.Close() })
		return registertest.Instance{Register: r, Tamper: tamper, Reads: r.reads.Load}, nil
	})
}

// tamperer alters the file with raw SQL through its own connection, as
// someone with access to the file would.
type tamperer struct{ db *sql.DB }

var _ registertest.Tamperer = tamperer{}

func openTamperer(path string) (tamperer, error) {
	db, err := sql.Open("sqlite", dsn(path, url.Values{"_busy_timeout": {"5000"}}))
	if err != nil {
		return tamperer{}, err
	}
	db.SetMaxOpenConns(1)
	return tamperer{db}, nil
}

// exec runs query and checks that it changed exactly one row.
func (tt tamperer) exec(ctx context.Context, query string, args ...any) error {
	res, err := tt.db.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(fmt.Errorf("modificate %d righe invece di una", n), err)
	}
	return nil
}

func (tt tamperer) ReplaceBody(ctx context.Context, seq uint64, body []byte) error {
	return tt.exec(ctx, `UPDATE records SET body = ? WHERE seq = ?`, body, int64(seq))
}

func (tt tamperer) Delete(ctx context.Context, seq uint64) error {
	return tt.exec(ctx, `DELETE FROM records WHERE seq = ?`, int64(seq))
}

// Swap moves both rows out of the way first, so that the unique index on
// stream and version never sees a duplicate.
func (tt tamperer) Swap(ctx context.Context, a, b uint64) error {
	tx, err := tt.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	steps := []struct {
		query string
		args  []any
	}{
		{`UPDATE records SET seq = -seq WHERE seq IN (?, ?)`, []any{int64(a), int64(b)}},
		{`UPDATE records SET seq = ? WHERE seq = ?`, []any{int64(b), -int64(a)}},
		{`UPDATE records SET seq = ? WHERE seq = ?`, []any{int64(a), -int64(b)}},
	}
	for _, s := range steps {
		if _, err := tx.ExecContext(ctx, s.query, s.args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}
