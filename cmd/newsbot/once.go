package main

import (
	"context"
	"errors"
)

type onceCmd struct {
	Force       bool   `help:"Poll every feed now, ignoring back-off after failures and the feeds' own cache hints."`
	MetricsFile string `help:"Write the metrics to this file at the end, in the text format of node-exporter's textfile collector (name it *.prom); written atomically, also when the run fails." placeholder:"PATH" type:"path"`
	outputFlags
}

// Run polls once, then delivers every pending digest: alerts first, and
// what they could not deliver goes into the digest. With --metrics-file it
// then writes the run's metrics.
func (c *onceCmd) Run(ctx context.Context, e *env) (err error) {
	a, err := e.openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if c.MetricsFile != "" {
		defer func() {
			a.updateGauges(context.WithoutCancel(ctx))
			if werr := a.metrics.WriteTextfile(c.MetricsFile); werr != nil {
				err = errors.Join(err, werr)
			}
		}()
	}
	if !c.DryRun {
		a.warnNowhereToPost()
	}
	start := a.now()
	stats, err := a.poll(ctx, !c.DryRun, c.Force)
	a.metrics.ObservePoll(stats, a.now().Sub(start), err)
	if err != nil {
		return err
	}
	start = a.now()
	err = a.deliverPending(ctx, c.DryRun, c.Format)
	if !c.DryRun && a.poster() != nil {
		a.metrics.ObserveDigest(a.now().Sub(start), err)
	}
	// Prune what retention no longer needs; pending entries, such as what
	// was just not delivered, are kept. A dry run leaves that to a real one.
	if c.DryRun {
		return err
	}
	if perr := a.prune(ctx); perr != nil {
		err = errors.Join(err, perr)
	}
	return err
}
