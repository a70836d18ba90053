package feeds

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// articlePage is a news page: navigation, the article, a footer.
const articlePage = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Jets deal</title></head><body>
<nav><a href="/">Home</a> <a href="/defence">Defence</a> <a href="/trade">Trade</a></nav>
<article><h1>India and US agree jet engine deal</h1>
<p>New Delhi: India and the United States agreed on Thursday to co-produce jet engines, officials said after two days of talks between the delegations.</p>
<p>The agreement, reached under the bilateral defence framework, covers the transfer of technology for hot-section components and the testing of prototypes in both countries over the next three years.</p>
<p>Officials said the Joint Technical Group would meet again in January to settle the schedule, and that the Defence Research and Development Organisation would host the first trials at its facilities.</p>
</article>
<footer>Copyright 2026 Example News. All rights reserved. Subscribe to our newsletter.</footer>
</body></html>`

func TestArticle(t *testing.T) {
	var cookies, hits atomic.Int32
	var gotUA, gotHeader atomic.Value
	mux := http.NewServeMux()
	mux.HandleFunc("/story", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("Cookie") != "" {
			cookies.Add(1)
		}
		gotUA.Store(r.Header.Get("User-Agent"))
		gotHeader.Store(r.Header.Get("X-Contact"))
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "abc"})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(articlePage))
	})
	mux.HandleFunc("/latin1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
		w.Write([]byte(strings.ReplaceAll(articlePage, "New Delhi:", "Caf\xe9 talks:")))
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<html><body></body></html>`))
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("<p>x</p>", 10000)))
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/to-aggregator", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://news.google.com/rss/articles/CBMi?oc=5", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := NewFetcher(Options{Timeout: 5 * time.Second, MaxBody: 32 << 10, UserAgent: "global-agent"})
	ctx := context.Background()
	req := Request{URL: srv.URL + "/feed", UserAgent: "feed-agent (+mailto:ops@example.org)", Headers: map[string]string{"X-Contact": "ops@example.org"}}

	text, err := f.Article(ctx, req, srv.URL+"/story")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "Defence Research and Development Organisation would host the first trials") {
		t.Errorf("article text lacks its last paragraph: %q", text)
	}
	if strings.Contains(text, "Subscribe to our newsletter") || strings.Contains(text, "<p>") {
		t.Errorf("article text holds boilerplate or markup: %q", text)
	}
	if got := gotUA.Load(); got != req.UserAgent {
		t.Errorf("User-Agent = %q, want the feed's %q", got, req.UserAgent)
	}
	if got := gotHeader.Load(); got != "ops@example.org" {
		t.Errorf("X-Contact = %q, want the feed's header", got)
	}
	if _, err := f.Article(ctx, Request{}, srv.URL+"/story"); err != nil {
		t.Fatal(err)
	}
	if cookies.Load() != 0 {
		t.Error("a cookie set by the site was sent back")
	}
	if got := gotUA.Load(); got != "global-agent" {
		t.Errorf("User-Agent = %q, want the global one", got)
	}
	if text, err := f.Article(ctx, req, srv.URL+"/latin1"); err != nil || !strings.Contains(text, "Café talks") {
		t.Errorf("ISO-8859-1 page: %q, %v", text, err)
	}

	before := hits.Load()
	tests := []struct {
		name string
		link string
		want error
	}{
		{"no main text", srv.URL + "/empty", ErrNoArticle},
		{"over the body cap", srv.URL + "/huge", ErrTooLarge},
		{"not found", srv.URL + "/gone", nil},
		{"aggregator link", "https://news.google.com/rss/articles/CBMiAUthehindu01?oc=5", ErrAggregatorLink},
		{"redirect to an aggregator", srv.URL + "/to-aggregator", ErrAggregatorLink},
		{"not http", "file:///etc/passwd", nil},
		{"javascript", "javascript:alert(1)", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.Article(ctx, req, tt.link)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
	if hits.Load() != before {
		t.Error("the story was fetched by a failing case")
	}
}

func TestFetchArticles(t *testing.T) {
	var inFlight, most, hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		w.Write([]byte(articlePage))
	}))
	defer srv.Close()
	p := &Poller{Fetcher: NewFetcher(Options{Timeout: 5 * time.Second}), PerHost: 2}
	items := []Item{
		{Title: "a", Link: srv.URL + "/a", Text: "Feed lead."},
		{Title: "no link"},
		{Title: "b", Link: srv.URL + "/b"},
		{Title: "c", Link: srv.URL + "/c"},
		{Title: "google", Link: "https://news.google.com/rss/articles/x"},
	}
	res := p.FetchArticles(context.Background(), Request{URL: srv.URL}, items)
	if len(res) != 4 {
		t.Fatalf("got %d results, want 4 (items with links)", len(res))
	}
	failed := 0
	for _, r := range res {
		if r.Err != nil {
			failed++
			if !errors.Is(r.Err, ErrAggregatorLink) || r.Index != 4 {
				t.Errorf("item %d: %v", r.Index, r.Err)
			}
		}
	}
	if failed != 1 {
		t.Errorf("%d failures, want 1", failed)
	}
	if hits.Load() != 3 {
		t.Errorf("%d fetches, want 3", hits.Load())
	}
	if most.Load() > 2 {
		t.Errorf("%d fetches at once from one host, want at most per_host = 2", most.Load())
	}
	if !strings.HasPrefix(items[0].Text, "Feed lead.\n") || !strings.Contains(items[0].Text, "Joint Technical Group") {
		t.Errorf("Text = %q, want the feed's lead then the article", items[0].Text)
	}
	if items[1].Text != "" || items[4].Text != "" {
		t.Error("items without an article changed")
	}
}
