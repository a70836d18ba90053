package store

import (
	"context"
	"database/sql"
)

// dialect is what differs between SQLite (sqlite.go) and PostgreSQL
// (postgres.go). Everything else, the SQL included, is shared.
type dialect struct {
	// name is the backend's name, as Backend returns it.
	name string
	// schemaVersion returns the version of the schema, 0 for a new
	// database. It must not write.
	schemaVersion func(ctx context.Context, db querier) (int, error)
	// setSchemaVersion records v as the schema version, inside tx.
	setSchemaVersion func(ctx context.Context, tx execer, v int) error
	// prepare readies a database whose schema version has been checked,
	// before the migrations run; nil if there is nothing to do.
	prepare func(ctx context.Context, db *sql.DB) error
	// lockMigrations is the first statement of every migration
	// transaction: it waits until no other process is migrating, so that
	// processes opening one database together do not race. Nil if the
	// transaction itself excludes other writers.
	lockMigrations func(ctx context.Context, tx *sql.Tx) error
	// skipLocked ends the subquery that picks the feeds ClaimFeeds claims:
	// on PostgreSQL it locks them and passes over those another
	// transaction is claiming; empty where a write transaction excludes
	// every other.
	skipLocked string
	// reclaim gives the space freed by Prune back to the file system; nil
	// where the server manages space itself (PostgreSQL's autovacuum
	// makes it reusable).
	reclaim func(ctx context.Context, db *sql.DB) error
	// size returns the size of the database in bytes, cheaply (no scan).
	size func(ctx context.Context, db querier) (int64, error)
	// tryLock implements Store.TryLock.
	tryLock func(ctx context.Context, s *Store, name string, fn func(context.Context) error) (bool, error)
}
