// Package pipeline runs newsbot's cycles over the packages that do the work:
// a poll cycle (feeds → store → matcher → store), a re-match over stored items
// for backfill, and the digest tick (store → digest → Slack → store):
// DeliverDigests with the quiet-day line, and DeliverAlerts with its
// per-channel rate limit, both under one delivery lock so that replicas
// deliver once. It holds no configuration of its own: the command wires its
// fields from config.
package pipeline

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/matcher"
	"github.com/newsbot/newsbot/store"
)

// Backoff bounds for a feed that keeps failing: the first retry waits
// FeedBackoffBase, each further failure doubles it, up to FeedBackoffCap.
const (
	FeedBackoffBase = 15 * time.Minute
	FeedBackoffCap  = 4 * time.Hour
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
	// AlertInterval is the least time between two alerts to one channel
	// (see DeliverAlerts); zero lets every poll alert.
	AlertInterval time.Duration
	// RepeatAlerts leaves alerted matches pending, so that the day's
	// digest repeats them.
	RepeatAlerts bool
	// Interval is the time between poll ticks, set by the daemon. A feed
	// polled successfully is not due again until most of an interval has
	// passed, so replicas whose ticks are not aligned poll it once per
	// interval between them. Zero (once, backfill) makes a healthy feed
	// due at every cycle.
	Interval time.Duration
	// Owner names this process in feed leases: unique per replica.
	Owner string
	// Lease is how long a claimed feed stays this process's to poll; a
	// replica that dies mid-cycle frees its feeds when it runs out
	// (default DefaultLease). It must cover a whole cycle: see LeaseFor.
	Lease time.Duration
	// LockWait is how long DeliverDigests waits for another process's
	// delivery to end before leaving the digests to it (default
	// DefaultLockWait; negative: it does not wait).
	LockWait time.Duration
	// Location is the zone the times in the pipeline's log lines and
	// messages are written in: the configured timezone (nil means UTC).
	Location *time.Location
	Now      func() time.Time
	Log      *slog.Logger

	// hold is when Slack, rate limiting, asked this process to come back.
	hold slackHold
}

// DefaultLease is how long a replica holds the feeds it claimed for a poll.
const DefaultLease = 10 * time.Minute

// LeaseFor returns a lease long enough for a cycle over feeds fetched
// concurrency at a time, each within timeout: the rounds of fetches plus one,
// and at least 30 seconds.
func LeaseFor(feeds, concurrency int, timeout time.Duration) time.Duration {
	rounds := (feeds + max(concurrency, 1) - 1) / max(concurrency, 1)
	return max(time.Duration(rounds+1)*timeout, 30*time.Second)
}

// Batching of the writer: at most this many feeds, or about this many items,
// go into one transaction, written at the latest batchWait after its first
// feed arrived.
const (
	batchFeeds = 64
	batchItems = 2000
	batchWait  = 250 * time.Millisecond
)

// PollOptions changes one poll cycle.
type PollOptions struct {
	// All polls every feed, ignoring back-off and cache hints (once
	// --force, backfill). A feed another replica is polling right now is
	// still left to it.
	All bool
	// Progress, if set, is called after each feed with the count done and the
	// total. It is called from one goroutine at a time.
	Progress func(done, total int)
}

// PollStats counts what a poll cycle did.
type PollStats struct {
	Feeds       int // feeds this process polled
	NotDue      int // feeds skipped: backing off, asked to be polled later, or polled by another replica
	NotModified int // feeds that answered 304
	Failed      int // feeds that failed
	NewItems    int // items stored for the first time
	Matches     int // new matches recorded
	// NewMatches are the matches recorded for the first time.
	NewMatches []store.Match
	// BackingOff are the feeds skipped because they failed and wait for
	// their next poll (NextPoll), earliest due first: among NotDue.
	BackingOff []store.FeedState
	// Articles counts the article pages fetched for feeds with full_text,
	// ArticlesFailed those that failed (the item is then matched on what
	// its feed gave).
	Articles, ArticlesFailed int
}

