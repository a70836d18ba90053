package store

import (
	"context"
	"fmt"
	"time"
)

// pruneBatch is how many rows one transaction of Prune deletes at most, so
// that a prune never holds the write lock long: other writers (a replica's
// poll, a delivery) wait for one small batch at most.
const pruneBatch = 500

// PruneStats counts the rows Prune deleted, table by table.
type PruneStats struct {
	// Items are items first seen before the cut-off with no pending match.
	Items int
	// Matches are the (delivered) matches of those items.
	Matches int
	// Journal are rows of the delivery journal: closed plans (closed
	// before the cut-off) and their messages, and finished entries of the
	// outbox that an older newsbot wrote.
	Journal int
	// Marks are marks made before the cut-off.
	Marks int
}

// Total returns the number of rows deleted.
func (p PruneStats) Total() int { return p.Items + p.Matches + p.Journal + p.Marks }

// Prune deletes what is older than before and no longer needed: items first
// seen before it, with their matches; delivery plans closed before it, with
// their messages; marks made before it. It never deletes a pending
// (undelivered) match, the item it needs, or an open plan, however old. Rows are
// deleted in transactions of a few hundred, so Prune may run beside other
// processes using the database (replicas) without holding their writes up
// for long; cancelling ctx stops it between batches, keeping what was
// deleted. On SQLite the freed pages are then given back to the file system
// (incremental vacuum and a WAL checkpoint); PostgreSQL's autovacuum makes
// the space reusable instead.
//
// Items are pruned by when they were first seen, not published: an old
// archive a feed still serves stays stored for the whole retention, so it is
// not stored again as new at every poll. An item pruned while its feed still
// serves it is stored again as new when next seen; if it is dated, the digest
// window keeps it out of digests.
func (s *Store) Prune(ctx context.Context, before time.Time) (PruneStats, error) {
	var st PruneStats
	cut := before.UnixMilli()
	if err := s.pruneItems(ctx, cut, &st); err != nil {
		return st, fmt.Errorf("store: prune %s: items: %w", s.path, err)
	}
	// A closed plan's messages go first (they reference the plan), then
	// plans left without messages; then the outbox an older newsbot wrote.
	for _, q := range []string{`
DELETE FROM delivery_messages WHERE plan_id IN (
	SELECT p.plan_id FROM delivery_plans p WHERE p.closed IS NOT NULL AND p.closed < $1
		AND EXISTS (SELECT 1 FROM delivery_messages m WHERE m.plan_id = p.plan_id) LIMIT $2)`, `
DELETE FROM delivery_plans WHERE plan_id IN (
	SELECT p.plan_id FROM delivery_plans p WHERE p.closed IS NOT NULL AND p.closed < $1
		AND NOT EXISTS (SELECT 1 FROM delivery_messages m WHERE m.plan_id = p.plan_id) LIMIT $2)`, `
DELETE FROM outbox WHERE message_id IN (
	SELECT message_id FROM outbox WHERE finished IS NOT NULL AND begun < $1 LIMIT $2)`} {
		n, err := s.pruneSimple(ctx, q, cut)
		st.Journal += n
		if err != nil {
			return st, fmt.Errorf("store: prune %s: journal: %w", s.path, err)
		}
	}
	n, err := s.pruneSimple(ctx, `
DELETE FROM marks WHERE mark IN (SELECT mark FROM marks WHERE at < $1 LIMIT $2)`, cut)
	st.Marks = n
	if err != nil {
		return st, fmt.Errorf("store: prune %s: marks: %w", s.path, err)
	}
	if st.Total() > 0 && s.d.reclaim != nil {
		if err := s.d.reclaim(ctx, s.w); err != nil {
			return st, fmt.Errorf("store: prune %s: reclaim space: %w", s.path, err)
		}
	}
	return st, nil
}

// pruneItems deletes, batch by batch, the items first seen before cut that
// have no pending match, with their matches. It walks the items in order of
// (seen, id) from where the last batch ended, so items kept because they are
// pending are read once, not at every batch.
func (s *Store) pruneItems(ctx context.Context, cut int64, st *PruneStats) error {
	var (
		afterSeen int64 = -1 << 62
		afterID   string
	)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		ids, lastSeen, err := s.pruneItemBatch(ctx, cut, afterSeen, afterID, st)
		if err != nil {
			return err
		}
		if len(ids) < pruneBatch {
			return nil
		}
		afterSeen, afterID = lastSeen, ids[len(ids)-1]
	}
}

// pruneItemBatch deletes in one transaction up to pruneBatch items first
// seen before cut, after (afterSeen, afterID) in (seen, id) order, that have
// no pending match, and their matches. It returns the IDs it picked, in
// order, and the seen time of the last.
func (s *Store) pruneItemBatch(ctx context.Context, cut, afterSeen int64, afterID string, st *PruneStats) ([]string, int64, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	// On PostgreSQL the picked items are locked (FOR UPDATE), and items a
	// concurrent transaction holds are passed over (SKIP LOCKED): a
	// backfill adding a match to one of them then either waits for this
	// batch (and fails on the deleted item) or has committed before it (and
	// the item is kept, below).
	rows, err := tx.QueryContext(ctx, `
SELECT i.id, i.seen FROM items i
WHERE i.seen < $1 AND (i.seen > $2 OR (i.seen = $2 AND i.id > $3))
	AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.item_id = i.id AND m.delivered_at IS NULL)
ORDER BY i.seen, i.id
LIMIT $4 `+s.d.skipLocked, cut, afterSeen, afterID, pruneBatch)
	if err != nil {
		return nil, 0, err
	}
	var (
		ids      []string
		lastSeen int64
	)
	for rows.Next() {
		var id string
		if err := rows.Scan(&id, &lastSeen); err != nil {
			rows.Close()
			return nil, 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(ids) == 0 {
		return nil, 0, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	in := placeholders(1, len(ids))
	// Only delivered matches go; an item that gained a pending match since
	// it was picked keeps it, and is itself kept by the NOT EXISTS below.
	nm, err := affected(tx.ExecContext(ctx, `DELETE FROM matches WHERE delivered_at IS NOT NULL AND item_id IN (`+in+`)`, args...))
	if err != nil {
		return nil, 0, err
	}
	ni, err := affected(tx.ExecContext(ctx, `
DELETE FROM items WHERE id IN (`+in+`)
	AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.item_id = items.id)`, args...))
	if err != nil {
		return nil, 0, err
	}
	if err := tx.Commit(); err != nil {
		return nil, 0, err
	}
	st.Matches += int(nm)
	st.Items += int(ni)
	return ids, lastSeen, nil
}

// pruneSimple runs query, a DELETE of at most $2 rows older than $1, until it
// deletes fewer than pruneBatch rows, each run its own transaction, and
// returns how many rows it deleted.
func (s *Store) pruneSimple(ctx context.Context, query string, cut int64) (int, error) {
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		n, err := affected(s.w.ExecContext(ctx, query, cut, pruneBatch))
		if err != nil {
			return total, err
		}
		total += int(n)
		if n < pruneBatch {
			return total, nil
		}
	}
}
