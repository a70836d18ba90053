package digest

import "testing"

func TestLinkKey(t *testing.T) {
	tests := []struct{ name, a, b string }{
		{"tracking parameters", "https://x.test/a?utm_source=rss&id=2", "https://x.test/a?id=2&fbclid=1"},
		{"scheme, www and trailing slash", "http://www.x.test/a/", "https://x.test/a"},
		{"fragment and default port", "https://x.test:443/a#comments", "https://x.test/a"},
		{"parameter order", "https://x.test/a?b=2&a=1", "https://x.test/a?a=1&b=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if a, b := linkKey(tt.a), linkKey(tt.b); a != b {
				t.Errorf("%q and %q differ", a, b)
			}
		})
	}
	for _, l := range []string{"", "javascript:alert(1)", "not a link"} {
		if got := linkKey(l); got != l {
			t.Errorf("linkKey(%q) = %q, want it unchanged", l, got)
		}
	}
	if linkKey("https://x.test/a?id=1") == linkKey("https://x.test/a?id=2") {
		t.Error("different ids compare equal")
	}
}
