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

// The bounds of DeliverDigests' work under the lock.
const (
	// DefaultLockWait is how long DeliverDigests waits for another
	// process's delivery to end when Pipeline.LockWait is zero.
	DefaultLockWait = 30 * time.Second
	// lockRetry is how often a waiting DeliverDigests tries the lock.
	lockRetry = 200 * time.Millisecond
	// maxRounds bounds the rounds of one DeliverDigests: a round delivers
	// what is pending, and another follows while new entries arrive.
	maxRounds = 5
)

// DeliverDigests is the digest tick. Under the delivery lock, so that one
// replica delivers at a time, it first finishes the deliveries a crash left
// open (digest.Deliverer.Recover; it stops there while Slack is
// unavailable), then builds the digests of every pending match and delivers
// them with d (settling, without a post, the pending copies of stories
// readers muted: see dropMuted), and reads the pending matches again, delivering the new ones
// that other processes stored meanwhile, until none are new (at most
// maxRounds rounds); then, when opts.PostEmpty is set and every digest was
// delivered, it posts the quiet-day line to each channel that got nothing
// today (see postQuietDays). d's Poster is required and its Marker and
// Journal should be the Store.
//
// When another process holds the lock, DeliverDigests waits for it, up to
// LockWait, and then delivers what is pending at that moment: two `once`
// started together both deliver, one after the other, and leave nothing
// pending. The holder's later rounds cover the matches of a process that
// gave up waiting, so a match stored before a DeliverDigests call returns is
// delivered by one of them. A digest that fails stays pending for the next
// tick; the error joins every failure, and the store's.
func (p *Pipeline) DeliverDigests(ctx context.Context, d *digest.Deliverer, opts digest.Options) error {
	opts = p.DigestOptions(opts)
	if err := p.hold.check(p.Now(), p.Location); err != nil {
		return err
	}
	ran, err := p.waitLock(ctx, func(ctx context.Context) error {
		busy, err := p.recover(ctx, d)
		if err != nil {
			return err
		}
		seen := map[[2]string]bool{}
		for round := 0; round < maxRounds; round++ {
			ds, held, err := p.digests(ctx, opts)
			if err != nil {
				return err
			}
			if err := p.settleMuted(ctx, held); err != nil {
				return err
			}
			if !fresh(ds, seen) {
				if round == 0 {
					p.Log.Info("nothing pending to deliver")
				}
				break
			}
			if err := p.deliver(ctx, d, ds, opts); err != nil {
				return fmt.Errorf("some digests were not delivered; they stay pending for the next run: %w", err)
			}
			for _, dg := range ds {
				busy = append(busy, dg.Channel)
			}
		}
		if opts.PostEmpty {
			return p.postQuietDays(ctx, d.Poster, busy, opts)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("pipeline: deliver digests: %w", err)
	}
	if !ran {
		p.Log.Warn("another newsbot is still delivering digests; leaving them to it", "waited", p.lockWait())
	}
	return nil
}

// fresh reports whether ds carry an entry (profile and item) not in seen,
// and adds theirs to seen.
func fresh(ds []digest.Digest, seen map[[2]string]bool) bool {
	found := false
	for _, dg := range ds {
		for _, s := range dg.Stories {
			for _, id := range s.ItemIDs {
				k := [2]string{dg.Profile, id}
				if !seen[k] {
					seen[k], found = true, true
				}
			}
		}
	}
	return found
}

// waitLock runs fn under the delivery lock, waiting up to LockWait for
// another holder to release it; ran is false when the wait ran out.
func (p *Pipeline) waitLock(ctx context.Context, fn func(context.Context) error) (ran bool, err error) {
	deadline := time.Now().Add(p.lockWait()) // the real clock: a wait, not a schedule
	for tries := 0; ; tries++ {
		ran, err := p.Store.TryLock(ctx, deliveryLock, fn)
		if ran || err != nil || !time.Now().Before(deadline) {
			return ran, err
		}
		if tries == 0 {
			p.Log.Info("another newsbot is delivering digests now; waiting for it to finish", "up to", p.lockWait())
		}
		t := time.NewTimer(lockRetry)
		select {
		case <-ctx.Done():
			t.Stop()
			return false, ctx.Err()
		case <-t.C:
		}
	}
}

// lockWait returns LockWait, or its default.
func (p *Pipeline) lockWait() time.Duration {
	switch {
	case p.LockWait < 0:
		return 0
	case p.LockWait == 0:
		return DefaultLockWait
	}
	return p.LockWait
}

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
	if err := p.hold.check(p.Now(), p.Location); err != nil {
		return err
	}
	opts = p.DigestOptions(opts)
	_, err := p.Store.TryLock(ctx, deliveryLock, func(ctx context.Context) error {
		busy, err := p.recover(ctx, d)
		if err != nil {
			return err
		}
		now := p.Now()
		var errs []error
		for _, ch := range busy {
			errs = append(errs, p.markDay(ctx, ch, now, opts.Location, "digest"))
		}
		entries, held, err := p.alerts(ctx, alerting)
		if err != nil {
			return err
		}
		if err := p.settleMuted(ctx, held); err != nil {
			errs = append(errs, err)
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
			errs = append(errs, p.markDay(ctx, ch, now, opts.Location, "alert"))
		}
		return errors.Join(errs...)
	})
	if err != nil {
		return fmt.Errorf("pipeline: deliver alerts: %w", err)
	}
	return nil
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
		return nil, fmt.Errorf("%d interrupted deliveries not finished; everything stays pending for the next run: %w", open, err)
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
		errs = append(errs, p.markDay(ctx, ch, now, opts.Location, "digest"))
	}
	for _, ch := range slices.Sorted(maps.Keys(opts.ChannelProfiles)) {
		if busy[ch] || ch == "" {
			continue
		}
		first, err := p.Store.Mark(ctx, quietKey(ch, now, opts.Location), now)
		if err != nil {
			errs = append(errs, fmt.Errorf("quiet-day line for %s: %w", ch, err))
			continue
		}
		if !first {
			continue
		}
		if _, err := poster.Post(ctx, ch, digest.RenderEmpty(ch, now, opts), ""); err != nil {
			p.Log.Warn("quiet-day line not posted", "channel", ch, "error", err)
			p.hold.note(err, now)
			errs = append(errs, fmt.Errorf("quiet-day line for %s: %w", ch, err))
		}
	}
	return errors.Join(errs...)
}

// markDay records that channel ch got what ("digest" or "alert") on the day
// of now in loc, so that it gets no quiet-day line that day.
func (p *Pipeline) markDay(ctx context.Context, ch string, now time.Time, loc *time.Location, what string) error {
	if _, err := p.Store.Mark(ctx, quietKey(ch, now, loc), now); err != nil {
		return fmt.Errorf("recording the day's %s: %w", what, err)
	}
	return nil
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
