package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/newsbot/newsbot/digest"
)

// The Store keeps the plans of deliveries for the digest.Deliverer.
var _ digest.Journal = (*Store)(nil)

// Plan records p and all its messages, whole (text, blocks, items, thread
// position), in one transaction, before any is posted. It is part of
// digest.Journal.
func (s *Store) Plan(ctx context.Context, p digest.Plan) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: plan %s: %w", p.ID, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO delivery_plans (plan_id, profile, channel, planned, closed) VALUES ($1, $2, $3, $4, NULL)`,
		p.ID, p.Profile, p.Channel, p.Planned.UnixMilli()); err != nil {
		return fmt.Errorf("store: plan %s: %w", p.ID, err)
	}
	for i, pm := range p.Messages {
		body, err := json.Marshal(pm.Message)
		if err != nil {
			return fmt.Errorf("store: plan %s: message %d: %w", p.ID, i, err)
		}
		if _, err := tx.ExecContext(ctx, `
INSERT INTO delivery_messages (plan_id, seq, message_id, body, attempted, ref) VALUES ($1, $2, $3, $4, $5, $6)`,
			p.ID, i, pm.Message.ID, string(body), nullMillis(pm.Attempted), pm.Ref); err != nil {
			return fmt.Errorf("store: plan %s: message %d: %w", p.ID, i, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: plan %s: %w", p.ID, err)
	}
	return nil
}

// Attempt records that the first attempt to post message seq of plan planID
// began at at; a later call keeps the first time. It is part of
// digest.Journal.
func (s *Store) Attempt(ctx context.Context, planID string, seq int, at time.Time) error {
	return s.updateMessage(ctx, "attempt", planID, seq,
		`UPDATE delivery_messages SET attempted = COALESCE(attempted, $1) WHERE plan_id = $2 AND seq = $3`, at.UnixMilli())
}

// Accepted records that Slack has message seq of plan planID as ref. It is
// part of digest.Journal.
func (s *Store) Accepted(ctx context.Context, planID string, seq int, ref string) error {
	return s.updateMessage(ctx, "delivered", planID, seq,
		`UPDATE delivery_messages SET ref = $1 WHERE plan_id = $2 AND seq = $3`, ref)
}

// updateMessage runs query, whose placeholders are value, plan ID and seq,
// and fails unless the plan holds message seq.
func (s *Store) updateMessage(ctx context.Context, op, planID string, seq int, query string, value any) error {
	res, err := s.w.ExecContext(ctx, query, value, planID, seq)
	if err != nil {
		return fmt.Errorf("store: %s message %d of plan %s: %w", op, seq, planID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("store: %s message %d of plan %s: %w", op, seq, planID, errors.Join(ErrNotFound, err))
	}
	return nil
}

// ClosePlan records that plan planID needs nothing more, at at; closing a closed
// plan keeps the first time. It is part of digest.Journal.
func (s *Store) ClosePlan(ctx context.Context, planID string, at time.Time) error {
	if _, err := s.w.ExecContext(ctx,
		`UPDATE delivery_plans SET closed = $1 WHERE plan_id = $2 AND closed IS NULL`, at.UnixMilli(), planID); err != nil {
		return fmt.Errorf("store: close plan %s: %w", planID, err)
	}
	return nil
}

// OpenPlans returns the plans not closed, oldest first, each with its messages in
// order. It is part of digest.Journal.
func (s *Store) OpenPlans(ctx context.Context) ([]digest.Plan, error) {
	rows, err := s.r.QueryContext(ctx, `
SELECT p.plan_id, p.profile, p.channel, p.planned, m.seq, m.body, m.attempted, m.ref
FROM delivery_plans p
JOIN delivery_messages m ON m.plan_id = p.plan_id
WHERE p.closed IS NULL
ORDER BY p.planned, p.plan_id, m.seq`)
	if err != nil {
		return nil, fmt.Errorf("store: open plans: %w", err)
	}
	defer rows.Close()
	var plans []digest.Plan
	for rows.Next() {
		var (
			id, profile, channel, body, ref string
			planned                         int64
			seq                             int
			attempted                       sql.NullInt64
		)
		if err := rows.Scan(&id, &profile, &channel, &planned, &seq, &body, &attempted, &ref); err != nil {
			return nil, fmt.Errorf("store: open plans: %w", err)
		}
		if len(plans) == 0 || plans[len(plans)-1].ID != id {
			plans = append(plans, digest.Plan{ID: id, Profile: profile, Channel: channel, Planned: fromMillis(planned)})
		}
		p := &plans[len(plans)-1]
		if seq != len(p.Messages) {
			return nil, fmt.Errorf("store: open plans: plan %s lacks message %d", id, len(p.Messages))
		}
		var m digest.Message
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			return nil, fmt.Errorf("store: open plans: plan %s message %d: %w", id, seq, err)
		}
		p.Messages = append(p.Messages, digest.Planned{Message: m, Attempted: fromNullMillis(attempted), Ref: ref})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: open plans: %w", err)
	}
	return plans, nil
}
