package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/newsbot/newsbot/config"
	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/internal/pipeline"
)

type backfillCmd struct {
	Since string `help:"Start of the period: a duration back from now (7d, 36h) or a date (2026-11-01) in the configured timezone." required:""`
	Until string `help:"End of the period (exclusive), in the same forms; default now."`
	outputFlags
}

// Run fetches every feed, re-matches the stored items of the period and
// delivers what was not delivered yet.
func (c *backfillCmd) Run(ctx context.Context, e *env) error {
	a, err := e.openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	now := e.now()
	since, err := parseWhen(c.Since, now, a.cfg.Location)
	if err != nil {
		return usageError(fmt.Errorf("--since: %w", err))
	}
	until := now
	if c.Until != "" {
		if until, err = parseWhen(c.Until, now, a.cfg.Location); err != nil {
			return usageError(fmt.Errorf("--until: %w", err))
		}
	}
	if !since.Before(until) {
		return usageError(fmt.Errorf("--since %s is not before --until %s", since.Format(time.RFC3339), until.Format(time.RFC3339)))
	}

	tty := isTerminal(e.stderr)
	var bar *progressbar.ProgressBar
	opts := pipeline.PollOptions{All: true}
	if tty {
		bar = newBar(e, len(a.pipeline.Feeds), "fetching feeds")
		opts.Progress = func(done, total int) { _ = bar.Set(done) }
	}
	stats, err := a.pipeline.Poll(ctx, opts)
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		return err
	}
	e.logPoll(stats, e.now().Sub(now), a.cfg.Location)

	var progress func(int)
	if tty {
		bar = newBar(e, -1, "re-matching items")
		progress = func(n int) {
			if n%100 == 0 {
				_ = bar.Set(n)
			}
		}
	}
	var (
		rs    pipeline.RematchStats
		ds    []digest.Digest
		dopts digest.Options
		done  = "re-match done"
	)
	if c.DryRun {
		// Matched in memory only: the store's delivery state stays as it
		// was, so the next once posts nothing from this preview.
		dopts = a.digestOptions(ctx)
		rs, ds, err = a.pipeline.PreviewRematch(ctx, since, until, progress, dopts)
		done = "re-match previewed, nothing stored"
	} else {
		rs, err = a.pipeline.Rematch(ctx, since, until, progress)
	}
	if bar != nil {
		_ = bar.Set(rs.Items)
		_ = bar.Finish()
	}
	if err != nil {
		return err
	}
	e.log.Info(done, "since", since.In(a.cfg.Location).Format(time.RFC3339),
		"until", until.In(a.cfg.Location).Format(time.RFC3339), "items", rs.Items, "new_matches", rs.Matches)
	if c.DryRun {
		return a.print(ds, c.Format, dopts)
	}
	return a.deliverPending(ctx, false, c.Format)
}

func newBar(e *env, max int, what string) *progressbar.ProgressBar {
	return progressbar.NewOptions(max,
		progressbar.OptionSetWriter(e.stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond),
	)
}

// parseWhen reads a point in time: a duration back from now ("7d", "36h"), a
// date ("2026-11-01", midnight in loc) or an RFC 3339 time.
func parseWhen(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := config.ParseDuration(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither a duration (7d, 36h) nor a date (2026-11-01)", s)
	}
	return now.Add(-d), nil
}
