package feedback

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/store"
)

// itemA and itemB are stored items that matched profile TECH.
const (
	itemA = "0123456789abcdef0123456789abcdef"
	itemB = "fedcba9876543210fedcba9876543210"
)

// openStore returns a SQLite store holding items A and B matched by TECH.
func openStore(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "fb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	items := []feeds.Item{
		{ID: itemA, FeedURL: "https://a.example/rss", Feed: "A", Title: "Alpha", Link: "https://a.example/1", Published: now},
		{ID: itemB, FeedURL: "https://b.example/rss", Feed: "B", Title: "Beta", Link: "https://b.example/1", Published: now},
	}
	if _, err := st.SaveItems(ctx, items, now); err != nil {
		t.Fatal(err)
	}
	ms := []store.Match{
		{ItemID: itemA, Profile: "TECH", Channel: "#news", Terms: []string{"chip"}, Score: 1, Matched: now},
		{ItemID: itemB, Profile: "TECH", Channel: "#news", Terms: []string{"chip"}, Score: 1, Matched: now},
	}
	if _, err := st.SaveMatches(ctx, ms); err != nil {
		t.Fatal(err)
	}
	return st
}

// rows returns every feedback row.
func rows(t *testing.T, st *store.Store) []store.Feedback {
	t.Helper()
	fs, err := st.FeedbackSince(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// counter counts OnRecorded calls by "profile/action".
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) inc(profile, action string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[profile+"/"+action]++
}

func (c *counter) get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[k]
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func value(action, item string) string { return digest.FeedbackValue(action, "TECH", item) }

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func httpBody(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }
