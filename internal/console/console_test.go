package console

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/config"
	"github.com/newsbot/newsbot/feeds"
)

// serve starts the console with opts on a loopback test server.
func serve(t testing.TB, opts Options) *httptest.Server {
	t.Helper()
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return srv
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// get fetches path with the headers given ("Name: value") and returns the
// status and body.
func get(t testing.TB, srv *httptest.Server, path string, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, req, headers...)
}

func do(t testing.TB, req *http.Request, headers ...string) (int, string) {
	t.Helper()
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// postForm posts a multipart form of fields (and, if file is not empty, a
// profile_file upload).
func postForm(t testing.TB, srv *httptest.Server, path string, fields map[string]string, file string, headers ...string) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if file != "" {
		fw, err := mw.CreateFormFile("profile_file", "edited.yaml")
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(fw, file)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return do(t, req, headers...)
}

func TestNewRequires(t *testing.T) {
	s := seed(t)
	tests := []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"no store", func(o *Options) { o.Store = nil }, "required"},
		{"no matcher", func(o *Options) { o.Matcher = nil }, "required"},
		{"no location", func(o *Options) { o.Location = nil }, "required"},
		{"too many days", func(o *Options) { o.Days = 1000 }, "more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := s.opts
			tt.edit(&o)
			if _, err := New(o); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestOverview(t *testing.T) {
	s := seed(t)
	srv := serve(t, s.opts)
	status, body := get(t, srv, "/")
	if status != http.StatusOK {
		t.Fatalf("GET / = %d\n%s", status, body)
	}
	// One series per profile, in the profiles' order.
	got := regexp.MustCompile(`<g class="series" data-profile="([^"]+)">`).FindAllStringSubmatch(body, -1)
	var names []string
	for _, g := range got {
		names = append(names, g[1])
	}
	if strings.Join(names, ",") != "trade,defence,space" {
		t.Errorf("series = %v, want trade,defence,space", names)
	}
	// 30 days, a point each.
	if n := strings.Count(body, "<circle "); n != 90 {
		t.Errorf("%d points, want 3 series × 30 days", n)
	}
	for _, want := range []string{
		`role="img" aria-labelledby="matches-title matches-desc"`,
		`<title id="matches-title">Matches per day, last 30 days</title>`,
		"from 29 Oct to 27 Nov 2026", // the days are Kolkata's
		"Sat 28 Nov 2026, 09:00 IST", // the next digest, in Kolkata
		"in 17 h",
		"India–US tariffs and trade talks",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	// Delivered vs pending: the seed delivered what is older than a day.
	ctx := context.Background()
	counts, err := s.store.DeliveryCounts(ctx, testNow.AddDate(0, 0, -30))
	if err != nil {
		t.Fatal(err)
	}
	pending := 0
	for _, c := range counts {
		pending += c.Pending
	}
	if pending == 0 {
		t.Fatal("seed has nothing pending")
	}
	if !regexp.MustCompile(`<span class="label">Pending</span><strong>` + strconv.Itoa(pending) + `</strong>`).MatchString(body) {
		t.Errorf("overview does not show %d pending", pending)
	}
	if strings.Contains(body, "feedback for") {
		t.Error("overview draws feedback without a Feedback func")
	}
}

func TestOverviewFeedback(t *testing.T) {
	s := seed(t)
	var asked []time.Time
	s.opts.Feedback = func(ctx context.Context, bounds []time.Time) ([]FeedbackDay, error) {
		asked = bounds
		out := make([]FeedbackDay, len(bounds)-1)
		out[len(out)-1] = FeedbackDay{Positive: 4, Negative: 1}
		return out, nil
	}
	srv := serve(t, s.opts)
	status, body := get(t, srv, "/")
	if status != http.StatusOK {
		t.Fatalf("GET / = %d", status)
	}
	if len(asked) != 31 || !asked[30].Equal(time.Date(2026, 11, 28, 0, 0, 0, 0, s.opts.Location)) {
		t.Errorf("feedback asked for %d bounds ending %v", len(asked), asked[len(asked)-1])
	}
	if n := strings.Count(body, `<rect class="fb-pos" x=`); n != 30 {
		t.Errorf("%d feedback bars, want 30", n)
	}
	if !strings.Contains(body, "feedback, Fri 27 Nov: 4 for, 1 against") {
		t.Error("the last day's feedback is not labelled")
	}

	// A feedback func that fails makes a 500 that does not show its error.
	s.opts.Feedback = func(context.Context, []time.Time) ([]FeedbackDay, error) {
		return nil, errors.New("feedback table missing: secret detail")
	}
	var reported error
	s.opts.OnError = func(_ *http.Request, err error) { reported = err }
	srv = serve(t, s.opts)
	status, body = get(t, srv, "/")
	if status != http.StatusInternalServerError || strings.Contains(body, "secret detail") {
		t.Errorf("GET / with failing feedback = %d, body shows the error: %v", status, strings.Contains(body, "secret detail"))
	}
	if reported == nil {
		t.Error("OnError was not told")
	}
}

func TestFeeds(t *testing.T) {
	s := seed(t)
	srv := serve(t, s.opts)
	status, body := get(t, srv, "/feeds")
	if status != http.StatusOK {
		t.Fatalf("GET /feeds = %d", status)
	}
	// Failing first, then never fetched, then the rest by name.
	rows := regexp.MustCompile(`<tr class="(\w+)">\s*<th scope="row">([^<]*)<`).FindAllStringSubmatch(body, -1)
	var order []string
	for _, r := range rows {
		order = append(order, r[1]+":"+r[2])
	}
	want := []string{"failing:Defence Daily", "never:Never Fetched", "ok:&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;", "ok:India–US Wire"}
	if strings.Join(order, "|") != strings.Join(want, "|") {
		t.Errorf("rows =\n%v\nwant\n%v", order, want)
	}
	for _, w := range []string{
		"HTTP 503 Service Unavailable",                               // the last error, without the prefix naming the feed
		template.HTMLEscapeString(feeds.RedactURL(testFeeds[2].URL)), // URLs redacted
		`<svg class="spark"`,
		"27 Nov 15:48", // the last success, in Kolkata
	} {
		if !strings.Contains(body, w) {
			t.Errorf("feeds page lacks %q", w)
		}
	}
	if strings.Contains(body, "abc123") {
		t.Error("feeds page shows a URL's token")
	}
	if strings.Contains(body, "feeds: fetch https://defence") {
		t.Error("last error keeps the prefix naming the feed")
	}
}

func TestHostileTextIsEscaped(t *testing.T) {
	s := seed(t)
	srv := serve(t, s.opts)
	pages := []struct {
		name   string
		status func() (int, string)
	}{
		{"feeds", func() (int, string) { return get(t, srv, "/feeds") }},
		{"digest preview", func() (int, string) { return get(t, srv, "/digest/preview") }},
		{"tester text", func() (int, string) {
			return postForm(t, srv, "/test", map[string]string{"mode": "text", "text": "tariff " + hostile + "\nbody " + hostile}, "")
		}},
		{"tester profile error", func() (int, string) {
			return postForm(t, srv, "/test", map[string]string{"mode": "text", "text": "x", "profiles": "profiles:\n  - name: " + `"` + strings.ReplaceAll(hostile, `"`, `'`) + `"` + "\n    rules: [{any: [$nope]}]\n"}, "")
		}},
		{"login next", func() (int, string) { return get(t, srv, `/login?next=/"><script>alert(1)</script>`) }},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			_, body := p.status()
			if strings.Contains(body, "<script") || strings.Contains(body, "<img src=x") {
				t.Errorf("%s carries live markup from feed text:\n%s", p.name, excerpt(body, "script"))
			}
		})
	}
}

// excerpt returns the text around the first s in body.
func excerpt(body, s string) string {
	i := strings.Index(body, s)
	if i < 0 {
		return ""
	}
	return body[max(0, i-200):min(len(body), i+200)]
}

func TestDigestPage(t *testing.T) {
	s := seed(t)
	srv := serve(t, s.opts)
	status, body := get(t, srv, "/digest")
	if status != http.StatusOK || !strings.Contains(body, `<iframe class="preview" src="/digest/preview"`) {
		t.Fatalf("GET /digest = %d\n%s", status, body)
	}
	status, body = get(t, srv, "/digest/preview")
	if status != http.StatusOK {
		t.Fatalf("GET /digest/preview = %d", status)
	}
	// The preview is the digest package's page, built from what is pending.
	for _, w := range []string{"#trade", "#defence", "India–US tariffs and trade talks"} {
		if !strings.Contains(body, w) {
			t.Errorf("preview lacks %q", w)
		}
	}
	// Building it marks nothing delivered.
	before, _ := s.store.Pending(context.Background())
	get(t, srv, "/digest/preview")
	after, _ := s.store.Pending(context.Background())
	if len(before) == 0 || len(before) != len(after) {
		t.Errorf("pending %d before the preview, %d after", len(before), len(after))
	}

	s.opts.Digest = nil
	srv = serve(t, s.opts)
	if status, _ := get(t, srv, "/digest/preview"); status != http.StatusNotFound {
		t.Errorf("preview without a Digest func = %d, want 404", status)
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

func TestOversizedBodyRefused(t *testing.T) {
	s := seed(t)
	s.opts.MaxBody = 4 << 10
	srv := serve(t, s.opts)
	big := strings.Repeat("tariff ", 2000)
	tests := []struct {
		name string
		post func() (int, string)
	}{
		{"pasted text", func() (int, string) {
			return postForm(t, srv, "/test", map[string]string{"mode": "text", "text": big}, "")
		}},
		{"uploaded file", func() (int, string) {
			return postForm(t, srv, "/test", map[string]string{"mode": "text", "text": "x"}, "profiles:\n# "+big)
		}},
		{"url-encoded form", func() (int, string) {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/test", strings.NewReader(url.Values{"mode": {"text"}, "text": {big}}.Encode()))
			return do(t, req, "Content-Type: application/x-www-form-urlencoded")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := tt.post()
			if status != http.StatusRequestEntityTooLarge {
				t.Errorf("status = %d, want 413\n%s", status, body)
			}
		})
	}
	// A body that is not the form it claims to be is a bad request.
	for _, ct := range []string{"multipart/form-data", "multipart/form-data; boundary=x"} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/test", strings.NewReader("not multipart at all"))
		if status, _ := do(t, req, "Content-Type: "+ct); status != http.StatusBadRequest {
			t.Errorf("malformed %q = %d, want 400", ct, status)
		}
	}
	// Under the cap, the same form works.
	if status, _ := postForm(t, srv, "/test", map[string]string{"mode": "text", "text": "tariff"}, ""); status != http.StatusOK {
		t.Errorf("small form = %d", status)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	s := seed(t)
	srv := serve(t, s.opts)
	fields := map[string]string{"mode": "text", "text": "tariff"}
	tests := []struct {
		name    string
		headers []string
		status  int
	}{
		{"other site by fetch metadata", []string{"Sec-Fetch-Site: cross-site"}, http.StatusForbidden},
		{"sibling by fetch metadata", []string{"Sec-Fetch-Site: same-site"}, http.StatusForbidden},
		{"other origin", []string{"Origin: https://evil.example"}, http.StatusForbidden},
		{"same origin by fetch metadata", []string{"Sec-Fetch-Site: same-origin"}, http.StatusOK},
		{"same origin", []string{"Origin: " + srv.URL}, http.StatusOK},
		{"not a browser", nil, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if status, _ := postForm(t, srv, "/test", fields, "", tt.headers...); status != tt.status {
				t.Errorf("POST /test = %d, want %d", status, tt.status)
			}
		})
	}
}

func TestAuth(t *testing.T) {
	const token = "console-token-3f9a"
	s := seed(t)
	s.opts.AuthToken = config.NewSecret(token)
	srv := serve(t, s.opts)
	paths := []string{"/", "/feeds", "/digest", "/digest/preview", "/test", "/nope"}
	for _, p := range paths {
		t.Run("no token"+p, func(t *testing.T) {
			status, body := get(t, srv, p)
			if status != http.StatusUnauthorized {
				t.Errorf("GET %s without a token = %d, want 401", p, status)
			}
			if strings.Contains(body, token) {
				t.Error("401 shows the token")
			}
		})
		t.Run("wrong token"+p, func(t *testing.T) {
			for _, h := range []string{"Authorization: Bearer nope", "Authorization: Bearer " + token + "x", "Authorization: Basic " + token, "Authorization: " + token, "Cookie: newsbot_console=" + token} {
				if status, _ := get(t, srv, p, h); status != http.StatusUnauthorized {
					t.Errorf("GET %s with %q = %d, want 401", p, h, status)
				}
			}
		})
		t.Run("right token"+p, func(t *testing.T) {
			want := http.StatusOK
			if p == "/nope" {
				want = http.StatusNotFound
			}
			if status, _ := get(t, srv, p, "Authorization: Bearer "+token); status != want {
				t.Errorf("GET %s with the token = %d, want %d", p, status, want)
			}
		})
	}
	if status, _ := postForm(t, srv, "/test", map[string]string{"mode": "text", "text": "tariff"}, ""); status != http.StatusUnauthorized {
		t.Errorf("POST /test without a token = %d, want 401", status)
	}
	if status, _ := postForm(t, srv, "/test", map[string]string{"mode": "text", "text": "tariff"}, "", "Authorization: Bearer "+token); status != http.StatusOK {
		t.Errorf("POST /test with the token = %d, want 200", status)
	}
	// The login form's style sheet needs no token.
	if status, body := get(t, srv, "/static/console.css"); status != http.StatusOK || !strings.Contains(body, "--accent") {
		t.Errorf("GET /static/console.css without a token = %d", status)
	}
	// A browser without the token gets the login form, with a 401.
	status, body := get(t, srv, "/feeds", "Accept: text/html")
	if status != http.StatusUnauthorized || !strings.Contains(body, `name="token"`) || !strings.Contains(body, `name="next" value="/feeds"`) {
		t.Errorf("browser without a token = %d, no login form", status)
	}
}

func TestLoginCookie(t *testing.T) {
	const token = "console-token-3f9a"
	s := seed(t)
	s.opts.AuthToken = config.NewSecret(token)
	srv := serve(t, s.opts)
	login := func(typed, next string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(url.Values{"token": {typed}, "next": {next}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", srv.URL)
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := login("wrong", "/feeds")
	if resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies()) != 0 {
		t.Fatalf("wrong token: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	resp = login(token, "/feeds")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/feeds" {
		t.Fatalf("right token: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var ck *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == cookieName {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || strings.Contains(ck.Value, token) {
		t.Fatalf("login cookie = %+v", ck)
	}
	if status, _ := get(t, srv, "/feeds", "Cookie: "+ck.Name+"="+ck.Value); status != http.StatusOK {
		t.Errorf("GET /feeds with the cookie = %d", status)
	}
	// The login never sends anyone to another site.
	for _, next := range []string{"https://evil.example/", "//evil.example/", `/\evil.example`, "javascript:alert(1)"} {
		if got := login(token, next).Header.Get("Location"); got != "/" {
			t.Errorf("next %q redirected to %q", next, got)
		}
	}
	// A login posted from another site is refused.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader("token="+token))
	if status, _ := do(t, req, "Content-Type: application/x-www-form-urlencoded", "Sec-Fetch-Site: cross-site"); status != http.StatusForbidden {
		t.Errorf("cross-site login = %d, want 403", status)
	}
}

func TestNoAuthTokenMeansOpen(t *testing.T) {
	s := seed(t)
	srv := serve(t, s.opts)
	for _, p := range []string{"/", "/feeds", "/digest", "/test"} {
		if status, _ := get(t, srv, p); status != http.StatusOK {
			t.Errorf("GET %s = %d", p, status)
		}
	}
	if status, _ := get(t, srv, "/login"); status != http.StatusSeeOther {
		t.Errorf("GET /login without a token = %d, want a redirect", status)
	}
}

func TestHostWithoutToken(t *testing.T) {
	s := seed(t)
	open := serve(t, s.opts)
	s.opts.AuthToken = config.NewSecret("tok")
	guarded := serve(t, s.opts)
	tests := []struct {
		name string
		srv  *httptest.Server
		host string
		auth bool
		want int
	}{
		{"loopback address", open, "127.0.0.1:9090", false, http.StatusOK},
		{"localhost", open, "localhost:9090", false, http.StatusOK},
		{"localhost without a port", open, "LOCALHOST", false, http.StatusOK},
		{"IPv6 loopback", open, "[::1]:9090", false, http.StatusOK},
		{"another name: DNS rebinding", open, "attacker.example:9090", false, http.StatusForbidden},
		{"a LAN address", open, "192.168.1.20:9090", false, http.StatusForbidden},
		{"another name with a token", guarded, "newsbot.internal.example", true, http.StatusOK},
		{"another name, token missing", guarded, "newsbot.internal.example", false, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, tt.srv.URL+"/feeds", nil)
			req.Host = tt.host
			if tt.auth {
				req.Header.Set("Authorization", "Bearer tok")
			}
			if status, _ := do(t, req); status != tt.want {
				t.Errorf("GET /feeds with Host %q = %d, want %d", tt.host, status, tt.want)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := seed(t)
	srv := serve(t, s.opts)
	resp, err := http.Get(srv.URL + "/feeds")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, w := range []string{"default-src 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, w) {
			t.Errorf("CSP %q lacks %q", csp, w)
		}
	}
	if strings.Contains(csp, "script-src") {
		t.Errorf("CSP allows scripts: %q", csp)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no nosniff")
	}
}
