package daemon

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/newsbot/newsbot/internal/pipeline"
)

// logBuffer collects log output; it is safe for concurrent use.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newTestDaemon(t *testing.T) (*Daemon, *logBuffer) {
	t.Helper()
	var logs logBuffer
	d := New(Options{Location: time.UTC, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	t.Cleanup(func() { d.Close() })
	return d, &logs
}

// eventually waits for cond, failing the test when it does not hold within
// a generous deadline; it asserts an order of events, not a duration.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func get(t *testing.T, d *Daemon, path string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + d.Addr().String() + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// blockingPoll is a poll job that runs until its context is done.
type blockingPoll struct {
	started, returned atomic.Int32
}

func (b *blockingPoll) poll(ctx context.Context) (pipeline.PollStats, error) {
	b.started.Add(1)
	<-ctx.Done()
	b.returned.Add(1)
	return pipeline.PollStats{Failed: 1}, ctx.Err()
}

func TestCloseWaitsForEveryGoroutine(t *testing.T) {
	d, logs := newTestDaemon(t)
	var job blockingPoll
	if err := d.Poll("@every 1h", job.poll); err != nil {
		t.Fatal(err)
	}
	if err := d.Digest("@every 1h", func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}
	storeDown := errors.New("store down")
	var down atomic.Bool
	d.Listen("127.0.0.1:0", func(context.Context) error {
		if down.Load() {
			return storeDown
		}
		return nil
	})
	d.Handle("POST /slack/interactions", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "interaction")
	}))
	d.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "console "+r.URL.Path)
	}))
	d.Profiles(t.TempDir(), func(context.Context) (int, error) { return 1, nil })
	if err := d.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the first poll", func() bool { return job.started.Load() == 1 })

	tests := []struct {
		path, want string
		code       int
	}{
		{"/healthz", "ok", 200},
		{"/readyz", "ok", 200},
		{"/metrics", "newsbot_polls_total", 200},
		{"/feeds", "console /feeds", 200},
		{"/", "console /", 200},
	}
	for _, tt := range tests {
		code, body := get(t, d, tt.path)
		if code != tt.code || !strings.Contains(body, tt.want) {
			t.Errorf("GET %s = %d %q, want %d with %q", tt.path, code, body, tt.code, tt.want)
		}
	}
	resp, err := http.Post("http://"+d.Addr().String()+"/slack/interactions", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "interaction" {
		t.Errorf("POST /slack/interactions = %q", body)
	}
	down.Store(true)
	if code, _ := get(t, d, "/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the store down = %d, want 503", code)
	}

	addr := d.Addr().String()
	if err := d.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if job.returned.Load() != 1 {
		t.Error("Close returned before the poll in flight")
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Error("the HTTP listener still accepts after Close")
	}
	if err := d.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if !strings.Contains(logs.String(), "stopped") {
		t.Errorf("no stop logged:\n%s", logs)
	}
	if strings.Contains(logs.String(), "poll failed") {
		t.Errorf("a poll abandoned at shutdown was logged as failed:\n%s", logs)
	}
}

