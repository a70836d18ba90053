package store

import (
	"context"
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
	// Texts, if not nil, are the Items' texts as PackTexts returns them,
	// index for index; SavePolls then stores them as they are instead of
	// compressing the texts of the new items itself.
	Texts [][]byte
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
	var texts [][]byte // packed texts given, by index in items
	var given []bool
	var matches []Match
	states := make([]FeedState, 0, len(rs))
	for _, r := range rs {
		if r.State.URL == "" {
			return saved, errors.New("store: save polls: feed state with empty URL")
		}
		if r.Texts != nil && len(r.Texts) != len(r.Items) {
			return saved, fmt.Errorf("store: save polls: %s: %d texts for %d items", r.State.URL, len(r.Texts), len(r.Items))
		}
		for i := range r.Items {
			if r.Texts != nil {
				texts = append(texts, r.Texts[i])
				given = append(given, true)
			} else {
				texts = append(texts, nil)
				given = append(given, false)
			}
		}
		items = append(items, r.Items...)
		matches = append(matches, r.Matches...)
		states = append(states, r.State)
	}
	slices.SortStableFunc(states, func(a, b FeedState) int { return strings.Compare(a.URL, b.URL) })

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return saved, fmt.Errorf("store: save polls: %w", err)
	}
	defer tx.Rollback()

	isNew, err := insertItems(ctx, tx, items, seen, func(i int) ([]byte, error) {
		if given[i] {
			return texts[i], nil
		}
		return packText(items[i])
	})
	if err != nil {
		return saved, err
	}
	fresh := map[string]bool{}
	for i, it := range items {
		if isNew[i] {
			fresh[it.ID] = true
			saved.NewItems++
		}
	}
	var ofFresh []Match
	for _, m := range matches {
		if fresh[m.ItemID] {
			ofFresh = append(ofFresh, m)
		}
	}
	if saved.NewMatches, err = insertMatches(ctx, tx, ofFresh); err != nil {
		return saved, err
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
