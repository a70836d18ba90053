package daemon

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/internal/pipeline"
)

// testClock is a clock the test moves by hand; it is safe for concurrent use.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newClockedDaemon returns a daemon that judges its jobs by clock, runs
// its schedules in loc and serves HTTP on a loopback port.
func newClockedDaemon(t *testing.T, clock *testClock, loc *time.Location) *Daemon {
	t.Helper()
	d := New(Options{Location: loc, Now: clock.Now, Log: slog.New(slog.NewTextHandler(&logBuffer{}, nil))})
	t.Cleanup(func() { d.Close() })
	d.Listen("127.0.0.1:0", nil)
	return d
}

func TestStuckAfter(t *testing.T) {
	tests := []struct {
		name     string
		interval time.Duration
		want     time.Duration
	}{
		{"no poll registered", 0, time.Hour},
		{"short interval takes the floor", time.Minute, time.Hour},
		{"exactly the floor", 6 * time.Minute, time.Hour},
		{"long interval takes ten of them", 15 * time.Minute, 150 * time.Minute},
		{"daily", 24 * time.Hour, 240 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stuckAfter(tt.interval); got != tt.want {
				t.Errorf("stuckAfter(%s) = %s, want %s", tt.interval, got, tt.want)
			}
		})
	}
}

func TestHealthzHealthy(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	d := newClockedDaemon(t, clock, time.UTC)
	polls := make(chan struct{}, 1)
	if err := d.Poll("@every 5m", func(context.Context) (pipeline.PollStats, error) {
		polls <- struct{}{}
		return pipeline.PollStats{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := d.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-polls
	eventually(t, "the schedules to start", func() bool {
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.scheduled
	})
	if code, body := get(t, d, "/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Fatalf("/healthz = %d %q, want 200 \"ok\\n\"", code, body)
	}
	// Within the bound (10 × 5m = 50m, floored to 1h) plus one interval
	// without a poll, the scheduler is still trusted.
	clock.Advance(time.Hour + 4*time.Minute)
	if code, body := get(t, d, "/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz 1h04m after the last poll = %d %q, want 200", code, body)
	}
}

func TestHealthzSchedulerStalled(t *testing.T) {
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		spec    string
		loc     *time.Location
		start   time.Time     // the first poll
		healthy time.Duration // still healthy this long after it
		stalled time.Duration // stalled this long after it
		want    string
	}{
		// Due at 10:00Z, bound 10 h.
		{"hourly", "@every 1h", kolkata, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), 11 * time.Hour, 11*time.Hour + time.Second,
			"scheduler stalled: the poll due at 2026-03-01T15:30:00+05:30 has not started (the last poll started at 2026-03-01T14:30:00+05:30)"},
		// Gaps of 1 h and of a year less 1 h: the bound (10 h) counts
		// from the next year's first tick, not from the last poll.
		{"a long gap is no stall", "0 9,10 1 1 *", time.UTC, time.Date(2027, 1, 1, 10, 0, 0, 0, time.UTC), 365*24*time.Hour + 9*time.Hour, 365*24*time.Hour + 9*time.Hour + time.Second,
			"scheduler stalled: the poll due at 2028-01-01T09:00:00Z has not started (the last poll started at 2027-01-01T10:00:00Z)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &testClock{t: tt.start}
			d := newClockedDaemon(t, clock, tt.loc)
			if err := d.Poll(tt.spec, func(context.Context) (pipeline.PollStats, error) {
				return pipeline.PollStats{}, nil
			}); err != nil {
				t.Fatal(err)
			}
			if err := d.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the schedules to start", func() bool {
				d.mu.Lock()
				defer d.mu.Unlock()
				return d.scheduled
			})
			// The real scheduler fires no tick within the test's
			// milliseconds: to the injected clock, it has stopped firing.
			clock.Advance(tt.healthy)
			if code, body := get(t, d, "/healthz"); code != http.StatusOK {
				t.Fatalf("/healthz %s after the last poll = %d %q, want 200", tt.healthy, code, body)
			}
			clock.Advance(tt.stalled - tt.healthy)
			code, body := get(t, d, "/healthz")
			if code != http.StatusServiceUnavailable || strings.TrimSpace(body) != tt.want {
				t.Fatalf("/healthz %s after the last poll = %d %q, want 503 %q", tt.stalled, code, body, tt.want)
			}
		})
	}
}

