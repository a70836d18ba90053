package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The Store keeps the plans of deliveries for the digest.Deliverer: its
// journal (internal/pipeline's Journal makes it a digest.Journal, encoding
// the messages). The store keeps each message's body as given, opaque.

// Plan is one delivery as the journal keeps it: the messages of one digest
// (or one channel's alert), in the order they are posted.
type Plan struct {
	// ID identifies the plan.
	ID string
	// Profile and Channel are the delivery's, for errors and logs.
	Profile, Channel string
	// Planned is when the plan was made.
	Planned time.Time
	// Messages are the messages in order.
	Messages []PlannedMessage
}

// PlannedMessage is one message of a Plan and what became of it.
type PlannedMessage struct {
	// ID identifies the message within the journal.
	ID string
	// Body is the whole message as its owner encoded it (the digest
	// package's JSON), kept as it is.
	Body []byte
	// Attempted is when the first attempt to post it began; zero when none
	// did.
	Attempted time.Time
	// Ref is the message's ref in Slack once it is known delivered; ""
	// before.
	Ref string
}

// Plan records p and all its messages, whole, in one transaction, before
// any is posted.
func (s *Store) Plan(ctx context.Context, p Plan) error {
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
		if _, err := tx.ExecContext(ctx, `
INSERT INTO delivery_messages (plan_id, seq, message_id, body, attempted, ref) VALUES ($1, $2, $3, $4, $5, $6)`,
			p.ID, i, pm.ID, string(pm.Body), nullMillis(pm.Attempted), pm.Ref); err != nil {
			return fmt.Errorf("store: plan %s: message %d: %w", p.ID, i, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: plan %s: %w", p.ID, err)
	}
	return nil
}

// Attempt records that the first attempt to post message seq of plan planID
// began at at; a later call keeps the first time.
func (s *Store) Attempt(ctx context.Context, planID string, seq int, at time.Time) error {
	return s.updateMessage(ctx, "attempt", planID, seq,
		`UPDATE delivery_messages SET attempted = COALESCE(attempted, $1) WHERE plan_id = $2 AND seq = $3`, at.UnixMilli())
}

// Accepted records that Slack has message seq of plan planID as ref.
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
// plan keeps the first time.
func (s *Store) ClosePlan(ctx context.Context, planID string, at time.Time) error {
	if _, err := s.w.ExecContext(ctx,
		`UPDATE delivery_plans SET closed = $1 WHERE plan_id = $2 AND closed IS NULL`, at.UnixMilli(), planID); err != nil {
		return fmt.Errorf("store: close plan %s: %w", planID, err)
	}
	return nil
}

// OpenPlans returns the plans not closed, oldest first, each with its messages in
// order.
func (s *Store) OpenPlans(ctx context.Context) ([]Plan, error) {
	var plans []Plan
	err := eachRow(ctx, s.r, func(rows *sql.Rows) error {
		var (
			id, profile, channel, msgID, body, ref string
			planned                                int64
			seq                                    int
			attempted                              sql.NullInt64
		)
		if err := rows.Scan(&id, &profile, &channel, &planned, &seq, &msgID, &body, &attempted, &ref); err != nil {
			return err
		}
		if len(plans) == 0 || plans[len(plans)-1].ID != id {
			plans = append(plans, Plan{ID: id, Profile: profile, Channel: channel, Planned: fromMillis(planned)})
		}
		p := &plans[len(plans)-1]
		if seq != len(p.Messages) {
			return fmt.Errorf("plan %s lacks message %d", id, len(p.Messages))
		}
		p.Messages = append(p.Messages, PlannedMessage{ID: msgID, Body: []byte(body), Attempted: fromNullMillis(attempted), Ref: ref})
		return nil
	}, `
SELECT p.plan_id, p.profile, p.channel, p.planned, m.seq, m.message_id, m.body, m.attempted, m.ref
FROM delivery_plans p
JOIN delivery_messages m ON m.plan_id = p.plan_id
WHERE p.closed IS NULL
ORDER BY p.planned, p.plan_id, m.seq`)
	if err != nil {
		return nil, fmt.Errorf("store: open plans: %w", err)
	}
	return plans, nil
}
