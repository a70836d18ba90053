package main

import (
	"context"

	"github.com/newsbot/newsbot/digest"
)

// deliverPending delivers the digests of everything pending, or prints them
// when dryRun is set or Slack is not configured. Printing marks nothing
// delivered.
func (a *app) deliverPending(ctx context.Context, dryRun bool, format string) error {
	opts := a.digestOptions(ctx)
	opts.Feedback = a.feedbackOn()
	poster := a.poster()
	if dryRun || poster == nil {
		ds, err := a.pipeline.Digests(ctx, opts)
		if err != nil {
			return err
		}
		if !dryRun {
			a.warnNowhereToPost()
		}
		return a.print(ds, format, opts)
	}
	return a.pipeline.DeliverDigests(ctx, a.deliverer(poster), opts)
}

// warnNowhereToPost warns, once per process, that Slack is not configured
// and digests are printed instead. run and once call it at start-up; later
// calls say nothing.
func (a *app) warnNowhereToPost() {
	if a.poster() != nil {
		return
	}
	a.nowhereOnce.Do(func() {
		a.log.Warn("no Slack token or webhook configured: digests are printed to stdout and nothing is marked delivered",
			"hint", "set slack.token or slack.webhook_url in the configuration, or SLACK_BOT_TOKEN or SLACK_WEBHOOK_URL in the environment")
	})
}

// deliverAlerts delivers the pending matches of `alert: immediate` profiles
// when Slack is configured; without it, they wait for the digest.
func (a *app) deliverAlerts(ctx context.Context) error {
	poster := a.poster()
	if poster == nil {
		return nil
	}
	// Alerts carry no footer: no need to look up failing feeds each poll.
	opts := digest.Options{TopN: a.cfg.Digest.TopN, Location: a.cfg.Location, Now: a.now, Feedback: a.feedbackOn()}
	return a.pipeline.DeliverAlerts(ctx, a.deliverer(poster), opts)
}
