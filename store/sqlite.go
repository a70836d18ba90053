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
	prepare:          prepareSQLite,
	reclaim:          reclaimSQLite,
	size:             sqliteSize,
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

// prepareSQLite readies the file: incremental auto-vacuum, so that Prune
// can give space back, and write-ahead logging.
func prepareSQLite(ctx context.Context, db *sql.DB) error {
	if err := enableIncrementalVacuum(ctx, db); err != nil {
		return err
	}
	return enableWAL(ctx, db)
}

// enableIncrementalVacuum switches the database to auto_vacuum=INCREMENTAL,
// under which freed pages can be returned to the file system (see
// reclaimSQLite). On a new database setting the pragma is enough; a database
// created before newsbot did this (auto_vacuum=NONE) needs one VACUUM, which
// rewrites the whole file: it runs once, at the first Open by a newsbot that
// knows, takes the write lock while it runs, and needs free disk space about
// the size of the file.
func enableIncrementalVacuum(ctx context.Context, db *sql.DB) error {
	const incremental = 2
	var mode int
	if err := db.QueryRowContext(ctx, "PRAGMA auto_vacuum").Scan(&mode); err != nil {
		return err
	}
	if mode == incremental {
		return nil
	}
	if _, err := db.ExecContext(ctx, "PRAGMA auto_vacuum = INCREMENTAL"); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, "PRAGMA auto_vacuum").Scan(&mode); err != nil {
		return err
	}
	if mode == incremental {
		return nil // a new database
	}
	if _, err := db.ExecContext(ctx, "VACUUM"); err != nil {
		return fmt.Errorf("vacuum to enable incremental auto-vacuum: %w", err)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA auto_vacuum").Scan(&mode); err != nil {
		return err
	}
	if mode != incremental {
		return fmt.Errorf("auto_vacuum is %d after VACUUM, want %d (incremental)", mode, incremental)
	}
	return nil
}

// reclaimSQLite returns the free pages to the file system: the incremental
// vacuum moves them to the end of the database and truncates it, and the
// checkpoint writes that back from the WAL into the file and empties the WAL.
// A checkpoint that readers keep from finishing is not an error: the next
// one completes it.
func reclaimSQLite(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, "PRAGMA incremental_vacuum"); err != nil {
		return err
	}
	var busy, logPages, done int
	return db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logPages, &done)
}

// sqliteSize returns the size of the database, page_count × page_size,
// without reading it; the -wal file is not counted.
func sqliteSize(ctx context.Context, db querier) (int64, error) {
	var n int64
	err := db.QueryRowContext(ctx, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()").Scan(&n)
	return n, err
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
