package store

import (
	"context"
	"fmt"
	"strings"
)

// copyBatch is how many rows Copy writes in one transaction.
const copyBatch = 500

// CopyStats says what Copy did, table by table.
type CopyStats struct {
	FeedStates, Items, Matches, Marks, Feedback CopyCount
}

// CopyCount counts the rows of one table that Copy read from the source, and
// of those the ones it wrote: the ones the destination did not have.
type CopyCount struct {
	Read, Written int
}

// copyTables are the tables Copy copies, in an order that satisfies the
// foreign keys (items before matches), with the columns it copies. Feed
// leases and TryLock's locks are not copied: they belong to the processes
// using the source.
var copyTables = []struct {
	name, columns, key string
	count              func(*CopyStats) *CopyCount
}{
	{"feed_states", feedStateColumns, "url", func(c *CopyStats) *CopyCount { return &c.FeedStates }},
	{"items", "id, feed_url, feed, title, summary, link, published, seen, text_gz, source, source_url, published_feed", "id", func(c *CopyStats) *CopyCount { return &c.Items }},
	{"matches", "profile, item_id, channel, terms, score, matched, delivered_at, delivery_ref", "profile, item_id", func(c *CopyStats) *CopyCount { return &c.Matches }},
	{"marks", "mark, at", "mark", func(c *CopyStats) *CopyCount { return &c.Marks }},
	{"feedback", "profile, item_id, story_id, user_id, action, channel, action_ts, at", "user_id, profile, item_id, action", func(c *CopyStats) *CopyCount { return &c.Feedback }},
}

// Copy copies the feed states, items, matches with their delivery state,
// marks and readers' feedback of from into to, for example from a SQLite file to a new PostgreSQL
// database. Rows that to has already (by key) are left as they are, so Copy
// can be run again, for instance after an interruption, and copies only what
// is missing. Rows are streamed, not loaded all at once, and written in
// transactions of a few hundred; ctx stops the copy between rows. Processes
// should not write to from while it is copied: what they write meanwhile may
// or may not be copied.
func Copy(ctx context.Context, from, to *Store) (CopyStats, error) {
	var stats CopyStats
	for _, t := range copyTables {
		if err := copyTable(ctx, from, to, t.name, t.columns, t.key, t.count(&stats)); err != nil {
			return stats, fmt.Errorf("store: copy %s from %s to %s: %w", t.name, from.path, to.path, err)
		}
	}
	return stats, nil
}

// copyTable copies the columns of table from from to to, in order of key,
// counting into c.
func copyTable(ctx context.Context, from, to *Store, table, columns, key string, c *CopyCount) error {
	n := len(strings.Split(columns, ","))
	rows, err := from.r.QueryContext(ctx, `SELECT `+columns+` FROM `+table+` ORDER BY `+key)
	if err != nil {
		return err
	}
	defer rows.Close()
	insert := `INSERT INTO ` + table + ` (` + columns + `) VALUES (` + placeholders(1, n) + `) ON CONFLICT DO NOTHING`

	var batch [][]any
	for rows.Next() {
		vals := make([]any, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		c.Read++
		batch = append(batch, vals)
		if len(batch) == copyBatch {
			if err := writeBatch(ctx, to, insert, batch, c); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return writeBatch(ctx, to, insert, batch, c)
}

// writeBatch runs insert for each row of batch in one transaction of to,
// counting the rows written into c.
func writeBatch(ctx context.Context, to *Store, insert string, batch [][]any, c *CopyCount) error {
	if len(batch) == 0 {
		return nil
	}
	tx, err := to.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, insert)
	if err != nil {
		return err
	}
	defer stmt.Close()
	written := 0
	for _, vals := range batch {
		n, err := affected(stmt.ExecContext(ctx, vals...))
		if err != nil {
			return err
		}
		written += int(n)
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	c.Written += written
	return nil
}
