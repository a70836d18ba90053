package feeds

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseFormats(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		feedURL   string
		feedName  string
		wantTitle string
		wantCount int
		want      Item // compared field by field; ID and FeedURL are checked separately
	}{
		{
			name:      "RSS 2.0",
			file:      "rss2.xml",
			feedURL:   "https://pib.example.gov.in/rss/defence.xml",
			wantTitle: "Ministry of Defence – Press Releases",
			wantCount: 3,
			want: Item{
				Feed:      "Ministry of Defence – Press Releases",
				Title:     "India and US sign Security of Supply Arrangement under INDUS-X",
				Summary:   "The Security of Supply Arrangement (SOSA) lets India and the US request priority delivery of defence goods.\nIt was signed during the INDUS-X summit.",
				Link:      "https://pib.example.gov.in/PressReleasePage.aspx?PRID=2101234",
				Published: time.Date(2025, 3, 4, 4, 45, 0, 0, time.UTC),
			},
		},
		{
			name:      "Atom with html title escaped twice",
			file:      "atom.xml",
			feedURL:   "https://ustr.example.gov/feeds/press.atom",
			feedName:  "USTR",
			wantTitle: "USTR Press Office",
			wantCount: 2,
			want: Item{
				Feed:      "USTR",
				Title:     "US & India agree terms of reference for bilateral trade agreement — tariffs first",
				Summary:   "The United States and India announced terms of reference for a bilateral trade agreement, starting with tariffs on industrial goods.",
				Link:      "https://ustr.example.gov/press/2025/04/us-india-bta?page=2",
				Published: time.Date(2025, 4, 10, 13, 30, 0, 0, time.UTC),
			},
		},
		{
			name:      "RSS 1.0 RDF",
			file:      "rss1.rdf",
			feedURL:   "https://idsa.example.in/rss",
			wantTitle: "Defence Studies Digest",
			wantCount: 1,
			want: Item{
				Feed:      "Defence Studies Digest",
				Title:     "From iCET to TRUST: what changes for India–US technology cooperation",
				Summary:   "The renamed initiative puts semiconductors, AI and critical minerals at the centre.",
				Link:      "https://idsa.example.in/analysis/icet-to-trust",
				Published: time.Date(2025, 2, 14, 0, 30, 0, 0, time.UTC),
			},
		},
		{
			name:      "RSS 0.91 with DOCTYPE",
			file:      "rss091.xml",
			feedURL:   "http://shipyard.example.com/rss.xml",
			wantTitle: "Shipyard Bulletin",
			wantCount: 1,
			want: Item{
				Feed:    "Shipyard Bulletin",
				Title:   "US Navy ship repair contract for Indian yard",
				Summary: "The Master Ship Repair Agreement lets US Navy ships be repaired in India.",
				Link:    "http://shipyard.example.com/news/msra-renewal.html",
			},
		},
		{
			name:      "JSON Feed 1.1",
			file:      "feed.json",
			feedURL:   "https://tradewatch.example.org/feed.json",
			wantTitle: "India–US Trade Watch",
			wantCount: 2,
			want: Item{
				Feed:      "India–US Trade Watch",
				Title:     "India cuts tariffs on US bourbon and motorcycles ahead of trade talks",
				Summary:   "New Delhi lowered basic customs duty on several US goods.",
				Link:      "https://tradewatch.example.org/2025/02/tariff-cuts",
				Published: time.Date(2025, 2, 14, 8, 0, 0, 0, time.UTC),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			title, items, err := Parse(readFixture(t, tt.file), "", tt.feedURL, tt.feedName)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if title != tt.wantTitle {
				t.Errorf("title = %q, want %q", title, tt.wantTitle)
			}
			if len(items) != tt.wantCount {
				t.Fatalf("got %d items, want %d", len(items), tt.wantCount)
			}
			got := items[0]
			if got.Feed != tt.want.Feed || got.Title != tt.want.Title || got.Summary != tt.want.Summary ||
				got.Link != tt.want.Link || !got.Published.Equal(tt.want.Published) {
				t.Errorf("first item:\n got %+v\nwant %+v", got, tt.want)
			}
			if got.Published.Location() != time.UTC {
				t.Errorf("Published location = %v, want UTC", got.Published.Location())
			}
			for _, it := range items {
				if it.FeedURL != tt.feedURL {
					t.Errorf("FeedURL = %q, want %q", it.FeedURL, tt.feedURL)
				}
				if len(it.ID) != 32 {
					t.Errorf("ID %q has %d hex digits, want 32", it.ID, len(it.ID))
				}
			}
		})
	}
}

