package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/newsbot/newsbot/feeds"
)

// This file holds what is specific to PostgreSQL: the driver and its pool,
// where the schema version is kept, and the advisory locks that keep
// migrations and TryLock to one process at a time.

const (
	// pgMaxConns bounds the connections of one Store. A walk of
	// ItemsPublished, a write and a TryLock each hold one while they last.
	pgMaxConns = 10
	// pgMigrationLock is the advisory lock (in the one-bigint key space)
	// that each migration transaction takes: "newsbot" in ASCII.
	pgMigrationLock = "31073811149516660"
	// pgLockClass is the first key of TryLock's advisory locks (in the
	// two-integer key space, which does not overlap the bigint one); the
	// second is hashtext(name).
	pgLockClass = "1852143475" // "news" in ASCII
	// pgUnlockTimeout bounds the release of an advisory lock after fn,
	// which runs even when fn's ctx is done.
	pgUnlockTimeout = 10 * time.Second
)

// postgresDialect is PostgreSQL's dialect.
var postgresDialect = &dialect{
	name:             "postgres",
	schemaVersion:    pgSchemaVersion,
	setSchemaVersion: pgSetSchemaVersion,
	lockMigrations: func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(`+pgMigrationLock+`)`)
		return err
	},
	skipLocked: "FOR UPDATE SKIP LOCKED",
	size: func(ctx context.Context, db querier) (int64, error) {
		var n int64
		err := db.QueryRowContext(ctx, `SELECT pg_database_size(current_database())`).Scan(&n)
		return n, err
	},
	tryLock: tryLockAdvisory,
}

// isPostgresURL reports whether location names a PostgreSQL database.
func isPostgresURL(location string) bool {
	l := strings.ToLower(location)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// openPostgres opens a pool of connections to the PostgreSQL database at
// rawURL. Every error it returns names the database by its redacted URL and
// has the password cut out.
func openPostgres(ctx context.Context, rawURL string) (*Store, error) {
	name, password, err := splitPassword(rawURL)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: invalid URL: %w", name, err)
	}
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", name, scrub(err, password))
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(pgMaxConns)
	db.SetMaxIdleConns(pgMaxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", name, scrub(err, password))
	}
	if err := migrate(ctx, db, postgresDialect, name); err != nil {
		db.Close()
		return nil, scrub(err, password)
	}
	return &Store{path: name, d: postgresDialect, now: time.Now, w: db, r: db}, nil
}

// splitPassword separates the password from a PostgreSQL URL. shown is
// rawURL fit for errors and logs (see feeds.RedactURL: the user information
// and the password parameter are replaced by "<secret>"); password is the
// password, from the user information or else the password query
// parameter, for scrub. A URL that does not parse is shown by its scheme
// alone, and err says why without quoting it.
func splitPassword(rawURL string) (shown, password string, err error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		scheme, _, _ := strings.Cut(rawURL, "://")
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return scheme + "://…", "", err
	}
	if p, ok := u.User.Password(); ok {
		password = p
	} else {
		password = u.Query().Get("password")
	}
	return feeds.RedactURL(rawURL), password, nil
}

// scrub returns err with every occurrence of password in its message
// replaced by "<secret>". The drivers do not put passwords in their errors, but
// this does not rely on it.
func scrub(err error, password string) error {
	if err == nil || password == "" || !strings.Contains(err.Error(), password) {
		return err
	}
	return &scrubbedError{err: err, password: password}
}

type scrubbedError struct {
	err      error
	password string
}

func (e *scrubbedError) Error() string {
	return strings.ReplaceAll(e.err.Error(), e.password, "<secret>")
}

func (e *scrubbedError) Unwrap() error { return e.err }

// pgSchemaVersion returns the version of the schema, 0 for a new database.
// PostgreSQL has no header field for it: it is the one row of the table
// schema_version, which pgSetSchemaVersion creates.
func pgSchemaVersion(ctx context.Context, db querier) (int, error) {
	// Not to_regclass: it may answer from the connection's catalog cache,
	// which after another process's migration can be stale until this
	// connection next locks a table. A query of pg_tables reads the catalog
	// as of the statement, like any query.
	var exists bool
	err := db.QueryRowContext(ctx, `
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables
WHERE schemaname = current_schema() AND tablename = 'schema_version')`).Scan(&exists)
	if err != nil {
		return 0, err
	}
	if !exists {
		return 0, nil
	}
	var v int
	err = db.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// pgSetSchemaVersion records v as the schema version, inside tx.
func pgSetSchemaVersion(ctx context.Context, tx execer, v int) error {
	_, err := tx.ExecContext(ctx, `
CREATE TABLE IF NOT EXISTS schema_version (
	only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
	version  INTEGER NOT NULL
)`)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
INSERT INTO schema_version (version) VALUES ($1)
ON CONFLICT (only_row) DO UPDATE SET version = excluded.version`, v)
	return err
}

// tryLockAdvisory is TryLock on PostgreSQL: a session advisory lock, taken
// with pg_try_advisory_lock on a connection set aside for fn's duration and
// released after it. Should the connection be lost, the server frees the
// lock; a connection that cannot release it is closed, which frees it too.
// Two names whose hashtext collide share a lock.
func tryLockAdvisory(ctx context.Context, s *Store, name string, fn func(context.Context) error) (ran bool, err error) {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("store: lock %q: %w", name, err)
	}
	var got bool
	err = conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(`+pgLockClass+`, hashtext($1))`, name).Scan(&got)
	if err != nil || !got {
		conn.Close()
		if err != nil {
			return false, fmt.Errorf("store: lock %q: %w", name, err)
		}
		return false, nil
	}
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), pgUnlockTimeout)
		defer cancel()
		var released bool
		uerr := conn.QueryRowContext(uctx, `SELECT pg_advisory_unlock(`+pgLockClass+`, hashtext($1))`, name).Scan(&released)
		if uerr != nil || !released {
			// Drop the connection rather than return it to the pool
			// still holding the lock.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
		if uerr != nil && err == nil {
			err = fmt.Errorf("store: unlock %q: %w", name, uerr)
		}
	}()
	return true, fn(ctx)
}
