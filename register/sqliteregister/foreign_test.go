package sqliteregister

import (
	"context"
	"errors"
	"testing"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

// A row that no entry can be (a negative or zero sequence number or
// version, written behind the register's back) is tampering: Verify
// reports it as a VerifyError matching ErrTampered, never as a conversion
// error of database/sql, and Scan fails on it instead of skipping it.
func TestVerifyReportsRowsTheChainDoesNotAccountFor(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, query string
	}{
		{"negative seq", `INSERT INTO records SELECT -1, stream, version + 10, kind, territory, time, hash, body FROM records WHERE seq = 1`},
		{"zero seq", `INSERT INTO records SELECT 0, stream, version + 10, kind, territory, time, hash, body FROM records WHERE seq = 1`},
		{"negative version", `UPDATE records SET version = -3 WHERE seq = 2`},
		{"zero version", `UPDATE records SET version = 0 WHERE seq = 2`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			path := newPath(t)
			l, err := register.Open(ctx, openRegister(t, path, nil), nil)
			if err != nil {
				t.Fatal(err)
			}
			actor := register.Actor{Role: guideline.RoleOperator, ID: "op-1"}
			ev := register.Event{Kind: register.KindRequestSubmitted, Actor: actor}
			if _, err := l.Append(ctx, "request/1", 0, ev, ev, ev); err != nil {
				t.Fatal(err)
			}
			if _, err := rawDB(t, path).ExecContext(ctx, tt.query); err != nil {
				t.Fatal(err)
			}
			err = l.Verify(ctx)
			var ve *register.VerifyError
			if !errors.As(err, &ve) || !errors.Is(err, register.ErrTampered) {
				t.Fatalf("Verify = %v, want a VerifyError matching ErrTampered", err)
			}
			for _, err := range l.Scan(ctx, register.Filter{}) {
				if err != nil && !errors.Is(err, register.ErrTampered) {
					t.Errorf("Scan: %v, want an error matching ErrTampered", err)
				}
			}
		})
	}
}
