package main

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/newsbot/newsbot/digest"
)

// deliverPending builds the digests of everything pending and delivers them,
// or prints them when dryRun is set or Slack is not configured. Printing
// marks nothing delivered. A channel without stories gets the quiet-day line
// once a day, if digest.post_empty is set.
func (a *app) deliverPending(ctx context.Context, dryRun bool, format string) error {
	opts := a.digestOptions(ctx)
	poster := a.poster()
	if dryRun || poster == nil {
		ds, err := a.pipeline.Digests(ctx, opts)
		if err != nil {
			return err
		}
		if !dryRun {
			a.log.Warn("no Slack token or webhook configured: printing digests to stdout; nothing is marked delivered",
				"hint", "set slack.token (SLACK_BOT_TOKEN) or slack.webhook_url (SLACK_WEBHOOK_URL)")
		}
		return a.print(ds, format, opts)
	}
	d := a.deliverer(poster, a.store)
	// One replica delivers at a time; the digests are built under the lock,
	// so a replica that waited finds nothing already delivered.
	var failed bool
	ran, err := a.store.TryLock(ctx, "newsbot-deliver", func(ctx context.Context) error {
		ds, err := a.pipeline.Digests(ctx, opts)
		if err != nil {
			return err
		}
		if len(ds) == 0 {
			a.log.Info("nothing pending to deliver")
		}
		failed = a.pipeline.Deliver(ctx, d, ds, opts) != nil
		if !failed && opts.PostEmpty {
			a.postQuietDays(ctx, poster, ds, opts)
		}
		return nil
	})
	switch {
	case err != nil:
		return err
	case !ran:
		a.log.Info("another newsbot is delivering digests now; leaving them to it")
	case failed:
		return &exitError{code: exitFailed, err: errors.New("some digests were not delivered; they stay pending for the next run")}
	}
	return nil
}

// postQuietDays posts the quiet-day line to each channel that got no digest,
// at most once per channel per day (in the team's timezone).
func (a *app) postQuietDays(ctx context.Context, poster digest.Poster, ds []digest.Digest, opts digest.Options) {
	now := a.now()
	key := func(ch string) string { return a.quietKey(ch, now) }
	busy := map[string]bool{}
	for _, d := range ds {
		// A channel that got a digest today is not quiet today.
		busy[d.Channel] = true
		if _, err := a.store.Mark(ctx, key(d.Channel), now); err != nil {
			a.log.Warn("recording the day's digest", "channel", d.Channel, "error", err)
		}
	}
	for _, ch := range sortedKeys(opts.ChannelProfiles) {
		if busy[ch] || ch == "" {
			continue
		}
		first, err := a.store.Mark(ctx, key(ch), now)
		if err != nil || !first {
			continue
		}
		if _, err := poster.Post(ctx, ch, digest.RenderEmpty(ch, now, opts), ""); err != nil {
			a.log.Warn("quiet-day line not posted", "channel", ch, "error", err)
		}
	}
}

// quietKey names the mark that says channel ch had something (a digest, an
// alert or the quiet-day line) on the day of now, in the team's timezone.
func (a *app) quietKey(ch string, now time.Time) string {
	return "quiet-day:" + ch + ":" + now.In(a.cfg.Location).Format("2006-01-02")
}

// deliverAlerts posts the pending matches of `alert: immediate` profiles at
// once, one message per channel, no more often than digest.alert_interval
// per channel; the rest wait for the next poll.
func (a *app) deliverAlerts(ctx context.Context) error {
	alerting := map[string]bool{}
	for _, p := range a.matcher.Load().Profiles() {
		if p.Alert == "immediate" {
			alerting[p.Name] = true
		}
	}
	poster := a.poster()
	if len(alerting) == 0 || poster == nil {
		return nil
	}
	var marker digest.Marker = a.store
	if a.cfg.Digest.RepeatAlerts {
		marker = noMarker{}
	}
	// Alerts carry no footer: no need to look up failing feeds each poll.
	opts := a.pipeline.DigestOptions(digest.Options{TopN: a.cfg.Digest.TopN, Location: a.cfg.Location, Now: a.now})
	var failed bool
	_, err := a.store.TryLock(ctx, "newsbot-deliver", func(ctx context.Context) error {
		entries, err := a.pipeline.Alerts(ctx, alerting)
		if err != nil {
			return err
		}
		now := a.now()
		byChannel := map[string][]digest.Entry{}
		for _, e := range entries {
			if last, ok := a.lastAlert[e.Channel]; ok && now.Sub(last) < time.Duration(a.cfg.Digest.AlertInterval) {
				continue
			}
			byChannel[e.Channel] = append(byChannel[e.Channel], e)
		}
		d := a.deliverer(poster, marker)
		for _, ch := range sortedKeys(byChannel) {
			msgs := digest.RenderAlert(byChannel[ch], opts)
			if err := d.Deliver(ctx, digest.Digest{Profile: "alerts", Channel: ch}, msgs); err != nil {
				a.log.Error("alert not delivered; it stays pending", "channel", ch, "error", err)
				failed = true
				continue
			}
			a.lastAlert[ch] = now
			a.log.Info("alert delivered", "channel", ch, "entries", len(byChannel[ch]))
			if _, err := a.store.Mark(ctx, a.quietKey(ch, now), now); err != nil {
				a.log.Warn("recording the day's alert", "channel", ch, "error", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if failed {
		return errors.New("some alerts were not delivered; they stay pending")
	}
	return nil
}

// noMarker records nothing: alerts delivered with it stay pending, so the
// day's digest repeats them (digest.repeat_alerts). Since the alert itself
// is not recorded, an alert repeats at each poll unless rate-limited.
type noMarker struct{}

func (noMarker) MarkDelivered(context.Context, string, []string, string, time.Time) error { return nil }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
