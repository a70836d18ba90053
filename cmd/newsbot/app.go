package main

import (
	"cmp"
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsbot/newsbot/config"
	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/internal/daemon"
	"github.com/newsbot/newsbot/internal/pipeline"
	"github.com/newsbot/newsbot/matcher"
	"github.com/newsbot/newsbot/store"
)

// app is newsbot wired from one configuration: the store, the profiles in
// force, the pipeline and the way digests leave.
type app struct {
	*env
	cfg      *config.Config
	store    *store.Store
	matcher  atomic.Pointer[matcher.Matcher]
	pipeline *pipeline.Pipeline
	// metrics are the Prometheus series that run serves and once writes
	// with --metrics-file.
	metrics *daemon.Metrics
	// nowhereOnce makes the warning that Slack is not configured appear
	// once per process.
	nowhereOnce sync.Once
}

// openApp loads the configuration and profiles and opens the store.
// Configuration problems are usage errors (exit 2); the caller must Close.
func (e *env) openApp(ctx context.Context) (*app, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, err
	}
	m, err := cfg.LoadProfiles()
	if err != nil {
		return nil, usageError(err)
	}
	st, err := store.Open(ctx, cfg.Store.Value())
	if err != nil {
		return nil, err
	}
	a := &app{env: e, cfg: cfg, store: st, metrics: daemon.NewMetrics(version)}
	a.matcher.Store(m)
	reqs := make([]feeds.Request, 0, len(cfg.Feeds))
	for _, f := range cfg.Feeds {
		reqs = append(reqs, feeds.Request{URL: cfg.Resolve(f.URL), Name: f.Name,
			FullText: f.FullText, UserAgent: f.UserAgent, Headers: f.Headers})
	}
	a.pipeline = &pipeline.Pipeline{
		Store: st,
		Poller: &feeds.Poller{
			Fetcher: feeds.NewFetcher(feeds.Options{
				Timeout:   time.Duration(cfg.Fetch.Timeout),
				MaxBody:   int64(cfg.Fetch.MaxBody),
				UserAgent: cmp.Or(cfg.Fetch.UserAgent, "newsbot/"+version+" (+https://github.com/newsbot/newsbot)"),
			}),
			Concurrency: cfg.Fetch.Concurrency,
			PerHost:     cfg.Fetch.PerHost,
		},
		Feeds:          reqs,
		Matcher:        a.matcher.Load,
		DefaultChannel: cfg.Slack.Channel,
		Window:         time.Duration(cfg.Digest.Window),
		AlertInterval:  time.Duration(cfg.Digest.AlertInterval),
		RepeatAlerts:   cfg.Digest.RepeatAlerts,
		Lease:          pipeline.LeaseFor(len(reqs), cfg.Fetch.Concurrency, time.Duration(cfg.Fetch.Timeout)),
		Location:       cfg.Location,
		Now:            e.now,
		Log:            e.log,
	}
	return a, nil
}

func (a *app) Close() error { return a.store.Close() }

// digestOptions returns how digests are built and rendered: the team's
// timezone, the profiles' order and descriptions, and a footer naming feeds
// that have been failing for more than a day.
func (a *app) digestOptions(ctx context.Context) digest.Options {
	opts := a.pipeline.DigestOptions(digest.Options{
		TopN:      a.cfg.Digest.TopN,
		Location:  a.cfg.Location,
		Now:       a.now,
		PostEmpty: a.cfg.Digest.PostEmpty,
	})
	footer, err := a.pipeline.FailingFeeds(ctx)
	if err != nil {
		a.log.Warn("digest footer left out", "error", err)
	}
	opts.Footer = footer
	return opts
}

// poster returns how digests leave: Slack's Web API with a bot token, an
// incoming webhook, or nil when neither is configured.
func (a *app) poster() digest.Poster {
	client := &http.Client{Timeout: 30 * time.Second}
	switch {
	case a.cfg.Slack.Token.Value() != "":
		p := digest.NewSlackPoster(a.cfg.Slack.Token.Value(), a.cfg.Slack.APIURL, client)
		return countingFinder{countingPoster{p, a.metrics}, p}
	case a.cfg.Slack.WebhookURL.Value() != "":
		return countingPoster{digest.NewWebhookPoster(a.cfg.Slack.WebhookURL.Value(), client), a.metrics}
	}
	return nil
}

// countingPoster counts the failed posts of a Poster by error type.
type countingPoster struct {
	digest.Poster
	metrics *daemon.Metrics
}