// feedPoll is one feed's poll, matched in the fetch worker that polled it.
type feedPoll struct {
	result store.PollResult
	err    error
	res    *feeds.Result
	// articles and articlesFailed count the article pages fetched.
	articles, articlesFailed int
}

// Poll runs one poll cycle. It claims the due feeds (so several replicas on
// one database share them, each feed polled by one), fetches them
// concurrently, matches new items in the fetching goroutines, and writes the
// results in batches from a single writer, so neither the store nor the
// matcher serialises the fetches. One feed's failure is logged and recorded
// in its health, never returned; the error is for the store or ctx.
func (p *Pipeline) Poll(ctx context.Context, opts PollOptions) (PollStats, error) {
	var stats PollStats
	now := p.Now()
	urls := make([]string, len(p.Feeds))
	byURL := make(map[string]feeds.Request, len(p.Feeds))
	for i, f := range p.Feeds {
		urls[i] = f.URL
		byURL[f.URL] = f
	}
	dueBy := now.Add(p.slack())
	if opts.All {
		dueBy = now.AddDate(100, 0, 0)
	}
	lease := p.Lease
	if lease <= 0 {
		lease = DefaultLease
	}
	// Claim and poll the feeds in rounds, a shuffled chunk at a time, so
	// that replicas polling at once share the feeds between them instead of
	// the first to claim taking them all.
	mrand.Shuffle(len(urls), func(i, j int) { urls[i], urls[j] = urls[j], urls[i] })
	round := max(8*p.Poller.Concurrency, 256)
	m := p.Matcher()
	channels := p.channels(m)
	results := make(chan feedPoll, 2*batchFeeds)
	var claimErr error
	claimedAll := 0
	claimedURLs := make(map[string]bool, len(urls))
	go func() {
		defer close(results)
		for chunk := range slices.Chunk(urls, round) {
			if ctx.Err() != nil {
				return
			}
			claimed, err := p.Store.ClaimFeeds(ctx, chunk, p.owner(), now, dueBy, lease)
			if err != nil {
				claimErr = err
				return
			}
			claimedAll += len(claimed)
			states := make(map[string]store.FeedState, len(claimed))
			reqs := make([]feeds.Request, 0, len(claimed))
			for _, st := range claimed {
				claimedURLs[st.URL] = true
				states[st.URL] = st
				r := byURL[st.URL]
				r.ETag, r.LastModified = st.ETag, st.LastModified
				reqs = append(reqs, r)
			}
			p.Poller.Poll(ctx, reqs, func(r feeds.Request, res *feeds.Result, err error) {
				results <- p.feedPoll(ctx, r, states[r.URL], res, err, m, channels)
			})
		}
	}()

	// One goroutine writes, in batches: SQLite has one writer, and a
	// transaction per feed would make commits the bottleneck.
	var firstErr error
	done := 0
	batch := make([]store.PollResult, 0, batchFeeds)
	items := 0
	flush := func() {
		if len(batch) == 0 || firstErr != nil {
			batch, items = batch[:0], 0
			return
		}
		// Completed polls are written even while shutting down, so the
		// store stays consistent and the leases of unpolled feeds end.
		saved, err := p.Store.SavePolls(context.WithoutCancel(ctx), batch, p.Now())
		if err != nil {
			firstErr = err
		}
		stats.NewItems += saved.NewItems
		stats.Matches += len(saved.NewMatches)
		stats.NewMatches = append(stats.NewMatches, saved.NewMatches...)
		batch, items = batch[:0], 0
	}
	// A batch is written when it is full or batchWait after its first
	// feed, whichever comes first: flushing whenever the queue is empty
	// made a commit of one or two feeds every few milliseconds, each
	// rewriting the same index pages into the WAL.
	wait := time.NewTimer(batchWait)
	wait.Stop()
	defer wait.Stop()
	var waitC <-chan time.Time
collect:
	for {
		select {
		case fp, ok := <-results:
			if !ok {
				break collect
			}
			done++
			p.report(ctx, fp, &stats)
			batch = append(batch, fp.result)
			items += len(fp.result.Items)
			switch {
			case len(batch) >= batchFeeds || items >= batchItems:
				flush()
				wait.Stop()
				waitC = nil
			case len(batch) == 1:
				wait.Reset(batchWait)
				waitC = wait.C
			}
			if opts.Progress != nil {
				opts.Progress(done, len(urls))
			}
		case <-waitC:
			flush()
			waitC = nil
		}
	}
	flush()
	// results is closed: the claiming goroutine is done.
	stats.Feeds = claimedAll
	stats.NotDue = len(byURL) - claimedAll
	if firstErr == nil {
		firstErr = claimErr
	}
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	if firstErr == nil && stats.NotDue > 0 {
		stats.BackingOff, firstErr = p.backingOff(ctx, claimedURLs, byURL)
	}
	if firstErr != nil {
		return stats, fmt.Errorf("pipeline: poll: %w", firstErr)
	}
	return stats, nil
}

