package store

import (
	"context"
	"database/sql"
	"fmt"
)

// PendingCounts returns how many undelivered matches each profile has;
// profiles with none are absent. It reads the matches_undelivered index
// only, so it costs the same however many delivered matches are stored.
func (s *Store) PendingCounts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	err := eachRow(ctx, s.r, func(rows *sql.Rows) error {
		var (
			profile string
			n       int
		)
		if err := rows.Scan(&profile, &n); err != nil {
			return err
		}
		out[profile] = n
		return nil
	}, `SELECT profile, COUNT(*) FROM matches WHERE delivered_at IS NULL GROUP BY profile`)
	if err != nil {
		return nil, fmt.Errorf("store: pending counts: %w", err)
	}
	return out, nil
}
