package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Begin records that the message with messageID is about to be posted, at
// at, and reports whether an earlier attempt began and never finished (the
// process died, or the post ended without Slack's answer). begun is when the
// first such unfinished attempt began, kept across attempts, or at when there
// is none. A message whose earlier attempt finished begins anew. Begin and
// Finish make a Store satisfy digest.Journal.
func (s *Store) Begin(ctx context.Context, messageID string, at time.Time) (begun time.Time, unfinished bool, err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: begin message %s: %w", messageID, err)
	}
	defer tx.Rollback()
	var (
		was      int64
		finished sql.NullInt64
	)
	err = tx.QueryRowContext(ctx,
		`SELECT begun, finished FROM outbox WHERE message_id = $1`, messageID).Scan(&was, &finished)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.ExecContext(ctx,
			`INSERT INTO outbox (message_id, begun, finished) VALUES ($1, $2, NULL)`, messageID, at.UnixMilli())
	case err != nil:
	case finished.Valid:
		_, err = tx.ExecContext(ctx,
			`UPDATE outbox SET begun = $1, finished = NULL WHERE message_id = $2`, at.UnixMilli(), messageID)
	default:
		begun, unfinished = fromMillis(was), true
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: begin message %s: %w", messageID, err)
	}
	if err := tx.Commit(); err != nil {
		return time.Time{}, false, fmt.Errorf("store: begin message %s: %w", messageID, err)
	}
	if !unfinished {
		begun = fromMillis(at.UnixMilli())
	}
	return begun, unfinished, nil
}

// Finish records that the fate of the message with messageID is known: Slack
// accepted it and its items are marked delivered, or Slack rejected it. A
// later Begin of the message reports no unfinished attempt. The finish time
// (the Store's clock) is for people reading the table. Finishing a
// message that never began, or finished already, does nothing.
func (s *Store) Finish(ctx context.Context, messageID string) error {
	_, err := s.w.ExecContext(ctx,
		`UPDATE outbox SET finished = $1 WHERE message_id = $2 AND finished IS NULL`, s.now().UnixMilli(), messageID)
	if err != nil {
		return fmt.Errorf("store: finish message %s: %w", messageID, err)
	}
	return nil
}
