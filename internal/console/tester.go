package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/matcher"
)

// The profile tester runs what `newsbot test` runs: matcher.Match of the
// profiles in force, or of an edited profile file, over a pasted text, or
// matcher.Diff of the profiles in force and the edit over the items stored in
// the last days. Only the profiles the edited file defines are shown, so an
// edit of one file of a profiles directory does not "drop" the others. It
// compiles the edit on its own and never puts it in force. One run at a
// time, bounded by Options.TestTimeout and by the body cap.

const (
	// maxResults is the most matches one run shows; the counts above them
	// count all.
	maxResults = 200
	// snippetsPerResult is how many excerpts of a body a match shows.
	snippetsPerResult = 3
	// snippetContext is how many bytes of body an excerpt shows on each
	// side of a hit.
	snippetContext = 80
)

// testerPage is the tester's view model: the form as it was sent, and the
// outcome.
type testerPage struct {
	Mode     string // "text" or "diff"
	Text     string
	Profiles string
	Days     int
	MaxDays  int
	Live     []string
	// Ran says there is an outcome to show.
	Ran bool
	// Error is what was wrong with the input (a profile error with its
	// line and column, say), shown to the operator.
	Error   string
	Results []testResult
	// Items counts the items matched; Matched those any profile caught.
	Items, Matched int
	// Added and Dropped count the changes of an edit (diff mode).
	Added, Dropped int
	Truncated      bool
	Source         string
	// Files are the names of the profile files in force, to start an
	// edit from.
	Files []string
}

// testResult is one (item, profile) match, or the change in one.
type testResult struct {
	// Change is "+" (the edit adds it), "-" (the edit drops it) or "".
	Change    string
	Profile   string
	Title     []matcher.Segment
	Link      string
	Feed      string
	Published string
	Terms     []string
	Snippets  [][]matcher.Segment
}

// testItem is one text to match.
type testItem struct {
	Title, Body, Link, Feed string
	Published               time.Time
}

// tester serves /test: the form, and on POST what it finds.
func (c *Console) tester(w http.ResponseWriter, r *http.Request) {
	page := testerPage{Mode: "text", Days: 7, MaxDays: c.o.Days}
	for _, p := range c.o.Matcher().Profiles() {
		page.Live = append(page.Live, p.Name)
	}
	var files []ProfileFile
	if c.o.ProfileFiles != nil {
		var err error
		if files, err = c.o.ProfileFiles(); err != nil {
			c.fail(w, r, err)
			return
		}
		for _, f := range files {
			page.Files = append(page.Files, f.Name)
		}
	}
	if r.Method != http.MethodPost {
		// ?from=NAME starts an edit from that file in force.
		if from := r.URL.Query().Get("from"); from != "" {
			i := slices.IndexFunc(files, func(f ProfileFile) bool { return f.Name == from })
			if i < 0 {
				http.Error(w, "no profile file of that name is in force", http.StatusNotFound)
				return
			}
			page.Profiles = string(files[i].Data)
			page.Mode = "diff"
		}
		c.render(w, r, http.StatusOK, "tester", "Profile tester", page)
		return
	}
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		err = r.ParseMultipartForm(c.o.MaxBody)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		tooLarge(w, err)
		return
	}
	page.Mode = r.PostFormValue("mode")
	page.Text = r.PostFormValue("text")
	page.Profiles = r.PostFormValue("profiles")
	if f, _, err := r.FormFile("profile_file"); err == nil {
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			tooLarge(w, err)
			return
		}
		if len(strings.TrimSpace(string(data))) > 0 {
			page.Profiles = string(data)
		}
	}
	status := http.StatusOK
	if err := c.runTest(r.Context(), &page, r.PostFormValue("days")); err != nil {
		var bad inputError
		if !errors.As(err, &bad) {
			c.fail(w, r, err)
			return
		}
		page.Error = bad.Error()
		status = http.StatusUnprocessableEntity
	}
	page.Ran = page.Error == ""
	c.render(w, r, status, "tester", "Profile tester", page)
}

// inputError is a problem with what the operator sent, shown to them.
type inputError struct{ msg string }

func (e inputError) Error() string { return e.msg }