func TestParseItemDetails(t *testing.T) {
	const feedURL = "https://pib.example.gov.in/rss/defence.xml"
	_, items, err := Parse(readFixture(t, "rss2.xml"), "", feedURL, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"ID from GUID", items[0].ID, itemID(feedURL, "PRID-2101234")},
		{"ID from link", items[1].ID, itemID(feedURL, "https://pib.example.gov.in/PressReleasePage.aspx?PRID=2101190")},
		{"ID from title, date and text", items[2].ID, itemID(feedURL, "Statement on TRUST initiative & critical minerals|0001-01-01T00:00:00Z|"+items[2].Text)},
		{"relative link resolved, fbclid dropped", items[1].Link, "https://pib.example.gov.in/PressReleasePage.aspx?PRID=2101190"},
		{"entity in plain text decoded", items[1].Summary, "The JTG met in New Delhi to review co-development of jet-engine and unmanned systems technology & testing."},
		{"no link", items[2].Link, ""},
		{"title entity decoded", items[2].Title, "Statement on TRUST initiative & critical minerals"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
	if !items[2].Published.IsZero() {
		t.Errorf("item without date: Published = %v, want zero", items[2].Published)
	}
}

func TestParseIDStable(t *testing.T) {
	data := readFixture(t, "atom.xml")
	_, a, err := Parse(data, "", "https://ustr.example.gov/feeds/press.atom", "")
	if err != nil {
		t.Fatal(err)
	}
	_, b, err := Parse(data, "", "https://ustr.example.gov/feeds/press.atom", "renamed")
	if err != nil {
		t.Fatal(err)
	}
	_, c, err := Parse(data, "", "https://mirror.example.com/press.atom", "")
	if err != nil {
		t.Fatal(err)
	}
	if a[0].ID != b[0].ID {
		t.Errorf("ID changed with the display name: %s != %s", a[0].ID, b[0].ID)
	}
	if a[0].ID == c[0].ID {
		t.Errorf("same ID %s for two feed URLs", a[0].ID)
	}
	if a[0].ID == a[1].ID {
		t.Errorf("two entries share ID %s", a[0].ID)
	}
}

func TestParseFeedName(t *testing.T) {
	const untitled = `<rss version="2.0"><channel><item><title>x</title></item></channel></rss>`
	tests := []struct {
		name     string
		data     string
		feedURL  string
		feedName string
		want     string
	}{
		{"configured name wins", string(readFixture(t, "rss2.xml")), "https://pib.example.gov.in/rss", " PIB ", "PIB"},
		{"feed title", string(readFixture(t, "rss2.xml")), "https://pib.example.gov.in/rss", "", "Ministry of Defence – Press Releases"},
		{"host when untitled", untitled, "https://Feeds.Example.com:8443/x.xml", "", "feeds.example.com"},
		{"file name for a path", untitled, "/var/feeds/local.xml", "", "local.xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, items, err := Parse([]byte(tt.data), "", tt.feedURL, tt.feedName)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) == 0 {
				t.Fatal("no items")
			}
			if items[0].Feed != tt.want {
				t.Errorf("Feed = %q, want %q", items[0].Feed, tt.want)
			}
		})
	}
}

