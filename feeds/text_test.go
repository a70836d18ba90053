package feeds

import (
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
