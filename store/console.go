package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The queries of the operator's console (internal/console): counts per day
// for its charts and the delivered-versus-pending table. A "day" is whatever
// the caller's bounds say, so that the days are the team's local days, DST
// included; the counting happens in SQL, so only the counts leave the
// database.

// DayCount is how many things one key (a profile, a feed URL) had on one day.
type DayCount struct {
	// Key is the profile name or the feed URL.
	Key string
	// Day is the index of the day in the bounds asked with: the day runs
	// from bounds[Day] (included) to bounds[Day+1] (excluded).
	Day int
	// Count is never zero: days without any are left out.
	Count int
}

// MaxDays is the most days one count query takes.
const MaxDays = 366

// MatchesPerDay counts the matches made (Match.Matched) per profile per day,
// the days running between consecutive bounds, which must be increasing. The
// result is ordered by profile, then day.
func (s *Store) MatchesPerDay(ctx context.Context, bounds []time.Time) ([]DayCount, error) {
	out, err := s.countPerDay(ctx, "matches", "profile", "matched", bounds)
	if err != nil {
		return nil, fmt.Errorf("store: matches per day: %w", err)
	}
	return out, nil
}

// ItemsPerFeedPerDay counts the stored items per feed URL per day of their
// Published time, the days running between consecutive bounds, which must
// be increasing. The result is ordered by feed URL, then day.
func (s *Store) ItemsPerFeedPerDay(ctx context.Context, bounds []time.Time) ([]DayCount, error) {
	out, err := s.countPerDay(ctx, "items", "feed_url", "published", bounds)
	if err != nil {
		return nil, fmt.Errorf("store: items per feed per day: %w", err)
	}
	return out, nil
}

// countPerDay counts the rows of table per key column per day of the
// millisecond time column at, the days bounded by bounds.
func (s *Store) countPerDay(ctx context.Context, table, key, at string, bounds []time.Time) ([]DayCount, error) {
	if len(bounds) < 2 || len(bounds) > MaxDays+1 {
		return nil, fmt.Errorf("need 2 to %d day bounds, got %d", MaxDays+1, len(bounds))
	}
	args := make([]any, len(bounds))
	for i, b := range bounds {
		if i > 0 && !b.After(bounds[i-1]) {
			return nil, errors.New("day bounds must increase")
		}
		args[i] = b.UnixMilli()
	}
	// CASE picks the day: the first upper bound the time is below. One
	// scan, portable, and exact for days of 23 or 25 hours.
	var day strings.Builder
	day.WriteString("CASE")
	for i := 1; i < len(bounds); i++ {
		fmt.Fprintf(&day, " WHEN %s < $%d THEN %d", at, i+1, i-1)
	}
	day.WriteString(" END")
	q := `SELECT k, d, COUNT(*) FROM (
	SELECT ` + key + ` AS k, ` + day.String() + ` AS d FROM ` + table + `
	WHERE ` + at + ` >= $1 AND ` + at + ` < $` + strconv.Itoa(len(bounds)) + `
) t
GROUP BY k, d
ORDER BY k, d`
	return queryAll(ctx, s.r, func(rows *sql.Rows) (DayCount, error) {
		var c DayCount
		err := rows.Scan(&c.Key, &c.Day, &c.Count)
		return c, err
	}, q, args...)
}

// DeliveryCount is one profile's matches delivered and pending.
type DeliveryCount struct {
	Profile string
	// Delivered counts the matches delivered since the time asked for
	// (posted: not those MarkMuted settled).
	Delivered int
	// Pending counts every match not delivered yet, however old.
	Pending int
}

// DeliveryCounts returns, per profile with any, how many matches were
// delivered since since and how many are pending now, ordered by profile.
func (s *Store) DeliveryCounts(ctx context.Context, since time.Time) ([]DeliveryCount, error) {
	out, err := queryAll(ctx, s.r, func(rows *sql.Rows) (DeliveryCount, error) {
		var c DeliveryCount
		err := rows.Scan(&c.Profile, &c.Delivered, &c.Pending)
		return c, err
	}, `
SELECT profile,
	SUM(CASE WHEN delivered_at >= $1 THEN 1 ELSE 0 END),
	SUM(CASE WHEN delivered_at IS NULL THEN 1 ELSE 0 END)
FROM matches
WHERE delivered_at IS NULL OR (delivered_at >= $1 AND delivery_ref NOT LIKE $2)
GROUP BY profile
ORDER BY profile`, since.UnixMilli(), MutedRef+"%")
	if err != nil {
		return nil, fmt.Errorf("store: delivery counts: %w", err)
	}
	return out, nil
}