func TestParseNotAFeed(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{"empty", ""},
		{"whitespace", " \n\t "},
		{"HTML page", "<!DOCTYPE html>\n<html><head><title>Login</title></head><body><p>Please sign in</p></body></html>"},
		{"XHTML page", `<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>`},
		{"plain text", "Service temporarily unavailable"},
		{"JSON that is no JSON Feed", `{"error":"rate limited"}`},
		{"truncated RSS", `<?xml version="1.0"?><rss version="2.0"><channel><title>Cut</title><item><title>half an ite`},
		{"truncated Atom", `<feed xmlns="http://www.w3.org/2005/Atom"><title>Cut</title><entry><title>x</title><link href="https://a.example/`},
		{"unterminated DOCTYPE", `<!DOCTYPE rss [ <!ENTITY a "b">`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, items, err := Parse([]byte(tt.data), "", "https://news.example.com/feed", "")
			if !errors.Is(err, ErrNotAFeed) {
				t.Fatalf("err = %v, want ErrNotAFeed", err)
			}
			if items != nil {
				t.Errorf("items = %v, want nil", items)
			}
			if !strings.HasPrefix(err.Error(), "feeds: parse https://news.example.com/feed: not a feed") {
				t.Errorf("message %q lacks the prefix", err.Error())
			}
		})
	}
}

func TestParseHostileXML(t *testing.T) {
	secret := "TOP-SECRET-" + strings.Repeat("7", 20)
	secretPath := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(secretPath, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	laughs := `<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Laughs &lol9;</title>
<item><title>Item &lol9;</title><description>&lol9;</description><link>https://a.example/1</link></item>
</channel></rss>`
	tests := []struct {
		name string
		data string
	}{
		{"external entity in RSS", `<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file://` + secretPath + `"> ]>
<rss version="2.0"><channel><title>Feed &xxe;</title>
<item><title>&xxe;</title><description>before &xxe; after</description><link>https://a.example/&xxe;</link><guid>&xxe;</guid></item>
</channel></rss>`},
		{"external entity in Atom", `<!DOCTYPE feed [<!ENTITY xxe SYSTEM "` + secretPath + `">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&xxe;</title>
<entry><title type="html">&xxe;</title><summary>&xxe;</summary><id>&xxe;</id></entry></feed>`},
		{"parameter entity", `<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY % p SYSTEM "file://` + secretPath + `"> %p; ]>
<rss version="2.0"><channel><title>P</title><item><title>x</title></item></channel></rss>`},
		{"billion laughs", laughs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			title, items, err := Parse([]byte(tt.data), "", "https://hostile.example/feed", "")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(items) != 1 {
				t.Fatalf("got %d items, want 1", len(items))
			}
			fields := []string{title}
			for _, it := range items {
				fields = append(fields, it.ID, it.Feed, it.Title, it.Summary, it.Link)
			}
			for _, f := range fields {
				if strings.Contains(f, "TOP-SECRET") {
					t.Errorf("local file content leaked into %q", f)
				}
				if strings.Count(f, "lol") > 2 {
					t.Errorf("entities expanded: %.80q…", f)
				}
				if utf8.RuneCountInString(f) > maxSummaryRunes+1 {
					t.Errorf("field of %d runes", utf8.RuneCountInString(f))
				}
			}
		})
	}
}

