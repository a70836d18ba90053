package digest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"
)

// Journal keeps the plans of deliveries, so that after a crash (kill -9, a
// power cut) the Deliverer finishes what it began without posting a message
// twice. The store keeps it, its messages encoded by internal/pipeline.Journal
// (MarshalJSON). Every method's effect must be durable when
// it returns.
type Journal interface {
	// Plan records p, every message with its ID, text, blocks, items and
	// place in the thread, before any of them is posted.
	Plan(ctx context.Context, p Plan) error
	// Attempt records that the first attempt to post message seq of plan
	// planID begins at at: from then on Slack may have it. It is called
	// once per message, before the first attempt.
	Attempt(ctx context.Context, planID string, seq int, at time.Time) error
	// Accepted records that Slack has message seq of plan planID, as ref;
	// the Marker has marked its items by then.
	Accepted(ctx context.Context, planID string, seq int, ref string) error
	// ClosePlan records that the plan needs nothing more: every message is
	// delivered, or Slack refused one, so that no message of it is in
	// doubt. The items of its undelivered messages are pending like any
	// others, for new digests.
	ClosePlan(ctx context.Context, planID string, at time.Time) error
	// OpenPlans returns the plans not closed, oldest first, with what became of
	// each message (Planned.Attempted, Planned.Ref).
	OpenPlans(ctx context.Context) ([]Plan, error)
}

// Finder is what a Poster can do besides posting: look for a message it
// posted earlier. The Deliverer uses it, when the Poster has it, before
// posting a message that an earlier attempt may have delivered.
type Finder interface {
	// Find looks in channel for the message with messageID (Message.ID)
	// posted at or after since: among the channel's top-level messages
	// when threadTS is empty, else among the replies in the thread of
	// threadTS (a ref or a bare ts). It returns the message's ref. found is
	// false with a nil error only when the search was complete and the
	// message is not there; any doubt is an error.
	Find(ctx context.Context, channel, threadTS, messageID string, since time.Time) (ref string, found bool, err error)
}

// MetadataEventType is the event_type of the Slack message metadata that
// tags every message SlackPoster posts; its event_payload's "message_id" is
// the message's ID.
const MetadataEventType = "newsbot_digest"

// Plan is one delivery as the Journal keeps it: the messages of one digest
// (or one channel's alert), in the order they are posted.
type Plan struct {
	// ID identifies the plan: 32 hex digits, random.
	ID string
	// Profile and Channel are the digest's, for errors and logs.
	Profile, Channel string
	// Planned is when the plan was made.
	Planned time.Time
	// Messages are the messages in order; a Reply goes to the thread of the
	// last non-reply message before it.
	Messages []Planned
}

// Planned is one message of a Plan and what became of it.
type Planned struct {
	// Message is the message as rendered, its ID and Channel set.
	Message Message
	// Attempted is when the first attempt to post it began; zero when none
	// did, so that Slack cannot have it.
	Attempted time.Time
	// Ref is the message's ref in Slack once it is known delivered; ""
	// before.
	Ref string
}

// newPlan returns a plan, with a new random ID, of msgs for dg's channel:
// each message gets the ID "<plan ID>.<index>".
func newPlan(dg Digest, msgs []Message, at time.Time) Plan {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	p := Plan{ID: hex.EncodeToString(b[:]), Profile: dg.Profile, Channel: dg.Channel, Planned: at}
	for i, m := range msgs {
		m.Channel = dg.Channel
		m.ID = fmt.Sprintf("%s.%d", p.ID, i)
		p.Messages = append(p.Messages, Planned{Message: m})
	}
	return p
}

// messageJSON is a Message as the Journal stores it.
type messageJSON struct {
	ID      string              `json:"id"`
	Channel string              `json:"channel"`
	Reply   bool                `json:"reply,omitempty"`
	ItemIDs map[string][]string `json:"item_ids,omitempty"`
	Text    string              `json:"text"`
	Blocks  slack.Blocks        `json:"blocks"`
}

// MarshalJSON encodes the message whole (ID, channel, reply, items, text
// and blocks), for a Journal to store; UnmarshalJSON reads it back.
func (m Message) MarshalJSON() ([]byte, error) {
	return json.Marshal(messageJSON{m.ID, m.Channel, m.Reply, m.ItemIDs, m.Text, slack.Blocks{BlockSet: m.Blocks}})
}

// UnmarshalJSON decodes a message encoded by MarshalJSON.
func (m *Message) UnmarshalJSON(b []byte) error {
	var j messageJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("digest: decode message: %w", err)
	}
	*m = Message{ID: j.ID, Channel: j.Channel, Reply: j.Reply, ItemIDs: j.ItemIDs, Text: j.Text, Blocks: j.Blocks.BlockSet}
	return nil
}

// maybeAccepted reports whether a post that failed with err may nevertheless
// have been accepted by Slack: its answer never arrived or could not be read
// (a timeout, a cancelled context, a network error). An answer with a
// status or an ok:false error, and a message that could not be encoded, say
// that Slack did not take the message.
func maybeAccepted(err error) bool {
	var (
		se slack.SlackErrorResponse
		sc slack.StatusCodeError
		rl *slack.RateLimitedError
		pe *PermanentError
	)
	return !errors.As(err, &se) && !errors.As(err, &sc) && !errors.As(err, &rl) && !errors.As(err, &pe)
}
