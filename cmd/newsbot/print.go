package main

import (
	"fmt"
	"time"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/internal/pipeline"
)

// print writes the digests to stdout as text or JSON Lines, for --dry-run
// and for a run without Slack configured.
func (a *app) print(ds []digest.Digest, format string, opts digest.Options) error {
	switch format {
	case "json":
		return digest.WriteJSON(a.stdout, ds)
	default:
		if len(ds) == 0 {
			_, err := fmt.Fprintln(a.stdout, "No pending matches: nothing to deliver.")
			return err
		}
		return digest.WriteText(a.stdout, ds, opts)
	}
}

// outputFlags are the flags once and backfill share.
type outputFlags struct {
	DryRun bool   `help:"Poll and store as usual, but deliver nothing and mark nothing delivered: print the digest instead."`
	Format string `help:"Output format of printed digests: text, or json (JSON Lines, one object per entry)." default:"text" enum:"text,json"`
}

func (e *env) logPoll(stats pipeline.PollStats, took time.Duration) {
	e.log.Info("poll done", "feeds", stats.Feeds, "not_due", stats.NotDue, "not_modified", stats.NotModified,
		"failed", stats.Failed, "new_items", stats.NewItems, "new_matches", stats.Matches,
		"articles", stats.Articles, "articles_failed", stats.ArticlesFailed,
		"took", took.Round(time.Millisecond))
}
