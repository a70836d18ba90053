package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/newsbot/newsbot/config"
	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/matcher"
	"github.com/newsbot/newsbot/store"
)

// testCmd shows what profiles catch before they go live.
type testCmd struct {
	Profiles string   `help:"Profile file or directory to test (default: the configured profiles)." placeholder:"PATH"`
	Diff     string   `help:"Compare with these profiles and show only what the edit adds (+) and drops (-). 'live' means the configured profiles." placeholder:"OLD.yaml|live"`
	Text     []string `help:"Match this text instead of stored items (first line is the title). Repeatable; commas are part of the text." sep:"none"`
	File     []string `help:"Match this file instead of stored items (first line is the title, the rest the body). Repeatable." type:"existingfile" sep:"none"`
	Days     int      `help:"Match the stored items published in the last N days." default:"7"`
	Profile  string   `help:"Only this profile." placeholder:"NAME"`
	Format   string   `help:"Output: text or json (JSON Lines)." default:"text" enum:"text,json"`
}

// testItem is one piece of text to match.
type testItem struct {
	Title, Body, Link, Feed string
	Published               time.Time
}

// testResult is one (item, profile) match, or a change in one.
type testResult struct {
	Change    string    `json:"change,omitempty"` // "+" added, "-" dropped; empty without --diff
	Profile   string    `json:"profile"`
	Title     string    `json:"title"`
	Link      string    `json:"link,omitempty"`
	Feed      string    `json:"feed,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Matched   []string  `json:"matched"`
	spans     []matcher.Span
	body      string
}

// Run matches the chosen items against the profiles and prints what hits,
// with the hit terms highlighted.
func (c *testCmd) Run(ctx context.Context, e *env) error {
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	load := func(path string) (*matcher.Matcher, error) {
		if path == "" || path == "live" {
			m, err := cfg.LoadProfiles()
			if err != nil {
				return nil, usageError(err)
			}
			return m, nil
		}
		specs, err := config.ReadProfiles(path)
		if err != nil {
			return nil, usageError(err)
		}
		m, err := matcher.Compile(specs)
		if err != nil {
			return nil, usageError(err)
		}
		return m, nil
	}
	m, err := load(c.Profiles)
	if err != nil {
		return err
	}
	var old *matcher.Matcher
	if c.Diff != "" {
		if old, err = load(c.Diff); err != nil {
			return err
		}
	}
	if c.Profile != "" && !hasProfile(m, c.Profile) && (old == nil || !hasProfile(old, c.Profile)) {
		return usageError(fmt.Errorf("no profile named %q", c.Profile))
	}

	items, err := c.items(ctx, e, cfg)
	if err != nil {
		return err
	}
	var results []testResult
	matched := 0
	for _, it := range items {
		doc := matcher.Document{Title: it.Title, Body: it.Body}
		hits := c.results(it, "", m.Match(doc))
		if len(hits) > 0 {
			matched++
		}
		if old == nil {
			results = append(results, hits...)
			continue
		}
		added, dropped := matcher.Diff(old, m, doc)
		results = append(results, c.results(it, "+", added)...)
		results = append(results, c.results(it, "-", dropped)...)
	}

	if c.Format == "json" {
		enc := json.NewEncoder(e.stdout)
		for _, r := range results {
			if r.Matched == nil {
				r.Matched = []string{}
			}
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	hl := highlighter(e.stdout)
	for _, r := range results {
		c.printText(e.stdout, r, hl)
	}
	summary := fmt.Sprintf("%d of %d items matched", matched, len(items))
	if old != nil {
		added, dropped := 0, 0
		for _, r := range results {
			if r.Change == "+" {
				added++
			} else {
				dropped++
			}
		}
		summary = fmt.Sprintf("%s; the edit adds %d and drops %d matches", summary, added, dropped)
	}
	fmt.Fprintln(e.stdout, summary)
	return nil
}

// items returns the texts and files given, or the stored items of the last
// Days days.
func (c *testCmd) items(ctx context.Context, e *env, cfg *config.Config) ([]testItem, error) {
	var items []testItem
	for _, t := range c.Text {
		title, body, _ := strings.Cut(t, "\n")
		items = append(items, testItem{Title: title, Body: body, Feed: "--text"})
	}
	for _, f := range c.File {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, usageError(err)
		}
		title, body, _ := strings.Cut(string(data), "\n")
		items = append(items, testItem{Title: strings.TrimSpace(title), Body: body, Feed: f})
	}
	if len(items) > 0 {
		return items, nil
	}
	if c.Days < 1 {
		return nil, usageError(fmt.Errorf("--days must be at least 1"))
	}
	st, err := store.Open(ctx, cfg.Store.Value())
	if err != nil {
		return nil, err
	}
	defer st.Close()
	now := e.now()
	err = st.ItemsPublished(ctx, now.AddDate(0, 0, -c.Days), now.Add(time.Minute), func(it feeds.Item) error {
		items = append(items, testItem{Title: it.Title, Body: it.Body(), Link: it.Link, Feed: it.Feed, Published: it.Published})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		fmt.Fprintf(e.stderr, "newsbot: no stored items from the last %d days; run `newsbot once --dry-run` first, or pass --text or --file\n", c.Days)
	}
	return items, nil
}

// results turns the hits of one item into results marked change, keeping
// only --profile's when it is set.
func (c *testCmd) results(it testItem, change string, hits []matcher.Hit) []testResult {
	var out []testResult
	for _, h := range hits {
		if c.Profile != "" && h.Profile != c.Profile {
			continue
		}
		out = append(out, testResult{
			Change: change, Profile: h.Profile, Title: it.Title, Link: it.Link, Feed: it.Feed,
			Published: it.Published, Matched: h.Terms, spans: h.Spans, body: it.Body,
		})
	}
	return out
}

func (c *testCmd) printText(w io.Writer, r testResult, hl func(string) string) {
	mark := " "
	if r.Change != "" {
		mark = r.Change
	}
	fmt.Fprintf(w, "%s %-8s %s\n", mark, r.Profile, highlight(r.Title, matcher.SpansOf(r.spans, "title"), hl))
	fmt.Fprintf(w, "           matched: %s", strings.Join(r.Matched, ", "))
	if r.Feed != "" {
		fmt.Fprintf(w, " · %s", r.Feed)
	}
	if r.Link != "" {
		fmt.Fprintf(w, " · %s", r.Link)
	}
	fmt.Fprintln(w)
	for _, snip := range snippets(r.body, matcher.SpansOf(r.spans, "body"), hl, 3) {
		fmt.Fprintf(w, "           …%s…\n", snip)
	}
}

func hasProfile(m *matcher.Matcher, name string) bool {
	for _, p := range m.Profiles() {
		if p.Name == name {
			return true
		}
	}
	return false
}
