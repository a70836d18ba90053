package digest

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// span is a run of mrkdwn text with one style, as the HTML preview shows it.
// Text is plain text (Slack's entities decoded); html/template escapes it.
type span struct {
	Text   string
	Href   string // a link's http(s) URL; empty for text
	Bold   bool
	Italic bool
	Strike bool
	Code   bool
	Break  bool // a line break; the other fields are empty
}

// Class returns the CSS classes of the span's style.
func (s span) Class() string {
	var cs []string
	for _, c := range []struct {
		on   bool
		name string
	}{{s.Bold, "b"}, {s.Italic, "i"}, {s.Strike, "s"}, {s.Code, "code"}} {
		if c.on {
			cs = append(cs, c.name)
		}
	}
	return strings.Join(cs, " ")
}

// unescaper decodes the three entities of Slack's mrkdwn.
var unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// parseMrkdwn splits Slack mrkdwn into styled spans the way Slack displays
// it, for the subset Render produces: *bold*, _italic_, ~strike~, `code`,
// <url|text> and <url> links, line breaks and the entities &amp; &lt; &gt;.
// Style markers open only at the start of a word and close only at its end,
// as in Slack, so "snake_case" stays as it is. Links other than http(s),
// mentions and other <…> sequences are shown as literal text; Render never
// produces them.
func parseMrkdwn(s string) []span {
	var (
		out  []span
		cur  span
		text strings.Builder
	)
	flush := func() {
		if text.Len() > 0 {
			sp := cur
			sp.Text = unescaper.Replace(text.String())
			out = append(out, sp)
			text.Reset()
		}
	}
	prev := rune(-1) // the previous rune; -1 at the start
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '\n':
			flush()
			out = append(out, span{Break: true})
			i, prev = i+w, -1
			continue
		case '<':
			if end := strings.IndexByte(s[i:], '>'); end > 0 {
				target, label, _ := strings.Cut(s[i+1:i+end], "|")
				if href, ok := httpURL(unescaper.Replace(target)); ok {
					flush()
					if label == "" {
						label = target
					}
					sp := cur
					sp.Href, sp.Text = href, unescaper.Replace(label)
					out = append(out, sp)
					i, prev = i+end+1, '>'
					continue
				}
			}
		case '*', '_', '~', '`':
			on := map[rune]*bool{'*': &cur.Bold, '_': &cur.Italic, '~': &cur.Strike, '`': &cur.Code}[r]
			next, _ := utf8.DecodeRuneInString(s[i+w:])
			atEnd := i+w >= len(s)
			opening := !*on && wordEdge(prev) && !atEnd && !unicode.IsSpace(next) && strings.ContainsRune(s[i+w:], r)
			closing := *on && prev != -1 && !unicode.IsSpace(prev) && (atEnd || wordEdge(next))
			if opening || closing {
				flush()
				*on = !*on
				i, prev = i+w, r
				continue
			}
		}
		text.WriteRune(r)
		i, prev = i+w, r
	}
	flush()
	return out
}

// wordEdge reports whether r (-1 for none) ends or starts a word.
func wordEdge(r rune) bool {
	return r == -1 || unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
}

// httpURL returns link when it is an absolute http(s) URL with a host.
func httpURL(link string) (string, bool) {
	u, err := url.Parse(link)
	if err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" {
		return "", false
	}
	return link, true
}
