package digest

import (
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "India–US TRUST talks", "India–US TRUST talks"},
		{"ampersand", "R&D", "R&amp;D"},
		{"channel mention", "<!channel> alert", "&lt;!channel&gt; alert"},
		{"user mention", "hi <@U123>", "hi &lt;@U123&gt;"},
		{"channel link", "<#C1>", "&lt;#C1&gt;"},
		{"smuggled link", "<http://x|click>", "&lt;http://x|click&gt;"},
		{"entity stays literal", "&lt;", "&amp;lt;"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Escape(tt.in); got != tt.want {
				t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSafeLink(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"https", "https://example.com/a", "https://example.com/a", true},
		{"http upper scheme", "HTTP://example.com/", "HTTP://example.com/", true},
		{"query ampersand", "https://e.com/?a=1&b=2", "https://e.com/?a=1&amp;b=2", true},
		{"pipe encoded", "https://e.com/a|b", "https://e.com/a%7Cb", true},
		{"angles encoded", "https://e.com/<!channel>", "https://e.com/%3C!channel%3E", true},
		{"javascript", "javascript:alert(1)", "", false},
		{"javascript mixed case", "JaVaScRiPt:alert(1)", "", false},
		{"data", "data:text/html,hi", "", false},
		{"mailto", "mailto:a@b.c", "", false},
		{"relative", "/a/b", "", false},
		{"no host", "https:///a", "", false},
		{"whitespace", "https://e.com/a b", "", false},
		{"newline", "https://e.com/a\nb", "", false},
		{"userinfo", "https://google.com@evil.example/", "", false},
		{"too long", "https://e.com/" + strings.Repeat("a", maxLinkLen), "", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := safeLink(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("safeLink(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestEscapeClip(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"fits", "a<b", 10, "a&lt;b"},
		{"cut before an entity", "abc<def", 6, "abc…"},
		{"cut after an entity", "a<bcdef", 7, "a&lt;b…"},
		{"emoji counts two", "😀😀😀", 5, "😀😀…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := escapeClip(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("escapeClip(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if textLen(got) > tt.max {
				t.Errorf("escapeClip(%q, %d) is %d long", tt.in, tt.max, textLen(got))
			}
		})
	}
}

func TestClean(t *testing.T) {
	if got, want := clean(" a\x1b[31m\tb\n\nc "), "a[31m b c"; got != want {
		t.Errorf("clean = %q, want %q", got, want)
	}
}
