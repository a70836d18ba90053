package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// pingTimeout bounds Ping when ctx allows longer: a readiness probe must
// answer quickly whatever the store does.
const pingTimeout = 2 * time.Second

// Ping checks that the database answers, with one query whose cost does not
// depend on how much is stored (SQLite: the schema version in the file's
// header; PostgreSQL: the schema_version row). It gives up after ctx's
// deadline or two seconds, whichever comes first. It suits a readiness probe.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if _, err := s.d.schemaVersion(ctx, s.r); err != nil {
		return fmt.Errorf("store: ping %s: %w", s.path, err)
	}
	return nil
}

// Size returns the size of the database in bytes without reading it, cheap
// enough for a gauge scraped every few seconds: page_count × page_size on
// SQLite (the -wal file is not counted), pg_database_size on PostgreSQL.
func (s *Store) Size(ctx context.Context) (int64, error) {
	n, err := s.d.size(ctx, s.r)
	if err != nil {
		return 0, fmt.Errorf("store: size of %s: %w", s.path, err)
	}
	return n, nil
}

// Stats describes a store: where it is, its schema, its size and the rows of
// each table. The JSON keys are a contract of `newsbot store stats --format
// json`.
type Stats struct {
	// Backend is "sqlite" or "postgres".
	Backend string `json:"backend"`
	// Location is the SQLite path, or the PostgreSQL URL without its
	// password.
	Location      string `json:"location"`
	SchemaVersion int    `json:"schema_version"`
	// SizeBytes is Size.
	SizeBytes int64 `json:"size_bytes"`
	// Tables are the row counts of newsbot's tables, in a fixed order.
	Tables []TableRows `json:"tables"`
	// Pending is the number of undelivered matches.
	Pending int64 `json:"pending"`
	// OldestItem is when the item seen first was first seen, nil when
	// there are no items: what retention has kept.
	OldestItem *time.Time `json:"oldest_item"`
}

// TableRows is the row count of one table.
type TableRows struct {
	Name string `json:"name"`
	Rows int64  `json:"rows"`
}

// statsTables are the tables Stats counts.
var statsTables = []string{"feed_states", "items", "matches", "delivery_plans", "delivery_messages", "outbox", "marks", "locks", "channel_alerts", "feedback"}

// Stats counts the rows of every table of the store and measures it. It
// reads every table (COUNT(*)), so it is for a command, not for a probe:
// see Ping and Size for those.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	st := Stats{Backend: s.d.name, Location: s.path}
	wrap := func(err error) error { return fmt.Errorf("store: stats of %s: %w", s.path, err) }
	v, err := s.d.schemaVersion(ctx, s.r)
	if err != nil {
		return st, wrap(err)
	}
	st.SchemaVersion = v
	if st.SizeBytes, err = s.d.size(ctx, s.r); err != nil {
		return st, wrap(err)
	}
	for _, t := range statsTables {
		var n int64
		// t is one of statsTables, not input.
		if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t).Scan(&n); err != nil {
			return st, wrap(fmt.Errorf("count %s: %w", t, err))
		}
		st.Tables = append(st.Tables, TableRows{Name: t, Rows: n})
	}
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM matches WHERE delivered_at IS NULL`).Scan(&st.Pending); err != nil {
		return st, wrap(err)
	}
	var oldest sql.NullInt64
	if err := s.r.QueryRowContext(ctx, `SELECT MIN(seen) FROM items`).Scan(&oldest); err != nil {
		return st, wrap(err)
	}
	if oldest.Valid {
		t := fromMillis(oldest.Int64)
		st.OldestItem = &t
	}
	return st, nil
}