func TestParseSanitises(t *testing.T) {
	long := strings.Repeat("Tariff ", 1000)
	tests := []struct {
		name  string
		data  string
		check func(t *testing.T, it Item)
	}{
		{
			name: "control characters",
			data: "<rss version=\"2.0\"><channel><item><title>Bad\x01\x02 bytes\x0b here\x7f&#1; &#x8;ok</title>" +
				"<description>line\x00one\ttwo</description></item></channel></rss>",
			check: func(t *testing.T, it Item) {
				if it.Title != "Bad bytes here ok" {
					t.Errorf("Title = %q", it.Title)
				}
				if it.Summary != "lineone two" {
					t.Errorf("Summary = %q", it.Summary)
				}
			},
		},
		{
			name: "javascript and other schemes",
			data: `<rss version="2.0"><channel><item><title>x</title><link>javascript:alert(document.cookie)</link></item>` +
				`<item><title>y</title><link>  JaVaScRiPt:alert(1)</link></item>` +
				`<item><title>z</title><link>data:text/html,hi</link></item></channel></rss>`,
			check: func(t *testing.T, it Item) {
				if it.Link != "" {
					t.Errorf("Link = %q, want empty", it.Link)
				}
			},
		},
		{
			name: "very long title and summary",
			data: `<rss version="2.0"><channel><item><title>` + long + `</title><description>` +
				strings.Repeat("<p>Defence "+long+"</p>", 100) + `</description></item></channel></rss>`,
			check: func(t *testing.T, it Item) {
				if n := utf8.RuneCountInString(it.Title); n > maxTitleRunes {
					t.Errorf("Title has %d runes, want ≤ %d", n, maxTitleRunes)
				}
				if !strings.HasSuffix(it.Title, "Tariff…") {
					t.Errorf("Title not cut at a word: %q", it.Title[len(it.Title)-20:])
				}
				if n := utf8.RuneCountInString(it.Summary); n > maxSummaryRunes {
					t.Errorf("Summary has %d runes, want ≤ %d", n, maxSummaryRunes)
				}
				if !strings.HasSuffix(it.Summary, "…") {
					t.Error("Summary lacks the ellipsis")
				}
			},
		},
		{
			name: "CDATA holding escaped HTML",
			data: `<rss version="2.0"><channel><item><title><![CDATA[Q&amp;A: <b>JTG</b> &lt;i&gt;meets&lt;/i&gt;]]></title>` +
				`<description><![CDATA[&lt;p&gt;First&lt;/p&gt;&lt;p&gt;Second &amp;amp; last&lt;/p&gt;]]></description></item></channel></rss>`,
			check: func(t *testing.T, it Item) {
				if it.Title != "Q&A: JTG meets" {
					t.Errorf("Title = %q", it.Title)
				}
				if it.Summary != "First\nSecond & last" {
					t.Errorf("Summary = %q", it.Summary)
				}
			},
		},
		{
			name: "script and style dropped, NBSP folded",
			data: `<rss version="2.0"><channel><item><title>a&#160;&#160; b</title><description>` +
				`&lt;style&gt;p{color:red}&lt;/style&gt;&lt;script&gt;alert("x")&lt;/script&gt;Kept&amp;nbsp;text</description></item></channel></rss>`,
			check: func(t *testing.T, it Item) {
				if it.Title != "a b" {
					t.Errorf("Title = %q", it.Title)
				}
				if it.Summary != "Kept text" {
					t.Errorf("Summary = %q", it.Summary)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, items, err := Parse([]byte(tt.data), "", "https://news.example.com/feed", "")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(items) == 0 {
				t.Fatal("no items")
			}
			for _, it := range items {
				tt.check(t, it)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"testdata/*.*", "testdata/peer/*.xml"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data, "")
		}
	}
	f.Add([]byte(`<rss version="2.0"><channel><item><title>&amp;lt;x</title></item></channel></rss>`), "text/xml; charset=koi8-r")
	f.Fuzz(func(t *testing.T, data []byte, contentType string) {
		title, items, err := Parse(data, contentType, "https://fuzz.example/feed", "")
		if err != nil {
			if !errors.Is(err, ErrNotAFeed) {
				t.Fatalf("error not wrapping ErrNotAFeed: %v", err)
			}
			return
		}
		fields := []string{title}
		for _, it := range items {
			fields = append(fields, it.Title, it.Summary, it.Link, it.Feed)
			if len(it.ID) != 32 {
				t.Fatalf("ID %q", it.ID)
			}
			if it.Link != "" && !strings.HasPrefix(it.Link, "http://") && !strings.HasPrefix(it.Link, "https://") {
				t.Fatalf("Link %q is not http(s)", it.Link)
			}
			if utf8.RuneCountInString(it.Title) > maxTitleRunes || utf8.RuneCountInString(it.Summary) > maxSummaryRunes {
				t.Fatal("text over its cap")
			}
		}
		for _, s := range fields {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8: %q", s)
			}
			for _, r := range s {
				if r < 0x20 && r != '\n' {
					t.Fatalf("control character %U in %q", r, s)
				}
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	data := readFixture(b, "peer/parser-large_rss.xml")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Parse(data, "application/rss+xml", "https://dustri.org/b/feed", ""); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseWholeContent(t *testing.T) {
	tests := []struct {
		name        string
		file        string
		wantInText  []string // occur only deep inside the content
		wantOnce    string   // a sentence the description and content share, to be read once
		wantSummary string   // the lead shown, not the whole text
	}{
		{
			name:        "WordPress: article only in content:encoded",
			file:        "wordpress.xml",
			wantInText:  []string{"Defence Research and Development Organisation", "INDUS-X", "appeared first on Defence Watch"},
			wantOnce:    "Ministers of both countries met in New Delhi",
			wantSummary: "Ministers of both countries met in New Delhi on Wednesday to review the bilateral agenda […]\nThe post Ministers review bilateral agenda in New Delhi appeared first on Defence Watch.",
		},
		{
			name:        "Atom: one-line summary, article in content",
			file:        "atom-content.xml",
			wantInText:  []string{"reciprocal tariffs on Indian steel"},
			wantOnce:    "This week's notes on trade policy.",
			wantSummary: "This week's notes on trade policy.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, items, err := Parse(readFixture(t, tt.file), "", "https://example.org/feed", "")
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != 1 {
				t.Fatalf("got %d items, want 1", len(items))
			}
			it := items[0]
			for _, w := range tt.wantInText {
				if i := strings.Index(it.Text, w); i < 0 {
					t.Errorf("Text lacks %q", w)
				} else if w != "appeared first on Defence Watch" && i < 2000 {
					t.Errorf("%q at byte %d: the fixture must put it after the first 2,000 characters", w, i)
				}
			}
			if n := strings.Count(it.Text, tt.wantOnce); n != 1 {
				t.Errorf("Text holds %q %d times, want once", tt.wantOnce, n)
			}
			if it.Summary != tt.wantSummary {
				t.Errorf("Summary = %q, want %q", it.Summary, tt.wantSummary)
			}
			if strings.ContainsAny(it.Text, "<>") {
				t.Errorf("Text holds markup: %.200q", it.Text)
			}
		})
	}
}

func TestParseJSONFeedContent(t *testing.T) {
	const doc = `{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[
	{"id":"1","url":"https://j.example/1","title":"A","summary":"Short lead.","content_html":"<p>Short lead.</p><p>Deep in the article: iCET.</p>"},
	{"id":"2","url":"https://j.example/2","title":"B","content_text":"Plain text body about tariffs."}]}`
	_, items, err := Parse([]byte(doc), "application/feed+json", "https://j.example/feed.json", "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := items[0].Text, "Short lead.\nDeep in the article: iCET."; got != want {
		t.Errorf("content_html: Text = %q, want %q", got, want)
	}
	if got, want := items[1].Text, "Plain text body about tariffs."; got != want {
		t.Errorf("content_text: Text = %q, want %q", got, want)
	}
	if items[0].Summary != "Short lead." {
		t.Errorf("Summary = %q, want the summary", items[0].Summary)
	}
}

func TestParseTextCapped(t *testing.T) {
	body := strings.Repeat("word ", MaxTextBytes/5+1000) + "needle"
	doc := `<rss version="2.0"><channel><title>c</title><item><title>t</title><link>https://c.example/1</link>` +
		`<description>lead</description><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[<p>` +
		body + `</p>]]></content:encoded></item></channel></rss>`
	_, items, err := Parse([]byte(doc), "", "https://c.example/feed", "")
	if err != nil {
		t.Fatal(err)
	}
	it := items[0]
	if len(it.Text) > MaxTextBytes || len(it.Text) < MaxTextBytes*3/4 {
		t.Errorf("len(Text) = %d, want at most %d and close to it", len(it.Text), MaxTextBytes)
	}
	if strings.Contains(it.Text, "needle") {
		t.Error("text beyond the cap was kept")
	}
	if !utf8.ValidString(it.Text) {
		t.Error("Text is not valid UTF-8")
	}
}

func TestParseAggregatorSource(t *testing.T) {
	_, items, err := Parse(readFixture(t, "googlenews.xml"), "", "https://news.google.com/rss/search?q=INDUS-X", "News search: INDUS-X")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		title, source, sourceURL string
	}{
		{"India, US launch INDUS-X innovation bridge for defence start-ups", "The Hindu", "https://www.thehindu.com/"},
		{"India, US launch INDUS-X innovation bridge for defence start-ups", "Hindustan Times", "https://www.hindustantimes.com/"},
		{"India, US launch INDUS-X innovation bridge for defence start-ups", "The Economic Times", "https://economictimes.indiatimes.com/"},
		// The suffix names no publisher the feed gives: kept as it is.
		{"Pune start-up wins INDUS-X challenge - Times of India - Pune edition", "The Times of India", "https://timesofindia.indiatimes.com/"},
	}
	if len(items) != len(tests) {
		t.Fatalf("got %d items, want %d", len(items), len(tests))
	}
	for i, tt := range tests {
		it := items[i]
		if it.Title != tt.title || it.Source != tt.source || it.SourceURL != tt.sourceURL {
			t.Errorf("item %d: got (%q, %q, %q), want (%q, %q, %q)", i, it.Title, it.Source, it.SourceURL, tt.title, tt.source, tt.sourceURL)
		}
		if it.Feed != "News search: INDUS-X" {
			t.Errorf("item %d: Feed = %q, want the feed's name", i, it.Feed)
		}
		if it.Summary != "" || it.Text != "" {
			t.Errorf("item %d: description that repeats the title and publisher kept: Summary %q, Text %q", i, it.Summary, it.Text)
		}
	}
}

func TestPublisherSuffix(t *testing.T) {
	tests := []struct {
		name, title, source, desc string
		wantTitle, wantSource     string
	}{
		{"suffix equals source", "Jets deal signed - The Hindu", "The Hindu", "", "Jets deal signed", "The Hindu"},
		{"case differs", "Jets deal signed - THE HINDU", "The Hindu", "", "Jets deal signed", "The Hindu"},
		{"suffix differs from source", "India - US talks", "The Hindu", "", "India - US talks", "The Hindu"},
		{"description names the publisher", "Jets deal signed - Mint", "", "Jets deal signed Mint", "Jets deal signed", "Mint"},
		{"description is the title", "India - US", "", "India - US", "India - US", ""},
		{"no source, no description", "India - US", "", "", "India - US", ""},
		{"nothing after the dash", "Trade - ", "", "x", "Trade - ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotTitle, gotSource := publisherSuffix(tt.title, tt.source, tt.desc)
			if gotTitle != tt.wantTitle || gotSource != tt.wantSource {
				t.Errorf("got (%q, %q), want (%q, %q)", gotTitle, gotSource, tt.wantTitle, tt.wantSource)
			}
		})
	}
}

func TestParseItemsWithoutGUIDOrLink(t *testing.T) {
	const doc = `<rss version="2.0"><channel><title>PR</title>
<item><title>Press release</title><description>Minister meets the US delegation on jet engines.</description></item>
<item><title>Press release</title><description>Navy commissions a new survey vessel.</description></item>
<item><title>Press release</title><description>Minister meets the US delegation on jet engines.</description></item>
</channel></rss>`
	_, items, err := Parse([]byte(doc), "", "https://pr.example/rss", "")
	if err != nil {
		t.Fatal(err)
	}
	if items[0].ID == items[1].ID {
		t.Error("two stories under one headline share an ID")
	}
	if items[0].ID != items[2].ID {
		t.Error("the same story twice got two IDs")
	}
}

func TestParseStripsBidiControls(t *testing.T) {
	const doc = "<rss version=\"2.0\"><channel><title>c</title><item><title>Safe \u202Egnirts desrever\u202C title \u2066x\u2069</title>" +
		"<link>https://c.example/1</link><description>Lead \u200Fwith\u200E marks \u061C and \u202Boverrides\u202C.</description></item></channel></rss>"
	_, items, err := Parse([]byte(doc), "", "https://c.example/feed", "")
	if err != nil {
		t.Fatal(err)
	}
	it := items[0]
	if want := "Safe gnirts desrever title x"; it.Title != want {
		t.Errorf("Title = %q, want %q", it.Title, want)
	}
	if want := "Lead with marks and overrides."; it.Summary != want || it.Text != want {
		t.Errorf("Summary = %q, Text = %q, want %q", it.Summary, it.Text, want)
	}
}
