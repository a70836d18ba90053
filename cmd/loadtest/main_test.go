package main

import (
	"context"
	"io"
	"testing"
	"time"
)

// TestRunLoad runs the harness at a tiny size and checks its counts, never
// its times: every feed is requested once per cycle, the second cycle over
// unchanged feeds is all 304s and stores nothing, and a changed share
// brings exactly its new items.
func TestRunLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds newsbot")
	}
	ctx := context.Background()
	bin, err := buildNewsbot(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	const feeds, items, newItems = 20, 10, 3
	base := options{
		Feeds: feeds, Items: items, NewItems: newItems, SummaryBytes: 1500, MatchShare: 0.1,
		Latency: 10 * time.Millisecond, Concurrency: 8, PerHost: 8, Ports: 1, Cycles: 2, Bin: bin,
	}
	tests := []struct {
		name    string
		changed float64
		// want per cycle
		notModified []int64
		newItems    []int
	}{
		{name: "unchanged", changed: 0, notModified: []int64{0, feeds}, newItems: []int{feeds * items, 0}},
		{name: "a quarter changed", changed: 0.25, notModified: []int64{0, feeds - 5}, newItems: []int{feeds * items, 5 * newItems}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := base
			o.Changed = tt.changed
			o.Dir = t.TempDir()
			rows, err := runLoad(ctx, o, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 2 {
				t.Fatalf("got %d rows, want 2", len(rows))
			}
			for i, r := range rows {
				if r.Server.Requests != feeds {
					t.Errorf("cycle %d: %d requests, want %d", i+1, r.Server.Requests, feeds)
				}
				if r.Server.NotModified != tt.notModified[i] {
					t.Errorf("cycle %d: %d 304s, want %d", i+1, r.Server.NotModified, tt.notModified[i])
				}
				if r.Items != tt.newItems[i] {
					t.Errorf("cycle %d: %d new items, want %d", i+1, r.Items, tt.newItems[i])
				}
				if r.Failed != 0 {
					t.Errorf("cycle %d: %d feeds failed", i+1, r.Failed)
				}
				if !r.Measured || r.MaxRSS == 0 {
					t.Errorf("cycle %d: no resource usage measured", i+1)
				}
			}
			if rows[0].Matches == 0 || rows[0].Entries == 0 {
				t.Errorf("cycle 1: %d matches, %d digest entries; the generated feeds should match the built-in profiles",
					rows[0].Matches, rows[0].Entries)
			}
			if rows[1].Server.Bytes != 0 && tt.changed == 0 {
				t.Errorf("cycle 2 over unchanged feeds read %d body bytes", rows[1].Server.Bytes)
			}
		})
	}
}

// TestPollDone checks the parsing of newsbot's log line.
func TestPollDone(t *testing.T) {
	log := `time=2026-01-01T00:00:00Z level=INFO msg="feed failed" feed=x error="boom"
time=2026-01-01T00:00:01Z level=INFO msg="poll done" feeds=20 not_due=0 not_modified=3 failed=1 new_items=200 new_matches=71 took=1.234s
`
	f, ok := pollDone(log)
	if !ok {
		t.Fatal("poll done line not found")
	}
	for k, want := range map[string]string{"feeds": "20", "not_modified": "3", "failed": "1", "new_items": "200", "new_matches": "71", "took": "1.234s"} {
		if f[k] != want {
			t.Errorf("%s = %q, want %q", k, f[k], want)
		}
	}
	if _, ok := pollDone("level=INFO msg=\"newsbot running\"\n"); ok {
		t.Error("found a poll done line where there is none")
	}
}

// TestFeedServerAdvance checks that each cycle changes a fresh share of the feeds, and ETag matching.
func TestFeedServerAdvance(t *testing.T) {
	gen := &generator{items: 3, newPerChange: 1, summaryBytes: 200, start: time.Now()}
	s, err := newFeedServer(gen, 4, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.Advance(0.5); got != 2 {
		t.Errorf("Advance(0.5) changed %d feeds, want 2", got)
	}
	if got := s.Advance(0.5); got != 2 {
		t.Errorf("Advance(0.5) changed %d feeds, want 2", got)
	}
	for i := range 4 {
		if s.versions[i] != 1 {
			t.Errorf("feed %d at version %d after two half advances, want 1", i, s.versions[i])
		}
	}
	if !etagMatches(`W/"a", "f1-v1"`, `"f1-v1"`) || etagMatches(`"f1-v0"`, `"f1-v1"`) {
		t.Error("etagMatches is wrong")
	}
}