// TestReloadIsOffTheSignalPath holds a reload inside a slow profile compile
// and shows that stopping begins meanwhile: the jobs are cancelled and the
// listener closes before the compile ends; Close then waits for it.
func TestReloadIsOffTheSignalPath(t *testing.T) {
	d, logs := newTestDaemon(t)
	var job blockingPoll
	if err := d.Poll("@every 1h", job.poll); err != nil {
		t.Fatal(err)
	}
	entered := make(chan struct{}, 4)
	release := make(chan struct{})
	var reloads atomic.Int32
	d.Profiles("", func(ctx context.Context) (int, error) {
		reloads.Add(1)
		entered <- struct{}{}
		<-release // a slow compile, which ignores ctx
		return 3, nil
	})
	d.Listen("127.0.0.1:0", nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := d.Start(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the first poll", func() bool { return job.started.Load() == 1 })
	addr := d.Addr().String()

	d.Reload()
	<-entered
	d.Reload() // waits behind the slow one, and never runs: the daemon stops

	cancel() // SIGTERM
	closed := make(chan error, 1)
	go func() { closed <- d.Close() }()
	eventually(t, "the poll to be cancelled while the reload runs", func() bool { return job.returned.Load() == 1 })
	eventually(t, "the listener to close while the reload runs", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	select {
	case <-closed:
		t.Fatal("Close returned while the reload was still running")
	default:
	}
	close(release)
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	if n := reloads.Load(); n != 1 {
		t.Errorf("%d reloads ran, want 1: the one asked for during shutdown must not run", n)
	}
	if strings.Contains(logs.String(), "profiles reloaded") {
		t.Error("a reload finished during shutdown was reported as put in force")
	}
}

func TestReloadTriggers(t *testing.T) {
	tests := []struct {
		name    string
		trigger func(t *testing.T, d *Daemon, dir string)
	}{
		{"Reload", func(t *testing.T, d *Daemon, dir string) { d.Reload() }},
		{"SIGHUP", func(t *testing.T, d *Daemon, dir string) {
			if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
				t.Fatal(err)
			}
		}},
		{"a profile file written", func(t *testing.T, d *Daemon, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "new.yaml"), []byte("profiles: []\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, logs := newTestDaemon(t)
			dir := t.TempDir()
			var calls atomic.Int32
			d.Profiles(dir, func(context.Context) (int, error) {
				if calls.Add(1) == 1 {
					return 0, errors.New("profile \"x\": bogus key")
				}
				return 2, nil
			})
			d.Listen("127.0.0.1:0", nil)
			if err := d.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			tt.trigger(t, d, dir)
			eventually(t, "the invalid edit to be refused", func() bool {
				return strings.Contains(logs.String(), "profiles not reloaded")
			})
			tt.trigger(t, d, dir)
			eventually(t, "the valid edit to be loaded", func() bool {
				return strings.Contains(logs.String(), "profiles reloaded")
			})
			_, metrics := get(t, d, "/metrics")
			for _, want := range []string{`newsbot_profile_reloads_total{result="invalid"} 1`, `newsbot_profile_reloads_total{result="ok"}`} {
				if !strings.Contains(metrics, want) {
					t.Errorf("/metrics lacks %s", want)
				}
			}
		})
	}
}

func TestBadSchedulesAndListener(t *testing.T) {
	d, _ := newTestDaemon(t)
	noPoll := func(context.Context) (pipeline.PollStats, error) { return pipeline.PollStats{}, nil }
	if err := d.Poll("every hour", noPoll); err == nil || !strings.Contains(err.Error(), "every hour") {
		t.Errorf("Poll with a bad schedule = %v", err)
	}
	if err := d.Digest("61 * * * *", func(context.Context) error { return nil }); err == nil {
		t.Error("Digest accepted minute 61")
	}

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	d.Listen(busy.Addr().String(), nil)
	if err := d.Start(context.Background()); err == nil || !strings.Contains(err.Error(), "http.listen") {
		t.Errorf("Start on a busy port = %v", err)
	}
	if err := d.Close(); err != nil {
		t.Errorf("Close after a failed Start: %v", err)
	}
	if err := d.Start(context.Background()); err == nil {
		t.Error("Start after Close succeeded")
	}
}

func TestInterval(t *testing.T) {
	from := time.Date(2026, 11, 27, 16, 2, 0, 0, time.UTC)
	tests := []struct {
		spec string
		want time.Duration
	}{
		{"@every 15m", 15 * time.Minute},
		{"*/5 * * * *", 5 * time.Minute},
		{"0 9 * * *", 24 * time.Hour},
		// from is a Friday after 16:00: the next gap is the weekend's.
		{"*/15 9-16 * * 1-5", 15 * time.Minute},
		{"0 9 * * 1-5", 24 * time.Hour},
		{"0 9,10 1 1 *", time.Hour},
		{"0 9 29 2 *", (4*365 + 1) * 24 * time.Hour},
		{"0 9 30 2 *", 0},
		{"not a schedule", 0},
	}
	for _, tt := range tests {
		if got := Interval(tt.spec, from); got != tt.want {
			t.Errorf("Interval(%q) = %v, want %v", tt.spec, got, tt.want)
		}
	}
}

// TestPollMetricsCountArticles checks that a poll's article fetches reach
// newsbot_article_fetches_total, by result.
func TestPollMetricsCountArticles(t *testing.T) {
	d := New(Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	defer d.Close()
	if err := d.Poll("@every 1h", func(context.Context) (pipeline.PollStats, error) {
		return pipeline.PollStats{Articles: 5, ArticlesFailed: 2}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := d.poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	mfs, err := d.metrics.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != "newsbot_article_fetches_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			got[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
		}
	}
	if got["ok"] != 3 || got["failed"] != 2 {
		t.Errorf("newsbot_article_fetches_total = %v, want ok 3 and failed 2", got)
	}
}
