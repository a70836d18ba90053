package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/store"
)

type feedsCmd struct {
	Format string `help:"Output format: text (a table), or json (JSON Lines: one object per feed, for jq)." default:"text" enum:"text,json"`
}

// feedJSON is one feed's line in `newsbot feeds --format json`; its keys
// are a contract. Times are RFC 3339 in the configured timezone, null when
// they never happened.
type feedJSON struct {
	Name                string     `json:"name"`
	URL                 string     `json:"url"`
	LastSuccess         *time.Time `json:"last_success"`
	ConsecutiveFailures int        `json:"consecutive_failures"`
	NextPoll            *time.Time `json:"next_poll"`
	LastError           string     `json:"last_error"`
	LastErrorAt         *time.Time `json:"last_error_at"`
}

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
	if c.Format == "json" {
		return writeFeedsJSON(e.stdout, a, byURL, loc)
	}
	when := func(t time.Time, zero string) string {
		if t.IsZero() {
			return zero
		}
		return t.In(loc).Format(time.RFC3339)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FEED\tLAST SUCCESS\tFAILURES\tNEXT POLL\tLAST ERROR")
	for _, f := range a.pipeline.Feeds {
		st := byURL[f.URL]
		name := f.DisplayName(st.Name)
		lastErr := clip(lastError(f, st), 100)
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

// lastError is the feed's last error without the URL it names.
func lastError(f feeds.Request, st store.FeedState) string {
	return strings.TrimPrefix(st.LastError, "feeds: fetch "+f.URL+": ")
}

// writeFeedsJSON writes one JSON object per configured feed.
func writeFeedsJSON(w io.Writer, a *app, byURL map[string]store.FeedState, loc *time.Location) error {
	at := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		t = t.In(loc)
		return &t
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, f := range a.pipeline.Feeds {
		st := byURL[f.URL]
		if err := enc.Encode(feedJSON{
			Name:                f.DisplayName(st.Name),
			URL:                 feeds.RedactURL(f.URL),
			LastSuccess:         at(st.LastSuccess),
			ConsecutiveFailures: st.ConsecutiveFailures,
			NextPoll:            at(st.NextPoll),
			LastError:           lastError(f, st),
			LastErrorAt:         at(st.LastErrorAt),
		}); err != nil {
			return err
		}
	}
	return nil
}
