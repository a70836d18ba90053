package matcher

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSpansOf(t *testing.T) {
	spans := []Span{
		{Field: "body", Start: 9, End: 12},
		{Field: "title", Start: 4, End: 6},
		{Field: "body", Start: 1, End: 3},
	}
	got := SpansOf(spans, "body")
	want := []Span{{Field: "body", Start: 1, End: 3}, {Field: "body", Start: 9, End: 12}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SpansOf(body) = %+v, want %+v", got, want)
	}
	if got := SpansOf(spans, "link"); got != nil {
		t.Errorf("SpansOf(link) = %+v, want none", got)
	}
}

func TestHighlight(t *testing.T) {
	sp := func(start, end int) Span { return Span{Start: start, End: end} }
	tests := []struct {
		name  string
		s     string
		spans []Span
		want  []Segment
	}{
		{"none", "plain  text", nil, []Segment{{Text: "plain text"}}},
		{"empty", "", nil, nil},
		{"middle", "a tariff cut", []Span{sp(2, 8)}, []Segment{{Text: "a "}, {Text: "tariff", Hit: true}, {Text: " cut"}}},
		{"start and end", "tariff", []Span{sp(0, 6)}, []Segment{{Text: "tariff", Hit: true}}},
		{"two hits", "tariff and jet", []Span{sp(0, 6), sp(11, 14)}, []Segment{{Text: "tariff", Hit: true}, {Text: " and "}, {Text: "jet", Hit: true}}},
		{"overlapping merge", "jet engine deal", []Span{sp(0, 10), sp(4, 15)}, []Segment{{Text: "jet engine deal", Hit: true}}},
		{"touching merge", "jetengine", []Span{sp(0, 3), sp(3, 9)}, []Segment{{Text: "jetengine", Hit: true}}},
		{"out of range is skipped", "short", []Span{sp(3, 40)}, []Segment{{Text: "short"}}},
		{"reversed is skipped", "short", []Span{sp(4, 2)}, []Segment{{Text: "short"}}},
		{"new lines become spaces", "a\n\ntariff\tb", []Span{sp(3, 9)}, []Segment{{Text: "a "}, {Text: "tariff", Hit: true}, {Text: " b"}}},
		{"a no-break space is a space", "a\u00a0tariff", []Span{sp(3, 9)}, []Segment{{Text: "a "}, {Text: "tariff", Hit: true}}},
		{"a hit across a line break", "jet\n engine", []Span{sp(0, 11)}, []Segment{{Text: "jet engine", Hit: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Highlight(tt.s, tt.spans); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Highlight = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestExcerpts(t *testing.T) {
	hit := func(exc []Segment) []string {
		var out []string
		for _, s := range exc {
			if s.Hit {
				out = append(out, s.Text)
			}
		}
		return out
	}
	at := func(body, w string) Span {
		i := strings.Index(body, w)
		return Span{Start: i, End: i + len(w)}
	}
	far := "tariff " + strings.Repeat("filler ", 30) + "engine " + strings.Repeat("filler ", 30) + "rocket"
	tests := []struct {
		name    string
		body    string
		spans   []Span
		context int
		n       int
		want    [][]string
	}{
		{"none", "no hits here", nil, 20, 3, nil},
		{"close hits share one", "a tariff and a jet engine", []Span{at("a tariff and a jet engine", "tariff"), at("a tariff and a jet engine", "engine")}, 20, 3, [][]string{{"tariff", "engine"}}},
		{"far hits apart", far, []Span{at(far, "tariff"), at(far, "engine"), at(far, "rocket")}, 20, 3, [][]string{{"tariff"}, {"engine"}, {"rocket"}}},
		{"at most n", far, []Span{at(far, "tariff"), at(far, "engine"), at(far, "rocket")}, 20, 2, [][]string{{"tariff"}, {"engine"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Excerpts(tt.body, tt.spans, tt.context, tt.n)
			var hits [][]string
			for _, exc := range got {
				hits = append(hits, hit(exc))
			}
			if !reflect.DeepEqual(hits, tt.want) {
				t.Errorf("Excerpts hits = %q, want %q", hits, tt.want)
			}
		})
	}
}

func TestExcerptsStartOnACharacter(t *testing.T) {
	// The hit is far enough in that the excerpt starts inside the
	// Devanagari words: it must start on a character, not inside one.
	body := strings.Repeat("अब ", 40) + "then the tariff, and more words after it until the end of the body"
	i := strings.Index(body, "tariff")
	got := Excerpts(body, []Span{{Start: i, End: i + 6}}, 80, 3)
	if len(got) != 1 {
		t.Fatalf("%d excerpts", len(got))
	}
	var hit string
	for _, s := range got[0] {
		if s.Hit {
			hit = s.Text
		}
	}
	if hit != "tariff" {
		t.Errorf("excerpt hit = %q", hit)
	}
	first := got[0][0].Text
	if !utf8.ValidString(first) || strings.HasPrefix(body, strings.TrimSpace(first)) {
		t.Errorf("excerpt starts %q: not a whole character, or at the start of a long body", first[:min(len(first), 12)])
	}
}