// runTest fills page with the outcome of the test it describes.
func (c *Console) runTest(ctx context.Context, page *testerPage, days string) error {
	if page.Mode != "text" && page.Mode != "diff" {
		return inputError{"choose what to test: a text, or an edited profile file"}
	}
	if days != "" {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > c.o.Days {
			return inputError{fmt.Sprintf("days must be a whole number from 1 to %d", c.o.Days)}
		}
		page.Days = n
	}
	live := c.o.Matcher()
	var edited *matcher.Matcher
	if strings.TrimSpace(page.Profiles) != "" {
		specs, err := matcher.ParseProfiles("edited.yaml", []byte(page.Profiles))
		if err == nil {
			edited, err = matcher.Compile(specs)
		}
		if err != nil {
			return inputError{err.Error()}
		}
	}
	if page.Mode == "diff" && edited == nil {
		return inputError{"paste or upload the edited profile file to compare with the profiles in force"}
	}
	if page.Mode == "text" && strings.TrimSpace(page.Text) == "" {
		return inputError{"paste a text to match (its first line is the title)"}
	}

	select {
	case c.busy <- struct{}{}:
		defer func() { <-c.busy }()
	case <-ctx.Done():
		return ctx.Err()
	}
	ctx, cancel := context.WithTimeout(ctx, c.o.TestTimeout)
	defer cancel()

	m := live
	var only map[string]bool
	if edited != nil {
		m = edited
		only = map[string]bool{}
		for _, p := range edited.Profiles() {
			only[p.Name] = true
		}
	}
	// test matches one item; the stored items stream through it, so a
	// month of them is never in memory at once.
	test := func(it testItem) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		page.Items++
		doc := matcher.Document{Title: it.Title, Body: it.Body}
		hits := c.results(it, "", m.Match(doc), only)
		if len(hits) > 0 {
			page.Matched++
		}
		if page.Mode == "text" {
			page.add(hits...)
			return nil
		}
		added, dropped := matcher.Diff(live, edited, doc)
		a, d := c.results(it, "+", added, only), c.results(it, "-", dropped, only)
		page.Added += len(a)
		page.Dropped += len(d)
		page.add(a...)
		page.add(d...)
		return nil
	}
	if page.Mode == "text" {
		title, body, _ := strings.Cut(page.Text, "\n")
		page.Source = "the pasted text"
		return timeoutError(ctx, test(testItem{Title: strings.TrimSpace(title), Body: body}))
	}
	now := c.o.Now()
	err := c.o.Store.ItemsPublished(ctx, now.AddDate(0, 0, -page.Days), now.Add(time.Minute), func(it feeds.Item) error {
		return test(testItem{Title: it.Title, Body: it.Body(), Link: it.Link, Feed: it.Feed, Published: it.Published})
	})
	page.Source = fmt.Sprintf("the %d items stored from the last %d days", page.Items, page.Days)
	return timeoutError(ctx, err)
}

// add appends results up to maxResults.
func (p *testerPage) add(rs ...testResult) {
	for _, r := range rs {
		if len(p.Results) >= maxResults {
			p.Truncated = true
			return
		}
		p.Results = append(p.Results, r)
	}
}

// timeoutError says a run was cut off, or returns err.
func timeoutError(ctx context.Context, err error) error {
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return inputError{"the test took too long and was stopped; try fewer days or a shorter text"}
	}
	return err
}

// results turns the hits on it into results marked change, keeping only the
// profiles in only, if set.
func (c *Console) results(it testItem, change string, hits []matcher.Hit, only map[string]bool) []testResult {
	var out []testResult
	for _, h := range hits {
		if only != nil && !only[h.Profile] {
			continue
		}
		r := testResult{Change: change, Profile: h.Profile, Link: it.Link, Feed: it.Feed, Terms: h.Terms,
			Title: matcher.Highlight(it.Title, matcher.SpansOf(h.Spans, "title"))}
		if !it.Published.IsZero() {
			r.Published = it.Published.In(c.o.Location).Format("2 Jan 15:04")
		}
		r.Snippets = matcher.Excerpts(it.Body, matcher.SpansOf(h.Spans, "body"), snippetContext, snippetsPerResult)
		out = append(out, r)
	}
	return out
}

// tooLarge answers a request whose body could not be read: 413 when it was
// over the cap, 400 otherwise.
func tooLarge(w http.ResponseWriter, err error) {
	var big *http.MaxBytesError
	if errors.As(err, &big) {
		http.Error(w, fmt.Sprintf("request body over the limit of %d bytes", big.Limit), http.StatusRequestEntityTooLarge)
		return
	}
	http.Error(w, "bad request: could not read the form", http.StatusBadRequest)
}
