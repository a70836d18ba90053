// Package pipeline runs newsbot's cycles over the packages that do the work:
// a poll cycle (feeds → store → matcher → store), a re-match over stored items
// for backfill, and a digest cycle (store → digest → Slack → store). It holds
// no configuration of its own: the command wires it from config.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/matcher"
	"github.com/newsbot/newsbot/store"
)

// Backoff bounds for a feed that keeps failing: the first retry waits
// BackoffBase, each further failure doubles it, up to BackoffCap.
const (
	BackoffBase = 15 * time.Minute
	BackoffCap  = 4 * time.Hour
	// maxHint caps how far a feed's own hints (Cache-Control, TTL,
	// Retry-After) may push its next poll.
	maxHint = 24 * time.Hour
	// dueSlack lets a feed whose next poll falls just after a tick be polled
	// on that tick rather than one interval later.
	dueSlack = time.Minute
)

// Pipeline polls, matches and builds digests. Fields must be set before use
// and not changed while a cycle runs, except through Matcher.
type Pipeline struct {
	Store  *store.Store
	Poller *feeds.Poller
	// Feeds are the configured feeds (URL and name).
	Feeds []feeds.Request
	// Matcher returns the profiles in force; it is called once per cycle so
	// a reload takes effect at the next one.
	Matcher func() *matcher.Matcher
	// DefaultChannel is used for profiles that name no channel.
	DefaultChannel string
	// Window is how old an item may be, when first seen, to count for the
	// digest; older ones count only through backfill.
	Window time.Duration
	Now    func() time.Time
	Log    *slog.Logger
}

// PollOptions changes one poll cycle.
type PollOptions struct {
	// All polls every feed, ignoring back-off and cache hints.
	All bool
	// Progress, if set, is called after each feed with the count done and the
	// total. It is called from one goroutine at a time.
	Progress func(done, total int)
}

// PollStats counts what a poll cycle did.
type PollStats struct {
	Feeds       int // feeds due and polled
	NotDue      int // feeds skipped: backing off or asked to be polled later
	NotModified int // feeds that answered 304
	Failed      int // feeds that failed
	NewItems    int // items stored for the first time
	Matches     int // new matches recorded
}

type outcome struct {
	req feeds.Request
	res *feeds.Result
	err error
}

// Poll runs one poll cycle: fetches every due feed concurrently, stores new
// items once, matches them, and records feed health. One feed's failure is
// logged and counted, never returned; the error is for the store or ctx.
func (p *Pipeline) Poll(ctx context.Context, opts PollOptions) (PollStats, error) {
	var stats PollStats
	now := p.Now()
	states, err := p.Store.FeedStates(ctx)
	if err != nil {
		return stats, fmt.Errorf("pipeline: poll: %w", err)
	}
	byURL := make(map[string]store.FeedState, len(states))
	for _, st := range states {
		byURL[st.URL] = st
	}
	var reqs []feeds.Request
	for _, f := range p.Feeds {
		st, ok := byURL[f.URL]
		if !ok {
			st = store.FeedState{URL: f.URL}
		}
		if !opts.All && st.NextPoll.After(now.Add(dueSlack)) {
			stats.NotDue++
			continue
		}
		f.ETag, f.LastModified = st.ETag, st.LastModified
		reqs = append(reqs, f)
	}
	stats.Feeds = len(reqs)
	if len(reqs) == 0 {
		return stats, nil
	}

	m := p.Matcher()
	channels := p.channels(m)
	results := make(chan outcome)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(results)
		p.Poller.Poll(ctx, reqs, func(r feeds.Request, res *feeds.Result, err error) {
			results <- outcome{r, res, err}
		})
	}()

	// One goroutine writes: SQLite has one writer, and matching is cheap
	// next to fetching.
	var firstErr error
	done := 0
	for o := range results {
		done++
		if firstErr == nil {
			if err := p.record(ctx, o, byURL[o.req.URL], m, channels, &stats); err != nil {
				firstErr = err
			}
		}
		if opts.Progress != nil {
			opts.Progress(done, len(reqs))
		}
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		return stats, fmt.Errorf("pipeline: poll: %w", firstErr)
	}
	return stats, nil
}

