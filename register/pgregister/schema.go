package pgregister

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrSchemaTooNew means the database holds a register written by a newer
// version of this package: its schema version is higher than any migration
// this package knows, so Open refuses to touch it.
var ErrSchemaTooNew = errors.New("pgregister: schema version newer than supported")

// SQL state codes raised by the append function of migration 1. They lie in
// a class that PostgreSQL does not use, so they cannot be confused with the
// server's own errors.
const (
	codeVersionConflict = "SG001"
	codeHeadMoved       = "SG002"
)

// Names of the constraints that back the compare-and-swap checks of the
// append function, in case a write bypasses its lock.
const (
	constraintRecordsPkey   = "records_pkey"
	constraintStreamVersion = "records_stream_version_key"
)

// migrations are applied in order, each once; migration i (from 0) brings
// the schema to version i+1. The placeholder {schema} stands for the quoted
// schema name, {appendlock} for the key of the schema's append lock. Never
// edit a migration that has been released: append a new one.
var migrations = []string{
	// Version 1: the records and the append function.
	`
CREATE TABLE {schema}.records (
	seq       bigint      NOT NULL CHECK (seq > 0),
	stream    text        NOT NULL,
	version   bigint      NOT NULL CHECK (version > 0),
	kind      text        NOT NULL,
	territory text        NOT NULL,
	time      timestamptz NOT NULL,
	hash      bytea       NOT NULL,
	body      bytea       NOT NULL,
	CONSTRAINT records_pkey PRIMARY KEY (seq),
	CONSTRAINT records_stream_version_key UNIQUE (stream, version)
);
-- Reading one stream (a request's or an incident's history) and scanning a
-- period must not walk the whole register.
CREATE INDEX records_stream_seq_idx ON {schema}.records (stream, seq);
CREATE INDEX records_time_idx ON {schema}.records (time);

-- append_batch stores one batch atomically. A transaction-scoped advisory
-- lock, held until commit, serialises appenders on every connection, so
-- sequence numbers are committed in order, and the checks that follow it
-- read the last committed state (in READ COMMITTED every statement of a
-- volatile function takes a fresh snapshot). The head is the last record.
-- With p_store false the function only checks the versions and the head.
-- Generic plans spare it planning its statements on every call.
CREATE FUNCTION {schema}.append_batch(
	p_head_seq  bigint,
	p_head_hash bytea,
	p_streams   text[],
	p_versions  bigint[],
	p_seq       bigint[],
	p_stream    text[],
	p_version   bigint[],
	p_kind      text[],
	p_territory text[],
	p_time      timestamptz[],
	p_hash      bytea[],
	p_body      bytea[],
	p_store     boolean
) RETURNS void LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $fn$
DECLARE
	conflict boolean;
	cur_seq  bigint;
	cur_hash bytea;
BEGIN
	-- A commit with synchronous_commit off could be lost in a crash after
	-- Append returned; raise it for this transaction only.
	IF current_setting('synchronous_commit') = 'off' THEN
		PERFORM set_config('synchronous_commit', 'on', true);
	END IF;
	PERFORM pg_advisory_xact_lock({appendlock});
	SELECT
		EXISTS (
			SELECT FROM unnest(p_streams, p_versions) AS v(stream, version)
			WHERE coalesce((SELECT max(r.version) FROM {schema}.records r WHERE r.stream = v.stream), 0) <> v.version
		),
		coalesce(h.seq, 0),
		h.hash
	INTO conflict, cur_seq, cur_hash
	FROM (VALUES (1)) AS one
	LEFT JOIN LATERAL (SELECT r.seq, r.hash FROM {schema}.records r ORDER BY r.seq DESC LIMIT 1) AS h ON true;
	IF conflict THEN
		RAISE EXCEPTION USING ERRCODE = 'SG001', MESSAGE = 'stream version conflict';
	END IF;
	IF cur_seq <> p_head_seq OR cur_hash IS DISTINCT FROM p_head_hash THEN
		RAISE EXCEPTION USING ERRCODE = 'SG002', MESSAGE = 'register head moved';
	END IF;
	IF NOT p_store OR cardinality(p_seq) = 0 THEN
		RETURN;
	END IF;
	INSERT INTO {schema}.records (seq, stream, version, kind, territory, time, hash, body)
	SELECT * FROM unnest(p_seq, p_stream, p_version, p_kind, p_territory, p_time, p_hash, p_body);
END
$fn$;
`,
}

// SchemaVersion is the schema version this package writes: the number of
// migrations it knows.
const SchemaVersion = 1

// expand replaces the {schema} placeholder of a statement.
func expand(sql, quotedSchema string) string {
	return strings.ReplaceAll(sql, "{schema}", quotedSchema)
}

// lockKey derives an advisory lock key for one purpose on one schema: the
// "migrate" lock serialises migrations, so that processes opening the same
// register at once wait for each other instead of racing on CREATE
// statements; the "append" lock serialises appends. A collision with
// another key only makes unrelated work wait.
func lockKey(purpose, schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("sostegno/register/pgregister/" + purpose + ":"))
	h.Write([]byte(schema))
	return int64(h.Sum64())
}

// migrate creates the schema if needed and applies the missing migrations,
// all in one transaction under an advisory lock.
func migrate(ctx context.Context, pool *pgxpool.Pool, schema string) (err error) {
	quoted := pgx.Identifier{schema}.Sanitize()
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgregister: starting the schema migration: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if _, err = tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", lockKey("migrate", schema)); err != nil {
		return fmt.Errorf("pgregister: taking the migration lock: %w", err)
	}
	var exists bool
	if err = tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema).Scan(&exists); err != nil {
		return fmt.Errorf("pgregister: reading the schema: %w", err)
	}
	if !exists {
		if _, err = tx.Exec(ctx, "CREATE SCHEMA "+quoted); err != nil {
			return fmt.Errorf("pgregister: creating the schema: %w", err)
		}
	}
	// Look before creating, so that a role without CREATE privileges can
	// open a register that is already up to date.
	var versioned bool
	if err = tx.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", quoted+".schema_version").Scan(&versioned); err != nil {
		return fmt.Errorf("pgregister: reading the versions table: %w", err)
	}
	if !versioned {
		if _, err = tx.Exec(ctx, expand(`CREATE TABLE {schema}.schema_version (
	version    integer     PRIMARY KEY,
	applied_at timestamptz NOT NULL DEFAULT now()
)`, quoted)); err != nil {
			return fmt.Errorf("pgregister: creating the versions table: %w", err)
		}
	}
	var current int
	if err = tx.QueryRow(ctx, expand("SELECT coalesce(max(version), 0) FROM {schema}.schema_version", quoted)).Scan(&current); err != nil {
		return fmt.Errorf("pgregister: reading the schema version: %w", err)
	}
	if current > len(migrations) {
		err = fmt.Errorf("%w (version %d, supported up to %d)", ErrSchemaTooNew, current, len(migrations))
		return err
	}
	for v := current; v < len(migrations); v++ {
		sql := strings.ReplaceAll(migrations[v], "{appendlock}", strconv.FormatInt(lockKey("append", schema), 10))
		if _, err = tx.Exec(ctx, expand(sql, quoted)); err != nil {
			return fmt.Errorf("pgregister: migration to version %d: %w", v+1, err)
		}
		if _, err = tx.Exec(ctx, expand("INSERT INTO {schema}.schema_version (version) VALUES ($1)", quoted), v+1); err != nil {
			return fmt.Errorf("pgregister: recording schema version %d: %w", v+1, err)
		}
	}
	if err = tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgregister: committing the schema migration: %w", err)
	}
	return nil
}
