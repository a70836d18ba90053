package console

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/store"
)

// FeedbackStore is what StoreFeedback reads: the reader feedback the store
// recorded (store.Store satisfies it).
type FeedbackStore interface {
	FeedbackSince(ctx context.Context, since time.Time) ([]store.Feedback, error)
}

var _ FeedbackStore = (*store.Store)(nil)

// StoreFeedback returns an Options.Feedback that counts the feedback st
// recorded per day between bounds (the team's local days): "relevant" for,
// "not_relevant" and "mute" against. It returns nil, drawing nothing, when
// no feedback falls within bounds.
func StoreFeedback(st FeedbackStore) func(ctx context.Context, bounds []time.Time) ([]FeedbackDay, error) {
	return func(ctx context.Context, bounds []time.Time) ([]FeedbackDay, error) {
		if len(bounds) < 2 {
			return nil, nil
		}
		fs, err := st.FeedbackSince(ctx, bounds[0])
		if err != nil {
			return nil, fmt.Errorf("console: feedback: %w", err)
		}
		days := make([]FeedbackDay, len(bounds)-1)
		found := false
		for _, f := range fs {
			// The day i with bounds[i] <= f.At < bounds[i+1].
			i := sort.Search(len(bounds), func(i int) bool { return bounds[i].After(f.At) }) - 1
			if i < 0 || i >= len(days) {
				continue
			}
			switch f.Action {
			case digest.ActionRelevant:
				days[i].Positive++
			case digest.ActionNotRelevant, digest.ActionMute:
				days[i].Negative++
			default:
				continue
			}
			found = true
		}
		if !found {
			return nil, nil
		}
		return days, nil
	}
}
