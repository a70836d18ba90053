package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/store"
)

// Journal is the store's delivery journal as a digest.Journal: it encodes
// each message of a plan whole (digest.Message's JSON: text, blocks, items,
// thread position) for the store, which keeps the bodies as they are, and
// decodes them when the plans are read back. So store knows nothing of
// digest.
type Journal struct {
	Store *store.Store
}

var _ digest.Journal = Journal{}

// Plan records p and all its messages before any is posted.
func (j Journal) Plan(ctx context.Context, p digest.Plan) error {
	sp := store.Plan{ID: p.ID, Profile: p.Profile, Channel: p.Channel, Planned: p.Planned,
		Messages: make([]store.PlannedMessage, len(p.Messages))}
	for i, pm := range p.Messages {
		body, err := json.Marshal(pm.Message)
		if err != nil {
			return fmt.Errorf("pipeline: journal: plan %s: message %d: %w", p.ID, i, err)
		}
		sp.Messages[i] = store.PlannedMessage{ID: pm.Message.ID, Body: body, Attempted: pm.Attempted, Ref: pm.Ref}
	}
	return j.Store.Plan(ctx, sp)
}

// Attempt records that the first attempt to post message seq of plan planID
// began at at.
func (j Journal) Attempt(ctx context.Context, planID string, seq int, at time.Time) error {
	return j.Store.Attempt(ctx, planID, seq, at)
}

// Accepted records that Slack has message seq of plan planID as ref.
func (j Journal) Accepted(ctx context.Context, planID string, seq int, ref string) error {
	return j.Store.Accepted(ctx, planID, seq, ref)
}

// ClosePlan records that plan planID needs nothing more.
func (j Journal) ClosePlan(ctx context.Context, planID string, at time.Time) error {
	return j.Store.ClosePlan(ctx, planID, at)
}

// OpenPlans returns the plans not closed, oldest first, their messages
// decoded.
func (j Journal) OpenPlans(ctx context.Context) ([]digest.Plan, error) {
	sps, err := j.Store.OpenPlans(ctx)
	if err != nil {
		return nil, err
	}
	plans := make([]digest.Plan, len(sps))
	for i, sp := range sps {
		p := digest.Plan{ID: sp.ID, Profile: sp.Profile, Channel: sp.Channel, Planned: sp.Planned,
			Messages: make([]digest.Planned, len(sp.Messages))}
		for k, pm := range sp.Messages {
			var m digest.Message
			if err := json.Unmarshal(pm.Body, &m); err != nil {
				return nil, fmt.Errorf("pipeline: journal: plan %s: message %d: %w", sp.ID, k, err)
			}
			p.Messages[k] = digest.Planned{Message: m, Attempted: pm.Attempted, Ref: pm.Ref}
		}
		plans[i] = p
	}
	return plans, nil
}
