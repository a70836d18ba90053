package digest

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/internal/slackstub"
	"github.com/slack-go/slack"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenMessage is how a rendered message is written to a golden file.
type goldenMessage struct {
	Reply   bool                `json:"reply"`
	ItemIDs map[string][]string `json:"item_ids"`
	Text    string              `json:"text"`
	Blocks  slack.Blocks        `json:"blocks"`
}

// checkGolden compares got with testdata/golden/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff\ngot:\n%s", path, got)
	}
}

func blocksJSON(t *testing.T, m Message) []byte {
	t.Helper()
	b, err := json.Marshal(slack.Blocks{BlockSet: m.Blocks})
	if err != nil {
		t.Fatal(err)
	}
	return unescapeHTML(b)
}

// unescapeHTML undoes encoding/json's HTML escaping (slack-go's marshallers
// always apply it), keeping <, > and & readable for assertions and golden
// files; both forms are the same JSON.
func unescapeHTML(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte(`\u003c`), []byte("<"))
	b = bytes.ReplaceAll(b, []byte(`\u003e`), []byte(">"))
	return bytes.ReplaceAll(b, []byte(`\u0026`), []byte("&"))
}

// checkLimits asserts that every message passes slackstub's validation.
func checkLimits(t *testing.T, msgs []Message) {
	t.Helper()
	for i, m := range msgs {
		if problems := slackstub.Validate(m.Text, blocksJSON(t, m)); len(problems) > 0 {
			t.Errorf("message %d: %s", i, strings.Join(problems, "; "))
		}
	}
}

// checkInert asserts that no message carries a live mention or unsafe link.
func checkInert(t *testing.T, msgs []Message) {
	t.Helper()
	for i, m := range msgs {
		found := slackstub.LiveMentions(m.Text)
		for _, s := range slackstub.MrkdwnTexts(blocksJSON(t, m)) {
			found = append(found, slackstub.LiveMentions(s)...)
		}
		if len(found) > 0 {
			t.Errorf("message %d has live mentions or links: %q", i, found)
		}
	}
}

// storyIDs returns the item IDs the messages carry, in order.
func storyIDs(msgs []Message, profile string) []string {
	var ids []string
	for _, m := range msgs {
		ids = append(ids, m.ItemIDs[profile]...)
	}
	return ids
}

func makeStories(n int) []Story {
	stories := make([]Story, n)
	for i := range stories {
		id := fmt.Sprintf("item-%03d", i)
		stories[i] = Story{
			Entry: Entry{
				Profile: "TRUST", Channel: "C1", ItemID: id,
				Title:     fmt.Sprintf("India and US widen critical-technology cooperation, part %d", i+1),
				Link:      fmt.Sprintf("https://news.example/trust/%d?utm=x&ref=y", i+1),
				Feed:      "Example News",
				Published: hoursAgo(i % 72),
				Matched:   []string{"TRUST", "critical technology"},
				Score:     float64(n - i),
			},
			ItemIDs: []string{id},
		}
	}
	return stories
}

func testDigest(stories []Story) Digest {
	return Digest{
		Profile:     "TRUST",
		Description: "India–US TRUST initiative & critical tech",
		Channel:     "C1",
		Stories:     stories,
		Date:        Build([]Entry{{Profile: "TRUST"}}, testOptions())[0].Date,
	}
}

