package main

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// realFeeds serves feeds shaped like the built-in sources
// (testdata/realfeeds): a Google News search carrying three outlets' copies
// of a story, the publisher's own feed, a WordPress feed whose article is
// only in content:encoded, an Atom entry with a one-line summary, a
// title-only undated press-release feed whose article pages it serves too,
// and the seed articles as items with the whole text in the description.
type realFeeds struct {
	*httptest.Server
	mu       sync.Mutex
	hits     map[string]int // path → requests
	releases int            // press releases the feed lists
}

func newRealFeeds(t *testing.T, base time.Time) *realFeeds {
	t.Helper()
	rf := &realFeeds{hits: map[string]int{}, releases: 2}
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join("testdata/realfeeds", name))
		if err != nil {
			t.Fatal(err)
		}
		return agoRe.ReplaceAllStringFunc(string(data), func(m string) string {
			parts := agoRe.FindStringSubmatch(m)
			d, err := time.ParseDuration(parts[2])
			if err != nil {
				t.Fatalf("bad fixture date %s", m)
			}
			if parts[1] == "ago3339" {
				return base.Add(-d).UTC().Format(time.RFC3339)
			}
			return base.Add(-d).UTC().Format(time.RFC1123Z)
		})
	}
	static := map[string]string{}
	for _, name := range []string{"gnews.xml", "hindu.xml", "wordpress.xml", "roundup.atom"} {
		static["/"+name] = read(name)
	}
	static["/seeds.xml"] = seedFeed(t, base)
	pressTmpl := read("pressreleases.xml")
	articles := map[string]string{}
	for _, n := range []string{"pr-1", "pr-2", "pr-3"} {
		articles["/articles/"+n+".html"] = read("articles/" + n + ".html")
	}
	rf.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rf.mu.Lock()
		rf.hits[r.URL.Path]++
		releases := rf.releases
		rf.mu.Unlock()
		switch {
		case r.URL.Path == "/pressreleases.xml":
			// No validators: every poll reads the whole feed again.
			var items strings.Builder
			for i := releases; i >= 1; i-- {
				fmt.Fprintf(&items, "<item><title>Press release: visit of the partner delegation, part %d</title><link>%s/articles/pr-%d.html</link></item>\n", i, rf.URL, i)
			}
			body := strings.NewReplacer("{{base}}", rf.URL, "{{items}}", items.String()).Replace(pressTmpl)
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, body)
		case articles[r.URL.Path] != "":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, articles[r.URL.Path])
		case static[r.URL.Path] != "":
			fmt.Fprint(w, static[r.URL.Path])
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(rf.Close)
	return rf
}

