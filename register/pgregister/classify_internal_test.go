package pgregister

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/sostegno/sostegno/register"
)

// notSent is an error that pgconn.SafeToRetry recognises, as its
// "conn closed" error.
type notSent struct{}

func (notSent) Error() string     { return "not sent" }
func (notSent) SafeToRetry() bool { return true }

// Every way the append statement can fail maps to the error the port
// specifies, and only an unknown outcome breaks the register.
func TestAppendErrorClassification(t *testing.T) {
	t.Parallel()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	pgErr := func(severity, code, constraint string) error {
		return &pgconn.PgError{Severity: severity, SeverityUnlocalized: severity, Code: code, ConstraintName: constraint}
	}
	tests := []struct {
		name      string
		ctx       context.Context
		err       error
		mayCommit bool
		want      error // nil: a plain error
		broken    bool
	}{
		{"version check", context.Background(), pgErr("ERROR", codeVersionConflict, ""), true, register.ErrVersionConflict, false},
		{"head check", context.Background(), pgErr("ERROR", codeHeadMoved, ""), true, register.ErrHeadMoved, false},
		{"version check before commit", context.Background(), pgErr("ERROR", codeVersionConflict, ""), false, register.ErrVersionConflict, false},
		{"unique stream version", context.Background(), pgErr("ERROR", "23505", constraintStreamVersion), true, register.ErrVersionConflict, false},
		{"unique seq", context.Background(), pgErr("ERROR", "23505", constraintRecordsPkey), false, register.ErrHeadMoved, false},
		{"serialization failure", context.Background(), pgErr("ERROR", "40001", ""), true, register.ErrHeadMoved, false},
		{"deadlock", context.Background(), pgErr("ERROR", "40P01", ""), true, register.ErrHeadMoved, false},
		{"cancelled on the server", cancelled, pgErr("ERROR", "57014", ""), true, context.Canceled, false},
		{"statement timeout", context.Background(), pgErr("ERROR", "57014", ""), true, nil, false},
		{"other unique constraint", context.Background(), pgErr("ERROR", "23505", "something_else"), true, nil, false},
		{"commit of an aborted transaction", context.Background(), pgx.ErrTxCommitRollback, true, nil, false},
		{"connection lost before commit", context.Background(), io.ErrUnexpectedEOF, false, nil, false},
		{"cancelled before commit", cancelled, io.ErrUnexpectedEOF, false, context.Canceled, false},
		{"backend terminated", context.Background(), pgErr("FATAL", "57P01", ""), true, register.ErrBroken, true},
		{"connection lost", context.Background(), io.ErrUnexpectedEOF, true, register.ErrBroken, true},
		{"connection lost after cancel", cancelled, io.ErrUnexpectedEOF, true, register.ErrBroken, true},
		// pgconn calls this safe to retry even after the request was sent.
		{"conn closed while committing", context.Background(), notSent{}, true, register.ErrBroken, true},
	}
	for _, tt := range tests {
		r := &Register{}
		got := r.appendError(tt.ctx, tt.err, tt.mayCommit)
		if got == nil {
			t.Fatalf("%s: nil error", tt.name)
		}
		if tt.want != nil && !errors.Is(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
		if tt.want == nil {
			for _, sentinel := range []error{register.ErrVersionConflict, register.ErrHeadMoved, register.ErrBroken} {
				if errors.Is(got, sentinel) {
					t.Errorf("%s: %v, want a plain error", tt.name, got)
				}
			}
		}
		if r.broken.Load() != tt.broken {
			t.Errorf("%s: broken = %v, want %v", tt.name, r.broken.Load(), tt.broken)
		}
	}
}

// ceilMicro rounds up to a whole microsecond and leaves whole ones alone.
func TestCeilMicro(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 11, 26, 1, 0, 0, 5000, time.UTC)
	tests := []struct{ in, want time.Time }{
		{base, base},
		{base.Add(time.Nanosecond), base.Add(time.Microsecond)},
		{base.Add(999 * time.Nanosecond), base.Add(time.Microsecond)},
		{base.Add(-time.Nanosecond), base},
	}
	for _, tt := range tests {
		if got := ceilMicro(tt.in); !got.Equal(tt.want) {
			t.Errorf("ceilMicro(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
