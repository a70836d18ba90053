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
	return nil
}

func (d *Daemon) runPoll() {
	d.job(func(ctx context.Context) {
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
		d.job(func(ctx context.Context) {
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

// Interval returns the time between two ticks of spec after from, or zero
// when spec does not parse: the pipeline's poll interval.
func Interval(spec string, from time.Time) time.Duration {
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return 0
	}
	next := s.Next(from)
	return s.Next(next).Sub(next)
}

// PruneSchedule is when Prune runs: daily at 03:30 in the daemon's
// timezone, away from the usual digest hour.
const PruneSchedule = "30 3 * * *"

// Prune registers the daily maintenance job: prune runs on PruneSchedule,
// one job at a time with the poll and the digest. An error is logged; the
// next day tries again. Call it at most once, before Start.
func (d *Daemon) Prune(prune func(context.Context) error) error {
	_, err := d.sched.AddFunc(PruneSchedule, func() {
		d.job(func(ctx context.Context) {
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
