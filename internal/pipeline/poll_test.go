package pipeline

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/config"
	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/matcher"
	"github.com/newsbot/newsbot/store"
)

func TestBackoff(t *testing.T) {
	tests := []struct {
		name     string
		failures int
		hint     time.Duration
		want     time.Duration
	}{
		{"first failure", 1, 0, 15 * time.Minute},
		{"second", 2, 0, 30 * time.Minute},
		{"fourth", 4, 0, 2 * time.Hour},
		{"capped", 5, 0, 4 * time.Hour},
		{"far beyond the cap", 50, 0, 4 * time.Hour},
		{"retry-after longer", 1, 2 * time.Hour, 2 * time.Hour},
		{"retry-after shorter", 3, time.Minute, time.Hour},
		{"retry-after capped at a day", 1, 72 * time.Hour, 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := backoff(tt.failures, tt.hint); got != tt.want {
				t.Errorf("backoff(%d, %v) = %v, want %v", tt.failures, tt.hint, got, tt.want)
			}
		})
	}
}

// feedAt serves one RSS feed whose items are published at the given times.
type feedAt struct {
	mu    sync.Mutex
	items map[string]time.Time // guid → published
	fail  bool
}

func (f *feedAt) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>`)
	for guid, at := range f.items {
		fmt.Fprintf(w, `<item><title>DRDO tests missile %s</title><guid>%s</guid><link>https://desk.example/%s</link><pubDate>%s</pubDate><description>The Defence Research and Development Organisation conducted a test.</description></item>`,
			guid, guid, guid, at.UTC().Format(time.RFC1123Z))
	}
	fmt.Fprint(w, `</channel></rss>`)
}

func (f *feedAt) set(guid string, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items[guid] = at
}

