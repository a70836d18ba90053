package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/feeds"
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

// logPoll logs what a poll did; when feeds were skipped for back-off, it
// names them (the first maxBackingOff) with when each is due, in loc.
func (e *env) logPoll(stats pipeline.PollStats, took time.Duration, loc *time.Location) {
	args := []any{"feeds", stats.Feeds, "not_due", stats.NotDue, "not_modified", stats.NotModified,
		"failed", stats.Failed, "new_items", stats.NewItems, "new_matches", stats.Matches,
		"articles", stats.Articles, "articles_failed", stats.ArticlesFailed,
		"took", took.Round(time.Millisecond)}
	if n := len(stats.BackingOff); n > 0 {
		names := make([]string, 0, min(n, maxBackingOff)+1)
		for _, st := range stats.BackingOff[:min(n, maxBackingOff)] {
			name := st.Name
			if name == "" {
				name = feeds.RedactURL(st.URL)
			}
			names = append(names, fmt.Sprintf("%s (due %s)", name, st.NextPoll.In(loc).Format(time.RFC3339)))
		}
		if n > maxBackingOff {
			names = append(names, fmt.Sprintf("and %d more", n-maxBackingOff))
		}
		args = append(args, "backing_off", strings.Join(names, ", "),
			"hint", "once --force polls them now")
	}
	e.log.Info("poll done", args...)
}

// maxBackingOff is how many feeds skipped for back-off the poll log names.
const maxBackingOff = 10
