package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/newsbot/newsbot/feeds"
)

// ErrNotFound means the thing asked for is not stored.
var ErrNotFound = errors.New("store: not found")

// Match records that an item matched a profile. A match is pending until
// MarkDelivered records its delivery.
type Match struct {
	// ItemID is the ID of the matched item, which must be stored.
	ItemID string
	// Profile is the name of the profile that matched.
	Profile string
	// Channel is the Slack channel the profile's digest goes to.
	Channel string
	// Terms are the profile terms that hit.
	Terms []string
	// Score ranks the match within the digest.
	Score float64
	// Matched is when the match was made.
	Matched time.Time
}

// Pending is an undelivered match joined with its item.
type Pending struct {
	Match
	Item feeds.Item
}

// insertMatchSQL records one match unless (profile, item) is recorded already.
const insertMatchSQL = `
INSERT INTO matches (profile, item_id, channel, terms, score, matched)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (profile, item_id) DO NOTHING`

// SaveMatches records matches in one transaction, each (Profile, ItemID) once:
// a match already recorded, delivered or not, is left as it is, and so is a
// repeat within ms. It returns how many matches were new. Each ItemID must
// name a stored item; otherwise nothing is saved and an error is returned.
func (s *Store) SaveMatches(ctx context.Context, ms []Match) (int, error) {
	if len(ms) == 0 {
		return 0, nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: save matches: %w", err)
	}
	defer tx.Rollback()
	fresh, err := insertMatches(ctx, tx, ms)
	if err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: save matches: %w", err)
	}
	return len(fresh), nil
}

// Pending returns every undelivered match with its item (all but its whole
// text: Item.Text is left empty), ordered by profile,
// then by the item's Published, newest first (then by item ID).
func (s *Store) Pending(ctx context.Context) ([]Pending, error) {
	return s.matchesWith(ctx, "pending", `
SELECT `+pendingColumns+`
FROM matches m
JOIN items i ON i.id = m.item_id
WHERE m.delivered_at IS NULL
ORDER BY m.profile, i.published DESC, m.item_id`)
}

// pendingColumns are the columns of a Pending, in the order matchesWith
// scans them: the match (m), then its item (i).
const pendingColumns = `m.profile, m.item_id, m.channel, m.terms, m.score, m.matched,
	i.feed_url, i.feed, i.title, i.summary, i.link, i.published, i.source, i.source_url`

// matchesWith runs query, which selects pendingColumns, and returns its
// rows; what names the query in errors.
func (s *Store) matchesWith(ctx context.Context, what, query string, args ...any) ([]Pending, error) {
	ps, err := queryAll(ctx, s.r, func(rows *sql.Rows) (Pending, error) {
		var (
			p                  Pending
			terms              string
			matched, published int64
		)
		err := rows.Scan(&p.Profile, &p.ItemID, &p.Channel, &terms, &p.Score, &matched,
			&p.Item.FeedURL, &p.Item.Feed, &p.Item.Title, &p.Item.Summary, &p.Item.Link, &published,
			&p.Item.Source, &p.Item.SourceURL)
		if err != nil {
			return p, err
		}
		if err := json.Unmarshal([]byte(terms), &p.Terms); err != nil {
			return p, fmt.Errorf("terms of %s/%s: %w", p.Profile, p.ItemID, err)
		}
		p.Matched = fromMillis(matched)
		p.Item.ID = p.ItemID
		p.Item.Published = fromMillis(published)
		return p, nil
	}, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return ps, nil
}

// MarkDelivered marks the matches of profile for itemIDs delivered at at, by
// ref (for example "slack:C123:1712345.000100"), in one transaction: either
// all are marked or, on error, none. Matches already delivered keep their
// first delivery; item IDs without a match of profile are ignored.
func (s *Store) MarkDelivered(ctx context.Context, profile string, itemIDs []string, ref string, at time.Time) error {
	if len(itemIDs) == 0 {
		return nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: mark delivered %s: %w", profile, err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `
UPDATE matches SET delivered_at = $1, delivery_ref = $2
WHERE profile = $3 AND item_id = $4 AND delivered_at IS NULL`)
	if err != nil {
		return fmt.Errorf("store: mark delivered %s: %w", profile, err)
	}
	defer stmt.Close()
	// In key order, like SaveMatches, so that concurrent transactions
	// cannot deadlock.
	itemIDs = slices.Clone(itemIDs)
	slices.Sort(itemIDs)
	for _, id := range itemIDs {
		if _, err := stmt.ExecContext(ctx, at.UnixMilli(), ref, profile, id); err != nil {
			return fmt.Errorf("store: mark delivered %s/%s: %w", profile, id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: mark delivered %s: %w", profile, err)
	}
	return nil
}

// MutedRef starts the delivery ref of a match that MarkMuted settled: it
// was never posted, because readers muted its story.
const MutedRef = "muted:"

// MarkMuted settles the matches of profile for itemIDs at at without a post,
// because they are copies of a story that readers muted (story names it,
// for example the muted item's ID): they leave the pending set, as after
// MarkDelivered, with the ref MutedRef+story, and they count as delivered
// nowhere (DeliveredSince, DeliveryCounts).
func (s *Store) MarkMuted(ctx context.Context, profile string, itemIDs []string, story string, at time.Time) error {
	return s.MarkDelivered(ctx, profile, itemIDs, MutedRef+story, at)
}

// Delivered reports whether the match of profile for itemID has been
// delivered. It returns an error wrapping ErrNotFound when there is no such
// match.
func (s *Store) Delivered(ctx context.Context, profile, itemID string) (bool, error) {
	var at sql.NullInt64
	err := s.r.QueryRowContext(ctx,
		`SELECT delivered_at FROM matches WHERE profile = $1 AND item_id = $2`, profile, itemID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("store: delivered %s/%s: %w", profile, itemID, ErrNotFound)
	}
	if err != nil {
		return false, fmt.Errorf("store: delivered %s/%s: %w", profile, itemID, err)
	}
	return at.Valid, nil
}

// insertMatches records ms in tx, each (Profile, ItemID) once, in key order
// (so that concurrent transactions lock the keys in the same order and
// cannot deadlock), and returns the ones that were new. Of repeats, the first
// given is stored.
func insertMatches(ctx context.Context, tx *sql.Tx, ms []Match) ([]Match, error) {
	stmt, err := tx.PrepareContext(ctx, insertMatchSQL)
	if err != nil {
		return nil, fmt.Errorf("store: save matches: %w", err)
	}
	defer stmt.Close()
	ms = slices.Clone(ms)
	slices.SortStableFunc(ms, func(a, b Match) int {
		return cmp.Or(strings.Compare(a.Profile, b.Profile), strings.Compare(a.ItemID, b.ItemID))
	})
	var fresh []Match
	for _, m := range ms {
		terms := m.Terms
		if terms == nil {
			terms = []string{}
		}
		buf, err := json.Marshal(terms)
		if err != nil {
			return nil, fmt.Errorf("store: save match %s/%s: %w", m.Profile, m.ItemID, err)
		}
		n, err := affected(stmt.ExecContext(ctx, m.Profile, m.ItemID, m.Channel, string(buf), m.Score, m.Matched.UnixMilli()))
		if err != nil {
			return nil, fmt.Errorf("store: save match %s/%s: %w", m.Profile, m.ItemID, err)
		}
		if n == 1 {
			fresh = append(fresh, m)
		}
	}
	return fresh, nil
}
