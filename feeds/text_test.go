package feeds

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlainText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain", "India–US  defence\n deal", "India–US defence deal"},
		{"tags dropped", `<p>The <a href="/x">JTG</a> met.</p>`, "The JTG met."},
		{"blocks become lines", "<h2>Head</h2><p>One<br>Two</p><ul><li>a</li><li>b</li></ul>", "Head\nOne\nTwo\na\nb"},
		{"script, style and noscript dropped", "<script>var a = '<p>x</p>';</script><style>b{}</style><noscript>enable js</noscript>Body", "Body"},
		{"entities decoded", "AT&amp;T &lt;tariffs&gt; &#8212; &eacute;t&eacute;", "AT&T <tariffs> — été"},
		{"double-encoded entity", "Trade &amp;amp; tariffs &amp;#8217;25", "Trade & tariffs ’25"},
		{"decoded only twice", "&amp;amp;amp;", "&amp;"},
		{"escaped markup inside CDATA", "&lt;p&gt;One&lt;/p&gt;&lt;p&gt;Two&lt;/p&gt;", "One\nTwo"},
		{"literal angle brackets kept", "a < b and c > d", "a < b and c > d"},
		{"NBSP and other spaces", "a\u00a0\u00a0b\u2003c\u3000d", "a b c d"},
		{"invisible characters", "in\u200Bvi\uFEFFsi\u00ADble", "invisible"},
		{"controls", "a\x01b\x7f\u0085c", "ab c"},
		{"empty paragraphs", "<p></p><p> </p><div>x</div><p>\u00a0</p>", "x"},
		{"unclosed tag", "Text <b>bold", "Text bold"},
		{"comment", "a<!-- hidden -->b", "ab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := plainText(tt.in); got != tt.want {
				t.Errorf("plainText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTitleTextIsOneLine(t *testing.T) {
	if got := titleText("<p>Line one</p><p>Line two</p>"); got != "Line one Line two" {
		t.Errorf("titleText = %q", got)
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"short", "India US", 10, "India US"},
		{"exact", "0123456789", 10, "0123456789"},
		{"word boundary", "Security of Supply Arrangement", 20, "Security of Supply…"},
		{"trailing punctuation", "Tariffs, quotas, and duties", 18, "Tariffs, quotas…"},
		{"one long word", strings.Repeat("x", 30), 10, "xxxxxxxxx…"},
		{"runes not bytes", strings.Repeat("ф", 30), 10, strings.Repeat("ф", 9) + "…"},
		{"space too early", "a " + strings.Repeat("b", 30), 10, "a " + strings.Repeat("b", 7) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := truncate(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("truncate = %q, want %q", got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > tt.max {
				t.Errorf("%d runes, want ≤ %d", n, tt.max)
			}
		})
	}
}

// TestEchoesTitle checks the Google News test of a description that only
// repeats the title, and that a long summary is never taken for an echo.
func TestEchoesTitle(t *testing.T) {
	long := strings.Repeat("Officials said the talks on tariffs would continue next week. ", 30)
	tests := []struct {
		name                           string
		desc, fullTitle, title, source string
		want                           bool
	}{
		{name: "empty", desc: "", fullTitle: "A", title: "A", want: false},
		{name: "the title again", desc: "India, US sign pact", fullTitle: "India, US sign pact", title: "India, US sign pact", want: true},
		{name: "title and publisher", desc: "India, US sign pact  The Hindu", fullTitle: "India, US sign pact - The Hindu", title: "India, US sign pact", source: "The Hindu", want: true},
		{name: "title without suffix", desc: "India US sign pact", fullTitle: "India, US sign pact - The Hindu", title: "India, US sign pact", source: "The Hindu", want: true},
		{name: "edition after publisher", desc: "India US sign pact The Hindu", fullTitle: "India US sign pact - The Hindu - Chennai", title: "India US sign pact", source: "The Hindu", want: true},
		{name: "a summary", desc: "The two countries signed a defence pact on Monday.", fullTitle: "India, US sign pact", title: "India, US sign pact", want: false},
		{name: "a long summary starting with the title", desc: "India, US sign pact. " + long, fullTitle: "India, US sign pact", title: "India, US sign pact", source: "The Hindu", want: false},
		{name: "title then another publisher", desc: "India US sign pact Mint", fullTitle: "India US sign pact - The Hindu", title: "India US sign pact", source: "The Hindu", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := echoesTitle(tt.desc, tt.fullTitle, tt.title, tt.source); got != tt.want {
				t.Errorf("echoesTitle(%q, %q, %q, %q) = %v, want %v", tt.desc, tt.fullTitle, tt.title, tt.source, got, tt.want)
			}
		})
	}
}

// TestAppendWordKeyLimit checks that the bounded word key agrees with
// wordKey up to its limit and reports a longer key.
func TestAppendWordKeyLimit(t *testing.T) {
	tests := []struct {
		s     string
		limit int
		ok    bool
	}{
		{"Hello, World", -1, true},
		{"Hello, World", 11, true},
		{"Hello, World", 10, false},
		{"Ünïcode — Wörds", 100, true},
		{"", 0, true},
		{"  ...  ", 0, true},
	}
	for _, tt := range tests {
		got, ok := appendWordKey(nil, tt.s, tt.limit)
		if ok != tt.ok {
			t.Errorf("appendWordKey(%q, %d): ok = %v, want %v", tt.s, tt.limit, ok, tt.ok)
		}
		if ok && string(got) != wordKey(tt.s) {
			t.Errorf("appendWordKey(%q, %d) = %q, want %q", tt.s, tt.limit, got, wordKey(tt.s))
		}
	}
}

// BenchmarkPlainText converts a 1.5 KB HTML summary and a 6 KB article,
// the shapes of the load test's items, to text.
func BenchmarkPlainText(b *testing.B) {
	para := "<p>The announcement followed months of meetings between officials, industry groups and independent analysts. " +
		"Several companies said they would wait for detailed guidelines before committing new capital &amp; hiring.</p>\n"
	for _, n := range []int{1500, 6000} {
		s := strings.Repeat(para, n/len(para)+1)
		b.Run(fmt.Sprintf("bytes=%d", len(s)), func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			b.ReportAllocs()
			for b.Loop() {
				plainText(s)
			}
		})
	}
}
