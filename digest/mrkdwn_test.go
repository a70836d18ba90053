package digest

import (
	"reflect"
	"testing"
)

func TestParseMrkdwn(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []span
	}{
		{"plain", "just text", []span{{Text: "just text"}}},
		{"entities decoded", "R&amp;D &lt;b&gt;", []span{{Text: "R&D <b>"}}},
		{"bold link", "*<https://x.test/a?b=1&amp;c=2|Title &amp; more>*", []span{{Text: "Title & more", Href: "https://x.test/a?b=1&c=2", Bold: true}}},
		{"bare link", "<https://x.test/>", []span{{Text: "https://x.test/", Href: "https://x.test/"}}},
		{"italic and text", "see _this_ now", []span{{Text: "see "}, {Text: "this", Italic: true}, {Text: " now"}}},
		{"markers inside words stay", "snake_case_name and 2*3*4", []span{{Text: "snake_case_name and 2*3*4"}}},
		{"unclosed marker stays", "a *b", []span{{Text: "a *b"}}},
		{"line breaks", "a\nb", []span{{Text: "a"}, {Break: true}, {Text: "b"}}},
		{"non-http link is text", "<javascript:alert(1)|x>", []span{{Text: "<javascript:alert(1)|x>"}}},
		{"mention is text", "<!channel>", []span{{Text: "<!channel>"}}},
		{"strike and code", "~old~ `code`", []span{{Text: "old", Strike: true}, {Text: " "}, {Text: "code", Code: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseMrkdwn(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func FuzzParseMrkdwn(f *testing.F) {
	for _, s := range []string{"*<https://x.test|a>*", "_a_ ~b~ `c`", "<!channel>", "a\nb", "&amp;&lt;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, sp := range parseMrkdwn(s) {
			if sp.Href != "" {
				if _, ok := httpURL(sp.Href); !ok {
					t.Fatalf("span links to %q", sp.Href)
				}
			}
		}
	})
}