// Post posts with the Poster and counts its error, if any.
func (c countingPoster) Post(ctx context.Context, channel string, m digest.Message, threadTS string) (string, error) {
	ref, err := c.Poster.Post(ctx, channel, m, threadTS)
	if err != nil {
		c.metrics.SlackError(err)
	}
	return ref, err
}

// countingFinder is a countingPoster that still finds messages, so the
// Deliverer's crash recovery works through it.
type countingFinder struct {
	countingPoster
	digest.Finder
}

var (
	_ digest.Poster = countingFinder{}
	_ digest.Finder = countingFinder{}
)

// updateGauges sets the gauges only the store knows: pending entries per
// profile, failing feeds and the store's size. A store error leaves them as
// they were, with a warning: the cycle's work is done.
func (a *app) updateGauges(ctx context.Context) {
	if ctx.Err() != nil {
		return // shutting down: nobody scrapes a stopped daemon
	}
	if n, err := a.store.Size(ctx); err != nil {
		a.log.Warn("metrics: store size not updated", "error", err)
	} else {
		a.metrics.SetStoreSize(n)
	}
	counts, err := a.store.PendingCounts(ctx)
	if err != nil {
		a.log.Warn("metrics: pending entries not updated", "error", err)
	} else {
		var profiles []string
		for _, p := range a.matcher.Load().Profiles() {
			profiles = append(profiles, p.Name)
		}
		a.metrics.SetPending(profiles, counts)
	}
	states, err := a.store.FeedStates(ctx)
	if err != nil {
		a.log.Warn("metrics: failing feeds not updated", "error", err)
		return
	}
	configured := make(map[string]bool, len(a.pipeline.Feeds))
	for _, f := range a.pipeline.Feeds {
		configured[f.URL] = true
	}
	failing := 0
	for _, st := range states {
		if configured[st.URL] && st.ConsecutiveFailures > 0 {
			failing++
		}
	}
	a.metrics.SetFailingFeeds(failing)
}

// deliverer posts with poster and records deliveries in the store, which
// journals messages in flight (pipeline.Journal), so a crash never loses one
// and rarely repeats one.
func (a *app) deliverer(poster digest.Poster) *digest.Deliverer {
	return &digest.Deliverer{Poster: poster, Marker: a.store, Journal: pipeline.Journal{Store: a.store}, Now: a.now}
}

// poll runs one poll cycle and logs what it did; with alerts, it then
// delivers the alerts of what it matched.
// With force, it polls every feed, ignoring back-off and cache hints.
func (a *app) poll(ctx context.Context, alerts, force bool) (pipeline.PollStats, error) {
	start := a.now()
	stats, err := a.pipeline.Poll(ctx, pipeline.PollOptions{All: force})
	if err != nil {
		return stats, err
	}
	a.logPoll(stats, a.now().Sub(start), a.cfg.Location)
	if alerts {
		// What the alerts could not deliver stays pending for the digest.
		if err := a.deliverAlerts(ctx); err != nil && ctx.Err() == nil {
			a.log.Error("alerts", "error", err)
		}
	}
	return stats, nil
}

// prune deletes what is older than retention and logs what went.
func (a *app) prune(ctx context.Context) error {
	st, err := a.pipeline.Prune(ctx, time.Duration(a.cfg.Retention))
	if err != nil {
		return err
	}
	before := a.now().Add(-time.Duration(a.cfg.Retention)).In(a.cfg.Location)
	a.log.Info("pruned", "before", before.Format(time.RFC3339), "items", st.Items, "matches", st.Matches,
		"journal", st.Journal, "marks", st.Marks)
	return nil
}

// profilesPath is the profile file or directory to watch; "" for the
// built-in profiles, which never change.
func (a *app) profilesPath() string {
	if a.cfg.Profiles == "" {
		return ""
	}
	return a.cfg.Resolve(a.cfg.Profiles)
}

// reloadProfiles reads the profiles again and puts them in force if they are
// valid, logging each of the matcher's warnings (as `newsbot validate`
// prints them); an invalid edit keeps the old profiles running.
func (a *app) reloadProfiles(context.Context) (int, error) {
	m, err := a.cfg.LoadProfiles()
	if err != nil {
		return 0, err
	}
	for _, w := range m.Warnings() {
		a.log.Warn("profile warning", "warning", w.Error())
	}
	a.matcher.Store(m)
	return len(m.Profiles()), nil
}

// ready reports whether the store answers, for /readyz: a one-row query
// under a short deadline, whatever the store's size.
func (a *app) ready(ctx context.Context) error {
	return a.store.Ping(ctx)
}
