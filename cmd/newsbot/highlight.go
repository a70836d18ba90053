package main

import (
	"io"
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

// highlight joins the segments of s at spans (see matcher.Highlight) on one
// line, the hits marked with hl.
func highlight(s string, spans []matcher.Span, hl func(string) string) string {
	return render(matcher.Highlight(s, spans), hl)
}

// snippets returns up to n one-line excerpts of body around the spans.
func snippets(body string, spans []matcher.Span, hl func(string) string, n int) []string {
	const context = 60
	var out []string
	for _, exc := range matcher.Excerpts(body, spans, context, n) {
		out = append(out, render(exc, hl))
	}
	return out
}

// render joins segments, marking the hits with hl.
func render(segs []matcher.Segment, hl func(string) string) string {
	var b strings.Builder
	for _, s := range segs {
		if s.Hit {
			b.WriteString(hl(s.Text))
		} else {
			b.WriteString(s.Text)
		}
	}
	return strings.TrimSpace(b.String())
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
