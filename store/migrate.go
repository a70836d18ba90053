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
	// 3: the journal of messages in flight, one message at a time (retired
	// by step 8): a message was unfinished from begun until finished was
	// set.
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
	// 6: readers' feedback from Slack (SaveFeedback in feedback.go): one
	// row per user, profile, item and action, so Slack's retries and other
	// replicas' copies of a click count once.
	`
CREATE TABLE feedback (
	profile   TEXT NOT NULL,
	item_id   TEXT NOT NULL,
	story_id  TEXT NOT NULL,
	user_id   TEXT NOT NULL,
	action    TEXT NOT NULL,
	channel   TEXT NOT NULL DEFAULT '',
	action_ts TEXT NOT NULL DEFAULT '',
	at        BIGINT NOT NULL,
	PRIMARY KEY (user_id, profile, item_id, action)
);
CREATE INDEX feedback_at ON feedback (at);
CREATE INDEX feedback_action ON feedback (action);
`,
	// 7: what an item says beyond its lead. text_gz is the whole
	// text matched (gzip; NULL when it is the summary), kept for
	// re-matching; source and source_url name the publisher an aggregator
	// credits; published_feed is the item's own date when it lay in the
	// future and published was clamped to when it was first seen.
	`
ALTER TABLE items ADD COLUMN text_gz BYTEA;
ALTER TABLE items ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN source_url TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN published_feed BIGINT;
`,
	// 8: the journal of delivery plans (journal.go): every message of a
	// digest, recorded before the first is posted, so that a run after a
	// crash finishes the digest as planned. A plan is open until closed is
	// set; a message is attempted from attempted on, and delivered once ref
	// is set. The outbox table of step 3 is no longer written.
	`
CREATE TABLE delivery_plans (
	plan_id TEXT PRIMARY KEY,
	profile TEXT NOT NULL,
	channel TEXT NOT NULL,
	planned BIGINT NOT NULL,
	closed  BIGINT
);
CREATE INDEX delivery_plans_open ON delivery_plans (planned) WHERE closed IS NULL;

CREATE TABLE delivery_messages (
	plan_id    TEXT NOT NULL REFERENCES delivery_plans (plan_id),
	seq        INTEGER NOT NULL,
	message_id TEXT NOT NULL,
	body       TEXT NOT NULL,
	attempted  BIGINT,
	ref        TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (plan_id, seq)
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
