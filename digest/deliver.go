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
// it, so a crash loses nothing. With a Journal, all the messages of a digest
// are journalled as one Plan (text, blocks, items, place in the thread, and
// the ID that SlackPoster tags each post with in Slack message metadata)
// before the first is posted, and each message's first attempt before it is
// made. Recover, which the caller runs before it renders anything new,
// finishes the plans a crash or a shutdown left open: a message delivered is
// skipped, one never attempted is posted, and one attempted but not known
// delivered is looked for first, when the Poster is a Finder (a top-level
// message in the channel's history, a reply in its parent's thread). Found,
// its items are marked with the found message's ref; not found, it is posted
// as journalled. Within a run, a post that ended without Slack's answer is
// checked the same way before it is retried. When the check is impossible (a
// webhook, a token without the history scopes), the one message in flight
// may appear twice; no other can. The README's "Nothing lost, nothing
// doubled" says more.
type Deliverer struct {
	Poster Poster
	Marker Marker
	// Journal, when set, keeps the plans of deliveries so that Recover can
	// finish them after a crash (see above).
	Journal Journal
	// Now stamps deliveries (default time.Now).
	Now func() time.Time
	// Sleep waits between attempts and returns early with ctx's error when
	// ctx is done (default: a timer).
	Sleep func(ctx context.Context, d time.Duration) error
	// MaxAttempts caps the attempts per message (default DefaultMaxAttempts).
	MaxAttempts int
}

// Deliver journals msgs as one plan, then posts them in order to dg.Channel
// and, each time Slack accepted a message, marks the items it carries
// delivered. A Reply message goes to the thread of the last non-reply
// message. Failed posts are retried by Retry's policy up to MaxAttempts;
// when a message fails for good, Deliver stops and returns an error that
// names the profile and channel. When Slack refused the message, the plan is
// closed and its undelivered items stay pending for new digests; when Slack
// is unavailable (see Unavailable) or ctx is cancelled, the plan stays open
// for Recover. Deliver never marks a message that Slack has not accepted.
func (d *Deliverer) Deliver(ctx context.Context, dg Digest, msgs []Message) error {
	if d.Poster == nil || d.Marker == nil {
		return ErrNotConfigured
	}
	if len(msgs) == 0 {
		return nil
	}
	p := newPlan(dg, msgs, d.now())
	if d.Journal != nil {
		if err := d.Journal.Plan(ctx, p); err != nil {
			return fmt.Errorf("digest: deliver %s to %s: journal: %w", dg.Profile, dg.Channel, err)
		}
	}
	_, err := d.run(ctx, &p)
	return err
}

// Recover finishes the plans that the Journal holds open, oldest first,
// before anything new is rendered (see the Deliverer's crash safety). It
// returns the plans it delivered whole, and how many plans are still open
// afterwards: non-zero when Slack is unavailable, ctx was cancelled or the
// Journal failed, and then the caller must not render the pending items into
// new digests, since the open plans still carry some of them. A plan that
// Slack refused is closed and its error joined to err; its undelivered items
// are pending again.
func (d *Deliverer) Recover(ctx context.Context) (delivered []Plan, open int, err error) {
	if d.Journal == nil {
		return nil, 0, nil
	}
	if d.Poster == nil || d.Marker == nil {
		return nil, 0, ErrNotConfigured
	}
	plans, err := d.Journal.OpenPlans(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("digest: recover: %w", err)
	}
	var errs []error
	for i := range plans {
		closed, err := d.run(ctx, &plans[i])
		if err != nil {
			errs = append(errs, fmt.Errorf("recover: %w", err))
		}
		if !closed {
			// Slack is unavailable or we are stopping: the later plans
			// would meet the same.
			return delivered, len(plans) - i, errors.Join(errs...)
		}
		if err == nil {
			delivered = append(delivered, plans[i])
		}
	}
	return delivered, 0, errors.Join(errs...)
}

