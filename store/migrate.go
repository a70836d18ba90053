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
// the version, and must run unchanged on SQLite and PostgreSQL. The SQL is portable: BIGINT unix milliseconds for times (NULL
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
	// 2: leases of feeds (ClaimFeeds) and of named locks (TryLock on SQLite;
	// PostgreSQL uses advisory locks and leaves the table empty). An empty
	// lease_owner and a NULL lease_until mean "not leased".
	`
ALTER TABLE feed_states ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE feed_states ADD COLUMN lease_until BIGINT;

CREATE TABLE locks (
	name    TEXT PRIMARY KEY,
	holder  TEXT NOT NULL,
	expires BIGINT NOT NULL
);
`,
	// 3: the journal of messages in flight (Begin, Finish in outbox.go): a
	// message is unfinished from begun until finished is set.
	`
CREATE TABLE outbox (
	message_id TEXT PRIMARY KEY,
	begun      BIGINT NOT NULL,
	finished   BIGINT
);
`,
	// 4: when each channel last got an immediate alert (LastAlerts,
	// RecordAlert in alerts.go), so digest.alert_interval holds across
	// restarts and replicas.
	`
CREATE TABLE channel_alerts (
	channel TEXT PRIMARY KEY,
	at      BIGINT NOT NULL
);
`,
	// 5: indexes for Prune: items by first-seen time, and matches by item
	// (the primary key leads with the profile, so it cannot serve "the
	// matches of this item").
	`
CREATE INDEX items_seen ON items (seen);
CREATE INDEX matches_item ON matches (item_id);
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
// anything is written, then prepares the database (SQLite: switches on WAL)
// and applies the missing steps. name is the database in errors.
func migrate(ctx context.Context, db *sql.DB, d *dialect, name string) error {
	v, err := d.schemaVersion(ctx, db)
	if err != nil {
		return fmt.Errorf("store: open %s: read schema version: %w", name, err)
	}
	if v > len(migrations) {
		return &newerSchemaError{path: name, have: v, max: len(migrations)}
	}
	if d.prepare != nil {
		if err := d.prepare(ctx, db); err != nil {
			return fmt.Errorf("store: open %s: prepare database: %w", name, err)
		}
	}
	for target := v + 1; target <= len(migrations); target++ {
		err := migrateTo(ctx, db, d, target)
		var newer *newerSchemaError
		if errors.As(err, &newer) {
			newer.path = name
			return newer
		}
		if err != nil {
			return fmt.Errorf("store: open %s: migrate to schema version %d: %w", name, target, err)
		}
	}
	return nil
}

// migrateTo applies the step to version target in one transaction, unless
// another process applied it since migrate read the version. The
// transaction first takes the dialect's migration lock, so that of several
// processes migrating at once one applies the step and the others, reading
// the version after it, skip it. A version newer than this newsbot's, set
// meanwhile by a newer one, is a *newerSchemaError.
func migrateTo(ctx context.Context, db *sql.DB, d *dialect, target int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if d.lockMigrations != nil {
		if err := d.lockMigrations(ctx, tx); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
	}
	cur, err := d.schemaVersion(ctx, tx)
	if err != nil {
		return err
	}
	if cur > len(migrations) {
		return &newerSchemaError{have: cur, max: len(migrations)}
	}
	if cur >= target {
		return nil
	}
	if _, err := tx.ExecContext(ctx, migrations[target-1]); err != nil {
		return err
	}
	if err := d.setSchemaVersion(ctx, tx, target); err != nil {
		return err
	}
	return tx.Commit()
}
