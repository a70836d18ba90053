package main

import (
	"context"
)

type onceCmd struct {
	Force bool `help:"Poll every feed now, ignoring back-off after failures and the feeds' own cache hints."`
	outputFlags
}

// Run polls once, then delivers every pending digest: alerts first, and
// what they could not deliver goes into the digest.
func (c *onceCmd) Run(ctx context.Context, e *env) error {
	a, err := e.openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if !c.DryRun {
		a.warnNowhereToPost()
	}
	if _, err := a.poll(ctx, !c.DryRun, c.Force); err != nil {
		return err
	}
	return a.deliverPending(ctx, c.DryRun, c.Format)
}
