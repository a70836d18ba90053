package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/newsbot/newsbot/digest"
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
	var pending []store.Match
	err := p.matchPublished(ctx, since, until, progress, &stats, func(_ feeds.Item, ms []store.Match) error {
		pending = append(pending, ms...)
		return nil
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

// PreviewRematch is Rematch without its writes, for backfill --dry-run: it
// matches the stored items published in [since, until) in memory, keeps the
// matches not recorded yet, and returns the digests that Rematch followed by
// a delivery would deliver: every pending match and those. It leaves the
// store exactly as it found it, so the next delivery posts nothing from the
// preview. progress is as for Rematch.
func (p *Pipeline) PreviewRematch(ctx context.Context, since, until time.Time, progress func(items int), opts digest.Options) (RematchStats, []digest.Digest, error) {
	var stats RematchStats
	var extra []digest.Entry
	err := p.matchPublished(ctx, since, until, progress, &stats, func(it feeds.Item, ms []store.Match) error {
		for _, mt := range ms {
			_, err := p.Store.Delivered(ctx, mt.Profile, mt.ItemID)
			switch {
			case errors.Is(err, store.ErrNotFound):
				stats.Matches++
				extra = append(extra, entryOf(mt, it))
			case err != nil:
				return err
			}
		}
		return nil
	})
	if err != nil {
		return stats, nil, fmt.Errorf("pipeline: preview rematch: %w", err)
	}
	// As the pending matches, less what readers muted.
	if extra, _, err = p.dropMuted(ctx, extra); err != nil {
		return stats, nil, fmt.Errorf("pipeline: preview rematch: %w", err)
	}
	entries, _, err := p.pending(ctx, nil)
	if err != nil {
		return stats, nil, fmt.Errorf("pipeline: preview rematch: %w", err)
	}
	return stats, digest.Build(append(entries, extra...), p.DigestOptions(opts)), nil
}

// matchPublished streams the stored items published in [since, until),
// matches each against the profiles in force and hands the item and its
// matches to fn, counting the items in stats and reporting them to progress,
// if set. It stops at fn's first error or when ctx ends.
func (p *Pipeline) matchPublished(ctx context.Context, since, until time.Time, progress func(items int), stats *RematchStats, fn func(feeds.Item, []store.Match) error) error {
	m := p.Matcher()
	channels := p.channels(m)
	now := p.Now()
	return p.Store.ItemsPublished(ctx, since, until, func(it feeds.Item) error {
		stats.Items++
		if err := fn(it, matchItems(m, []feeds.Item{it}, channels, now)); err != nil {
			return err
		}
		if progress != nil {
			progress(stats.Items)
		}
		return ctx.Err()
	})
}
