package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/newsbot/newsbot/store"
)

// Prune deletes from the store what is older than retention, counted back
// from p.Now: items first seen before then with their delivered matches,
// finished journal entries and marks (see store.Store.Prune). Pending
// matches and their items are always kept. The daemon calls it daily and
// once at the end of its run; the caller logs the result.
func (p *Pipeline) Prune(ctx context.Context, retention time.Duration) (store.PruneStats, error) {
	if retention <= 0 {
		return store.PruneStats{}, errors.New("pipeline: prune: retention must be positive")
	}
	st, err := p.Store.Prune(ctx, p.Now().Add(-retention))
	if err != nil {
		return st, fmt.Errorf("pipeline: prune: %w", err)
	}
	return st, nil
}
