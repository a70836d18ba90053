package daemon

import (
	"context"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/newsbot/newsbot/internal/pipeline"
)

// Poll registers the poll job: poll runs once at Start and then on spec (a
// cron expression or @every), and its stats feed the poll metrics. The
// error is for the cycle as a whole (the store, ctx); it is logged, and the
// next tick tries again. Call it at most once, before Start.
func (d *Daemon) Poll(spec string, poll func(context.Context) (pipeline.PollStats, error)) error {
	d.poll = func(ctx context.Context) error {
		start := time.Now()
		stats, err := poll(ctx)
		d.metrics.ObservePoll(stats, time.Since(start), err)
		return err
	}
	if _, err := d.sched.AddFunc(spec, d.runPoll); err != nil {
		return fmt.Errorf("daemon: poll schedule %q: %w", spec, err)
	}
	// AddFunc parsed spec this way already: it cannot fail here.
	d.pollSchedule, _ = cron.ParseStandard(spec)
	d.interval = Interval(spec, d.now().In(d.loc))
	return nil
}

func (d *Daemon) runPoll() {
	d.pollDispatched()
	d.job("poll", func(ctx context.Context) {
		if err := d.poll(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("poll failed", "error", err)
		}
	})
}

// Digest registers the digest job: deliver runs on spec, and its result
// feeds the digest metrics. An error is logged; what was not delivered
// stays pending for the next tick. Call it at most once, before Start.
func (d *Daemon) Digest(spec string, deliver func(context.Context) error) error {
	_, err := d.sched.AddFunc(spec, func() {
		d.job("digest", func(ctx context.Context) {
			start := time.Now()
			err := deliver(ctx)
			d.metrics.ObserveDigest(time.Since(start), err)
			if err != nil && ctx.Err() == nil {
				d.log.Error("digest cycle failed", "error", err)
			}
		})
	})
	if err != nil {
		return fmt.Errorf("daemon: digest schedule %q: %w", spec, err)
	}
	return nil
}

// intervalTicks and intervalHorizon bound the ticks Interval looks at.
const (
	intervalTicks   = 1000
	intervalHorizon = 366 * 24 * time.Hour
)

// Interval returns the shortest time between two consecutive ticks of spec
// after from (in from's zone), looking at up to a thousand ticks within a
// year; zero when spec does not parse or never fires. It is the pipeline's
// poll interval: for a schedule whose gaps differ ("*/15 9-17 * * 1-5",
// every 15 minutes in office hours), the shortest gap, not the one that
// happens to follow from (the weekend's), so that no tick finds a healthy
// feed not yet due.
func Interval(spec string, from time.Time) time.Duration {
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return 0
	}
	var shortest time.Duration
	prev := s.Next(from)
	if prev.IsZero() {
		return 0
	}
	for range intervalTicks {
		next := s.Next(prev)
		if next.IsZero() {
			break
		}
		if gap := next.Sub(prev); shortest == 0 || gap < shortest {
			shortest = gap
		}
		if prev = next; prev.Sub(from) > intervalHorizon {
			break
		}
	}
	return shortest
}

// PruneSchedule is when Prune runs: daily at 03:30 in the daemon's
// timezone, away from the usual digest hour.
const PruneSchedule = "30 3 * * *"

// Prune registers the daily maintenance job: prune runs on PruneSchedule,
// one job at a time with the poll and the digest. An error is logged; the
// next day tries again. Call it at most once, before Start.
func (d *Daemon) Prune(prune func(context.Context) error) error {
	_, err := d.sched.AddFunc(PruneSchedule, func() {
		d.job("prune", func(ctx context.Context) {
			if err := prune(ctx); err != nil && ctx.Err() == nil {
				d.log.Error("prune failed", "error", err)
			}
		})
	})
	if err != nil {
		return fmt.Errorf("daemon: prune schedule: %w", err)
	}
	return nil
}
