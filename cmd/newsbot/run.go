package main

import (
	"context"
	"fmt"

	"github.com/newsbot/newsbot/internal/daemon"
	"github.com/newsbot/newsbot/internal/pipeline"
)

type runCmd struct{}

// Run is the daemon: it polls and delivers on the configured schedules until
// ctx is cancelled (SIGINT or SIGTERM), then finishes or abandons the work in
// flight without losing any of it, and returns.
func (c *runCmd) Run(ctx context.Context, e *env) error {
	a, err := e.openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	a.warnNowhereToPost()
	d := daemon.New(daemon.Options{Location: a.cfg.Location, Log: e.log, Metrics: a.metrics})
	defer d.Close()

	// Poll on schedule.poll, alerts right after each poll.
	a.pipeline.Interval = daemon.Interval(a.cfg.Schedule.Poll, e.now())
	if err := d.Poll(a.cfg.Schedule.Poll, func(ctx context.Context) (pipeline.PollStats, error) {
		defer a.updateGauges(ctx)
		return a.poll(ctx, true, false)
	}); err != nil {
		return usageError(fmt.Errorf("schedule.poll: %w", err))
	}
	// Deliver the digests on schedule.digest.
	if err := d.Digest(a.cfg.Schedule.Digest, func(ctx context.Context) error {
		defer a.updateGauges(ctx)
		return a.deliverPending(ctx, false, "text")
	}); err != nil {
		return usageError(fmt.Errorf("schedule.digest: %w", err))
	}
	// Prune what retention no longer needs, daily.
	if err := d.Prune(func(ctx context.Context) error {
		defer a.updateGauges(ctx)
		return a.prune(ctx)
	}); err != nil {
		return err
	}
	// Receive readers' feedback clicks (slackfeedback.go).
	fb, err := a.startFeedback(ctx, d)
	if err != nil {
		return err
	}
	defer fb.Close()
	defer d.Close() // first: no request is served when fb closes
	// Serve /metrics, /healthz and /readyz on http.listen.
	d.Listen(a.cfg.HTTP.Listen, fb.ready(a.ready))
	// The operator's console (http.console) beside them, on "/".
	if a.cfg.HTTP.Console {
		c, err := a.console()
		if err != nil {
			return err
		}
		d.Handle("/", c)
	}
	// Reload the profiles when their files change, or on SIGHUP.
	d.Profiles(a.profilesPath(), a.reloadProfiles)

	// Every series is there before the first poll, the gauges too.
	a.updateGauges(ctx)
	if err := d.Start(ctx); err != nil {
		return err
	}
	e.log.Info("newsbot running", "feeds", len(a.pipeline.Feeds), "profiles", len(a.matcher.Load().Profiles()),
		"poll", a.cfg.Schedule.Poll, "digest", a.cfg.Schedule.Digest, "timezone", a.cfg.Location.String(),
		"from_env", a.cfg.FromEnv())
	<-ctx.Done()
	return d.Close()
}
