package store

import (
	"database/sql"
	"time"
)

// Times are stored as UTC unix milliseconds in BIGINT columns; a zero
// time.Time is stored as NULL where a column may be "never".

// nullMillis returns t as unix milliseconds, or NULL when t is zero.
func nullMillis(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// fromMillis returns the UTC time of ms unix milliseconds.
func fromMillis(ms int64) time.Time {
	return time.UnixMilli(ms).UTC()
}

// fromNullMillis returns the time of ms, or the zero time when ms is NULL.
func fromNullMillis(ms sql.NullInt64) time.Time {
	if !ms.Valid {
		return time.Time{}
	}
	return fromMillis(ms.Int64)
}