func hostileStories() []Story {
	long := strings.Repeat("Very long <title> & ", 250) // 5,000 characters
	hostile := []Entry{
		{ItemID: "h1", Title: "<!channel> DRDO test <!here> <!everyone>", Link: "https://a.example/1", Feed: "<@U123> Times"},
		{ItemID: "h4", Title: long, Link: "https://a.example/long", Feed: strings.Repeat("F", 500)},
		{ItemID: "h2", Title: "Ping <@U123> and <#C1>", Link: "javascript:alert(1)", Feed: "Feed"},
		{ItemID: "h3", Title: "Click <http://x|click>", Link: "https://a.example/x|y><!channel>", Feed: "Feed"},
		{ItemID: "h5", Title: "Data link", Link: "data:text/html,<script>", Feed: "Feed"},
		{ItemID: "h6", Title: "", Link: "", Feed: ""},
	}
	var stories []Story
	for i, e := range hostile {
		e.Profile, e.Channel, e.Score, e.Published = "TRUST", "C1", float64(10-i), hoursAgo(i)
		e.Matched = []string{"<!channel>", strings.Repeat("term ", 200)}
		stories = append(stories, Story{Entry: e, ItemIDs: []string{e.ItemID}, AlsoIn: []string{"<!here> Daily", "B & C"}})
	}
	return stories
}

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		name    string
		stories []Story
	}{
		{"normal", makeStories(3)},
		{"overflow", makeStories(8)},
		{"hostile", hostileStories()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs := Render(testDigest(tt.stories), testOptions())
			checkLimits(t, msgs)
			checkInert(t, msgs)
			var golden []goldenMessage
			for _, m := range msgs {
				golden = append(golden, goldenMessage{m.Reply, m.ItemIDs, m.Text, slack.Blocks{BlockSet: m.Blocks}})
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(golden); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.name+".json", unescapeHTML(buf.Bytes()))
		})
	}
}

func TestRenderMainMessage(t *testing.T) {
	msgs := Render(testDigest(makeStories(8)), testOptions())
	if len(msgs) != 2 {
		t.Fatalf("got %d messages, want a main message and a reply", len(msgs))
	}
	main, reply := msgs[0], msgs[1]
	if main.Reply || !reply.Reply {
		t.Errorf("reply flags = %v, %v; want false, true", main.Reply, reply.Reply)
	}
	h, ok := main.Blocks[0].(*slack.HeaderBlock)
	if !ok || h.Text.Type != slack.PlainTextType || h.Text.Text != "TRUST — Mon 2 Mar 2026" {
		t.Errorf("header = %#v", main.Blocks[0])
	}
	body := string(blocksJSON(t, main))
	for _, want := range []string{
		"India–US TRUST initiative &amp; critical tech",
		"*<https://news.example/trust/1?utm=x&amp;ref=y|India and US widen critical-technology cooperation, part 1>*",
		"Example News · just now · matched: TRUST, critical technology",
		"and 5 more in the thread",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("main message lacks %q", want)
		}
	}
	if got, want := main.ItemIDs["TRUST"], []string{"item-000", "item-001", "item-002"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("main item IDs = %v, want %v", got, want)
	}
}

func TestRenderHostile(t *testing.T) {
	msgs := Render(testDigest(hostileStories()), testOptions())
	all := ""
	for _, m := range msgs {
		all += m.Text + string(blocksJSON(t, m))
	}
	for _, bad := range []string{"<!channel>", "<!here>", "<!everyone>", "<@U123>", "<#C1>", "<http://x|click>", "javascript:", "data:text"} {
		if strings.Contains(all, bad) {
			t.Errorf("rendered digest contains %q", bad)
		}
	}
	if !strings.Contains(all, "&lt;!channel&gt; DRDO test") {
		t.Errorf("the escaped title is missing")
	}
	if !strings.Contains(all, "https://a.example/x%7Cy%3E%3C!channel%3E|") {
		t.Errorf("the link with | < > was not percent-encoded")
	}
}

func TestRenderLimitsHoldFor500Stories(t *testing.T) {
	stories := makeStories(500)
	// Make every other title hostile and long, so that sections fill up.
	for i := 0; i < len(stories); i += 2 {
		stories[i].Title = strings.Repeat("<!channel> & ", 400)
	}
	d := testDigest(stories)
	msgs := Render(d, testOptions())
	if len(msgs) < 3 {
		t.Fatalf("got %d messages, want the digest split into several", len(msgs))
	}
	checkLimits(t, msgs)
	checkInert(t, msgs)
	for i, m := range msgs {
		if m.Reply != (i > 0) {
			t.Errorf("message %d: Reply = %v", i, m.Reply)
		}
	}
	ids := storyIDs(msgs, "TRUST")
	if len(ids) != 500 {
		t.Fatalf("messages carry %d item IDs, want all 500", len(ids))
	}
	for i, id := range ids {
		if want := fmt.Sprintf("item-%03d", i); id != want {
			t.Fatalf("item %d is %s, want %s (ranked order)", i, id, want)
		}
	}
}

