package daemon

import (
	"fmt"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/internal/pipeline"
)

// Metrics are newsbot's Prometheus series, a contract documented in the
// README. Every series exists from NewMetrics on, with its label sets
// initialised, so that a dashboard or an alert sees zeros rather than
// nothing before the first poll or digest. A Daemon serves them on /metrics
// (with the Go runtime's and the process's); `once --metrics-file` writes
// them to a file. Its methods are safe for concurrent use.
type Metrics struct {
	reg              *prometheus.Registry
	polls            prometheus.Counter
	feedFailures     prometheus.Counter
	newItems         prometheus.Counter
	newMatches       prometheus.Counter
	digestRuns       *prometheus.CounterVec
	lastPollOK       prometheus.Gauge
	lastDigestOK     prometheus.Gauge
	profileReload    *prometheus.CounterVec
	pollDuration     prometheus.Histogram
	deliveryDuration prometheus.Histogram
	pending          *prometheus.GaugeVec
	failingFeeds     prometheus.Gauge
	slackErrors      *prometheus.CounterVec
	storeSize        prometheus.Gauge
	articles         *prometheus.CounterVec
}

// durationBuckets cover a poll or a delivery from 50 ms to about 14 minutes.
var durationBuckets = prometheus.ExponentialBuckets(0.05, 2, 15)

// NewMetrics returns the series, newsbot_build_info set from version.
func NewMetrics(version string) *Metrics {
	m := &Metrics{
		reg:          prometheus.NewRegistry(),
		polls:        prometheus.NewCounter(prometheus.CounterOpts{Name: "newsbot_polls_total", Help: "Poll cycles run."}),
		feedFailures: prometheus.NewCounter(prometheus.CounterOpts{Name: "newsbot_feed_failures_total", Help: "Feed fetches that failed."}),
		newItems:     prometheus.NewCounter(prometheus.CounterOpts{Name: "newsbot_items_new_total", Help: "Items stored for the first time."}),
		newMatches:   prometheus.NewCounter(prometheus.CounterOpts{Name: "newsbot_matches_new_total", Help: "Matches recorded for the first time."}),
		digestRuns:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: "newsbot_digest_runs_total", Help: "Digest cycles, by result (ok or failed)."}, []string{"result"}),
		lastPollOK:   prometheus.NewGauge(prometheus.GaugeOpts{Name: "newsbot_last_poll_success_timestamp_seconds", Help: "When the last poll cycle finished without a store error (0: not yet)."}),
		lastDigestOK: prometheus.NewGauge(prometheus.GaugeOpts{Name: "newsbot_last_digest_success_timestamp_seconds", Help: "When the last digest cycle delivered everything (0: not yet)."}),
		profileReload: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "newsbot_profile_reloads_total",
			Help: "Profile reloads, by result (ok or invalid)."}, []string{"result"}),
		pollDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "newsbot_poll_duration_seconds",
			Help: "How long poll cycles took.", Buckets: durationBuckets}),
		deliveryDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "newsbot_delivery_duration_seconds",
			Help: "How long digest deliveries took.", Buckets: durationBuckets}),
		pending: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "newsbot_pending_entries",
			Help: "Matches not delivered yet, by profile (after the last cycle)."}, []string{"profile"}),
		failingFeeds: prometheus.NewGauge(prometheus.GaugeOpts{Name: "newsbot_failing_feeds",
			Help: "Configured feeds whose last poll failed (after the last poll)."}),
		slackErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "newsbot_slack_errors_total",
			Help: "Failed Slack posts, each attempt, by error type: rate_limited, server_error, client_error, network, canceled, invalid, or ok_false:<code>."}, []string{"type"}),
		storeSize: prometheus.NewGauge(prometheus.GaugeOpts{Name: "newsbot_store_size_bytes",
			Help: "The store's size in bytes (SQLite: the file without its WAL; PostgreSQL: the database), after the last cycle."}),
		articles: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "newsbot_article_fetches_total",
			Help: "Article pages fetched for full_text feeds, by result (ok or failed)."}, []string{"result"}),
	}
	buildInfo := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "newsbot_build_info",
		Help: "Always 1; the labels name the version and the Go version newsbot was built with."}, []string{"version", "goversion"})
	buildInfo.WithLabelValues(version, runtime.Version()).Set(1)
	for _, r := range []string{"ok", "failed"} {
		m.digestRuns.WithLabelValues(r)
	}
	for _, r := range []string{"ok", "invalid"} {
		m.profileReload.WithLabelValues(r)
	}
	for _, r := range []string{"ok", "failed"} {
		m.articles.WithLabelValues(r)
	}
	for _, t := range digest.ErrorTypes {
		m.slackErrors.WithLabelValues(t)
	}
	m.reg.MustRegister(buildInfo, m.polls, m.feedFailures, m.newItems, m.newMatches, m.digestRuns,
		m.lastPollOK, m.lastDigestOK, m.profileReload, m.pollDuration, m.deliveryDuration,
		m.pending, m.failingFeeds, m.slackErrors, m.storeSize, m.articles)
	return m
}

// Registry returns the registry holding the series, where other packages
// may register theirs.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObservePoll records a poll cycle that took took and ended with err (the
// cycle's own error: store, ctx).
func (m *Metrics) ObservePoll(stats pipeline.PollStats, took time.Duration, err error) {
	m.polls.Inc()
	m.pollDuration.Observe(took.Seconds())
	m.feedFailures.Add(float64(stats.Failed))
	m.newItems.Add(float64(stats.NewItems))
	m.newMatches.Add(float64(stats.Matches))
	m.articles.WithLabelValues("ok").Add(float64(stats.Articles - stats.ArticlesFailed))
	m.articles.WithLabelValues("failed").Add(float64(stats.ArticlesFailed))
	if err == nil {
		m.lastPollOK.SetToCurrentTime()
	}
}

// ObserveDigest records a digest delivery that took took and ended with
// err.
func (m *Metrics) ObserveDigest(took time.Duration, err error) {
	m.deliveryDuration.Observe(took.Seconds())
	if err != nil {
		m.digestRuns.WithLabelValues("failed").Inc()
		return
	}
	m.digestRuns.WithLabelValues("ok").Inc()
	m.lastDigestOK.SetToCurrentTime()
}

// SlackError counts a failed Slack post by its type (see digest.ErrorType).
func (m *Metrics) SlackError(err error) {
	m.slackErrors.WithLabelValues(digest.ErrorType(err)).Inc()
}

// SetPending sets the pending entries of every profile in force: profiles
// lists them (those with none show 0), counts holds what is pending. A
// profile no longer in force disappears.
func (m *Metrics) SetPending(profiles []string, counts map[string]int) {
	m.pending.Reset()
	for _, p := range profiles {
		m.pending.WithLabelValues(p).Set(float64(counts[p]))
	}
	for p, n := range counts {
		m.pending.WithLabelValues(p).Set(float64(n))
	}
}

// SetFailingFeeds sets how many configured feeds are failing.
func (m *Metrics) SetFailingFeeds(n int) { m.failingFeeds.Set(float64(n)) }

// SetStoreSize sets the store's size in bytes.
func (m *Metrics) SetStoreSize(n int64) { m.storeSize.Set(float64(n)) }

// WriteTextfile writes the series to path in the text format of
// node-exporter's textfile collector, atomically (a temporary file renamed
// over path), so that the collector never reads half a file.
func (m *Metrics) WriteTextfile(path string) error {
	if err := prometheus.WriteToTextfile(path, m.reg); err != nil {
		return fmt.Errorf("daemon: metrics file %s: %w", path, err)
	}
	return nil
}
