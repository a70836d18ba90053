package store

import (
	"context"
	"fmt"
	"time"
)

// Mark records key, a name for a one-off event such as "empty-digest
// #news 2026-11-24", as happened at at, and reports whether it was new. A key
// already recorded keeps its first time and first is false, so callers can
// do something at most once by doing it only when first is true.
func (s *Store) Mark(ctx context.Context, key string, at time.Time) (first bool, err error) {
	n, err := affected(s.w.ExecContext(ctx,
		`INSERT INTO marks (mark, at) VALUES ($1, $2) ON CONFLICT (mark) DO NOTHING`, key, at.UnixMilli()))
	if err != nil {
		return false, fmt.Errorf("store: mark %q: %w", key, err)
	}
	return n == 1, nil
}
