package digest

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Poster posts one message to a channel. threadTS, when not empty, is the ref
// of an earlier message to reply to in its thread. Post returns a ref for the
// accepted message (Slack's "channel:ts"), which Deliver uses as the thread
// of the digest's replies and hands to the Marker.
type Poster interface {
	Post(ctx context.Context, channel string, m Message, threadTS string) (ref string, err error)
}

// Marker records that items were delivered: Slack accepted the message with
// ref at time at.
type Marker interface {
	MarkDelivered(ctx context.Context, profile string, itemIDs []string, ref string, at time.Time) error
}

// DefaultMaxAttempts is the number of attempts per message when
// Deliverer.MaxAttempts is not set.
const DefaultMaxAttempts = 5

// Deliverer posts a digest's messages and marks their items delivered. Poster
// and Marker are required; the other fields have defaults.
//
// An item is marked delivered only after Slack accepted a message carrying
// it, so a crash loses nothing. With a Journal, each message is journaled
// before it is posted and finished once its fate is known. Before posting a
// message whose earlier attempt never finished (a crash, or a timeout in this
// run), the Deliverer asks the Poster, when it is a Finder, whether the
// channel has it (SlackPoster tags each message with its ID in Slack message
// metadata); when it does, its items are marked with the found message's ref
// and it is not posted again. When the check is impossible (a webhook, a
// token without the history scopes, Slack unreachable), that one message may
// appear twice. The README's "Nothing lost, nothing doubled" says more.
type Deliverer struct {
	Poster Poster
	Marker Marker
	// Journal, when set, records the messages in flight so that a run after
	// a crash finds the messages that Slack accepted (see above).
	Journal Journal
	// Now stamps deliveries (default time.Now).
	Now func() time.Time
	// Sleep waits between attempts and returns early with ctx's error when
	// ctx is done (default: a timer).
	Sleep func(ctx context.Context, d time.Duration) error
	// MaxAttempts caps the attempts per message (default DefaultMaxAttempts).
	MaxAttempts int
}

// Deliver posts msgs in order to dg.Channel and, each time Slack accepted a
// message, marks the items it carries delivered. A Reply message goes to the
// thread of the last non-reply message. Failed posts are retried by Retry's
// policy up to MaxAttempts; when a message fails for good, Deliver stops,
// leaves it and the following messages pending, and returns an error that
// names the profile and channel. When ctx is cancelled, Deliver returns
// ctx.Err() wrapped and never marks a message that Slack has not accepted.
// A message that Slack already has (see the Deliverer's crash safety) is not
// posted again; its items are marked with the ref of the one found.
func (d *Deliverer) Deliver(ctx context.Context, dg Digest, msgs []Message) error {
	if d.Poster == nil || d.Marker == nil {
		return ErrNotConfigured
	}
	now := d.Now
	if now == nil {
		now = time.Now
	}
	var parent string
	for i, m := range msgs {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("digest: deliver %s to %s: %w", dg.Profile, dg.Channel, err)
		}
		m.Channel = dg.Channel // the ID names the channel posted to
		thread := ""
		if m.Reply {
			thread = parent
		}
		ref, err := d.deliver(ctx, m, thread, now)
		if err != nil {
			return fmt.Errorf("digest: deliver %s to %s: message %d of %d: %w", dg.Profile, dg.Channel, i+1, len(msgs), err)
		}
		if !m.Reply {
			parent = ref
		}
	}
	return nil
}

// deliver journals, posts (or finds) and marks one message, returning its
// ref.
func (d *Deliverer) deliver(ctx context.Context, m Message, thread string, now func() time.Time) (string, error) {
	id := m.ID()
	since, unfinished := now(), false
	if d.Journal != nil {
		begun, u, err := d.Journal.Begin(ctx, id, since)
		if err != nil {
			return "", fmt.Errorf("journal message %s: %w", id, err)
		}
		since, unfinished = begun, u
	}
	ref, doubt, err := d.post(ctx, m, id, thread, since, unfinished)
	if err != nil {
		if d.Journal != nil && !doubt && ctx.Err() == nil {
			// Slack rejected it: its fate is known.
			if ferr := d.Journal.Finish(ctx, id); ferr != nil {
				return "", errors.Join(err, fmt.Errorf("finish message %s in the journal: %w", id, ferr))
			}
		}
		return "", err
	}
	at := now()
	for _, profile := range sortedKeys(m.ItemIDs) {
		if len(m.ItemIDs[profile]) == 0 {
			continue
		}
		if err := d.Marker.MarkDelivered(ctx, profile, m.ItemIDs[profile], ref, at); err != nil {
			return "", fmt.Errorf("mark delivered: %w", err)
		}
	}
	if d.Journal != nil {
		if err := d.Journal.Finish(ctx, id); err != nil {
			return "", fmt.Errorf("finish message %s in the journal: %w", id, err)
		}
	}
	return ref, nil
}

// post posts one message, retrying by the policy, and returns its ref. When
// the message may already be in Slack (doubt: an earlier attempt never
// finished, or an attempt here ended without Slack's answer) and the Poster
// is a Finder, it looks for the message from since before posting it again,
// and returns the found message's ref instead. On error, doubt says whether
// Slack may have the message all the same.
func (d *Deliverer) post(ctx context.Context, m Message, id, thread string, since time.Time, doubt bool) (string, bool, error) {
	maxAttempts := d.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	sleep := d.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	finder, _ := d.Poster.(Finder)
	for attempt := 1; ; attempt++ {
		if doubt && finder != nil {
			ref, found, err := finder.Find(ctx, m.Channel, thread, id, since)
			switch {
			case ctx.Err() != nil:
				return "", true, ctx.Err()
			case err != nil:
				// The check is impossible: post again, at the risk of the
				// one repeat the Deliverer documents.
			case found:
				return ref, false, nil
			default:
				doubt = false // a complete search: Slack does not have it
			}
		}
		ref, err := d.Poster.Post(ctx, m.Channel, m, thread)
		if err == nil {
			return ref, false, nil
		}
		doubt = doubt || maybeAccepted(err)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return "", doubt, ctxErr
		}
		wait, retry := Retry(err, attempt)
		if !retry {
			return "", doubt, err
		}
		if attempt >= maxAttempts {
			return "", doubt, fmt.Errorf("%w (gave up after %d attempts)", err, attempt)
		}
		if err := sleep(ctx, wait); err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return "", doubt, ctxErr
			}
			return "", doubt, err
		}
	}
}

// sleepCtx waits for d or until ctx is done, whichever comes first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ErrNotConfigured is returned by Deliver when the Deliverer has no Poster
// or no Marker.
var ErrNotConfigured = errors.New("digest: deliverer needs a poster and a marker")
