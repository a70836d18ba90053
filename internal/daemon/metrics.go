package daemon

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the daemon's Prometheus metrics.
type metrics struct {
	reg           *prometheus.Registry
	polls         prometheus.Counter
	feedFailures  prometheus.Counter
	newItems      prometheus.Counter
	newMatches    prometheus.Counter
	digestRuns    *prometheus.CounterVec
	lastPollOK    prometheus.Gauge
	lastDigestOK  prometheus.Gauge
	profileReload *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg:           prometheus.NewRegistry(),
		polls:         prometheus.NewCounter(prometheus.CounterOpts{Name: "newsbot_polls_total", Help: "Poll cycles run."}),
		feedFailures:  prometheus.NewCounter(prometheus.CounterOpts{Name: "newsbot_feed_failures_total", Help: "Feed fetches that failed."}),
		newItems:      prometheus.NewCounter(prometheus.CounterOpts{Name: "newsbot_items_new_total", Help: "Items stored for the first time."}),
		newMatches:    prometheus.NewCounter(prometheus.CounterOpts{Name: "newsbot_matches_new_total", Help: "Matches recorded for the first time."}),
		digestRuns:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "newsbot_digest_runs_total", Help: "Digest cycles, by result (ok or failed)."}, []string{"result"}),
		lastPollOK:    prometheus.NewGauge(prometheus.GaugeOpts{Name: "newsbot_last_poll_success_timestamp_seconds", Help: "When the last poll cycle finished without a store error."}),
		lastDigestOK:  prometheus.NewGauge(prometheus.GaugeOpts{Name: "newsbot_last_digest_success_timestamp_seconds", Help: "When the last digest cycle delivered everything."}),
		profileReload: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "newsbot_profile_reloads_total", Help: "Profile reloads, by result (ok or invalid)."}, []string{"result"}),
	}
	m.reg.MustRegister(m.polls, m.feedFailures, m.newItems, m.newMatches, m.digestRuns,
		m.lastPollOK, m.lastDigestOK, m.profileReload,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
