package main

import (
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/feeds"
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
	g := &generator{items: 20, newPerChange: 5, summaryBytes: 1500, articleWords: 900, start: time.Now()}
	doc := g.feed(7, 0)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := feeds.Parse(doc, "application/rss+xml", "http://127.0.0.1/feed/7", ""); err != nil {
			b.Fatal(err)
		}
	}
}
