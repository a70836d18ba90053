package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/newsbot/newsbot/internal/daemon"
	"github.com/newsbot/newsbot/internal/slackstub"
)

// documentedSeries are the series the README's metrics table documents:
// each must exist from start-up.
var documentedSeries = []string{
	"newsbot_build_info",
	"newsbot_polls_total",
	"newsbot_feed_failures_total",
	"newsbot_items_new_total",
	"newsbot_matches_new_total",
	"newsbot_digest_runs_total",
	"newsbot_last_poll_success_timestamp_seconds",
	"newsbot_last_digest_success_timestamp_seconds",
	"newsbot_profile_reloads_total",
	"newsbot_poll_duration_seconds",
	"newsbot_delivery_duration_seconds",
	"newsbot_pending_entries",
	"newsbot_failing_feeds",
	"newsbot_slack_errors_total",
	"newsbot_store_size_bytes",
	"newsbot_article_fetches_total",
}

func parseMetrics(t *testing.T, r io.Reader) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(r)
	if err != nil {
		t.Fatalf("metrics do not parse: %v", err)
	}
	return mfs
}

// value returns the value of the series of family name whose labels
// include want (name=value pairs), and whether there is one.
func value(mfs map[string]*dto.MetricFamily, name string, want ...string) (float64, bool) {
	mf, ok := mfs[name]
	if !ok {
		return 0, false
	}
next:
	for _, m := range mf.GetMetric() {
		for i := 0; i+1 < len(want); i += 2 {
			found := false
			for _, lp := range m.GetLabel() {
				found = found || lp.GetName() == want[i] && lp.GetValue() == want[i+1]
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

// TestMetricsBeforeTheFirstPoll checks that /metrics serves every
// documented series, newsbot_build_info among them, while the first poll
// is still fetching.
func TestMetricsBeforeTheFirstPoll(t *testing.T) {
	release := make(chan struct{})
	feeds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		http.NotFound(w, r)
	}))
	defer feeds.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	slack := slackstub.New(t)
	addr := freeAddr(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "newsbot.yaml")
	cfg := fmt.Sprintf("store: n.db\nfeeds: [{url: %q}]\nslack: {api_url: %q}\nhttp: {listen: %q}\n", feeds.URL+"/slow.xml", slack.URL(), addr)
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SLACK_BOT_TOKEN", slack.Token())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- Main(ctx, []string{"--config", path, "run"}, io.Discard, &stderr) }()

	scrape := func() map[string]*dto.MetricFamily {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			return nil
		}
		defer resp.Body.Close()
		return parseMetrics(t, resp.Body)
	}
	var mfs map[string]*dto.MetricFamily
	eventually(t, "/metrics to answer", func() bool { mfs = scrape(); return mfs != nil })
	if n, _ := value(mfs, "newsbot_polls_total"); n != 0 || strings.Contains(stderr.String(), "poll done") {
		t.Fatalf("the first poll finished before the scrape (polls %v)", n)
	}
	for _, name := range documentedSeries {
		if _, ok := mfs[name]; !ok {
			t.Errorf("/metrics lacks %s before the first poll", name)
		}
	}
	if v, ok := value(mfs, "newsbot_build_info", "version", "dev", "goversion", runtime.Version()); !ok || v != 1 {
		t.Errorf("newsbot_build_info{version=dev,goversion=%s} = %v, %v; want 1", runtime.Version(), v, ok)
	}
	for _, labels := range [][]string{
		{"newsbot_digest_runs_total", "result", "ok"},
		{"newsbot_digest_runs_total", "result", "failed"},
		{"newsbot_profile_reloads_total", "result", "invalid"},
		{"newsbot_slack_errors_total", "type", "rate_limited"},
		{"newsbot_slack_errors_total", "type", "server_error"},
		{"newsbot_slack_errors_total", "type", "network"},
		{"newsbot_pending_entries", "profile", "DRDO"},
		{"newsbot_failing_feeds"},
	} {
		if v, ok := value(mfs, labels[0], labels[1:]...); !ok || v != 0 {
			t.Errorf("%v = %v, %v; want 0 from start-up", labels, v, ok)
		}
	}
	if v, ok := value(mfs, "newsbot_feedback_events_total", "profile", "DRDO", "action", "mute"); !ok || v != 0 {
		t.Errorf("newsbot_feedback_events_total{profile=DRDO,action=mute} = %v, %v; want 0 from start-up", v, ok)
	}
	if _, ok := mfs["go_goroutines"]; !ok {
		t.Error("/metrics lacks the Go runtime's series")
	}

	// After the poll, the failing feed shows.
	close(release)
	eventually(t, "the failing feed in the gauge", func() bool {
		v, _ := value(scrape(), "newsbot_failing_feeds")
		return v == 1
	})
	mfs = scrape()
	if v, _ := value(mfs, "newsbot_poll_duration_seconds"); v != 1 {
		t.Errorf("poll duration observations = %v, want 1", v)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("run exited %d\n%s", code, stderr.String())
	}
}

