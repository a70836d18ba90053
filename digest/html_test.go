package digest

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestWriteHTMLGolden(t *testing.T) {
	stories := makeStories(5)
	stories[0].AlsoIn = []string{"The Hindu", "Mint"}
	stories[0].Duplicates = []string{"https://thehindu.example/1", "https://mint.example/1"}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, []Digest{testDigest(stories)}, testOptions()); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "preview.html", buf.Bytes())
	checkMarkup(t, buf.Bytes())
	for _, want := range []string{
		`<div class="block header">TRUST — Mon 2 Mar 2026</div>`,
		`<a href="https://news.example/trust/1?utm=x&amp;ref=y" class="b" rel="noopener noreferrer" target="_blank">India and US widen critical-technology cooperation, part 1</a>`,
		`Example News · just now · matched: TRUST, critical technology · also: The Hindu, Mint`,
		`India–US TRUST initiative &amp; critical tech`,
		`and 2 more in the thread`,
		`1 reply`,
		`<div class="thread-label">Thread</div>`,
		`<span class="time">9:00 AM</span>`,
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}

func TestWriteHTMLShowsQuietChannels(t *testing.T) {
	opts := testOptions()
	opts.PostEmpty = true
	opts.ChannelProfiles = map[string][]string{"C1": {"TRUST"}, "#trade": {"tariffs"}}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, []Digest{testDigest(makeStories(1))}, opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "No new matches for tariffs today (Mon 2 Mar) — newsbot is running.") {
		t.Error("the quiet channel's line is missing")
	}
	if strings.Contains(buf.String(), "No new matches for TRUST") {
		t.Error("a channel with a digest shows the quiet line")
	}
	opts.PostEmpty = false
	buf.Reset()
	if err := WriteHTML(&buf, []Digest{testDigest(makeStories(1))}, opts); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "No new matches") {
		t.Error("the quiet line shows without PostEmpty")
	}
}

func TestWriteHTMLHostile(t *testing.T) {
	hostile := []Entry{
		{ItemID: "1", Title: "<script>alert(1)</script>", Link: "https://a.example/1", Feed: "</div><b>Feed"},
		{ItemID: "2", Title: `"><img src=x onerror=alert(1)>`, Link: `https://a.example/"><img src=x onerror=alert(2)>`, Feed: "Feed"},
		{ItemID: "3", Title: "<!channel> <@U123> *bold* _it_", Link: "javascript:alert(3)", Feed: "Feed"},
		{ItemID: "4", Title: "<a href=javascript:alert(4)>x</a>", Link: "data:text/html,<script>alert(5)</script>", Feed: "<style>body{display:none}</style>"},
		{ItemID: "5", Title: "{{.Title}} &amp; &lt;script&gt;", Link: "https://a.example/5?q=<script>", Feed: "Feed"},
	}
	var stories []Story
	for i, e := range hostile {
		e.Profile, e.Channel, e.Score, e.Published = "TRUST", `C1"><script>alert(6)</script>`, float64(10-i), hoursAgo(i)
		e.Matched = []string{"<img src=x onerror=alert(7)>"}
		stories = append(stories, Story{Entry: e, ItemIDs: []string{e.ItemID}, AlsoIn: []string{"<script>x</script>"}})
	}
	d := testDigest(stories)
	d.Channel = stories[0].Channel
	d.Description = "<iframe src=//evil.example>"
	opts := testOptions()
	opts.TopN = 2
	var buf bytes.Buffer
	if err := WriteHTML(&buf, []Digest{d}, opts); err != nil {
		t.Fatal(err)
	}
	checkMarkup(t, buf.Bytes())
	if !strings.Contains(buf.String(), "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the script title is not shown as text")
	}
	if !strings.Contains(buf.String(), "{{.Title}} &amp;amp; &amp;lt;script&amp;gt;") {
		t.Error("literal entities in a title are not shown as typed")
	}
}

// allowedTags are the elements the preview may contain.
var allowedTags = map[string]bool{
	"html": true, "head": true, "meta": true, "title": true, "style": true, "body": true, "div": true,
	"nav": true, "main": true, "section": true, "a": true, "span": true, "br": true, "hr": true,
}

// checkMarkup parses an HTML page and fails on elements other than
// allowedTags, event-handler attributes, and links other than http(s) and
// in-page anchors; it is what keeps feed text from injecting markup.
func checkMarkup(t *testing.T, page []byte) {
	t.Helper()
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if !allowedTags[tok.Data] {
				t.Errorf("the page has a <%s> element", tok.Data)
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") || a.Key == "src" || a.Key == "style" {
					t.Errorf("<%s> has a %s attribute", tok.Data, a.Key)
				}
				if a.Key == "href" && !strings.HasPrefix(a.Val, "https://") && !strings.HasPrefix(a.Val, "http://") && !strings.HasPrefix(a.Val, "#") {
					t.Errorf("a link to %q", a.Val)
				}
			}
		}
	}
}
