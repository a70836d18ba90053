package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/feeds"
)

func TestTesterText(t *testing.T) {
	s := seed(t)
	srv := serve(t, s.opts)
	status, body := get(t, srv, "/test")
	if status != http.StatusOK || !strings.Contains(body, "trade, defence, space") {
		t.Fatalf("GET /test = %d", status)
	}
	tests := []struct {
		name      string
		fields    map[string]string
		file      string
		status    int
		want, not []string
	}{
		{"live profiles", map[string]string{"mode": "text", "text": "New tariff on steel\nThe jet engine deal and the INDUS-X drone talks."}, "", http.StatusOK,
			[]string{"1 of 1 items matched", "<mark>tariff</mark>", "<mark>jet engine</mark>", "<mark>INDUS-X</mark>", "<mark>drone</mark>", `<span class="tag profile">trade</span>`, `<span class="tag profile">defence</span>`}, nil},
		{"nothing matches", map[string]string{"mode": "text", "text": "Monsoon\nRain."}, "", http.StatusOK, []string{"0 of 1 items matched", "Nothing matched."}, nil},
		{"edited profiles pasted", map[string]string{"mode": "text", "text": "New tariff and an export control\n", "profiles": readFile(t, "testdata/edited.yaml")}, "", http.StatusOK,
			[]string{"<mark>export control</mark>"}, []string{"<mark>tariff</mark>"}},
		{"edited profiles uploaded", map[string]string{"mode": "text", "text": "An export control\n"}, readFile(t, "testdata/edited.yaml"), http.StatusOK,
			[]string{"<mark>export control</mark>"}, nil},
		{"invalid profiles", map[string]string{"mode": "text", "text": "x", "profiles": readFile(t, "testdata/invalid.yaml")}, "", http.StatusUnprocessableEntity,
			[]string{"edited.yaml:4:15: list $nolist is not defined", "nolist"}, []string{"Result"}},
		{"no text", map[string]string{"mode": "text", "text": "  "}, "", http.StatusUnprocessableEntity, []string{"paste a text"}, nil},
		{"bad mode", map[string]string{"mode": "apply"}, "", http.StatusUnprocessableEntity, []string{"choose what to test"}, nil},
		{"bad days", map[string]string{"mode": "text", "text": "x", "days": "400"}, "", http.StatusUnprocessableEntity, []string{"days must be a whole number from 1 to 30"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := postForm(t, srv, "/test", tt.fields, tt.file)
			if status != tt.status {
				t.Errorf("status = %d, want %d", status, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("result lacks %q", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(body, n) {
					t.Errorf("result has %q", n)
				}
			}
		})
	}
	// The tester changes nothing in force.
	if got := s.opts.Matcher().Profiles(); len(got) != 3 {
		t.Errorf("profiles in force changed: %v", got)
	}
}

func TestTesterDiff(t *testing.T) {
	s := seed(t)
	srv := serve(t, s.opts)
	edited := readFile(t, "testdata/edited.yaml")
	status, body := postForm(t, srv, "/test", map[string]string{"mode": "diff", "days": "7"}, edited)
	if status != http.StatusOK {
		t.Fatalf("diff = %d\n%s", status, excerpt(body, "notice"))
	}
	summary := regexp.MustCompile(`(\d+) of (\d+) items matched \(the (\d+) items stored from the last 7 days\); the edit <span class="add">adds (\d+)</span> and <span class="drop">drops (\d+)</span>`).FindStringSubmatch(body)
	if summary == nil {
		t.Fatalf("no diff summary in\n%s", excerpt(body, "summary"))
	}
	added, dropped := strings.Count(body, `<li class="hit added">`), strings.Count(body, `<li class="hit dropped">`)
	if summary[4] != strconv.Itoa(added) || summary[5] != strconv.Itoa(dropped) || added == 0 || dropped == 0 {
		t.Errorf("summary says +%s -%s; the page lists +%d -%d", summary[4], summary[5], added, dropped)
	}
	// "tariff" is gone from trade, "export control" is new; an item with
	// "trade deal", which both match, is in neither list.
	for _, w := range []string{
		`<span class="change" title="dropped by the edit">-</span><span class="tag profile">trade</span>`,
		`<mark>export control</mark>`,
	} {
		if !strings.Contains(body, w) {
			t.Errorf("diff lacks %q", w)
		}
	}
	if strings.Contains(body, "close in on a trade deal") {
		t.Error("diff lists an item both versions match")
	}
	// Only the edited file's profiles are compared: the others are not
	// "dropped".
	if strings.Contains(body, `<span class="tag profile">defence</span>`) || strings.Contains(body, `<span class="tag profile">space</span>`) {
		t.Error("diff lists profiles the edit does not define")
	}
	// Fewer days, fewer items.
	_, body1 := postForm(t, srv, "/test", map[string]string{"mode": "diff", "days": "1", "profiles": edited}, "")
	one := regexp.MustCompile(`the (\d+) items stored from the last 1 days`).FindStringSubmatch(body1)
	if one == nil || atoi(t, one[1]) >= atoi(t, summary[3]) || atoi(t, one[1]) == 0 {
		t.Errorf("1 day: %v items, 7 days: %s", one, summary[3])
	}
	// The diff needs an edit.
	if status, body := postForm(t, srv, "/test", map[string]string{"mode": "diff"}, ""); status != http.StatusUnprocessableEntity || !strings.Contains(body, "paste or upload the edited profile file") {
		t.Errorf("diff without an edit = %d", status)
	}
	// And nothing changed in force.
	if got := s.opts.Matcher().Profiles(); len(got) != 3 {
		t.Errorf("profiles in force changed: %v", got)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestTesterStartsFromAFileInForce(t *testing.T) {
	s := seed(t)
	srv := serve(t, s.opts)
	status, body := get(t, srv, "/test")
	if status != http.StatusOK || !strings.Contains(body, "<option>profiles.yaml</option>") {
		t.Fatalf("GET /test = %d, no file to start from", status)
	}
	status, body = get(t, srv, "/test?from=profiles.yaml")
	if status != http.StatusOK || !strings.Contains(body, "description: India–US tariffs and trade talks") ||
		!strings.Contains(body, `value="diff" checked`) {
		t.Errorf("GET /test?from=profiles.yaml = %d, the edit does not start from the file", status)
	}
	for _, from := range []string{"nope.yaml", "../../etc/passwd", "testdata/profiles.yaml"} {
		if status, _ := get(t, srv, "/test?from="+url.QueryEscape(from)); status != http.StatusNotFound {
			t.Errorf("GET /test?from=%s = %d, want 404", from, status)
		}
	}
	s.opts.ProfileFiles = func() ([]ProfileFile, error) { return nil, errors.New("unreadable") }
	srv = serve(t, s.opts)
	if status, _ := get(t, srv, "/test"); status != http.StatusInternalServerError {
		t.Errorf("GET /test with unreadable files = %d, want 500", status)
	}
}

func TestTesterTimeout(t *testing.T) {
	s := seed(t)
	s.opts.TestTimeout = time.Nanosecond
	srv := serve(t, s.opts)
	status, body := postForm(t, srv, "/test", map[string]string{"mode": "text", "text": "tariff"}, "")
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "took too long") {
		t.Errorf("timed-out test = %d\n%s", status, excerpt(body, "notice"))
	}
}

// TestTesterReadsTheWholeText checks that the tester matches a stored item's
// whole text, as `newsbot test` and the pipeline do, not only its summary.
func TestTesterReadsTheWholeText(t *testing.T) {
	s := seed(t)
	it := feeds.Item{
		ID: "whole-text", FeedURL: testFeeds[0].URL, Feed: testFeeds[0].Name,
		Title: "Chip rules tightened", Summary: "A short teaser.",
		Text:      "The ministry announced a new export control on advanced chips.",
		Link:      "https://news.example/whole-text",
		Published: testNow.Add(-time.Hour),
	}
	if _, err := s.store.SaveItems(context.Background(), []feeds.Item{it}, testNow); err != nil {
		t.Fatal(err)
	}
	srv := serve(t, s.opts)
	status, body := postForm(t, srv, "/test", map[string]string{"mode": "diff", "days": "1"}, readFile(t, "testdata/edited.yaml"))
	if status != http.StatusOK {
		t.Fatalf("diff = %d\n%s", status, excerpt(body, "notice"))
	}
	if !strings.Contains(body, "Chip rules tightened") || !strings.Contains(body, "<mark>export control</mark> on advanced chips") {
		t.Errorf("the edit's match in the item's whole text is not shown\n%s", excerpt(body, "Chip rules"))
	}
}