func TestRenderLargeTopNStaysWithinOneMessage(t *testing.T) {
	opts := testOptions()
	opts.TopN = 100
	msgs := Render(testDigest(makeStories(60)), opts)
	checkLimits(t, msgs)
	if n := len(storyIDs(msgs, "TRUST")); n != 60 {
		t.Errorf("messages carry %d stories, want 60", n)
	}
	if msgs[0].Reply || len(msgs) < 2 {
		t.Errorf("want a main message and replies, got %d messages", len(msgs))
	}
}

func TestRenderEmptyDigest(t *testing.T) {
	if msgs := Render(Digest{Profile: "TRUST"}, testOptions()); msgs != nil {
		t.Errorf("got %d messages for an empty digest", len(msgs))
	}
}

func TestAge(t *testing.T) {
	tests := []struct {
		name string
		t    time.Time
		want string
	}{
		{"unknown", time.Time{}, ""},
		{"future", testNow.Add(time.Hour), "just now"},
		{"seconds", testNow.Add(-30 * time.Second), "just now"},
		{"minutes", testNow.Add(-5 * time.Minute), "5m ago"},
		{"hours", testNow.Add(-190 * time.Minute), "3h ago"},
		{"47 hours", testNow.Add(-47 * time.Hour), "47h ago"},
		{"days", testNow.Add(-72 * time.Hour), "3d ago"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := age(testNow, tt.t); got != tt.want {
				t.Errorf("age = %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzRender(f *testing.F) {
	for _, s := range hostileStories() {
		f.Add(s.Title, s.Link, s.Feed, s.Matched[0])
	}
	f.Add("plain", "https://e.example/a", "Feed", "TRUST")
	f.Fuzz(func(t *testing.T, title, link, feed, term string) {
		stories := make([]Story, 30)
		for i := range stories {
			stories[i] = Story{
				Entry:   Entry{Profile: "TRUST", ItemID: fmt.Sprint(i), Title: strings.Repeat(title, i%4+1), Link: link, Feed: feed, Matched: []string{term}, Score: 1, Published: hoursAgo(i)},
				ItemIDs: []string{fmt.Sprint(i)},
				AlsoIn:  []string{feed, term},
			}
		}
		msgs := Render(testDigest(stories), testOptions())
		checkLimits(t, msgs)
		checkInert(t, msgs)
		if n := len(storyIDs(msgs, "TRUST")); n != len(stories) {
			t.Fatalf("messages carry %d stories, want %d", n, len(stories))
		}
	})
}

func BenchmarkRender(b *testing.B) {
	d := testDigest(makeStories(500))
	opts := testOptions()
	for b.Loop() {
		Render(d, opts)
	}
}

func TestRenderFooter(t *testing.T) {
	var stories []Story
	for i := 0; i < 60; i++ {
		stories = append(stories, Story{Entry: Entry{Profile: "DRDO", ItemID: fmt.Sprint(i), Title: fmt.Sprint("Story ", i), Link: "https://x.example/", Feed: "Desk", Published: testNow}, ItemIDs: []string{fmt.Sprint(i)}})
	}
	d := Digest{Profile: "DRDO", Channel: "C1", Stories: stories}
	footer := "Failing for more than a day: <!channel> Desk (since 2 Mar)"
	msgs := Render(d, Options{TopN: 100, Now: func() time.Time { return testNow }, Footer: footer})
	raw, _ := json.Marshal(msgs[0].Blocks)
	if problems := slackstub.Validate(msgs[0].Text, raw); len(problems) > 0 {
		t.Fatalf("main message with a footer breaks Slack's limits: %v", problems)
	}
	if !strings.Contains(string(raw), `Failing for more than a day: \u0026lt;!channel\u0026gt; Desk`) {
		t.Errorf("footer missing or not escaped: %s", raw)
	}
	if m := slackstub.LiveMentions(string(raw) + msgs[0].Text); len(m) > 0 {
		t.Errorf("live mentions: %v", m)
	}
	for _, m := range msgs[1:] {
		if strings.Contains(m.Text, "Failing for more") {
			t.Error("the footer belongs in the main message only")
		}
	}
}