// record stores one feed's outcome: its health, its new items and their
// matches. It returns only errors of the store.
func (p *Pipeline) record(ctx context.Context, o outcome, st store.FeedState, m *matcher.Matcher, channels map[string]string, stats *PollStats) error {
	now := p.Now()
	st.URL = o.req.URL
	if o.req.Name != "" {
		st.Name = o.req.Name
	}
	if o.err != nil {
		if errors.Is(o.err, context.Canceled) && ctx.Err() != nil {
			return nil // shutting down: not the feed's fault
		}
		stats.Failed++
		st.ConsecutiveFailures++
		st.LastError = o.err.Error()
		st.LastErrorAt = now
		st.NextPoll = now.Add(backoff(st.ConsecutiveFailures, retryAfter(o.err)))
		p.Log.Warn("feed failed", "feed", feedLabel(st), "error", o.err,
			"failures", st.ConsecutiveFailures, "next_poll", st.NextPoll.Format(time.RFC3339))
		return p.Store.SaveFeedState(ctx, st)
	}
	res := o.res
	cutoff := now.Add(-p.Window)
	if !st.LastSuccess.IsZero() && st.LastSuccess.Add(-p.Window).Before(cutoff) {
		// After downtime, items published since the last success still count.
		cutoff = st.LastSuccess.Add(-p.Window)
	}
	st.ConsecutiveFailures = 0
	st.LastError = ""
	st.LastSuccess = now
	st.NextPoll = time.Time{}
	if res.MaxAge > 0 {
		st.NextPoll = now.Add(min(res.MaxAge, maxHint))
	}
	if res.NotModified {
		stats.NotModified++
	} else {
		st.ETag, st.LastModified = res.ETag, res.LastModified
		if st.Name == "" {
			st.Name = res.Title
		}
		fresh, err := p.Store.SaveItems(ctx, res.Items, now)
		if err != nil {
			return err
		}
		stats.NewItems += len(fresh)
		var recent []feeds.Item
		for _, it := range fresh {
			if it.Published.IsZero() || !it.Published.Before(cutoff) {
				recent = append(recent, it)
			}
		}
		n, err := p.Store.SaveMatches(ctx, matchItems(m, recent, channels, now))
		if err != nil {
			return err
		}
		stats.Matches += n
		if len(fresh) > len(recent) {
			p.Log.Debug("older items stored without matching; use backfill to include them",
				"feed", feedLabel(st), "items", len(fresh)-len(recent))
		}
	}
	return p.Store.SaveFeedState(ctx, st)
}

// channels maps each profile to the Slack channel its digest goes to.
func (p *Pipeline) channels(m *matcher.Matcher) map[string]string {
	out := map[string]string{}
	for _, pi := range m.Profiles() {
		out[pi.Name] = pi.Channel
		if pi.Channel == "" {
			out[pi.Name] = p.DefaultChannel
		}
	}
	return out
}

// matchItems matches items against every profile.
func matchItems(m *matcher.Matcher, items []feeds.Item, channels map[string]string, now time.Time) []store.Match {
	var out []store.Match
	for _, it := range items {
		for _, h := range m.Match(matcher.Document{Title: it.Title, Body: it.Summary}) {
			out = append(out, store.Match{
				ItemID:  it.ID,
				Profile: h.Profile,
				Channel: channels[h.Profile],
				Terms:   h.Terms,
				Score:   h.Score,
				Matched: now,
			})
		}
	}
	return out
}

// backoff returns how long to wait after the n-th consecutive failure:
// exponential from BackoffBase up to BackoffCap, or longer if the server
// asked for it with Retry-After (within a day).
func backoff(n int, hint time.Duration) time.Duration {
	d := BackoffBase
	for i := 1; i < n && d < BackoffCap; i++ {
		d *= 2
	}
	d = min(d, BackoffCap)
	if hint > d {
		d = min(hint, maxHint)
	}
	return d
}

func retryAfter(err error) time.Duration {
	var he *feeds.HTTPError
	if errors.As(err, &he) {
		return he.RetryAfter
	}
	return 0
}

func feedLabel(st store.FeedState) string {
	if st.Name != "" {
		return st.Name
	}
	return st.URL
}
