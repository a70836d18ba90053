package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/store"
)

type feedsCmd struct{}

// Run prints the health of every configured feed.
func (c *feedsCmd) Run(ctx context.Context, e *env) error {
	a, err := e.openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	states, err := a.store.FeedStates(ctx)
	if err != nil {
		return err
	}
	byURL := map[string]store.FeedState{}
	for _, st := range states {
		byURL[st.URL] = st
	}
	loc := a.cfg.Location
	when := func(t time.Time, zero string) string {
		if t.IsZero() {
			return zero
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FEED\tLAST SUCCESS\tFAILURES\tNEXT POLL\tLAST ERROR")
	for _, f := range a.pipeline.Feeds {
		st := byURL[f.URL]
		name := f.Name
		if name == "" {
			name = st.Name
		}
		if name == "" {
			name = feeds.RedactURL(f.URL)
		}
		lastErr := clip(strings.TrimPrefix(st.LastError, "feeds: fetch "+f.URL+": "), 100)
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", name, when(st.LastSuccess, "never"),
			st.ConsecutiveFailures, when(st.NextPoll, "next tick"), lastErr)
	}
	return tw.Flush()
}

// clip shortens s to at most n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
