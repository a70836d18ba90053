package store

import (
	"context"
	"fmt"
)

// PendingCounts returns how many undelivered matches each profile has;
// profiles with none are absent. It reads the matches_undelivered index
// only, so it costs the same however many delivered matches are stored.
func (s *Store) PendingCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT profile, COUNT(*) FROM matches WHERE delivered_at IS NULL GROUP BY profile`)
	if err != nil {
		return nil, fmt.Errorf("store: pending counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var (
			profile string
			n       int
		)
		if err := rows.Scan(&profile, &n); err != nil {
			return nil, fmt.Errorf("store: pending counts: %w", err)
		}
		out[profile] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: pending counts: %w", err)
	}
	return out, nil
}
