package main

import (
	"context"

	"github.com/newsbot/newsbot/internal/pipeline"
)

type onceCmd struct {
	outputFlags
}

// Run polls once, then delivers every pending digest.
func (c *onceCmd) Run(ctx context.Context, e *env) error {
	a, err := e.openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	start := e.now()
	stats, err := a.pipeline.Poll(ctx, pipeline.PollOptions{})
	if err != nil {
		return err
	}
	e.logPoll(stats, e.now().Sub(start))
	if !c.DryRun {
		// Alerts first; what they could not deliver goes into the digest.
		if err := a.deliverAlerts(ctx); err != nil {
			e.log.Error("alerts", "error", err)
		}
	}
	return a.deliverPending(ctx, c.DryRun, c.Format)
}
