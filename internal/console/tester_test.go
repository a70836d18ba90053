package console

import (
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newsbot/newsbot/matcher"
)

func TestHighlight(t *testing.T) {
	sp := func(start, end int) matcher.Span { return matcher.Span{Start: start, End: end} }
	tests := []struct {
		name  string
		s     string
		spans []matcher.Span
		want  []segment
	}{
		{"none", "plain  text", nil, []segment{{Text: "plain text"}}},
		{"middle", "a tariff cut", []matcher.Span{sp(2, 8)}, []segment{{Text: "a "}, {Text: "tariff", Hit: true}, {Text: " cut"}}},
		{"start and end", "tariff", []matcher.Span{sp(0, 6)}, []segment{{Text: "tariff", Hit: true}}},
		{"overlapping merge", "jet engine deal", []matcher.Span{sp(0, 10), sp(4, 15)}, []segment{{Text: "jet engine deal", Hit: true}}},
		{"out of range is skipped", "short", []matcher.Span{sp(3, 40)}, []segment{{Text: "short"}}},
		{"new lines become spaces", "a\n\ntariff\tb", []matcher.Span{sp(3, 9)}, []segment{{Text: "a "}, {Text: "tariff", Hit: true}, {Text: " b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := highlight(tt.s, tt.spans); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("highlight = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSnippets(t *testing.T) {
	// The hit is far enough in that the excerpt starts inside the
	// Devanagari words: it must start on a character, not inside one.
	body := strings.Repeat("अब ", 40) + "then the tariff, and more words after it until the end of the body"
	i := strings.Index(body, "tariff")
	got := snippets(body, []matcher.Span{{Start: i, End: i + 6}}, 3)
	if len(got) != 1 {
		t.Fatalf("%d snippets", len(got))
	}
	var hit string
	for _, s := range got[0] {
		if s.Hit {
			hit = s.Text
		}
	}
	if hit != "tariff" {
		t.Errorf("snippet hit = %q", hit)
	}
	first := got[0][0].Text
	if !utf8.ValidString(first) || strings.HasPrefix(body, strings.TrimSpace(first)) {
		t.Errorf("snippet starts %q: not a whole character, or at the start of a long body", first[:min(len(first), 12)])
	}
}

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