// backingOff returns the configured feeds not claimed in this cycle that
// are backing off after a failure, earliest due first.
func (p *Pipeline) backingOff(ctx context.Context, claimed map[string]bool, configured map[string]feeds.Request) ([]store.FeedState, error) {
	states, err := p.Store.FeedStates(ctx)
	if err != nil {
		return nil, err
	}
	var out []store.FeedState
	for _, st := range states {
		if _, ok := configured[st.URL]; ok && !claimed[st.URL] && st.ConsecutiveFailures > 0 {
			if st.Name == "" {
				st.Name = configured[st.URL].Name
			}
			out = append(out, st)
		}
	}
	slices.SortFunc(out, func(a, b store.FeedState) int { return a.NextPoll.Compare(b.NextPoll) })
	return out, nil
}

// feedPoll turns one fetch into the feed's poll: its next state (see
// nextState) and, when the feed sent content, its items and the matches of
// its recent ones. It runs in the fetching goroutine; m is safe for
// concurrent use.
func (p *Pipeline) feedPoll(ctx context.Context, r feeds.Request, st store.FeedState, res *feeds.Result, err error, m *matcher.Matcher, channels map[string]string) feedPoll {
	now := p.Now()
	fp := feedPoll{err: err, res: res}
	fp.result.State = p.nextState(r, st, res, err, now)
	if err != nil || res.NotModified {
		return fp
	}
	cutoff := now.Add(-p.Window)
	if !st.LastSuccess.IsZero() && st.LastSuccess.Add(-p.Window).Before(cutoff) {
		// After downtime, items published since the last success still count.
		cutoff = st.LastSuccess.Add(-p.Window)
	}
	var recent []feeds.Item
	for _, it := range res.Items {
		if it.Published.IsZero() || !it.Published.Before(cutoff) {
			recent = append(recent, it)
		}
	}
	fp.result.Items = res.Items
	if r.FullText {
		p.fullText(ctx, r, recent, &fp)
	}
	// Matching every recent item costs microseconds; the store keeps only
	// the matches of items it had not seen.
	fp.result.Matches = matchItems(m, recent, channels, now)
	// Compressing the texts here, in the fetching goroutines, keeps it off
	// the single writer. On an error Texts stay nil: SavePolls then packs
	// the texts itself and returns the error.
	if texts, err := store.PackTexts(fp.result.Items); err == nil {
		fp.result.Texts = texts
	}
	return fp
}

// nextState returns the feed's health after a fetch at now: its failures
// and back-off after an error, its next poll and cache validators after a
// success.
func (p *Pipeline) nextState(r feeds.Request, st store.FeedState, res *feeds.Result, err error, now time.Time) store.FeedState {
	st.URL = r.URL
	if r.Name != "" {
		st.Name = r.Name
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			// Shutting down, not the feed's fault: its state stays as it
			// was, and saving it ends the lease.
			return st
		}
		st.ConsecutiveFailures++
		st.LastError = err.Error()
		st.LastErrorAt = now
		st.NextPoll = now.Add(backoff(st.ConsecutiveFailures, retryAfter(err)))
		return st
	}
	st.ConsecutiveFailures = 0
	st.LastError = ""
	st.LastSuccess = now
	// Not due again in this cycle, whichever replica looks: a cycle that
	// began before now sees feeds due by its start plus the slack.
	st.NextPoll = now.Add(p.slack() + time.Millisecond)
	if p.Interval > 0 {
		st.NextPoll = now.Add(p.Interval - 2*p.slack())
	}
	if res.MaxAge > 0 && now.Add(min(res.MaxAge, maxHint)).After(st.NextPoll) {
		st.NextPoll = now.Add(min(res.MaxAge, maxHint))
	}
	if !res.NotModified {
		st.ETag, st.LastModified = res.ETag, res.LastModified
		if st.Name == "" {
			st.Name = res.Title
		}
	}
	return st
}

