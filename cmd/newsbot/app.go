package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/newsbot/newsbot/config"
	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/feeds"
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
	st, err := store.Open(ctx, cfg.Store)
	if err != nil {
		return nil, err
	}
	a := &app{env: e, cfg: cfg, store: st}
	a.matcher.Store(m)
	reqs := make([]feeds.Request, 0, len(cfg.Feeds))
	for _, f := range cfg.Feeds {
		u := f.URL
		if !isURL(u) {
			u = cfg.Resolve(u)
		}
		reqs = append(reqs, feeds.Request{URL: u, Name: f.Name})
	}
	a.pipeline = &pipeline.Pipeline{
		Store: st,
		Poller: &feeds.Poller{
			Fetcher: feeds.NewFetcher(feeds.Options{
				Timeout:   time.Duration(cfg.Fetch.Timeout),
				MaxBody:   int64(cfg.Fetch.MaxBody),
				UserAgent: "newsbot/" + version + " (+https://github.com/newsbot/newsbot)",
			}),
			Concurrency: cfg.Fetch.Concurrency,
			PerHost:     cfg.Fetch.PerHost,
		},
		Feeds:          reqs,
		Matcher:        a.matcher.Load,
		DefaultChannel: cfg.Slack.Channel,
		Window:         time.Duration(cfg.Digest.Window),
		Lease:          pipeline.LeaseFor(len(reqs), cfg.Fetch.Concurrency, time.Duration(cfg.Fetch.Timeout)),
		Now:            e.now,
		Log:            e.log,
	}
	return a, nil
}

func (a *app) Close() error { return a.store.Close() }

func isURL(s string) bool {
	for _, p := range []string{"http://", "https://", "file://"} {
		if len(s) >= len(p) && s[:len(p)] == p {
			return true
		}
	}
	return false
}

func (a *app) digestOptions() digest.Options {
	return digest.Options{
		TopN:     a.cfg.Digest.TopN,
		Location: a.cfg.Location,
		Now:      a.now,
	}
}

// poster returns how digests leave: Slack's Web API with a bot token, an
// incoming webhook, or nil when neither is configured.
func (a *app) poster() digest.Poster {
	client := &http.Client{Timeout: 30 * time.Second}
	switch {
	case a.cfg.Slack.Token.Value() != "":
		return digest.NewSlackPoster(a.cfg.Slack.Token.Value(), a.cfg.Slack.APIURL, client)
	case a.cfg.Slack.WebhookURL.Value() != "":
		return digest.NewWebhookPoster(a.cfg.Slack.WebhookURL.Value(), client)
	}
	return nil
}

// deliverPending builds the digests of everything pending and delivers them,
// or prints them when dryRun is set or Slack is not configured. Printing
// marks nothing delivered.
func (a *app) deliverPending(ctx context.Context, dryRun bool, format string) error {
	opts := a.digestOptions()
	ds, err := a.pipeline.Digests(ctx, opts)
	if err != nil {
		return err
	}
	poster := a.poster()
	if dryRun || poster == nil {
		if !dryRun {
			a.log.Warn("no Slack token or webhook configured: printing digests to stdout; nothing is marked delivered",
				"hint", "set slack.token (SLACK_BOT_TOKEN) or slack.webhook_url (SLACK_WEBHOOK_URL)")
		}
		return a.print(ds, format)
	}
	if len(ds) == 0 {
		a.log.Info("nothing pending to deliver")
		return nil
	}
	d := &digest.Deliverer{Poster: poster, Marker: a.store, Now: a.now}
	// One replica delivers at a time; the digests are built again under the
	// lock, so a replica that waited finds nothing already delivered.
	var failed bool
	ran, err := a.store.TryLock(ctx, "newsbot-deliver", func(ctx context.Context) error {
		ds, err := a.pipeline.Digests(ctx, opts)
		if err != nil {
			return err
		}
		failed = a.pipeline.Deliver(ctx, d, ds, opts) != nil
		return nil
	})
	switch {
	case err != nil:
		return err
	case !ran:
		a.log.Info("another newsbot is delivering digests now; leaving them to it")
	case failed:
		return &exitError{code: exitFailed, err: errors.New("some digests were not delivered; they stay pending for the next run")}
	}
	return nil
}

func (a *app) print(ds []digest.Digest, format string) error {
	switch format {
	case "json":
		return digest.WriteJSON(a.stdout, ds)
	default:
		if len(ds) == 0 {
			_, err := fmt.Fprintln(a.stdout, "No pending matches: nothing to deliver.")
			return err
		}
		return digest.WriteText(a.stdout, ds, a.digestOptions())
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
		"took", took.Round(time.Millisecond))
}

var errNoFeeds = fmt.Errorf("no feeds configured; add some under feeds: in the configuration")
