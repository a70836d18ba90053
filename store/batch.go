package store

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/newsbot/newsbot/feeds"
)

// PollResult is what one poll of one feed produced: the feed's new state, the
// items it served, and the matches of those items.
type PollResult struct {
	State FeedState
	Items []feeds.Item
	// Matches are matches of Items. Only those whose item is stored for the
	// first time by this call are recorded: an item seen before was matched
	// when it was first seen (or is left to backfill).
	Matches []Match
}

// PollSaved says what SavePolls stored for the first time.
type PollSaved struct {
	NewItems   int
	NewMatches []Match
}

// SavePolls stores the results of several feeds' polls in one transaction:
// their items (each once), the matches of the items that are new, and the
// feeds' states (ending their leases). Batching feeds amortises the commit,
// which dominates the cost of small writes. Items whose Published is zero are
// stored with Published = seen. Rows are written in key order, so replicas
// saving overlapping batches at once cannot deadlock.
func (s *Store) SavePolls(ctx context.Context, rs []PollResult, seen time.Time) (PollSaved, error) {
	var saved PollSaved
	if len(rs) == 0 {
		return saved, nil
	}
	if seen.IsZero() {
		return saved, errors.New("store: save polls: zero seen time")
	}
	var items []feeds.Item
	var matches []Match
	states := make([]FeedState, 0, len(rs))
	for _, r := range rs {
		if r.State.URL == "" {
			return saved, errors.New("store: save polls: feed state with empty URL")
		}
		items = append(items, r.Items...)
		matches = append(matches, r.Matches...)
		states = append(states, r.State)
	}
	slices.SortStableFunc(items, func(a, b feeds.Item) int { return strings.Compare(a.ID, b.ID) })
	slices.SortStableFunc(matches, func(a, b Match) int {
		return cmp.Or(strings.Compare(a.Profile, b.Profile), strings.Compare(a.ItemID, b.ItemID))
	})
	slices.SortStableFunc(states, func(a, b FeedState) int { return strings.Compare(a.URL, b.URL) })

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return saved, fmt.Errorf("store: save polls: %w", err)
	}
	defer tx.Rollback()

	fresh := map[string]bool{}
	if len(items) > 0 {
		stmt, err := tx.PrepareContext(ctx, insertItemSQL)
		if err != nil {
			return saved, fmt.Errorf("store: save polls: %w", err)
		}
		defer stmt.Close()
		for _, it := range items {
			if it.ID == "" {
				return saved, fmt.Errorf("store: save polls: item %q from %s has no ID", it.Title, it.FeedURL)
			}
			if fresh[it.ID] {
				continue // a repeat within the batch
			}
			published := it.Published
			if published.IsZero() {
				published = seen
			}
			res, err := stmt.ExecContext(ctx, it.ID, it.FeedURL, it.Feed, it.Title, it.Summary, it.Link,
				published.UnixMilli(), seen.UnixMilli())
			if err != nil {
				return saved, fmt.Errorf("store: save item %s: %w", it.ID, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return saved, fmt.Errorf("store: save item %s: %w", it.ID, err)
			} else if n == 1 {
				fresh[it.ID] = true
				saved.NewItems++
			}
		}
	}

	if len(matches) > 0 {
		stmt, err := tx.PrepareContext(ctx, insertMatchSQL)
		if err != nil {
			return saved, fmt.Errorf("store: save polls: %w", err)
		}
		defer stmt.Close()
		for _, m := range matches {
			if !fresh[m.ItemID] {
				continue
			}
			terms := m.Terms
			if terms == nil {
				terms = []string{}
			}
			buf, err := json.Marshal(terms)
			if err != nil {
				return saved, fmt.Errorf("store: save match %s/%s: %w", m.Profile, m.ItemID, err)
			}
			res, err := stmt.ExecContext(ctx, m.Profile, m.ItemID, m.Channel, string(buf), m.Score, m.Matched.UnixMilli())
			if err != nil {
				return saved, fmt.Errorf("store: save match %s/%s: %w", m.Profile, m.ItemID, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return saved, fmt.Errorf("store: save match %s/%s: %w", m.Profile, m.ItemID, err)
			} else if n == 1 {
				saved.NewMatches = append(saved.NewMatches, m)
			}
		}
	}

	stmt, err := tx.PrepareContext(ctx, upsertFeedStateSQL)
	if err != nil {
		return saved, fmt.Errorf("store: save polls: %w", err)
	}
	defer stmt.Close()
	for _, st := range states {
		if _, err := stmt.ExecContext(ctx, feedStateArgs(st)...); err != nil {
			return saved, fmt.Errorf("store: save feed state %s: %w", st.URL, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return PollSaved{}, fmt.Errorf("store: save polls: %w", err)
	}
	return saved, nil
}
