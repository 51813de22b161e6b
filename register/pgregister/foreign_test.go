package pgregister_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/sostegno/sostegno/register"
)

// A row that no entry can be, written behind the register's back after
// the schema's checks were dropped (a sequence number or version below 1),
// is tampering: Verify sees every row that Version counts and reports it
// as a VerifyError matching ErrTampered.
func TestVerifyReportsRowsTheChainDoesNotAccountFor(t *testing.T) {
	t.Parallel()
	pool := newPool(t, 4)
	for _, tt := range []struct {
		name, query string
	}{
		{"zero seq", `INSERT INTO %[1]s SELECT 0, stream, version + 10, kind, territory, time, hash, body FROM %[1]s WHERE seq = 1`},
		{"negative seq", `INSERT INTO %[1]s SELECT -5, stream, version + 10, kind, territory, time, hash, body FROM %[1]s WHERE seq = 1`},
		{"negative version", `UPDATE %[1]s SET version = -3 WHERE seq = 2`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			_, schema := openRegister(t, pool)
			l := openLog(t, pool, schema, nil)
			if _, err := l.Append(ctx, "request/1", 0, event(register.KindRequestSubmitted, 1), event(register.KindRequestAccepted, 2)); err != nil {
				t.Fatal(err)
			}
			records := table(schema, "records")
			var constraints []string
			rows, err := pool.Query(ctx, `SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'c'`, records)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var c string
				if err := rows.Scan(&c); err != nil {
					t.Fatal(err)
				}
				constraints = append(constraints, c)
			}
			rows.Close()
			for _, c := range constraints {
				if _, err := pool.Exec(ctx, `ALTER TABLE `+records+` DROP CONSTRAINT "`+c+`"`); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := pool.Exec(ctx, fmt.Sprintf(tt.query, records)); err != nil {
				t.Fatal(err)
			}
			if tt.name == "zero seq" {
				// The row counts in the stream's version, so it blocks
				// every append to the stream: Verify must see it.
				if v, err := l.Backend().Version(ctx, "request/1"); err != nil || v != 11 {
					t.Fatalf("Version = %d, %v, want 11", v, err)
				}
			}
			err = l.Verify(ctx)
			var ve *register.VerifyError
			if !errors.As(err, &ve) || !errors.Is(err, register.ErrTampered) {
				t.Fatalf("Verify = %v, want a VerifyError matching ErrTampered", err)
			}
		})
	}
}
