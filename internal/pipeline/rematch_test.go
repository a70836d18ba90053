package pipeline

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/config"
	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/matcher"
)

// compileProfiles compiles a profile file written for the test.
func compileProfiles(t *testing.T, yaml string) *matcher.Matcher {
	t.Helper()
	path := filepath.Join(t.TempDir(), "profiles.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	specs, err := config.ReadProfiles(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := matcher.Compile(specs)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRematchFindsTermsDeepInStoredText polls a WordPress feed whose article
// is only in content:encoded, then adds a profile whose terms occur only
// thousands of characters into the article: backfill must find them in the
// text the store kept.
func TestRematchFindsTermsDeepInStoredText(t *testing.T) {
	ctx := context.Background()
	body, err := os.ReadFile("../../feeds/testdata/wordpress.xml")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(body)
	}))
	defer srv.Close()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	p := newTestPipeline(t, &now, srv.URL)
	none := compileProfiles(t, "profiles:\n  - name: other\n    rules:\n      - any: [submarine]\n")
	p.Matcher = func() *matcher.Matcher { return none }
	stats, err := p.Poll(ctx, PollOptions{})
	if err != nil || stats.NewItems != 1 || stats.Matches != 0 {
		t.Fatalf("poll: %+v, %v; want 1 new item and no match", stats, err)
	}

	deep := compileProfiles(t, `profiles:
  - name: hypersonic
    rules:
      - any: [hypersonic testing]
        near: [[Defence Research and Development Organisation]]
        within: 12
`)
	p.Matcher = func() *matcher.Matcher { return deep }
	var seen []int
	progress := func(n int) { seen = append(seen, n) }
	rs, ds, err := p.PreviewRematch(ctx, now.AddDate(0, 0, -7), now, progress, digest.Options{})
	if err != nil || rs.Items != 1 || rs.Matches != 1 || len(ds) != 1 || ds[0].Profile != "hypersonic" {
		t.Fatalf("preview: %+v, %d digests, %v; want the item matched into one hypersonic digest", rs, len(ds), err)
	}
	if pending, err := p.Store.Pending(ctx); err != nil || len(pending) != 0 {
		t.Fatalf("after the preview, pending = %+v, %v; want none", pending, err)
	}
	rs, err = p.Rematch(ctx, now.AddDate(0, 0, -7), now, progress)
	if err != nil || rs.Items != 1 || rs.Matches != 1 {
		t.Fatalf("rematch: %+v, %v; want the item matched on its stored text", rs, err)
	}
	if fmt.Sprint(seen) != "[1 1]" {
		t.Errorf("progress reported %v, want [1 1] (one item, previewed then matched)", seen)
	}
	pending, err := p.Store.Pending(ctx)
	if err != nil || len(pending) != 1 || pending[0].Profile != "hypersonic" {
		t.Fatalf("pending = %+v, %v", pending, err)
	}
}

// TestPollFullText polls a title-only feed with full_text: each new item's
// article page is fetched once, ever, and matched on; a page that fails
// leaves the item matched on its title.
func TestPollFullText(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	hits := map[string]int{}
	items := []string{"a", "broken"}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path == "/feed" {
			fmt.Fprint(w, `<rss version="2.0"><channel><title>Press releases</title>`)
			for _, id := range items {
				fmt.Fprintf(w, `<item><title>Release %s</title><link>%s/article/%s</link></item>`, id, srv.URL, id)
			}
			fmt.Fprint(w, `</channel></rss>`)
			return
		}
		hits[r.URL.Path]++
		if r.URL.Path == "/article/broken" {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, `<html><body><article><h1>Release</h1><p>%s</p><p>Officials said the hypersonic testing programme will continue next year with more trials at sea and on land, and that both sides agreed the schedule.</p></article></body></html>`,
			strings.Repeat("The ministry issued a statement on the talks held this week in the capital. ", 8))
	}))
	defer srv.Close()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	p := newTestPipeline(t, &now)
	p.Feeds = []feeds.Request{{URL: srv.URL + "/feed", FullText: true}}
	m := compileProfiles(t, "profiles:\n  - name: hypersonic\n    rules:\n      - any: [hypersonic testing]\n")
	p.Matcher = func() *matcher.Matcher { return m }

	stats, err := p.Poll(ctx, PollOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if stats.NewItems != 2 || stats.Matches != 1 || stats.Articles != 2 || stats.ArticlesFailed != 1 {
		t.Fatalf("first poll: %+v; want 2 new items, 1 match, 2 articles of which 1 failed", stats)
	}
	mu.Lock()
	items = append(items, "b")
	mu.Unlock()
	now = now.Add(time.Hour)
	if stats, err = p.Poll(ctx, PollOptions{}); err != nil || stats.NewItems != 1 || stats.Matches != 1 || stats.Articles != 1 {
		t.Fatalf("second poll: %+v, %v; want only the new item's article fetched and matched", stats, err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, path := range []string{"/article/a", "/article/broken", "/article/b"} {
		if hits[path] != 1 {
			t.Errorf("%s fetched %d times, want once", path, hits[path])
		}
	}
}