// TestOnceMetricsFile checks once --metrics-file: the node-exporter textfile
// parses, holds every documented series and no runtime ones (node-exporter
// has its own), counts the run, and is written when the run fails too.
func TestOnceMetricsFile(t *testing.T) {
	h := newHarness(t, "")
	file := filepath.Join(h.dir, "newsbot.prom")

	// A rejected post: exit 1, and the file tells.
	h.slack.FailNext(1, http.StatusOK, "", "channel_not_found")
	code, _, errOut := h.run("once", "--metrics-file", file)
	if code != 1 {
		t.Fatalf("once with a rejected post: exit %d, want 1\n%s", code, errOut)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatalf("no metrics file after a failed run: %v", err)
	}
	mfs := parseMetrics(t, f)
	f.Close()
	for _, name := range documentedSeries {
		if _, ok := mfs[name]; !ok {
			t.Errorf("the metrics file lacks %s", name)
		}
	}
	for name := range mfs {
		if !strings.HasPrefix(name, "newsbot_") {
			t.Errorf("the metrics file holds %s, which collides with node-exporter's own", name)
		}
	}
	checks := []struct {
		series []string
		want   float64
	}{
		{[]string{"newsbot_polls_total"}, 1},
		{[]string{"newsbot_poll_duration_seconds"}, 1},
		{[]string{"newsbot_delivery_duration_seconds"}, 1},
		{[]string{"newsbot_digest_runs_total", "result", "failed"}, 1},
		{[]string{"newsbot_digest_runs_total", "result", "ok"}, 0},
		{[]string{"newsbot_slack_errors_total", "type", "ok_false:channel_not_found"}, 1},
		{[]string{"newsbot_failing_feeds"}, 0},
	}
	for _, c := range checks {
		if v, ok := value(mfs, c.series[0], c.series[1:]...); !ok || v != c.want {
			t.Errorf("%v = %v (present %v), want %v", c.series, v, ok, c.want)
		}
	}
	if v, _ := value(mfs, "newsbot_store_size_bytes"); v <= 0 {
		t.Errorf("store size = %v, want the file's size", v)
	}
	if !strings.Contains(errOut, "msg=pruned before=") {
		t.Errorf("once did not prune at its end:\n%s", errOut)
	}
	pending := 0.0
	for _, m := range mfs["newsbot_pending_entries"].GetMetric() {
		pending += m.GetGauge().GetValue()
	}
	if pending == 0 {
		t.Errorf("no pending entries after a failed delivery")
	}

	// A good run replaces the file: everything delivered.
	if code, _, errOut := h.run("once", "--metrics-file", file); code != 0 {
		t.Fatalf("once: exit %d\n%s", code, errOut)
	}
	f, err = os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	mfs = parseMetrics(t, f)
	f.Close()
	if v, _ := value(mfs, "newsbot_digest_runs_total", "result", "ok"); v != 1 {
		t.Errorf("digest runs ok = %v, want 1", v)
	}
	if v, ok := value(mfs, "newsbot_pending_entries", "profile", "DRDO"); !ok || v != 0 {
		t.Errorf("pending DRDO entries after delivery = %v, %v; want 0", v, ok)
	}
	if v, _ := value(mfs, "newsbot_last_digest_success_timestamp_seconds"); v < float64(time.Now().Add(-time.Hour).Unix()) {
		t.Errorf("last digest success = %v", v)
	}
	matches, _ := filepath.Glob(filepath.Join(h.dir, "newsbot.prom?*"))
	if len(matches) > 0 {
		t.Errorf("temporary files left behind: %v", matches)
	}
}

// TestMetricsDocumented checks that the README's metrics table documents
// every series newsbot registers, and that documentedSeries is that list.
func TestMetricsDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := daemon.NewMetrics("test")
	m.SetPending([]string{"p"}, nil) // a gauge per profile: none without profiles
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	registered := map[string]bool{}
	for _, mf := range mfs {
		registered[mf.GetName()] = true
		if !strings.Contains(string(readme), "| `"+mf.GetName()) {
			t.Errorf("the README's metrics table lacks %s", mf.GetName())
		}
	}
	for _, name := range documentedSeries {
		if !registered[name] {
			t.Errorf("%s is documented but not registered", name)
		}
	}
	if len(registered) != len(documentedSeries) {
		t.Errorf("%d series registered, %d listed in documentedSeries", len(registered), len(documentedSeries))
	}
}