// run posts (or finds) the messages of p not yet delivered, in order, and
// closes p in the Journal when no message of it is in doubt any more: all
// delivered, or Slack refused one. closed reports whether p was closed.
func (d *Deliverer) run(ctx context.Context, p *Plan) (closed bool, err error) {
	var parent string
	for i := range p.Messages {
		pm := &p.Messages[i]
		thread := ""
		if pm.Message.Reply {
			thread = parent
		}
		if err := ctx.Err(); err != nil {
			return false, fmt.Errorf("digest: deliver %s to %s: %w", p.Profile, p.Channel, err)
		}
		if pm.Ref == "" {
			if refused, err := d.deliverOne(ctx, p, i, thread); err != nil {
				err = fmt.Errorf("digest: deliver %s to %s: message %d of %d: %w", p.Profile, p.Channel, i+1, len(p.Messages), err)
				if !refused || d.Journal == nil {
					return false, err
				}
				// Slack refused the message: nothing of the plan is in
				// doubt; what is left goes back to pending.
				if cerr := d.Journal.ClosePlan(ctx, p.ID, d.now()); cerr != nil {
					return false, errors.Join(err, fmt.Errorf("digest: close plan %s: %w", p.ID, cerr))
				}
				return true, err
			}
		}
		if !pm.Message.Reply {
			parent = pm.Ref
		}
	}
	if d.Journal != nil {
		if err := d.Journal.ClosePlan(ctx, p.ID, d.now()); err != nil {
			return false, fmt.Errorf("digest: deliver %s to %s: close plan %s: %w", p.Profile, p.Channel, p.ID, err)
		}
	}
	return true, nil
}

// deliverOne journals the first attempt of message i of p, posts (or finds)
// it and marks its items, setting its Ref. refused reports that the error is
// Slack's refusal of the message, not unavailability (see Unavailable), a
// cancelled ctx or a failure of the journal or the store.
func (d *Deliverer) deliverOne(ctx context.Context, p *Plan, i int, thread string) (refused bool, err error) {
	pm := &p.Messages[i]
	since, doubt := pm.Attempted, !pm.Attempted.IsZero()
	if !doubt {
		since = d.now()
		if d.Journal != nil {
			if err := d.Journal.Attempt(ctx, p.ID, i, since); err != nil {
				return false, fmt.Errorf("journal message %s: %w", pm.Message.ID, err)
			}
		}
		pm.Attempted = since
	}
	ref, err := d.post(ctx, pm.Message, thread, since, doubt)
	if err != nil {
		_, down := Unavailable(err)
		return !down && ctx.Err() == nil, err
	}
	at := d.now()
	m := pm.Message
	for _, profile := range sortedKeys(m.ItemIDs) {
		if len(m.ItemIDs[profile]) == 0 {
			continue
		}
		if err := d.Marker.MarkDelivered(ctx, profile, m.ItemIDs[profile], ref, at); err != nil {
			return false, fmt.Errorf("mark delivered: %w", err)
		}
	}
	if d.Journal != nil {
		if err := d.Journal.Accepted(ctx, p.ID, i, ref); err != nil {
			return false, fmt.Errorf("journal message %s delivered: %w", m.ID, err)
		}
	}
	pm.Ref = ref
	return false, nil
}

// now returns the Deliverer's time.
func (d *Deliverer) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

// post posts m, retrying by the policy, and returns its ref. When m may
// already be in Slack (doubt: an earlier attempt never finished, or an
// attempt here ended without Slack's answer) and the Poster is a Finder, it
// looks for m from since before posting it again, and returns the found
// message's ref instead.
func (d *Deliverer) post(ctx context.Context, m Message, thread string, since time.Time, doubt bool) (string, error) {
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
		if doubt && finder != nil && m.ID != "" {
			ref, found, err := finder.Find(ctx, m.Channel, thread, m.ID, since)
			switch {
			case ctx.Err() != nil:
				return "", ctx.Err()
			case err != nil:
				// The check is impossible: post again, at the risk of the
				// one repeat the Deliverer documents.
			case found:
				return ref, nil
			default:
				doubt = false // a complete search: Slack does not have it
			}
		}
		ref, err := d.Poster.Post(ctx, m.Channel, m, thread)
		if err == nil {
			return ref, nil
		}
		doubt = doubt || maybeAccepted(err)
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
