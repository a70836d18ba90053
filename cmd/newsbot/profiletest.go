package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
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
	Text     []string `help:"Match this text instead of stored items (first line is the title). Repeatable."`
	File     []string `help:"Match this file instead of stored items (first line is the title, the rest the body). Repeatable." type:"existingfile"`
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
		now := c.matches(m, it)
		if len(now) > 0 {
			matched++
		}
		if old == nil {
			results = append(results, now...)
			continue
		}
		before := map[string]testResult{}
		for _, r := range c.matches(old, it) {
			before[r.Profile] = r
		}
		for _, r := range now {
			if _, ok := before[r.Profile]; !ok {
				r.Change = "+"
				results = append(results, r)
			}
			delete(before, r.Profile)
		}
		for _, r := range sortedResults(before) {
			r.Change = "-"
			results = append(results, r)
		}
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
	st, err := store.Open(ctx, cfg.Store)
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

func (c *testCmd) matches(m *matcher.Matcher, it testItem) []testResult {
	var out []testResult
	for _, h := range m.Match(matcher.Document{Title: it.Title, Body: it.Body}) {
		if c.Profile != "" && h.Profile != c.Profile {
			continue
		}
		out = append(out, testResult{
			Profile: h.Profile, Title: it.Title, Link: it.Link, Feed: it.Feed,
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
	fmt.Fprintf(w, "%s %-8s %s\n", mark, r.Profile, highlight(r.Title, spansOf(r.spans, "title"), hl))
	fmt.Fprintf(w, "           matched: %s", strings.Join(r.Matched, ", "))
	if r.Feed != "" {
		fmt.Fprintf(w, " · %s", r.Feed)
	}
	if r.Link != "" {
		fmt.Fprintf(w, " · %s", r.Link)
	}
	fmt.Fprintln(w)
	for _, snip := range snippets(r.body, spansOf(r.spans, "body"), hl, 3) {
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

func sortedResults(m map[string]testResult) []testResult {
	out := make([]testResult, 0, len(m))
	for _, r := range m {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Profile < out[j].Profile })
	return out
}

// highlighter marks hit terms: bold on a terminal, «guillemets» otherwise.
func highlighter(w io.Writer) func(string) string {
	if isTerminal(w) {
		return func(s string) string { return "\x1b[1;33m" + s + "\x1b[0m" }
	}
	return func(s string) string { return "«" + s + "»" }
}

func spansOf(spans []matcher.Span, field string) []matcher.Span {
	var out []matcher.Span
	for _, s := range spans {
		if s.Field == field {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// highlight marks the spans (sorted, byte offsets) in s; overlapping spans
// merge into one mark.
func highlight(s string, spans []matcher.Span, hl func(string) string) string {
	var b strings.Builder
	pos := 0
	for i := 0; i < len(spans); i++ {
		start, end := spans[i].Start, spans[i].End
		for i+1 < len(spans) && spans[i+1].Start <= end {
			i++
			end = max(end, spans[i].End)
		}
		if start < pos || end > len(s) || start > end {
			continue
		}
		b.WriteString(s[pos:start])
		b.WriteString(hl(s[start:end]))
		pos = end
	}
	b.WriteString(s[pos:])
	return oneLine(b.String())
}

// snippets returns up to n one-line excerpts of body around the spans.
func snippets(body string, spans []matcher.Span, hl func(string) string, n int) []string {
	const context = 60
	var out []string
	for i := 0; i < len(spans) && len(out) < n; {
		from := max(0, spans[i].Start-context)
		to := min(len(body), spans[i].End+context)
		j := i
		for j+1 < len(spans) && spans[j+1].Start < to {
			j++
			to = min(len(body), max(to, spans[j].End+context))
		}
		from, to = runeStart(body, from), runeStart(body, to)
		local := make([]matcher.Span, 0, j-i+1)
		for _, s := range spans[i : j+1] {
			local = append(local, matcher.Span{Start: s.Start - from, End: s.End - from})
		}
		out = append(out, highlight(body[from:to], local, hl))
		i = j + 1
	}
	return out
}

// runeStart moves i back to the start of the UTF-8 sequence it falls in.
func runeStart(s string, i int) int {
	for i > 0 && i < len(s) && s[i]&0xC0 == 0x80 {
		i--
	}
	return i
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