func TestHealthzJobStuck(t *testing.T) {
	tests := []struct {
		name     string
		spec     string
		within   time.Duration // still healthy after this long
		past     time.Duration // stuck after this long
		wantBody string
	}{
		{"short interval: the one-hour floor", "@every 1m", 59 * time.Minute, time.Hour + time.Second,
			"poll job stuck: running for 1h0m1s since 2026-03-01T09:00:00Z (bound 1h0m0s)"},
		{"long interval: ten intervals", "@every 30m", 4*time.Hour + 59*time.Minute, 5*time.Hour + time.Second,
			"poll job stuck: running for 5h0m1s since 2026-03-01T09:00:00Z (bound 5h0m0s)"},
		{"cron spec", "*/15 * * * *", 150 * time.Minute, 150*time.Minute + time.Second,
			"poll job stuck: running for 2h30m1s since 2026-03-01T09:00:00Z (bound 2h30m0s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &testClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
			d := newClockedDaemon(t, clock, time.UTC)
			var job blockingPoll
			if err := d.Poll(tt.spec, job.poll); err != nil {
				t.Fatal(err)
			}
			if err := d.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the first poll", func() bool { return job.started.Load() == 1 })
			if code, body := get(t, d, "/healthz"); code != http.StatusOK {
				t.Fatalf("/healthz as the poll starts = %d %q, want 200", code, body)
			}
			clock.Advance(tt.within)
			if code, body := get(t, d, "/healthz"); code != http.StatusOK {
				t.Fatalf("/healthz after %s = %d %q, want 200", tt.within, code, body)
			}
			clock.Advance(tt.past - tt.within)
			code, body := get(t, d, "/healthz")
			if code != http.StatusServiceUnavailable || strings.TrimSpace(body) != tt.wantBody {
				t.Fatalf("/healthz after %s = %d %q, want 503 %q", tt.past, code, body, tt.wantBody)
			}
			// /readyz is another question: the store, not the scheduler.
			if code, _ := get(t, d, "/readyz"); code != http.StatusOK {
				t.Errorf("/readyz with a stuck poll = %d, want 200", code)
			}
		})
	}
}

func TestHealthzSchedulerStopped(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	tests := []struct {
		name     string
		start    bool
		wantBody string
	}{
		{"never started", false, "scheduler stopped: the daemon has not started"},
		{"closed", true, "scheduler stopped: the daemon is stopping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newClockedDaemon(t, clock, time.UTC)
			if err := d.Poll("@every 1m", func(context.Context) (pipeline.PollStats, error) {
				return pipeline.PollStats{}, nil
			}); err != nil {
				t.Fatal(err)
			}
			if tt.start {
				if err := d.Start(context.Background()); err != nil {
					t.Fatal(err)
				}
				if code, body := get(t, d, "/healthz"); code != http.StatusOK {
					t.Fatalf("/healthz before Close = %d %q, want 200", code, body)
				}
				if err := d.Close(); err != nil {
					t.Fatal(err)
				}
			}
			// No listener serves before Start or after Close; ask the
			// handler, as a request in flight during Close would.
			rec := httptest.NewRecorder()
			d.mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
			if rec.Code != http.StatusServiceUnavailable || strings.TrimSpace(rec.Body.String()) != tt.wantBody {
				t.Fatalf("/healthz = %d %q, want 503 %q", rec.Code, rec.Body.String(), tt.wantBody)
			}
		})
	}
}

// TestHealthzLongPollIsNoStall checks that the ticks a long poll made the
// scheduler skip are not taken for a stall once it ends: the next poll is
// due at the first tick after it.
func TestHealthzLongPollIsNoStall(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	d := newClockedDaemon(t, clock, time.UTC)
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	if err := d.Poll("@every 1m", func(ctx context.Context) (pipeline.PollStats, error) {
		started <- struct{}{}
		select {
		case <-release:
		case <-ctx.Done():
		}
		return pipeline.PollStats{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := d.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-started
	// The poll runs 59 minutes (the bound is 1 h), then ends.
	clock.Advance(59 * time.Minute)
	if code, body := get(t, d, "/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz 59m into the poll = %d %q, want 200", code, body)
	}
	close(release)
	eventually(t, "the schedules to start", func() bool {
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.scheduled && d.health.running == ""
	})
	// 89 minutes after the poll started, 30 after it ended.
	clock.Advance(30 * time.Minute)
	if code, body := get(t, d, "/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz 30m after a long poll = %d %q, want 200", code, body)
	}
	// The poll due at 10:00 (the first tick after it ended at 09:59) has
	// not started by 11:00:01.
	clock.Advance(31*time.Minute + time.Second)
	code, body := get(t, d, "/healthz")
	want := "scheduler stalled: the poll due at 2026-03-01T10:00:00Z has not started (the last poll started at 2026-03-01T09:00:00Z)"
	if code != http.StatusServiceUnavailable || strings.TrimSpace(body) != want {
		t.Fatalf("/healthz = %d %q, want 503 %q", code, body, want)
	}
}
