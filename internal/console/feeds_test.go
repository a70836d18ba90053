package console

import (
	"html/template"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/feeds"
)

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
