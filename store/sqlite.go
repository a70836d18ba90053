package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// This file holds what is specific to SQLite: the driver, the connection
// settings, and where the schema version is kept. The SQL elsewhere in the
// package runs unchanged on PostgreSQL.

// sqliteDialect is SQLite's dialect. Every write transaction takes the
// database's write lock at BEGIN (see writeDSN), which excludes every other
// writer, in this process or another: migrations and ClaimFeeds need no
// further locking.
var sqliteDialect = &dialect{
	name:             "sqlite",
	schemaVersion:    sqliteSchemaVersion,
	setSchemaVersion: sqliteSetSchemaVersion,
	prepare:          enableWAL,
	tryLock:          tryLockLease,
}

const (
	driverName = "sqlite"
	// readConns is the size of the read pool.
	readConns = 4
	// busyTimeout is how long, in milliseconds, a connection waits for a
	// lock held by another connection or process before giving up with
	// SQLITE_BUSY.
	busyTimeout = 10000
)

// writeDSN returns the DSN of the writing connection. The pragmas are
// per-connection and so are set on every connection the driver opens. The
// journal mode is not among them: it is a property of the file, and setting
// it before the schema version is checked would change a database that Open
// then refuses (see enableWAL). _txlock=immediate makes every transaction
// take the write lock at BEGIN, so that two processes sharing the file cannot
// deadlock upgrading read locks.
func writeDSN(path string) string {
	q := connPragmas()
	q.Set("_txlock", "immediate")
	return fileURI(path, q)
}

// readDSN returns the DSN of the read pool: like writeDSN, but query-only.
func readDSN(path string) string {
	q := connPragmas()
	q.Add("_pragma", "query_only(1)")
	return fileURI(path, q)
}

// connPragmas returns the pragmas of every connection.
func connPragmas() url.Values {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	return q
}

// fileURI returns path as an SQLite file: URI, escaped so that a '?' or '#'
// in the path is not read as the start of the parameters.
func fileURI(path string, q url.Values) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// enableWAL switches the database to write-ahead logging. The mode is stored
// in the file, so connections opened later use it too.
func enableWAL(ctx context.Context, db *sql.DB) error {
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
		return err
	}
	if mode != "wal" {
		return fmt.Errorf("journal mode is %q, want \"wal\"", mode)
	}
	return nil
}

// sqliteSchemaVersion returns the version of the schema, 0 for a new
// database. It is kept in SQLite's user_version header field, which changes
// atomically with the transaction that sets it.
func sqliteSchemaVersion(ctx context.Context, db querier) (int, error) {
	var v int
	err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// sqliteSetSchemaVersion records v as the schema version, inside tx.
func sqliteSetSchemaVersion(ctx context.Context, tx execer, v int) error {
	// PRAGMA takes no parameters; v is an int, so formatting is safe.
	_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v))
	return err
}
