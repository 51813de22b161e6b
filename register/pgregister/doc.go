// Package pgregister stores a register in PostgreSQL, through
// github.com/jackc/pgx/v5. It is the backend for several instances of an
// application, on one machine or many, that share one register. It needs
// PostgreSQL 12 or later.
//
// Open takes a *pgxpool.Pool the application already has; Connect makes one
// from a connection string. Either way the register's tables live in one
// schema ([Options.Schema], "sostegno" by default), created and migrated on
// open: the migrations are ordered SQL in this package, applied once each
// in one transaction under an advisory lock, and recorded in a
// schema_version table. A database migrated by a newer version of the
// package is refused with [ErrSchemaTooNew].
//
// # Concurrent appends
//
// An append is one statement: a call to a PL/pgSQL function that takes a
// transaction-scoped advisory lock of the schema, checks the expected stream
// versions and then the expected head (the last record), and inserts the
// batch. The lock is held until commit, so appends from every connection
// are serialised and each one sees the previous one committed: sequence
// numbers run without gaps and the hash chain stays linear. The primary key
// on the sequence number and a unique constraint on (stream, version) back
// the checks. A failed check aborts the statement, so nothing of the batch
// is stored, and comes back as [register.ErrVersionConflict] or
// [register.ErrHeadMoved], which the portable [register.Log] retries.
//
// # Unknown outcomes
//
// If the connection breaks after the statement was sent (a server restart,
// a network cut, a terminated backend), the commit may or may not have
// happened. Append then returns an error wrapping [register.ErrBroken] and
// refuses every later append: open a new Register, whose Log reads the true
// head, instead of retrying blindly. Errors the server reports on the
// statement itself mean nothing was written. A context that ends during an
// append does not break the register: Append sends the server a cancel
// request and waits briefly for its answer, so the outcome stays known.
//
// # Reading
//
// Scan reads in pages of a bounded number of records, each a query on an
// index, and reads the next page while the caller handles the current one.
// Memory does not grow with the register, no connection is held while the
// caller handles a record, and breaking out of the loop ends the scan.
//
// # Durability
//
// A nil error from Append means PostgreSQL reported the commit, flushed to
// the write-ahead log: if the session runs with synchronous_commit=off, the
// append function turns it on for its own transaction. Every other setting
// (local, on, remote_write, remote_apply) flushes the commit locally and is
// left as it is.
//
// # Tests
//
// The tests of this package need a server: they read its URL from
// SOSTEGNO_POSTGRES_URL, for example
//
//	SOSTEGNO_POSTGRES_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' go test ./register/pgregister/
//
// and skip without it, except when CI=true. Each test works in a schema of
// its own and drops it at the end.
package pgregister
