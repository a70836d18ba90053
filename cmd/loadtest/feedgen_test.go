package main

import (
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/config"
	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/matcher"
)

// TestGeneratorArticles checks the long-item shape: about the asked number
// of words in content:encoded, the topic far past the first 2,000
// characters, and newsbot reading it there.
func TestGeneratorArticles(t *testing.T) {
	g := &generator{items: 20, newPerChange: 5, summaryBytes: 1500, articleWords: 900, start: time.Now()}
	_, items, err := feeds.Parse(g.feed(7, 0), "application/rss+xml", "http://127.0.0.1/feed/7", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 20 {
		t.Fatalf("got %d items, want 20", len(items))
	}
	for i, it := range items {
		gen := g.itemFor(7, 19-i)
		if n := len(strings.Fields(it.Text)); n < 850 || n > 1000 {
			t.Errorf("item %d: %d words of text, want about 900", i, n)
		}
		if strings.Count(gen.content, "<p>") < 10 {
			t.Errorf("item %d: article of %d paragraphs", i, strings.Count(gen.content, "<p>"))
		}
		if len(it.Summary) > 300 {
			t.Errorf("item %d: summary of %d bytes, want a one-line excerpt", i, len(it.Summary))
		}
	}
	// The lead (the only sentence naming the topic) sits deep in the text.
	found := 0
	for _, it := range items {
		for _, tp := range topics {
			for _, l := range tp.leads {
				prefix := l[:strings.Index(l, "%s")]
				if i := strings.Index(it.Text, prefix); i >= 0 {
					found++
					if i < 2000 {
						t.Errorf("item %q: topic sentence at byte %d, want past 2,000", it.Title, i)
					}
				}
			}
		}
	}
	if found < len(items) {
		t.Errorf("found the topic sentence in %d of %d items", found, len(items))
	}
}

// BenchmarkParseArticles parses a generated feed of 20 items with 900-word
// articles, as newsbot does on a cold cycle of the long-item load test.
func BenchmarkParseArticles(b *testing.B) {
	benchParse(b, &generator{items: 20, newPerChange: 5, summaryBytes: 1500, articleWords: 900, start: time.Now()})
}

// benchParse parses feed 7 of g over and over.
func benchParse(b *testing.B, g *generator) {
	doc := g.feed(7, 0)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := feeds.Parse(doc, "application/rss+xml", "http://127.0.0.1/feed/7", ""); err != nil {
			b.Fatal(err)
		}
	}
}

// TestGeneratorMatchShare checks -match: the share of generated items that
// the built-in profiles match is the asked share (within sampling noise),
// and none match at 0.
func TestGeneratorMatchShare(t *testing.T) {
	m, err := config.Default().LoadProfiles()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		share  float64
		lo, hi float64
	}{
		{name: "none", share: 0, lo: 0, hi: 0},
		{name: "a tenth, as issue 10 measures", share: 0.1, lo: 0.08, hi: 0.12},
		{name: "a third", share: 0.33, lo: 0.30, hi: 0.36},
		{name: "all", share: 1, lo: 1, hi: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &generator{items: 20, newPerChange: 5, summaryBytes: 300, matchShare: tt.share, start: time.Now()}
			var n, matched int
			for f := range 100 {
				_, items, err := feeds.Parse(g.feed(f, 0), "application/rss+xml", "http://127.0.0.1/feed", "")
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range items {
					n++
					if len(m.Match(matcher.Document{Title: it.Title, Body: it.Body()})) > 0 {
						matched++
					}
				}
			}
			got := float64(matched) / float64(n)
			if got < tt.lo || got > tt.hi {
				t.Errorf("%d of %d items matched (%.3f), want within [%.2f, %.2f]", matched, n, got, tt.lo, tt.hi)
			}
		})
	}
}

// BenchmarkParseShort parses a generated feed of 20 items with 1.5 KB
// summaries, as newsbot does on a cold cycle of the short-item load test.
func BenchmarkParseShort(b *testing.B) {
	benchParse(b, &generator{items: 20, newPerChange: 5, summaryBytes: 1500, matchShare: 0.1, start: time.Now()})
}
