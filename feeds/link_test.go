package feeds

import "testing"

func TestCanonicalLink(t *testing.T) {
	const base = "https://news.example.com/feeds/india.xml"
	tests := []struct {
		name string
		link string
		base string
		want string
	}{
		{"absolute kept", "https://news.example.com/a/b?id=7", base, "https://news.example.com/a/b?id=7"},
		{"relative path", "../2025/indus-x.html", base, "https://news.example.com/2025/indus-x.html"},
		{"root relative", "/story?id=1", base, "https://news.example.com/story?id=1"},
		{"protocol relative", "//cdn.example.com/x", base, "https://cdn.example.com/x"},
		{"relative without http base", "/story", "/var/feeds/a.xml", ""},
		{"lower-case scheme and host", "HTTPS://News.Example.COM/Path/Case", base, "https://news.example.com/Path/Case"},
		{"http default port dropped", "http://a.example:80/x", base, "http://a.example/x"},
		{"https default port", "https://a.example:443/", base, "https://a.example/"},
		{"other port kept", "https://a.example:8443/", base, "https://a.example:8443/"},
		{"fragment dropped", "https://a.example/x#comments", base, "https://a.example/x"},
		{"empty path", "https://a.example", base, "https://a.example/"},
		{"tracking removed, order kept", "https://a.example/x?b=2&utm_source=rss&a=1&UTM_Campaign=y&fbclid=z&gclid=g&mc_cid=1&mc_eid=2&ref_src=twsrc", base, "https://a.example/x?b=2&a=1"},
		{"only tracking", "https://a.example/x?utm_medium=feed", base, "https://a.example/x"},
		{"credentials dropped", "https://user:pw@a.example/x", base, "https://a.example/x"},
		{"javascript", "javascript:alert(1)", base, ""},
		{"javascript mixed case", " JavaScript:alert(1)", base, ""},
		{"mailto", "mailto:desk@example.com", base, ""},
		{"data", "data:text/html,<b>x</b>", base, ""},
		{"ftp", "ftp://files.example.com/a", base, ""},
		{"empty", "  ", base, ""},
		{"unparseable", "http://a b.example/%zz", base, ""},
		{"no host", "https:///path", base, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := canonicalLink(tt.link, tt.base); got != tt.want {
				t.Errorf("canonicalLink(%q) = %q, want %q", tt.link, got, tt.want)
			}
		})
	}
}