func newTestPipeline(t *testing.T, now *time.Time, urls ...string) *Pipeline {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m, err := config.Default().LoadProfiles()
	if err != nil {
		t.Fatal(err)
	}
	var reqs []feeds.Request
	for _, u := range urls {
		reqs = append(reqs, feeds.Request{URL: u})
	}
	return &Pipeline{
		Store:          st,
		Poller:         &feeds.Poller{Fetcher: feeds.NewFetcher(feeds.Options{Timeout: 5 * time.Second})},
		Feeds:          reqs,
		Matcher:        func() *matcher.Matcher { return m },
		DefaultChannel: "#news",
		Window:         48 * time.Hour,
		Now:            func() time.Time { return *now },
		Log:            slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

func TestPollWindowBackoffAndRecovery(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	now := t0
	feed := &feedAt{items: map[string]time.Time{"old": t0.AddDate(0, 0, -10), "new": t0.Add(-time.Hour)}}
	srv := httptest.NewServer(feed)
	defer srv.Close()
	p := newTestPipeline(t, &now, srv.URL)

	// First poll of a new feed: the archive is stored but only recent items count.
	stats, err := p.Poll(ctx, PollOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if stats.NewItems != 2 || stats.Matches != 1 {
		t.Fatalf("first poll: %+v, want 2 new items and 1 match", stats)
	}
	pending, _ := p.Store.Pending(ctx)
	if len(pending) != 1 || pending[0].Item.Title != "DRDO tests missile new" {
		t.Fatalf("pending = %+v, want only the recent item", pending)
	}

	// The feed fails: it backs off and says why.
	feed.mu.Lock()
	feed.fail = true
	feed.mu.Unlock()
	now = t0.Add(time.Hour)
	if stats, err = p.Poll(ctx, PollOptions{}); err != nil || stats.Failed != 1 {
		t.Fatalf("failing poll: %+v, %v", stats, err)
	}
	st, _ := p.Store.FeedState(ctx, srv.URL)
	if st.ConsecutiveFailures != 1 || st.LastError == "" || !st.NextPoll.Equal(now.Add(FeedBackoffBase)) {
		t.Fatalf("state after failure: %+v", st)
	}
	now = now.Add(5 * time.Minute)
	if stats, _ = p.Poll(ctx, PollOptions{}); stats.NotDue != 1 || stats.Feeds != 0 {
		t.Fatalf("a backing-off feed was polled: %+v", stats)
	}
	if stats, _ = p.Poll(ctx, PollOptions{All: true}); stats.Feeds != 1 || stats.Failed != 1 {
		t.Fatalf("All did not poll the backing-off feed: %+v", stats)
	}

	// Days later the feed works again; items published during the outage
	// still count, though older than the window.
	feed.mu.Lock()
	feed.fail = false
	feed.mu.Unlock()
	feed.set("during", t0.Add(48*time.Hour))
	now = t0.Add(5 * 24 * time.Hour)
	if stats, err = p.Poll(ctx, PollOptions{}); err != nil || stats.NewItems != 1 || stats.Matches != 1 {
		t.Fatalf("recovery poll: %+v, %v", stats, err)
	}
	st, _ = p.Store.FeedState(ctx, srv.URL)
	if st.ConsecutiveFailures != 0 || st.LastError != "" || !st.LastSuccess.Equal(now) {
		t.Fatalf("state after recovery: %+v", st)
	}

	// Backfill reaches the archived item; re-matching twice adds nothing.
	rs, err := p.Rematch(ctx, t0.AddDate(0, 0, -30), now, nil)
	if err != nil || rs.Items != 3 || rs.Matches != 1 {
		t.Fatalf("rematch: %+v, %v", rs, err)
	}
	if rs, _ = p.Rematch(ctx, t0.AddDate(0, 0, -30), now, nil); rs.Matches != 0 {
		t.Fatalf("second rematch added %d matches", rs.Matches)
	}
}

// syncBuffer collects log output; it is safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestTimesInLocation checks that the times the pipeline writes (a failed
// feed's next_poll in the log, the end of Slack's wait in an error, the day
// a failing feed last worked in a digest footer) are in its Location.
func TestTimesInLocation(t *testing.T) {
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	honolulu, err := time.LoadLocation("Pacific/Honolulu")
	if err != nil {
		t.Fatal(err)
	}
	// 20:00 UTC on 19 November is 01:30 on the 20th in Kolkata and 10:00
	// on the 19th in Honolulu.
	t0 := time.Date(2026, 11, 19, 20, 0, 0, 0, time.UTC)
	tests := []struct {
		name         string
		loc          *time.Location
		wantNextPoll string // t0 + FeedBackoffBase (15 min)
		wantUntil    string // t0 + 1 h
		wantWorked   string // the day of t0 - 2 days
	}{
		{"no location: UTC", nil, "next_poll=2026-11-19T20:15:00Z", "until 2026-11-19T21:00:00Z", "(last worked 17 Nov)"},
		{"Asia/Kolkata", kolkata, "next_poll=2026-11-20T01:45:00+05:30", "until 2026-11-20T02:30:00+05:30", "(last worked 18 Nov)"},
		{"Pacific/Honolulu", honolulu, "next_poll=2026-11-19T10:15:00-10:00", "until 2026-11-19T11:00:00-10:00", "(last worked 17 Nov)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			feed := &feedAt{items: map[string]time.Time{"a": t0.Add(-time.Hour)}}
			srv := httptest.NewServer(feed)
			defer srv.Close()
			now := t0.Add(-48 * time.Hour)
			p := newTestPipeline(t, &now, srv.URL)
			p.Location = tt.loc
			var logs syncBuffer
			p.Log = slog.New(slog.NewTextHandler(&logs, nil))
			// The feed works two days before t0, then fails at t0.
			if stats, err := p.Poll(ctx, PollOptions{}); err != nil || stats.Failed != 0 {
				t.Fatalf("first poll: %+v, %v", stats, err)
			}
			feed.mu.Lock()
			feed.fail = true
			feed.mu.Unlock()
			now = t0
			if stats, err := p.Poll(ctx, PollOptions{}); err != nil || stats.Failed != 1 {
				t.Fatalf("failing poll: %+v, %v", stats, err)
			}
			if out := logs.String(); !strings.Contains(out, "feed failed") || !strings.Contains(out, tt.wantNextPoll) {
				t.Errorf("log = %q, want a feed failed line with %s", out, tt.wantNextPoll)
			}

			p.hold.until.Store(t0.Add(time.Hour).UnixMilli())
			if err := p.hold.check(t0, p.Location); err == nil || !strings.Contains(err.Error(), tt.wantUntil) {
				t.Errorf("hold check = %v, want an error with %q", err, tt.wantUntil)
			}

			// Enough failures, more than a day after the last success, to
			// be named in the footer.
			now = t0.Add(time.Hour)
			if _, err := p.Poll(ctx, PollOptions{All: true}); err != nil {
				t.Fatal(err)
			}
			footer, err := p.FailingFeeds(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(footer, tt.wantWorked) {
				t.Errorf("FailingFeeds = %q, want %q", footer, tt.wantWorked)
			}
		})
	}
}
