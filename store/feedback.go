package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Feedback is one reader's judgement of a delivered story, from a click in
// Slack.
type Feedback struct {
	// Profile is the profile whose digest carried the story.
	Profile string
	// ItemID is the item the reader judged: the story's representative.
	ItemID string
	// StoryID identifies the story the item stood for in the digest: the
	// ID of its representative item (folding identifies later copies).
	StoryID string
	// UserID is the Slack user who clicked.
	UserID string
	// Action is what the reader said: "not_relevant", "mute" or "relevant".
	Action string
	// Channel is the Slack channel ID the click came from; it may be empty.
	Channel string
	// ActionTS is Slack's timestamp of the click; it may be empty.
	ActionTS string
	// At is when newsbot recorded the click.
	At time.Time
}

// SaveFeedback records f once per user, profile, item and action, and
// reports whether it was new: a repeat (Slack's retry of the same click, a
// second replica receiving it, or the same reader choosing the same action
// again) is left as first recorded.
func (s *Store) SaveFeedback(ctx context.Context, f Feedback) (fresh bool, err error) {
	n, err := affected(s.w.ExecContext(ctx, `
INSERT INTO feedback (profile, item_id, story_id, user_id, action, channel, action_ts, at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (user_id, profile, item_id, action) DO NOTHING`,
		f.Profile, f.ItemID, f.StoryID, f.UserID, f.Action, f.Channel, f.ActionTS, f.At.UnixMilli()))
	if err != nil {
		return false, fmt.Errorf("store: save feedback %s/%s: %w", f.Profile, f.ItemID, err)
	}
	return n == 1, nil
}

// FeedbackSince returns the feedback recorded at or after since, oldest
// first.
func (s *Store) FeedbackSince(ctx context.Context, since time.Time) ([]Feedback, error) {
	fs, err := queryAll(ctx, s.r, func(rows *sql.Rows) (Feedback, error) {
		var (
			f  Feedback
			at int64
		)
		err := rows.Scan(&f.Profile, &f.ItemID, &f.StoryID, &f.UserID, &f.Action, &f.Channel, &f.ActionTS, &at)
		f.At = fromMillis(at)
		return f, err
	}, `
SELECT profile, item_id, story_id, user_id, action, channel, action_ts, at
FROM feedback WHERE at >= $1
ORDER BY at, user_id, profile, item_id, action`, since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("store: feedback: %w", err)
	}
	return fs, nil
}

// MatchProfiles returns the names of the profiles that matched itemID, in
// order.
func (s *Store) MatchProfiles(ctx context.Context, itemID string) ([]string, error) {
	ps, err := queryAll(ctx, s.r, scanString, `SELECT profile FROM matches WHERE item_id = $1 ORDER BY profile`, itemID)
	if err != nil {
		return nil, fmt.Errorf("store: profiles of %s: %w", itemID, err)
	}
	return ps, nil
}

// Muted returns the stories readers muted, each as the muted item with its
// match (profile and channel) and its text, once per channel and item.
func (s *Store) Muted(ctx context.Context) ([]Pending, error) {
	return s.matchesWith(ctx, "muted", `
SELECT DISTINCT `+pendingColumns+`
FROM feedback f
JOIN matches m ON m.profile = f.profile AND m.item_id = f.item_id
JOIN items i ON i.id = f.item_id
WHERE f.action = 'mute'
ORDER BY m.channel, m.item_id, m.profile`)
}

// DeliveredSince returns the matches delivered at or after since (posted,
// not settled by MarkMuted), with their items, ordered by profile, then by the item's Published, newest first.
func (s *Store) DeliveredSince(ctx context.Context, since time.Time) ([]Pending, error) {
	return s.matchesWith(ctx, "delivered", `
SELECT `+pendingColumns+`
FROM matches m
JOIN items i ON i.id = m.item_id
WHERE m.delivered_at IS NOT NULL AND m.delivered_at >= $1 AND m.delivery_ref NOT LIKE $2
ORDER BY m.profile, i.published DESC, m.item_id`, since.UnixMilli(), MutedRef+"%")
}

// MatchEntry returns the match of profile for itemID with its item,
// delivered or not. It returns an error wrapping ErrNotFound when there is
// no such match.
func (s *Store) MatchEntry(ctx context.Context, profile, itemID string) (Pending, error) {
	ps, err := s.matchesWith(ctx, "match", `
SELECT `+pendingColumns+`
FROM matches m
JOIN items i ON i.id = m.item_id
WHERE m.profile = $1 AND m.item_id = $2`, profile, itemID)
	if err != nil {
		return Pending{}, err
	}
	if len(ps) == 0 {
		return Pending{}, fmt.Errorf("store: match %s/%s: %w", profile, itemID, ErrNotFound)
	}
	return ps[0], nil
}