// seedFeed returns an RSS feed of the seed articles: the first line of each
// is the title, the rest the description.
func seedFeed(t *testing.T, base time.Time) string {
	t.Helper()
	files, err := filepath.Glob("testdata/realfeeds/seeds/*.txt")
	if err != nil || len(files) != 5 {
		t.Fatalf("seed articles: %v (%d files)", err, len(files))
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Seeds</title>`)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		title, body, _ := strings.Cut(strings.TrimSpace(string(data)), "\n")
		id := filepath.Base(f)[:3]
		fmt.Fprintf(&b, "<item><title>%s</title><link>https://seeds.example/%s</link><pubDate>%s</pubDate><description>%s</description></item>",
			html.EscapeString(strings.TrimSpace(title)), id, base.Add(-time.Hour).UTC().Format(time.RFC1123Z), html.EscapeString(body))
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

func (rf *realFeeds) hitsOf(path string) int {
	rf.mu.Lock()
	defer rf.mu.Unlock()
	return rf.hits[path]
}

// realEntry is an entry of `--format json` with the keys this test reads.
type realEntry struct {
	Profile    string   `json:"profile"`
	Title      string   `json:"title"`
	Link       string   `json:"link"`
	Feed       string   `json:"feed"`
	Source     *string  `json:"source"`
	Matched    []string `json:"matched"`
	Duplicates []string `json:"duplicates"`
}

func TestBackfillRealFeeds(t *testing.T) {
	rf := newRealFeeds(t, time.Now())
	dir := t.TempDir()
	config := filepath.Join(dir, "newsbot.yaml")
	cfg := fmt.Sprintf(`store: %s
feeds:
  - {url: %[2]s/gnews.xml, name: "News search: INDUS-X"}
  - {url: %[2]s/hindu.xml, name: The Hindu}
  - {url: %[2]s/wordpress.xml}
  - {url: %[2]s/roundup.atom}
  - {url: %[2]s/pressreleases.xml, name: Press releases, full_text: true, user_agent: "newsbot-test (+mailto:ops@example.org)"}
  - {url: %[2]s/seeds.xml, name: Seeds}
fetch: {concurrency: 4, per_host: 2, timeout: 10s}
`, filepath.Join(dir, "newsbot.db"), rf.URL)
	if err := os.WriteFile(config, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func() []realEntry {
		t.Helper()
		var out, errOut strings.Builder
		code := Main(t.Context(), []string{"--config", config, "backfill", "--since", "30d", "--dry-run", "--format", "json"}, &out, &errOut)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, errOut.String())
		}
		var entries []realEntry
		for line := range strings.Lines(out.String()) {
			var e realEntry
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatalf("not JSON Lines: %v: %q", err, line)
			}
			if e.Source == nil {
				t.Errorf("entry %q has no key source", e.Title)
			}
			entries = append(entries, e)
		}
		return entries
	}
	entries := run()
	byTitle := map[string][]realEntry{}
	for _, e := range entries {
		byTitle[e.Title] = append(byTitle[e.Title], e)
	}

	t.Run("aggregator copies fold into the publisher's story", func(t *testing.T) {
		const title = "India, US launch INDUS-X innovation bridge for defence start-ups"
		for _, e := range entries {
			if strings.HasPrefix(e.Title, title) && e.Title != title {
				t.Errorf("title kept its publisher suffix: %q", e.Title)
			}
		}
		es := byTitle[title]
		if len(es) != 1 {
			t.Fatalf("%d entries for the story, want 1: %+v", len(es), es)
		}
		e := es[0]
		if e.Profile != "INDUS-X" || e.Link != "https://www.thehindu.com/news/national/india-us-indus-x-innovation-bridge/article70001234.ece" {
			t.Errorf("entry = %+v, want INDUS-X with the publisher's link", e)
		}
		if *e.Source != "The Hindu" {
			t.Errorf("source = %q, want The Hindu", *e.Source)
		}
		if len(e.Duplicates) != 3 {
			t.Errorf("duplicates = %v, want the three search links", e.Duplicates)
		}
		for _, d := range e.Duplicates {
			if !strings.HasPrefix(d, "https://news.google.com/rss/articles/") {
				t.Errorf("duplicate %q is not a search link", d)
			}
		}
	})

	t.Run("terms deep in the content match", func(t *testing.T) {
		for _, tt := range []struct{ title, profile string }{
			{"Ministers review bilateral agenda in New Delhi", "DRDO"},
			{"Weekly trade roundup", "tariffs"},
		} {
			es := byTitle[tt.title]
			if len(es) != 1 || es[0].Profile != tt.profile {
				t.Errorf("%q: entries %+v, want one of %s", tt.title, es, tt.profile)
			}
		}
	})

	t.Run("seed articles match exactly their profiles", func(t *testing.T) {
		want := map[string][]string{
			"https://seeds.example/000": {"DRDO", "JTG"},
			"https://seeds.example/001": {"INDUS-X", "TRUST"},
			"https://seeds.example/002": nil,
			"https://seeds.example/003": {"INDUS-X", "TRUST", "tariffs"},
			"https://seeds.example/004": {"TRUST"},
		}
		got := map[string][]string{}
		for _, e := range entries {
			if strings.HasPrefix(e.Link, "https://seeds.example/") {
				got[e.Link] = append(got[e.Link], e.Profile)
			}
		}
		for link, w := range want {
			g := got[link]
			slices.Sort(g)
			if !slices.Equal(g, w) {
				t.Errorf("%s: matched %v, want %v", link, g, w)
			}
		}
	})

	t.Run("full_text matches on the article page, fetched once per item", func(t *testing.T) {
		es := byTitle["Press release: visit of the partner delegation, part 1"]
		if len(es) != 1 || es[0].Profile != "INDUS-X" || *es[0].Source != "Press releases" {
			t.Errorf("press release 1: %+v, want one INDUS-X entry from the term on its article page", es)
		}
		if es := byTitle["Press release: visit of the partner delegation, part 2"]; len(es) != 0 {
			t.Errorf("press release 2 matched: %+v", es)
		}
		rf.mu.Lock()
		rf.releases = 3
		rf.mu.Unlock()
		second := run()
		found := false
		for _, e := range second {
			if e.Title == "Press release: visit of the partner delegation, part 3" && e.Profile == "DRDO" {
				found = true
			}
		}
		if !found {
			t.Error("second cycle: the new press release was not matched on its article page")
		}
		if n := rf.hitsOf("/pressreleases.xml"); n != 2 {
			t.Errorf("press-release feed fetched %d times, want 2 (two cycles)", n)
		}
		for _, p := range []string{"/articles/pr-1.html", "/articles/pr-2.html", "/articles/pr-3.html"} {
			if n := rf.hitsOf(p); n != 1 {
				t.Errorf("%s fetched %d times over two cycles, want once", p, n)
			}
		}
	})
}
