package digest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"slices"
	"time"

	"github.com/slack-go/slack"
)

// Journal records messages in flight, so that after a crash the Deliverer
// can tell whether Slack already has one. The store's outbox satisfies it.
type Journal interface {
	// Begin records that the message is about to be posted and reports
	// whether an earlier attempt began and never finished (a crash or a
	// timeout). begun is when the first such unfinished attempt began (at
	// itself when there is none): Slack has the message, if at all, from
	// then on.
	Begin(ctx context.Context, messageID string, at time.Time) (begun time.Time, unfinished bool, err error)
	// Finish records that the message's fate is known (accepted and
	// marked, or rejected).
	Finish(ctx context.Context, messageID string) error
}

// Finder is what a Poster can do besides posting: look for a message it
// posted earlier. The Deliverer uses it, when the Poster has it, before
// posting a message that an earlier attempt may have delivered.
type Finder interface {
	// Find looks in channel for the message with messageID posted at or
	// after since, also in the thread of threadTS when that is not empty
	// (a ref or a bare ts), and returns its ref. found is false with a nil
	// error only when the search was complete and the message is not
	// there; any doubt is an error.
	Find(ctx context.Context, channel, threadTS, messageID string, since time.Time) (ref string, found bool, err error)
}

// MetadataEventType is the event_type of the Slack message metadata that
// tags every message SlackPoster posts; its event_payload's "message_id" is
// the message's ID.
const MetadataEventType = "newsbot_digest"

// ID identifies the message by what matters for its delivery: its channel,
// whether it is a Reply, and the item IDs it carries, by profile, in any
// order; a message that carries no items (such as RenderEmpty's) is
// identified by its text instead. Two renderings of the same pending items
// for the same channel have the same ID, even when their text differs (ages
// move on); it is a 32-digit hex string.
func (m Message) ID() string {
	h := sha256.New()
	writeField(h, "newsbot-message-v1")
	writeField(h, m.Channel)
	writeField(h, fmt.Sprint(m.Reply))
	items := false
	for _, profile := range sortedKeys(m.ItemIDs) {
		ids := slices.Clone(m.ItemIDs[profile])
		if len(ids) == 0 {
			continue
		}
		items = true
		slices.Sort(ids)
		ids = slices.Compact(ids)
		writeField(h, "profile")
		writeField(h, profile)
		for _, id := range ids {
			writeField(h, id)
		}
	}
	if !items {
		writeField(h, "text")
		writeField(h, m.Text)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// writeField writes s to h with its length first, so that no two sequences
// of fields hash alike.
func writeField(h hash.Hash, s string) {
	fmt.Fprintf(h, "%d:%s", len(s), s)
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
