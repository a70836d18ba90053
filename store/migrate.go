package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrNewerSchema means the database was written by a newer newsbot, whose
// schema this one does not know. Open returns it wrapped and leaves the
// database as it was; the fix is to upgrade newsbot.
var ErrNewerSchema = errors.New("store: database schema is newer than this newsbot supports")

// migrations are the schema steps, in order: step i brings the schema from
// version i to version i+1. Steps are append-only: never edit one that has
// shipped, add a new one. Each runs in its own transaction with the update of
// the version. The SQL is portable: BIGINT unix milliseconds for times (NULL
// for "never"), DOUBLE PRECISION for floats, partial indexes.
var migrations = []string{
	// 1: feed state, items, matches (the outbox), marks.
	`
CREATE TABLE feed_states (
	url                  TEXT PRIMARY KEY,
	name                 TEXT NOT NULL DEFAULT '',
	etag                 TEXT NOT NULL DEFAULT '',
	last_modified        TEXT NOT NULL DEFAULT '',
	last_success         BIGINT,
	last_error           TEXT NOT NULL DEFAULT '',
	last_error_at        BIGINT,
	consecutive_failures INTEGER NOT NULL DEFAULT 0,
	next_poll            BIGINT
);

CREATE TABLE items (
	id        TEXT PRIMARY KEY,
	feed_url  TEXT NOT NULL,
	feed      TEXT NOT NULL,
	title     TEXT NOT NULL,
	summary   TEXT NOT NULL,
	link      TEXT NOT NULL,
	published BIGINT NOT NULL,
	seen      BIGINT NOT NULL
);
CREATE INDEX items_published ON items (published);

CREATE TABLE matches (
	profile      TEXT NOT NULL,
	item_id      TEXT NOT NULL REFERENCES items (id),
	channel      TEXT NOT NULL,
	terms        TEXT NOT NULL,
	score        DOUBLE PRECISION NOT NULL,
	matched      BIGINT NOT NULL,
	delivered_at BIGINT,
	delivery_ref TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (profile, item_id)
);
CREATE INDEX matches_undelivered ON matches (profile) WHERE delivered_at IS NULL;

CREATE TABLE marks (
	mark TEXT PRIMARY KEY,
	at   BIGINT NOT NULL
);
`,
}

// SchemaVersion is the schema version this newsbot writes.
func SchemaVersion() int { return len(migrations) }

// newerSchemaError is the error of Open on a database from a newer newsbot.
type newerSchemaError struct {
	path      string
	have, max int
}

func (e *newerSchemaError) Error() string {
	return fmt.Sprintf("store: open %s: database schema version %d is newer than this newsbot supports (%d); upgrade newsbot",
		e.path, e.have, e.max)
}

func (e *newerSchemaError) Unwrap() error { return ErrNewerSchema }

// querier and execer are what *sql.DB, *sql.Conn and *sql.Tx have in common.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// migrate checks the schema version of db, refusing a newer one before
// anything is written, then switches on WAL and applies the missing steps.
func migrate(ctx context.Context, db *sql.DB, path string) error {
	v, err := schemaVersion(ctx, db)
	if err != nil {
		return fmt.Errorf("store: open %s: read schema version: %w", path, err)
	}
	if v > len(migrations) {
		return &newerSchemaError{path: path, have: v, max: len(migrations)}
	}
	if err := enableWAL(ctx, db); err != nil {
		return fmt.Errorf("store: open %s: enable WAL: %w", path, err)
	}
	for target := v + 1; target <= len(migrations); target++ {
		if err := migrateTo(ctx, db, target); err != nil {
			return fmt.Errorf("store: open %s: migrate to schema version %d: %w", path, target, err)
		}
	}
	return nil
}

// migrateTo applies the step to version target in one transaction, unless
// another process applied it since migrate read the version.
func migrateTo(ctx context.Context, db *sql.DB, target int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	cur, err := schemaVersion(ctx, tx)
	if err != nil {
		return err
	}
	if cur >= target {
		return nil
	}
	if _, err := tx.ExecContext(ctx, migrations[target-1]); err != nil {
		return err
	}
	if err := setSchemaVersion(ctx, tx, target); err != nil {
		return err
	}
	return tx.Commit()
}
