package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/newsbot/newsbot/internal/slackstub"
)

var built struct {
	once sync.Once
	bin  string
	err  error
	out  []byte
}

// buildNewsbot builds the newsbot binary once per test run, for tests that
// need a process to kill.
func buildNewsbot(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "newsbot-test-bin")
		if err != nil {
			built.err = err
			return
		}
		built.bin = filepath.Join(dir, "newsbot")
		built.out, built.err = exec.Command("go", "build", "-o", built.bin, ".").CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go build: %v\n%s", built.err, built.out)
	}
	return built.bin
}

// postgresDB creates an empty database on the test server named by
// NEWSBOT_TEST_POSTGRES and returns its URL. Without a server the test is
// skipped, or fails when NEWSBOT_REQUIRE_POSTGRES=1 (as on CI).
func postgresDB(t *testing.T) string {
	t.Helper()
	raw := os.Getenv("NEWSBOT_TEST_POSTGRES")
	if raw == "" {
		if os.Getenv("NEWSBOT_REQUIRE_POSTGRES") == "1" {
			t.Fatal("NEWSBOT_TEST_POSTGRES is not set but NEWSBOT_REQUIRE_POSTGRES=1")
		}
		t.Skip("no PostgreSQL server: set NEWSBOT_TEST_POSTGRES, or `source .ci/postgres.sh`")
	}
	admin, err := sql.Open("pgx", raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	name := fmt.Sprintf("newsbot_replicas_%d", time.Now().UnixNano())
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() { admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
	u, _ := url.Parse(raw)
	u.Path = "/" + name
	return u.String()
}

// tickFeeds serves n feeds whose content changes every bucket: each feed
// keeps its last four buckets' items, and every fifth feed's items are about
// DRDO. It records when each feed was fetched.
type tickFeeds struct {
	n       int
	bucket  time.Duration
	latency time.Duration
	start   time.Time
	mu      sync.Mutex
	fetches map[int][]time.Time
}

func (f *tickFeeds) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/f/"))
	if err != nil || i < 0 || i >= f.n {
		http.NotFound(w, r)
		return
	}
	now := time.Now()
	f.mu.Lock()
	f.fetches[i] = append(f.fetches[i], now)
	f.mu.Unlock()
	time.Sleep(f.latency)
	b := int(now.Sub(f.start) / f.bucket)
	etag := fmt.Sprintf(`"%d-%d"`, i, b)
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed %d</title>`, i)
	for k := max(0, b-3); k <= b; k++ {
		topic := "Monsoon session of Parliament"
		if i%5 == 0 {
			topic = "DRDO lab report"
		}
		// One number per story, so no two stories look alike to the
		// near-duplicate folding.
		fmt.Fprintf(w, `<item><title>%s no. %d</title><guid>f%d-b%d</guid><link>https://feeds.example/%d/%d</link><pubDate>%s</pubDate><description>Story %d.</description></item>`,
			topic, i*1000+k, i, k, i, k, f.start.Add(time.Duration(k)*f.bucket).UTC().Format(time.RFC1123Z), i*1000+k)
	}
	fmt.Fprint(w, `</channel></rss>`)
}

func (f *tickFeeds) snapshot() map[int][]time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[int][]time.Time, len(f.fetches))
	for k, v := range f.fetches {
		out[k] = append([]time.Time(nil), v...)
	}
	return out
}

