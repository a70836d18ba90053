package matcher

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Segment is a piece of a highlighted text: the words of a hit, or the text
// between two hits.
type Segment struct {
	Text string
	Hit  bool
}

// SpansOf returns the spans of field ("title" or "body") among spans, by
// start offset, as Highlight and Excerpts take them.
func SpansOf(spans []Span, field string) []Span {
	var out []Span
	for _, s := range spans {
		if s.Field == field {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b Span) int { return a.Start - b.Start })
	return out
}

// Highlight cuts s into segments at spans (byte offsets into s, sorted by
// start): overlapping or touching spans make one hit, spans outside s are
// skipped, and every run of white space becomes one space (a segment keeps
// a space at either end, so the segments join with spaces between them).
// Both `newsbot test` and the console's profile tester show hits this way.
func Highlight(s string, spans []Span) []Segment {
	var out []Segment
	plain := func(t string) {
		if t != "" {
			out = append(out, Segment{Text: t})
		}
	}
	pos := 0
	for i := 0; i < len(spans); i++ {
		start, end := spans[i].Start, spans[i].End
		for i+1 < len(spans) && spans[i+1].Start <= end {
			i++
			end = max(end, spans[i].End)
		}
		if start < pos || end > len(s) || start > end {
			continue
		}
		plain(oneLine(s[pos:start]))
		out = append(out, Segment{Text: oneLine(s[start:end]), Hit: true})
		pos = end
	}
	plain(oneLine(s[pos:]))
	return out
}

// Excerpts returns up to n highlighted excerpts of body around spans (as
// for Highlight), each reaching context bytes before its first hit and after
// its last; hits closer than that share an excerpt. An excerpt starts and
// ends on a character boundary.
func Excerpts(body string, spans []Span, context, n int) [][]Segment {
	var out [][]Segment
	for i := 0; i < len(spans) && len(out) < n; {
		from := max(0, spans[i].Start-context)
		to := min(len(body), spans[i].End+context)
		j := i
		for j+1 < len(spans) && spans[j+1].Start < to {
			j++
			to = min(len(body), max(to, spans[j].End+context))
		}
		from, to = runeStart(body, from), runeStart(body, to)
		local := make([]Span, 0, j-i+1)
		for _, s := range spans[i : j+1] {
			local = append(local, Span{Start: s.Start - from, End: s.End - from})
		}
		out = append(out, Highlight(body[from:to], local))
		i = j + 1
	}
	return out
}

// runeStart moves i back to the start of the UTF-8 sequence it falls in.
func runeStart(s string, i int) int {
	for i > 0 && i < len(s) && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// oneLine turns every run of white space in s into one space, keeping a
// space at either end (white space as strings.Fields sees it).
func oneLine(s string) string {
	if s == "" {
		return ""
	}
	inner := strings.Join(strings.Fields(s), " ")
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if unicode.IsSpace(first) && inner != "" {
		inner = " " + inner
	}
	if unicode.IsSpace(last) {
		inner += " "
	}
	return inner
}