// in returns t in the pipeline's Location, for a log line or a message.
func (p *Pipeline) in(t time.Time) time.Time {
	if p.Location == nil {
		return t.UTC()
	}
	return t.In(p.Location)
}

// report logs a feed's failure and adds its poll to stats.
func (p *Pipeline) report(ctx context.Context, fp feedPoll, stats *PollStats) {
	st := fp.result.State
	switch {
	case fp.err != nil && errors.Is(fp.err, context.Canceled) && ctx.Err() != nil:
	case fp.err != nil:
		stats.Failed++
		p.Log.Warn("feed failed", "feed", feedLabel(st), "error", fp.err,
			"failures", st.ConsecutiveFailures, "next_poll", p.in(st.NextPoll).Format(time.RFC3339))
	case fp.res.NotModified:
		stats.NotModified++
	}
	stats.Articles += fp.articles
	stats.ArticlesFailed += fp.articlesFailed
}

// fullText adds to the items of a full_text feed that were never stored
// before the main text of their article pages, fetched once per item: an
// item already stored is not fetched again, whether its article was read or
// not. The texts read go into both recent, which is matched, and the items
// to store (fp.result.Items). A failed article is logged and counted; the
// item keeps what the feed gave.
func (p *Pipeline) fullText(ctx context.Context, r feeds.Request, recent []feeds.Item, fp *feedPoll) {
	if len(recent) == 0 {
		return
	}
	ids := make([]string, len(recent))
	for i, it := range recent {
		ids[i] = it.ID
	}
	known, err := p.Store.KnownItems(ctx, ids)
	if err != nil {
		p.Log.Warn("article pages not fetched", "feed", r.DisplayName(""), "error", err)
		return
	}
	var fresh []feeds.Item
	for _, it := range recent {
		if !known[it.ID] {
			fresh = append(fresh, it)
		}
	}
	for _, a := range p.Poller.FetchArticles(ctx, r, fresh) {
		fp.articles++
		if a.Err != nil {
			fp.articlesFailed++
			p.Log.Info("article not read; matching the item on what its feed gave",
				"feed", r.DisplayName(""), "item", fresh[a.Index].Title, "error", a.Err)
		}
	}
	text := make(map[string]string, len(fresh))
	for _, it := range fresh {
		text[it.ID] = it.Text
	}
	for _, items := range [][]feeds.Item{fp.result.Items, recent} {
		for i := range items {
			if t, ok := text[items[i].ID]; ok {
				items[i].Text = t
			}
		}
	}
}

// slack is how far ahead of now a feed's next poll may be for it to be due
// now: a tenth of the interval, at most dueSlack.
func (p *Pipeline) slack() time.Duration {
	if p.Interval > 0 {
		return min(p.Interval/10, dueSlack)
	}
	return dueSlack
}

// owner returns the name this process claims feeds under.
func (p *Pipeline) owner() string {
	if p.Owner != "" {
		return p.Owner
	}
	return defaultOwner
}

// defaultOwner is unique to this process: host, process ID and a random tag.
var defaultOwner = func() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%x", host, os.Getpid(), b)
}()

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
		for _, h := range m.Match(matcher.Document{Title: it.Title, Body: it.Body()}) {
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
// exponential from FeedBackoffBase up to FeedBackoffCap, or longer if the server
// asked for it with Retry-After (within a day).
func backoff(n int, hint time.Duration) time.Duration {
	d := FeedBackoffBase
	for i := 1; i < n && d < FeedBackoffCap; i++ {
		d *= 2
	}
	d = min(d, FeedBackoffCap)
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
	return feeds.Request{URL: st.URL}.DisplayName(st.Name)
}
