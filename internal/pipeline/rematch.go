package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/store"
)

// RematchStats counts what a re-match did.
type RematchStats struct {
	Items   int // stored items in the range
	Matches int // matches that were new
}

// Rematch matches every stored item published in [since, until) against the
// profiles in force and records the matches that are new, so a new or edited
// profile gets its history. Matches already recorded, delivered or not, are
// left as they are. Items stream from the store; only the matches are held.
// progress, if set, is called with the count of items matched so far.
func (p *Pipeline) Rematch(ctx context.Context, since, until time.Time, progress func(items int)) (RematchStats, error) {
	var stats RematchStats
	m := p.Matcher()
	channels := p.channels(m)
	now := p.Now()
	var pending []store.Match
	err := p.Store.ItemsPublished(ctx, since, until, func(it feeds.Item) error {
		stats.Items++
		pending = append(pending, matchItems(m, []feeds.Item{it}, channels, now)...)
		if progress != nil {
			progress(stats.Items)
		}
		return ctx.Err()
	})
	if err != nil {
		return stats, fmt.Errorf("pipeline: rematch: %w", err)
	}
	for len(pending) > 0 {
		n := min(len(pending), 500)
		added, err := p.Store.SaveMatches(ctx, pending[:n])
		if err != nil {
			return stats, fmt.Errorf("pipeline: rematch: %w", err)
		}
		stats.Matches += added
		pending = pending[n:]
	}
	return stats, nil
}
