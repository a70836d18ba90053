package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/newsbot/newsbot/digest"
)

// Digests builds the digests of every pending match, one per profile and
// channel, in profile order.
func (p *Pipeline) Digests(ctx context.Context, opts digest.Options) ([]digest.Digest, error) {
	pending, err := p.Store.Pending(ctx)
	if err != nil {
		return nil, fmt.Errorf("pipeline: digests: %w", err)
	}
	entries := make([]digest.Entry, 0, len(pending))
	for _, pm := range pending {
		entries = append(entries, digest.Entry{
			Profile:   pm.Profile,
			Channel:   pm.Channel,
			ItemID:    pm.ItemID,
			Title:     pm.Item.Title,
			Link:      pm.Item.Link,
			Feed:      pm.Item.Feed,
			Published: pm.Item.Published,
			Matched:   pm.Terms,
			Score:     pm.Score,
		})
	}
	if opts.Descriptions == nil {
		opts.Descriptions = map[string]string{}
		for _, pi := range p.Matcher().Profiles() {
			opts.Descriptions[pi.Name] = pi.Description
		}
	}
	return digest.Build(entries, opts), nil
}

// Deliver renders and delivers each digest. A digest that fails is logged and
// left pending for the next run; the others go on. The error joins every
// failure, so the caller can exit non-zero.
func (p *Pipeline) Deliver(ctx context.Context, d *digest.Deliverer, ds []digest.Digest, opts digest.Options) error {
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
			// A failure that retries could not overcome (5xx, network) means
			// Slack is unreachable: the other digests would only wait out the
			// same back-off. A permanent error (a missing channel) concerns
			// this digest alone.
			if _, transient := digest.Retry(err, 1); transient && i+1 < len(ds) {
				p.Log.Error("Slack looks unreachable: leaving the remaining digests pending for the next run",
					"remaining", len(ds)-i-1)
				break
			}
			continue
		}
		p.Log.Info("digest delivered", "profile", dg.Profile, "channel", dg.Channel,
			"stories", len(dg.Stories), "messages", len(msgs))
	}
	return errors.Join(errs...)
}
