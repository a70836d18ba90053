package pipeline

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/newsbot/newsbot/digest"
)

// DeliverAlerts posts the pending matches of the profiles whose alert is
// "immediate" at once, one message per channel, under the delivery lock (see
// DeliverDigests); when another replica holds it, the alerts wait for the
// next poll. A channel that got an alert less than AlertInterval ago, from
// any replica or an earlier run (the store records it), is left out: its
// matches wait for the next poll or the digest. An alert counts as the
// channel's message of the day, so it gets no quiet-day line. With
// RepeatAlerts the alerted matches stay pending, and the day's digest
// repeats them. d is as for DeliverDigests. An alert that fails stays
// pending; the error joins every failure, and the store's.
func (p *Pipeline) DeliverAlerts(ctx context.Context, d *digest.Deliverer, opts digest.Options) error {
	alerting := map[string]bool{}
	for _, pi := range p.Matcher().Profiles() {
		if pi.Alert == "immediate" {
			alerting[pi.Name] = true
		}
	}
	if len(alerting) == 0 {
		return nil
	}
	if err := p.hold.check(p.Now()); err != nil {
		return err
	}
	opts = p.DigestOptions(opts)
	var errs []error
	_, err := p.Store.TryLock(ctx, deliveryLock, func(ctx context.Context) error {
		busy, err := p.recover(ctx, d)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		now := p.Now()
		for _, ch := range busy {
			if _, err := p.Store.Mark(ctx, quietKey(ch, now, opts.Location), now); err != nil {
				errs = append(errs, fmt.Errorf("pipeline: recording the day's digest: %w", err))
			}
		}
		entries, err := p.Alerts(ctx, alerting)
		if err != nil {
			return err
		}
		last, err := p.Store.LastAlerts(ctx)
		if err != nil {
			return err
		}
		byChannel := map[string][]digest.Entry{}
		for _, e := range entries {
			if at, ok := last[e.Channel]; ok && now.Sub(at) < p.AlertInterval {
				continue
			}
			byChannel[e.Channel] = append(byChannel[e.Channel], e)
		}
		for _, ch := range slices.Sorted(maps.Keys(byChannel)) {
			msgs := digest.RenderAlert(byChannel[ch], opts)
			if p.RepeatAlerts {
				// The alert completes no entry's delivery: the digest
				// repeats them.
				for i := range msgs {
					msgs[i].ItemIDs = nil
				}
			}
			if err := d.Deliver(ctx, digest.Digest{Profile: "alerts", Channel: ch}, msgs); err != nil {
				p.Log.Error("alert not delivered; it stays pending", "channel", ch, "error", err)
				errs = append(errs, err)
				p.hold.note(err, p.Now())
				if _, down := digest.Unavailable(err); down {
					break // Slack is unavailable: the other alerts wait too
				}
				continue
			}
			p.Log.Info("alert delivered", "channel", ch, "entries", len(byChannel[ch]))
			if err := p.Store.RecordAlert(ctx, ch, now); err != nil {
				errs = append(errs, err)
			}
			if _, err := p.Store.Mark(ctx, quietKey(ch, now, opts.Location), now); err != nil {
				errs = append(errs, fmt.Errorf("pipeline: recording the day's alert: %w", err))
			}
		}
		return nil
	})
	if err != nil {
		errs = append(errs, fmt.Errorf("pipeline: deliver alerts: %w", err))
	}
	return errors.Join(errs...)
}
