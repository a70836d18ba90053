package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
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
	// lastAlert is when each channel last got an alert message.
	lastAlert map[string]time.Time
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
	a := &app{env: e, cfg: cfg, store: st, lastAlert: map[string]time.Time{}}
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
		Lease:          pipeline.LeaseFor(len(reqs), cfg.Fetch.Concurrency, time.Duration(cfg.Fetch.Timeout)),
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
		return digest.NewSlackPoster(a.cfg.Slack.Token.Value(), a.cfg.Slack.APIURL, client)
	case a.cfg.Slack.WebhookURL.Value() != "":
		return digest.NewWebhookPoster(a.cfg.Slack.WebhookURL.Value(), client)
	}
	return nil
}

// The store journals messages in flight, so a crash never loses one and
// rarely repeats one.
var _ digest.Journal = (*store.Store)(nil)

func (a *app) deliverer(poster digest.Poster, marker digest.Marker) *digest.Deliverer {
	return &digest.Deliverer{Poster: poster, Marker: marker, Journal: a.store, Now: a.now}
}

// deliverPending builds the digests of everything pending and delivers them,
// or prints them when dryRun is set or Slack is not configured. Printing
// marks nothing delivered. A channel without stories gets the quiet-day line
// once a day, if digest.post_empty is set.
func (a *app) deliverPending(ctx context.Context, dryRun bool, format string) error {
	opts := a.digestOptions(ctx)
	poster := a.poster()
	if dryRun || poster == nil {
		ds, err := a.pipeline.Digests(ctx, opts)
		if err != nil {
			return err
		}
		if !dryRun {
			a.log.Warn("no Slack token or webhook configured: printing digests to stdout; nothing is marked delivered",
				"hint", "set slack.token (SLACK_BOT_TOKEN) or slack.webhook_url (SLACK_WEBHOOK_URL)")
		}
		return a.print(ds, format, opts)
	}
	d := a.deliverer(poster, a.store)
	// One replica delivers at a time; the digests are built under the lock,
	// so a replica that waited finds nothing already delivered.
	var failed bool
	ran, err := a.store.TryLock(ctx, "newsbot-deliver", func(ctx context.Context) error {
		ds, err := a.pipeline.Digests(ctx, opts)
		if err != nil {
			return err
		}
		if len(ds) == 0 {
			a.log.Info("nothing pending to deliver")
		}
		failed = a.pipeline.Deliver(ctx, d, ds, opts) != nil
		if !failed && opts.PostEmpty {
			a.postQuietDays(ctx, poster, ds, opts)
		}
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

// postQuietDays posts the quiet-day line to each channel that got no digest,
// at most once per channel per day (in the team's timezone).
func (a *app) postQuietDays(ctx context.Context, poster digest.Poster, ds []digest.Digest, opts digest.Options) {
	now := a.now()
	key := func(ch string) string { return a.quietKey(ch, now) }
	busy := map[string]bool{}
	for _, d := range ds {
		// A channel that got a digest today is not quiet today.
		busy[d.Channel] = true
		if _, err := a.store.Mark(ctx, key(d.Channel), now); err != nil {
			a.log.Warn("recording the day's digest", "channel", d.Channel, "error", err)
		}
	}
	for _, ch := range sortedKeys(opts.ChannelProfiles) {
		if busy[ch] || ch == "" {
			continue
		}
		first, err := a.store.Mark(ctx, key(ch), now)
		if err != nil || !first {
			continue
		}
		if _, err := poster.Post(ctx, ch, digest.RenderEmpty(ch, now, opts), ""); err != nil {
			a.log.Warn("quiet-day line not posted", "channel", ch, "error", err)
		}
	}
}

// quietKey names the mark that says channel ch had something (a digest, an
// alert or the quiet-day line) on the day of now, in the team's timezone.
func (a *app) quietKey(ch string, now time.Time) string {
	return "quiet-day:" + ch + ":" + now.In(a.cfg.Location).Format("2006-01-02")
}

// deliverAlerts posts the pending matches of `alert: immediate` profiles at
// once, one message per channel, no more often than digest.alert_interval
// per channel; the rest wait for the next poll.
func (a *app) deliverAlerts(ctx context.Context) error {
	alerting := map[string]bool{}
	for _, p := range a.matcher.Load().Profiles() {
		if p.Alert == "immediate" {
			alerting[p.Name] = true
		}
	}
	poster := a.poster()
	if len(alerting) == 0 || poster == nil {
		return nil
	}
	var marker digest.Marker = a.store
	if a.cfg.Digest.RepeatAlerts {
		marker = noMarker{}
	}
	// Alerts carry no footer: no need to look up failing feeds each poll.
	opts := a.pipeline.DigestOptions(digest.Options{TopN: a.cfg.Digest.TopN, Location: a.cfg.Location, Now: a.now})
	var failed bool
	_, err := a.store.TryLock(ctx, "newsbot-deliver", func(ctx context.Context) error {
		entries, err := a.pipeline.Alerts(ctx, alerting)
		if err != nil {
			return err
		}
		now := a.now()
		byChannel := map[string][]digest.Entry{}
		for _, e := range entries {
			if last, ok := a.lastAlert[e.Channel]; ok && now.Sub(last) < time.Duration(a.cfg.Digest.AlertInterval) {
				continue
			}
			byChannel[e.Channel] = append(byChannel[e.Channel], e)
		}
		d := a.deliverer(poster, marker)
		for _, ch := range sortedKeys(byChannel) {
			msgs := digest.RenderAlert(byChannel[ch], opts)
			if err := d.Deliver(ctx, digest.Digest{Profile: "alerts", Channel: ch}, msgs); err != nil {
				a.log.Error("alert not delivered; it stays pending", "channel", ch, "error", err)
				failed = true
				continue
			}
			a.lastAlert[ch] = now
			a.log.Info("alert delivered", "channel", ch, "entries", len(byChannel[ch]))
			if _, err := a.store.Mark(ctx, a.quietKey(ch, now), now); err != nil {
				a.log.Warn("recording the day's alert", "channel", ch, "error", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if failed {
		return errors.New("some alerts were not delivered; they stay pending")
	}
	return nil
}

// noMarker records nothing: alerts delivered with it stay pending, so the
// day's digest repeats them (digest.repeat_alerts). Since the alert itself
// is not recorded, an alert repeats at each poll unless rate-limited.
type noMarker struct{}

func (noMarker) MarkDelivered(context.Context, string, []string, string, time.Time) error { return nil }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

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
