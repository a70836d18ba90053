package console

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsbot/newsbot/matcher"
)

func TestHighlight(t *testing.T) {
	sp := func(start, end int) matcher.Span { return matcher.Span{Start: start, End: end} }
	tests := []struct {
		name  string
		s     string
		spans []matcher.Span
		want  []segment
	}{
		{"none", "plain  text", nil, []segment{{Text: "plain text"}}},
		{"middle", "a tariff cut", []matcher.Span{sp(2, 8)}, []segment{{Text: "a "}, {Text: "tariff", Hit: true}, {Text: " cut"}}},
		{"start and end", "tariff", []matcher.Span{sp(0, 6)}, []segment{{Text: "tariff", Hit: true}}},
		{"overlapping merge", "jet engine deal", []matcher.Span{sp(0, 10), sp(4, 15)}, []segment{{Text: "jet engine deal", Hit: true}}},
		{"out of range is skipped", "short", []matcher.Span{sp(3, 40)}, []segment{{Text: "short"}}},
		{"new lines become spaces", "a\n\ntariff\tb", []matcher.Span{sp(3, 9)}, []segment{{Text: "a "}, {Text: "tariff", Hit: true}, {Text: " b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := highlight(tt.s, tt.spans); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("highlight = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSnippets(t *testing.T) {
	// The hit is far enough in that the excerpt starts inside the
	// Devanagari words: it must start on a character, not inside one.
	body := strings.Repeat("अब ", 40) + "then the tariff, and more words after it until the end of the body"
	i := strings.Index(body, "tariff")
	got := snippets(body, []matcher.Span{{Start: i, End: i + 6}}, 3)
	if len(got) != 1 {
		t.Fatalf("%d snippets", len(got))
	}
	var hit string
	for _, s := range got[0] {
		if s.Hit {
			hit = s.Text
		}
	}
	if hit != "tariff" {
		t.Errorf("snippet hit = %q", hit)
	}
	first := got[0][0].Text
	if !utf8.ValidString(first) || strings.HasPrefix(body, strings.TrimSpace(first)) {
		t.Errorf("snippet starts %q: not a whole character, or at the start of a long body", first[:min(len(first), 12)])
	}
}
