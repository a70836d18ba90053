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
type Deliverer struct {
	Poster Poster
	Marker Marker
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
		thread := ""
		if m.Reply {
			thread = parent
		}
		ref, err := d.post(ctx, dg.Channel, m, thread)
		if err != nil {
			return fmt.Errorf("digest: deliver %s to %s: message %d of %d: %w", dg.Profile, dg.Channel, i+1, len(msgs), err)
		}
		if !m.Reply {
			parent = ref
		}
		at := now()
		for _, profile := range sortedKeys(m.ItemIDs) {
			if len(m.ItemIDs[profile]) == 0 {
				continue
			}
			if err := d.Marker.MarkDelivered(ctx, profile, m.ItemIDs[profile], ref, at); err != nil {
				return fmt.Errorf("digest: deliver %s to %s: mark message %d of %d delivered: %w", dg.Profile, dg.Channel, i+1, len(msgs), err)
			}
		}
	}
	return nil
}

// post posts one message, retrying by the policy.
func (d *Deliverer) post(ctx context.Context, channel string, m Message, thread string) (string, error) {
	maxAttempts := d.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	sleep := d.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	for attempt := 1; ; attempt++ {
		ref, err := d.Poster.Post(ctx, channel, m, thread)
		if err == nil {
			return ref, nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return "", ctxErr
		}
		wait, retry := Retry(err, attempt)
		if !retry {
			return "", err
		}
		if attempt >= maxAttempts {
			return "", fmt.Errorf("%w (gave up after %d attempts)", err, attempt)
		}
		if err := sleep(ctx, wait); err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return "", ctxErr
			}
			return "", err
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