// TestReplicasShareTheWork runs three `newsbot run` replicas on one
// PostgreSQL database against 300 feeds, kills one with SIGKILL midway, and
// checks that each feed was fetched once per tick in total and each digest
// entry delivered once.
func TestReplicasShareTheWork(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three processes for about a minute")
	}
	dsn := postgresDB(t)
	dir := t.TempDir()
	bin := buildNewsbot(t)

	const (
		nFeeds   = 300
		interval = 3 * time.Second
	)
	feeds := &tickFeeds{n: nFeeds, bucket: 4 * time.Second, latency: 50 * time.Millisecond, start: time.Now(), fetches: map[int][]time.Time{}}
	srv := httptest.NewServer(feeds)
	defer srv.Close()
	slack := slackstub.New(t)

	var cfg strings.Builder
	fmt.Fprintf(&cfg, "store: %s\nschedule: {poll: \"@every %s\", digest: \"@every 2s\"}\n", dsn, interval)
	fmt.Fprintf(&cfg, "fetch: {concurrency: 32, per_host: 32, timeout: 1s}\nslack: {token: %s, api_url: %q, channel: \"#replicas\"}\nfeeds:\n", slack.Token(), slack.URL())
	for i := 0; i < nFeeds; i++ {
		fmt.Fprintf(&cfg, "  - url: %s/f/%d\n", srv.URL, i)
	}
	cfgPath := filepath.Join(dir, "newsbot.yaml")
	os.WriteFile(cfgPath, []byte(cfg.String()), 0o644)

	type replica struct {
		cmd    *exec.Cmd
		stderr *bytes.Buffer
	}
	var replicas []replica
	for i := 0; i < 3; i++ {
		var stderr bytes.Buffer
		cmd := exec.Command(bin, "--config", cfgPath, "run")
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		replicas = append(replicas, replica{cmd, &stderr})
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	}

	time.Sleep(12 * time.Second)
	killedAt := time.Now()
	replicas[0].cmd.Process.Signal(syscall.SIGKILL)
	replicas[0].cmd.Wait()
	// The killed replica's leases run out after 30 s at most.
	time.Sleep(40 * time.Second)
	for _, r := range replicas[1:] {
		r.cmd.Process.Signal(syscall.SIGTERM)
	}
	for _, r := range replicas[1:] {
		done := make(chan error, 1)
		go func() { done <- r.cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("replica did not stop cleanly: %v\n%s", err, r.stderr.String())
			}
		case <-time.After(15 * time.Second):
			t.Fatal("a replica did not stop within 15 s of SIGTERM")
		}
	}
	end := time.Now()

	// Each feed fetched once per tick in total: never twice within a tick,
	// and never starved (beyond the killed replica's lease).
	fetches := feeds.snapshot()
	for i := 0; i < nFeeds; i++ {
		ts := fetches[i]
		if len(ts) < 5 {
			t.Errorf("feed %d fetched only %d times in %s", i, len(ts), end.Sub(feeds.start).Round(time.Second))
			continue
		}
		for k := 1; k < len(ts); k++ {
			gap := ts[k].Sub(ts[k-1])
			// The killed replica may have fetched a feed and died before
			// storing it: another polls it again, rightly.
			diedWithIt := !ts[k-1].Before(killedAt.Add(-interval)) && !ts[k-1].After(killedAt.Add(100*time.Millisecond))
			if gap < interval/2 && !diedWithIt {
				t.Errorf("feed %d fetched twice within %s (at %s and %s)", i, gap.Round(time.Millisecond),
					ts[k-1].Sub(feeds.start).Round(time.Millisecond), ts[k].Sub(feeds.start).Round(time.Millisecond))
				break
			}
		}
		if last := ts[len(ts)-1]; end.Sub(last) > 3*interval && last.Before(killedAt.Add(35*time.Second)) {
			t.Errorf("feed %d was not fetched after %s: starved", i, last.Sub(feeds.start).Round(time.Second))
		}
	}

	// Deliver what is still pending, then: every entry delivered, once.
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"--config", cfgPath, "once"}, &out, &errOut); code != 0 {
		t.Fatalf("final once: exit %d\n%s", code, errOut.String())
	}
	storyRe := regexp.MustCompile(`DRDO lab report no\. \d+`)
	seen := map[string]int{}
	for _, p := range slack.Posts() {
		for _, m := range storyRe.FindAllString(p.Text, -1) {
			seen[m]++
		}
	}
	for story, n := range seen {
		if n > 1 {
			t.Errorf("%q delivered %d times", story, n)
		}
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var matches, undelivered int
	db.QueryRow("SELECT count(*) FROM matches").Scan(&matches)
	db.QueryRow("SELECT count(*) FROM matches WHERE delivered_at IS NULL").Scan(&undelivered)
	if undelivered != 0 {
		t.Errorf("%d matches still undelivered", undelivered)
	}
	if len(seen) != matches || matches == 0 {
		t.Errorf("%d distinct stories in Slack, %d matches stored: something was lost or never matched", len(seen), matches)
	}
	t.Logf("%d feeds, %d fetches, %d matches delivered in %d posts; killed one replica at %s",
		nFeeds, func() (n int) {
			for _, ts := range fetches {
				n += len(ts)
			}
			return
		}(), matches, len(slack.Posts()), killedAt.Sub(feeds.start).Round(time.Second))
}
