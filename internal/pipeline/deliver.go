package pipeline

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/newsbot/newsbot/digest"
)

// deliveryLock names the store lock under which one replica at a time
// delivers digests and alerts.
const deliveryLock = "newsbot-deliver"

// DeliverDigests is the digest tick. Under the delivery lock, so that one
// replica delivers at a time and a replica that waited finds the digests
// delivered already, it first finishes the deliveries a crash left open
// (digest.Deliverer.Recover: stopping there when Slack is unavailable), then
// builds the digests of every pending match and delivers them with d; then, when opts.PostEmpty is set and every digest was
// delivered, it posts the quiet-day line to each channel that got nothing
// today (see postQuietDays). d's Poster is required and its Marker and
// Journal should be the Store. When another replica holds the lock,
// DeliverDigests leaves the work to it and returns nil. A digest that fails
// stays pending for the next tick; the error joins every failure, and the
// store's.
func (p *Pipeline) DeliverDigests(ctx context.Context, d *digest.Deliverer, opts digest.Options) error {
	opts = p.DigestOptions(opts)
	if err := p.hold.check(p.Now()); err != nil {
		return err
	}
	var errs []error
	ran, err := p.Store.TryLock(ctx, deliveryLock, func(ctx context.Context) error {
		busy, err := p.recover(ctx, d)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		ds, err := p.Digests(ctx, opts)
		if err != nil {
			return err
		}
		if len(ds) == 0 {
			p.Log.Info("nothing pending to deliver")
		}
		if err := p.deliver(ctx, d, ds, opts); err != nil {
			errs = append(errs, fmt.Errorf("pipeline: some digests were not delivered; they stay pending for the next run: %w", err))
			return nil
		}
		if opts.PostEmpty {
			for _, dg := range ds {
				busy = append(busy, dg.Channel)
			}
			errs = append(errs, p.postQuietDays(ctx, d.Poster, busy, opts))
		}
		return nil
	})
	if err != nil {
		errs = append(errs, fmt.Errorf("pipeline: deliver digests: %w", err))
	} else if !ran {
		p.Log.Info("another newsbot is delivering digests now; leaving them to it")
	}
	return errors.Join(errs...)
}

// recover finishes the deliveries that a crash or a shutdown left open (see
// digest.Deliverer.Recover), before anything new is rendered, so that no
// entry of an open plan is rendered into a second message. It returns the
// channels of the plans it delivered, and an error when some plan is still
// open: the caller must then deliver nothing new. A plan that Slack refused
// is only logged: its entries are pending again, for the digests that
// follow.
func (p *Pipeline) recover(ctx context.Context, d *digest.Deliverer) ([]string, error) {
	done, open, err := d.Recover(ctx)
	if err != nil {
		p.hold.note(err, p.Now())
		if open == 0 {
			p.Log.Error("an interrupted digest was not finished; its entries are pending again", "error", err)
		}
	}
	if open > 0 {
		return nil, fmt.Errorf("pipeline: %d interrupted deliveries not finished; everything stays pending for the next run: %w", open, err)
	}
	var channels []string
	for _, pl := range done {
		p.Log.Info("interrupted digest finished", "profile", pl.Profile, "channel", pl.Channel, "messages", len(pl.Messages))
		channels = append(channels, pl.Channel)
	}
	return channels, nil
}

// postQuietDays posts the quiet-day line (digest.RenderEmpty) to each
// channel of opts.ChannelProfiles that got no digest, alert or quiet-day line
// today, in opts.Location; delivered names the channels that got a digest
// in this tick. The day's mark in the store is taken before the line is
// posted, so across replicas and restarts a channel gets at most one line a
// day, and a line whose post failed is not tried again that day.
func (p *Pipeline) postQuietDays(ctx context.Context, poster digest.Poster, delivered []string, opts digest.Options) error {
	now := p.Now()
	var errs []error
	busy := map[string]bool{}
	for _, ch := range delivered {
		// A channel that got a digest today is not quiet today.
		busy[ch] = true
		if _, err := p.Store.Mark(ctx, quietKey(ch, now, opts.Location), now); err != nil {
			errs = append(errs, fmt.Errorf("pipeline: recording the day's digest: %w", err))
		}
	}
	for _, ch := range slices.Sorted(maps.Keys(opts.ChannelProfiles)) {
		if busy[ch] || ch == "" {
			continue
		}
		first, err := p.Store.Mark(ctx, quietKey(ch, now, opts.Location), now)
		if err != nil {
			errs = append(errs, fmt.Errorf("pipeline: quiet-day line for %s: %w", ch, err))
			continue
		}
		if !first {
			continue
		}
		if _, err := poster.Post(ctx, ch, digest.RenderEmpty(ch, now, opts), ""); err != nil {
			p.Log.Warn("quiet-day line not posted", "channel", ch, "error", err)
			p.hold.note(err, now)
			errs = append(errs, fmt.Errorf("pipeline: quiet-day line for %s: %w", ch, err))
		}
	}
	return errors.Join(errs...)
}

// quietKey names the mark that says channel ch had something (a digest, an
// alert or the quiet-day line) on the day of now in loc (nil means UTC).
// The form is stored: changing it would repeat a day's quiet-day lines.
func quietKey(ch string, now time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return "quiet-day:" + ch + ":" + now.In(loc).Format("2006-01-02")
}

// deliver renders and delivers each digest. A digest that fails is logged and
// left pending for the next run; the others go on, unless Slack looks
// unreachable. The error joins every failure.
func (p *Pipeline) deliver(ctx context.Context, d *digest.Deliverer, ds []digest.Digest, opts digest.Options) error {
	var errs []error
	for i, dg := range ds {
		msgs := digest.Render(dg, opts)
		if err := d.Deliver(ctx, dg, msgs); err != nil {
			p.Log.Error("digest not delivered; its entries stay pending for the next run",
				"profile", dg.Profile, "channel", dg.Channel, "error", err)
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
			// A failure that retries could not overcome (5xx, network, a
			// rate limit, above all one whose Retry-After is longer than a
			// run waits) means Slack is unavailable: the other digests would
			// only meet it too. A permanent error (a missing channel)
			// concerns this digest alone.
			p.hold.note(err, p.Now())
			if _, down := digest.Unavailable(err); down {
				if i+1 < len(ds) {
					p.Log.Error("Slack is unavailable: leaving the remaining digests pending for the next run",
						"remaining", len(ds)-i-1)
				}
				break
			}
			continue
		}
		p.Log.Info("digest delivered", "profile", dg.Profile, "channel", dg.Channel,
			"stories", len(dg.Stories), "messages", len(msgs))
	}
	return errors.Join(errs...)
}
