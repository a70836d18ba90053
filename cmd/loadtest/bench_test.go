package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/newsbot/newsbot/config"
	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/internal/pipeline"
	"github.com/newsbot/newsbot/matcher"
	"github.com/newsbot/newsbot/store"
)

var (
	benchFeeds   = flag.Int("loadtest.feeds", 200, "feeds served to BenchmarkCycle")
	benchItems   = flag.Int("loadtest.items", 20, "items per feed in BenchmarkCycle")
	benchLatency = flag.Duration("loadtest.latency", 0, "latency of every feed request in BenchmarkCycle")
	benchMatch   = flag.Float64("loadtest.match", 0.1, "share of items on a matching topic in BenchmarkCycle")
	benchArticle = flag.Int("loadtest.article-words", 0, "words of each item's article in content:encoded in BenchmarkCycle (0: none)")
)

// BenchmarkCycle drives one poll cycle in-process, the way `newsbot once`
// does (internal/pipeline over feeds.Poller, the store and the built-in
// profiles), against the loopback feed server with no latency by default,
// so it measures CPU and allocations, not waiting:
//
//   - cold: every item is new (a fresh store each iteration);
//   - 304: a second cycle over unchanged feeds;
//   - fetch-only: feeds.Poller alone, results dropped, so that cold minus
//     fetch-only is what the store and the matcher add.
//
// Run the full size for a profile with
//
//	go test -run '^$' -bench Cycle/cold -benchtime 3x -cpuprofile cpu.out ./cmd/loadtest -args -loadtest.feeds 2000
func BenchmarkCycle(b *testing.B) {
	ctx := context.Background()
	o := options{Feeds: *benchFeeds, Items: *benchItems, NewItems: 5, SummaryBytes: 1500, ArticleWords: *benchArticle, MatchShare: *benchMatch, Latency: *benchLatency,
		Concurrency: 32, PerHost: 32, Ports: 1}
	srv, err := newFeedServer(o.generator(), o.Feeds, o.Ports, o.Latency)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	m, err := config.Default().LoadProfiles()
	if err != nil {
		b.Fatal(err)
	}
	reqs := make([]feeds.Request, o.Feeds)
	for i, u := range srv.URLs() {
		reqs[i] = feeds.Request{URL: u}
	}
	newPipeline := func(b *testing.B) *pipeline.Pipeline {
		st, err := store.Open(ctx, filepath.Join(b.TempDir(), "newsbot.db"))
		if err != nil {
			b.Fatal(err)
		}
		fetcher := feeds.NewFetcher(feeds.Options{Timeout: 30 * time.Second})
		b.Cleanup(func() {
			fetcher.CloseIdleConnections()
			st.Close()
		})
		return &pipeline.Pipeline{
			Store: st,
			Poller: &feeds.Poller{
				Fetcher:     fetcher,
				Concurrency: o.Concurrency,
				PerHost:     o.PerHost,
			},
			Feeds:          reqs,
			Matcher:        func() *matcher.Matcher { return m },
			DefaultChannel: "#bench",
			Window:         48 * time.Hour,
			Now:            time.Now,
			Log:            slog.New(slog.NewTextHandler(io.Discard, nil)),
		}
	}
	poll := func(b *testing.B, p *pipeline.Pipeline) pipeline.PollStats {
		stats, err := p.Poll(ctx, pipeline.PollOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if stats.Failed > 0 {
			b.Fatalf("%d feeds failed", stats.Failed)
		}
		return stats
	}
	size := fmt.Sprintf("feeds=%d/items=%d", o.Feeds, o.Items)

	b.Run("cold/"+size, func(b *testing.B) {
		var items, matches int
		for b.Loop() {
			b.StopTimer()
			p := newPipeline(b)
			b.StartTimer()
			s := poll(b, p)
			items, matches = s.NewItems, s.Matches
		}
		b.ReportMetric(float64(items), "items/op")
		b.ReportMetric(float64(matches), "matches/op")
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*o.Feeds), "µs/feed")
	})
	b.Run("304/"+size, func(b *testing.B) {
		p := newPipeline(b)
		poll(b, p)
		for b.Loop() {
			if s := poll(b, p); s.NotModified != o.Feeds {
				b.Fatalf("%d of %d feeds answered 304", s.NotModified, o.Feeds)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*o.Feeds), "µs/feed")
	})
	b.Run("fetch-only/"+size, func(b *testing.B) {
		p := newPipeline(b).Poller
		var items int
		for b.Loop() {
			items = 0
			results := make(chan int, o.Feeds)
			p.Poll(ctx, reqs, func(_ feeds.Request, res *feeds.Result, err error) {
				if err != nil {
					b.Error(err)
				}
				results <- len(res.Items)
			})
			close(results)
			for n := range results {
				items += n
			}
		}
		b.ReportMetric(float64(items), "items/op")
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*o.Feeds), "µs/feed")
	})
}
