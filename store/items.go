package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/newsbot/newsbot/feeds"
)

// insertItemSQL stores one item unless its ID is stored already.
const insertItemSQL = `
INSERT INTO items (id, feed_url, feed, title, summary, link, published, seen, source, source_url, published_feed)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (id) DO NOTHING`

// setTextSQL stores the compressed text of an item just inserted: only new
// items pay for compression.
const setTextSQL = `UPDATE items SET text_gz = $2 WHERE id = $1`

// MaxFutureSkew is how far after the time it is first seen an item's date may
// lie and be stored as it is: a feed's clock, or its time zone, may be off by
// some hours, but a date beyond this (a pubDate in 2099) is a mistake that
// would rank the item first for years.
const MaxFutureSkew = 14 * time.Hour

// SaveItems stores items, each once (the key is Item.ID), in one transaction,
// and returns the ones that were new, in the order given. An item whose
// Published is zero is stored, and returned, with Published = seen; so is an
// item published more than MaxFutureSkew after seen, whose own date is kept
// apart (items.published_feed) and never ranks it first; the
// returned Published times are as stored: UTC, to the millisecond. Saving an
// item already stored, or twice in one call, changes nothing and does not
// return it again. Every item must have an ID, and seen must not be zero.
func (s *Store) SaveItems(ctx context.Context, items []feeds.Item, seen time.Time) ([]feeds.Item, error) {
	if len(items) == 0 {
		return nil, nil
	}
	if seen.IsZero() {
		return nil, errors.New("store: save items: zero seen time")
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: save items: %w", err)
	}
	defer tx.Rollback()
	isNew, err := insertItems(ctx, tx, items, seen, func(i int) ([]byte, error) { return packText(items[i]) })
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: save items: %w", err)
	}
	var fresh []feeds.Item
	for i, it := range items {
		if !isNew[i] {
			continue
		}
		if it.Published.IsZero() || it.Published.After(seen.Add(MaxFutureSkew)) {
			it.Published = seen
		}
		it.Published = fromMillis(it.Published.UnixMilli())
		fresh = append(fresh, it)
	}
	return fresh, nil
}

// ItemsPublished calls fn for each stored item with since <= Published <
// until, in order of Published (then ID), with its whole text (Item.Text, the
// summary for items stored without one), source and source URL. Items are read one at a time, not
// loaded all at once, and fn may call other methods of s, including ones that
// write; the walk sees the items as they were when it started. An error from
// fn stops the walk and is returned as it is; so does cancelling ctx.
func (s *Store) ItemsPublished(ctx context.Context, since, until time.Time, fn func(feeds.Item) error) error {
	rows, err := s.r.QueryContext(ctx, `
SELECT id, feed_url, feed, title, summary, link, published, source, source_url, text_gz
FROM items
WHERE published >= $1 AND published < $2
ORDER BY published, id`, since.UnixMilli(), until.UnixMilli())
	if err != nil {
		return fmt.Errorf("store: items published: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		// database/sql notices a cancelled ctx asynchronously; checking
		// here makes the walk stop at the next item.
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("store: items published: %w", err)
		}
		var (
			it        feeds.Item
			published int64
			packed    []byte
		)
		if err := rows.Scan(&it.ID, &it.FeedURL, &it.Feed, &it.Title, &it.Summary, &it.Link, &published,
			&it.Source, &it.SourceURL, &packed); err != nil {
			return fmt.Errorf("store: items published: %w", err)
		}
		it.Published = fromMillis(published)
		text, err := unpackText(packed, it.Summary)
		if err != nil {
			return fmt.Errorf("store: items published: item %s: %w", it.ID, err)
		}
		it.Text = text
		if err := fn(it); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: items published: %w", err)
	}
	return nil
}

// CountItems returns how many items are stored.
func (s *Store) CountItems(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM items`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count items: %w", err)
	}
	return n, nil
}

// insertItems stores items in tx, each once, in order of ID (so that
// transactions saving overlapping batches at once, replicas on PostgreSQL,
// lock the keys in the same order and cannot deadlock), and reports which
// were new, by their index in items. Of repeats, the first given is stored.
// packed returns the compressed text of items[i] (nil for none); it is
// called for new items only.
func insertItems(ctx context.Context, tx *sql.Tx, items []feeds.Item, seen time.Time, packed func(i int) ([]byte, error)) ([]bool, error) {
	stmt, err := tx.PrepareContext(ctx, insertItemSQL)
	if err != nil {
		return nil, fmt.Errorf("store: save items: %w", err)
	}
	defer stmt.Close()
	var setText *sql.Stmt // prepared at the first item with a text to keep
	defer func() {
		if setText != nil {
			setText.Close()
		}
	}()
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(items[a].ID, items[b].ID) })
	isNew := make([]bool, len(items))
	for _, i := range order {
		it := items[i]
		if it.ID == "" {
			return nil, fmt.Errorf("store: save items: item %q from %s has no ID", it.Title, it.FeedURL)
		}
		var feedDate any // the feed's own date, kept when it lies in the future
		switch {
		case it.Published.IsZero():
			it.Published = seen
		case it.Published.After(seen.Add(MaxFutureSkew)):
			feedDate = it.Published.UnixMilli()
			it.Published = seen
		}
		n, err := affected(stmt.ExecContext(ctx, it.ID, it.FeedURL, it.Feed, it.Title, it.Summary, it.Link,
			it.Published.UnixMilli(), seen.UnixMilli(), it.Source, it.SourceURL, feedDate))
		if err != nil {
			return nil, fmt.Errorf("store: save item %s: %w", it.ID, err)
		}
		isNew[i] = n == 1
		if !isNew[i] {
			continue
		}
		text, err := packed(i)
		if err != nil {
			return nil, fmt.Errorf("store: save item %s: %w", it.ID, err)
		}
		if text == nil {
			continue
		}
		if setText == nil {
			if setText, err = tx.PrepareContext(ctx, setTextSQL); err != nil {
				return nil, fmt.Errorf("store: save items: %w", err)
			}
		}
		if _, err := setText.ExecContext(ctx, it.ID, text); err != nil {
			return nil, fmt.Errorf("store: save item %s: %w", it.ID, err)
		}
	}
	return isNew, nil
}

// KnownItems returns which of ids are stored already. Callers use it to do
// once per item what only new items need, such as fetching an article page.
func (s *Store) KnownItems(ctx context.Context, ids []string) (map[string]bool, error) {
	known := map[string]bool{}
	for chunk := range slices.Chunk(ids, 500) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		err := eachRow(ctx, s.r, func(rows *sql.Rows) error {
			id, err := scanString(rows)
			if err != nil {
				return err
			}
			known[id] = true
			return nil
		}, `SELECT id FROM items WHERE id IN (`+placeholders(1, len(chunk))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: known items: %w", err)
		}
	}
	return known, nil
}
