package main

import (
	"io"
	"sort"
	"strings"

	"github.com/newsbot/newsbot/matcher"
)

// highlighter marks hit terms: bold on a terminal, «guillemets» otherwise.
func highlighter(w io.Writer) func(string) string {
	if isTerminal(w) {
		return func(s string) string { return "\x1b[1;33m" + s + "\x1b[0m" }
	}
	return func(s string) string { return "«" + s + "»" }
}

func spansOf(spans []matcher.Span, field string) []matcher.Span {
	var out []matcher.Span
	for _, s := range spans {
		if s.Field == field {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// highlight marks the spans (sorted, byte offsets) in s; overlapping spans
// merge into one mark.
func highlight(s string, spans []matcher.Span, hl func(string) string) string {
	var b strings.Builder
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
		b.WriteString(s[pos:start])
		b.WriteString(hl(s[start:end]))
		pos = end
	}
	b.WriteString(s[pos:])
	return oneLine(b.String())
}

// snippets returns up to n one-line excerpts of body around the spans.
func snippets(body string, spans []matcher.Span, hl func(string) string, n int) []string {
	const context = 60
	var out []string
	for i := 0; i < len(spans) && len(out) < n; {
		from := max(0, spans[i].Start-context)
		to := min(len(body), spans[i].End+context)
		j := i
		for j+1 < len(spans) && spans[j+1].Start < to {
			j++
			to = min(len(body), max(to, spans[j].End+context))
		}
		from, to = runeStart(body, from), runeStart(body, to)
		local := make([]matcher.Span, 0, j-i+1)
		for _, s := range spans[i : j+1] {
			local = append(local, matcher.Span{Start: s.Start - from, End: s.End - from})
		}
		out = append(out, highlight(body[from:to], local, hl))
		i = j + 1
	}
	return out
}

// runeStart moves i back to the start of the UTF-8 sequence it falls in.
func runeStart(s string, i int) int {
	for i > 0 && i < len(s) && s[i]&0xC0 == 0x80 {
		i--
	}
	return i
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
