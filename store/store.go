// Package store remembers what newsbot has seen and sent: feed polling state,
// items, the matches of each profile, their delivery (an outbox: a match is
// pending until MarkDelivered records that Slack accepted it) and a few marks
// of one-off events.
//
// It is the only package that speaks SQL, to one of two backends chosen by
// the location given to Open: a file path is SQLite, through the pure-Go
// driver modernc.org/sqlite in WAL mode with one writer; a postgres:// or
// postgresql:// URL is PostgreSQL, through a pool of github.com/jackc/pgx/v5
// connections. The SQL is shared ($n placeholders, ON CONFLICT clauses, BIGINT
// unix milliseconds for times); what differs between the two is gathered in a
// dialect, in sqlite.go and postgres.go.
//
// Several processes may share one database (several `newsbot run` replicas on
// one PostgreSQL, or on one SQLite file on a local disk). They coordinate
// through the database alone: ClaimFeeds leases each due feed to one of them,
// unique keys store each item and match once, and TryLock runs a task, such
// as the delivery of one digest, in one process at a time.
//
// Every time is stored as UTC unix milliseconds, so times read back are in UTC
// and truncated to the millisecond.
//
// The store stays bounded: Prune deletes what retention no longer needs,
// never a pending entry. On SQLite, Open refuses a damaged file before
// writing to it (PRAGMA quick_check); Check runs the full integrity check.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Store is a newsbot database. It is safe for use by several goroutines. On
// SQLite all writes go through one connection, one at a time, and reads use a
// separate pool of read-only connections, so a read in progress (for instance
// the walk of ItemsPublished) never blocks a write, and a write never blocks a
// read. On PostgreSQL reads and writes share one pool and the server keeps
// them apart.
type Store struct {
	// path names the database in errors: the SQLite path, or the PostgreSQL
	// URL with its password redacted.
	path string
	// d is what differs between SQLite and PostgreSQL.
	d *dialect
	// now is the clock of TryLock's leases on SQLite.
	now func() time.Time
	// w holds the single writing connection. SQLite allows one writer at a
	// time; queueing writers in database/sql instead of in SQLite's busy
	// handler keeps them fair and makes ctx cancellation work while waiting.
	w *sql.DB
	// r is a pool of query-only connections. In WAL mode readers see the
	// last committed state and do not wait for the writer. On PostgreSQL, r
	// and w are the same pool.
	r *sql.DB
}

// Open opens the database at location and brings its schema up to date. A
// location starting with postgres:// or postgresql:// is a PostgreSQL
// connection URL (for example
// postgres://newsbot:PASSWORD@db:5432/newsbot?sslmode=verify-full), any other
// is the path of a SQLite file, created if needed. The directory holding a
// SQLite file must exist and be writable (SQLite keeps its -wal and -shm
// files beside the database); otherwise Open returns an error naming the path
// and what to do. Errors never show a URL's password.
//
// Open refuses a database written by a newer newsbot with an error wrapping
// ErrNewerSchema, and leaves such a database unchanged. On SQLite it first
// runs PRAGMA quick_check, which reads the whole file, and refuses a damaged
// one with an error wrapping ErrCorrupt, before anything writes to it
// (PostgreSQL checks its own pages). Several processes may
// Open one database at the same time: their migrations do not race. The
// caller must Close the Store.
func Open(ctx context.Context, location string) (*Store, error) {
	if isPostgresURL(location) {
		return openPostgres(ctx, location)
	}
	return openSQLite(ctx, location)
}

// Backend returns the name of the database system, "sqlite" or "postgres",
// for logs.
func (s *Store) Backend() string { return s.d.name }

// openSQLite opens the SQLite database at path, creating the file if needed.
// The directory holding path must exist and be writable (SQLite keeps its
// -wal and -shm files beside the database); otherwise openSQLite returns an
// error naming the path and what to do.
func openSQLite(ctx context.Context, path string) (*Store, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	w, err := sql.Open(driverName, writeDSN(path))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := &Store{path: path, d: sqliteDialect, now: time.Now, w: w}

	// Damage found now is reported before anything writes to the file.
	if err := quickCheck(ctx, w, path); err != nil {
		w.Close()
		return nil, err
	}
	if err := migrate(ctx, w, s.d, path); err != nil {
		w.Close()
		return nil, err
	}

	r, err := sql.Open(driverName, readDSN(path))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(readConns)
	r.SetMaxIdleConns(readConns)
	if err := r.PingContext(ctx); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s.r = r
	return s, nil
}

// Close closes the database. Streams started by ItemsPublished must have
// returned before Close is called.
func (s *Store) Close() error {
	var err error
	if s.r == s.w {
		err = s.w.Close()
	} else {
		err = errors.Join(s.r.Close(), s.w.Close())
	}
	if err != nil {
		return fmt.Errorf("store: close %s: %w", s.path, err)
	}
	return nil
}

// checkPath turns the usual ways a state path can be wrong into errors that
// say what to do, before SQLite reports them as "unable to open database
// file".
func checkPath(path string) error {
	const fix = "set `store:` in the configuration"
	if path == "" {
		return fmt.Errorf("store: open: empty database path; %s", fix)
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("store: open %s: directory %s does not exist; create it or %s", path, dir, fix)
	case err != nil:
		return fmt.Errorf("store: open %s: %w", path, err)
	case !fi.IsDir():
		return fmt.Errorf("store: open %s: %s is not a directory; %s", path, dir, fix)
	}

	fi, err = os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return fmt.Errorf("store: open %s: is a directory, not a database file; %s to a file path", path, fix)
	case err == nil:
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("store: open %s: database file is not writable; fix its permissions or %s: %w", path, fix, pathErr(err))
		}
		f.Close()
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("store: open %s: %w", path, err)
	}

	// SQLite creates the database and its -wal and -shm files in dir, so the
	// directory itself must be writable even when the file exists.
	f, err := os.CreateTemp(dir, ".newsbot-probe-*")
	if err != nil {
		return fmt.Errorf("store: open %s: directory %s is not writable; make it writable by this user or %s: %w", path, dir, fix, pathErr(err))
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

// pathErr strips the *fs.PathError around err, whose path is already in the
// message (or, for the probe file, is of no interest).
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
