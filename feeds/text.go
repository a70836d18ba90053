package feeds

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Length caps, in runes, for the text an Item carries.
const (
	maxTitleRunes   = 300
	maxSummaryRunes = 2000
)

// paragraphSep marks the end of an HTML block until foldSpace turns it into
// a newline. Raw newlines in HTML text are mere spaces.
const paragraphSep = '\u2029'

// ellipsis marks text cut short.
const ellipsis = "…"

// skippedElements hold content that is never shown as text.
var skippedElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true,
	atom.Template: true, atom.Iframe: true, atom.Object: true,
	atom.Svg: true, atom.Math: true, atom.Head: true,
}

// blockElements end a line of text.
var blockElements = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Br: true, atom.Dd: true, atom.Div: true, atom.Dl: true, atom.Dt: true,
	atom.Figcaption: true, atom.Figure: true, atom.Footer: true, atom.Form: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Header: true, atom.Hr: true, atom.Li: true, atom.Main: true, atom.Nav: true,
	atom.Ol: true, atom.P: true, atom.Pre: true, atom.Section: true, atom.Table: true,
	atom.Td: true, atom.Th: true, atom.Tr: true, atom.Ul: true,
}

// encodedTag finds markup that survived one round of decoding, the sign of
// HTML escaped twice (such as "&lt;p&gt;" inside CDATA).
var encodedTag = regexp.MustCompile(`(?i)</?(?:p|br|a|div|span|b|i|em|strong|img|ul|ol|li|h[1-6]|blockquote|table|tr|td|figure|iframe|script|style)(?:\s[^<>]*)?/?>`)

// encodedEntity finds a well-formed entity left in text after decoding.
var encodedEntity = regexp.MustCompile(`&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});`)

// titleText turns a title, which feeds send as text or HTML, into one line of
// plain text of at most maxTitleRunes runes.
func titleText(s string) string {
	return truncate(strings.ReplaceAll(plainText(s), "\n", " "), maxTitleRunes)
}

// plainText converts HTML to plain text: tags dropped, script and style
// content dropped, entities decoded, a newline after each block element,
// control characters removed and other whitespace folded to single spaces.
// Text escaped twice is decoded twice, but never more.
func plainText(s string) string {
	s = htmlText(s)
	if strings.IndexByte(s, '<') >= 0 && encodedTag.MatchString(s) {
		s = htmlText(s)
	}
	if strings.IndexByte(s, '&') >= 0 {
		s = encodedEntity.ReplaceAllStringFunc(s, html.UnescapeString)
	}
	return foldSpace(s)
}

// htmlText extracts the text of an HTML fragment, with paragraphSep at
// block boundaries and entities decoded. Whitespace is not yet folded.
func htmlText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	z := nethtml.NewTokenizer(strings.NewReader(s))
	skip := 0
	for {
		switch z.Next() {
		case nethtml.ErrorToken:
			return b.String()
		case nethtml.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case nethtml.StartTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skippedElements[a] {
				skip++
			}
			if blockElements[a] {
				b.WriteRune(paragraphSep)
			}
		case nethtml.SelfClosingTagToken:
			name, _ := z.TagName()
			if blockElements[atom.Lookup(name)] {
				b.WriteRune(paragraphSep)
			}
		case nethtml.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skippedElements[a] && skip > 0 {
				skip--
			}
			if blockElements[a] {
				b.WriteRune(paragraphSep)
			}
		}
	}
}

// foldSpace removes control and invisible format characters, folds each
// run of whitespace (NBSP and newlines included) to one space, and turns
// each run of paragraphSep into one newline; no line is empty or starts or
// ends with a space.
func foldSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace, pendingLine := false, false
	emit := func() {
		if b.Len() > 0 {
			if pendingLine {
				b.WriteByte('\n')
			} else if pendingSpace {
				b.WriteByte(' ')
			}
		}
		pendingSpace, pendingLine = false, false
	}
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			// ASCII fast path: most feed text is ASCII.
			i++
			switch {
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
				pendingSpace = true
			case c < 0x20 || c == 0x7f:
				// Dropped: C0 controls and DEL.
			default:
				// Copy the whole run of printable ASCII at once.
				j := i
				for j < len(s) && s[j] > ' ' && s[j] < 0x7f {
					j++
				}
				emit()
				b.WriteByte(c)
				b.WriteString(s[i:j])
				i = j
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == paragraphSep:
			pendingLine = true
		case unicode.IsSpace(r):
			pendingSpace = true
		case unicode.IsControl(r), r == '\u200B', r == '\uFEFF', r == '\u00AD', r == utf8.RuneError && size == 1,
			isBidiControl(r):
			// Dropped: C1 controls, zero-width space, BOM, soft hyphen,
			// invalid bytes, and bidirectional controls, which can make
			// a title read backwards wherever it is shown.
		default:
			emit()
			b.WriteRune(r)
		}
	}
	return b.String()
}

// truncate caps s at max runes, the ellipsis included. It cuts at the last
// space or newline in the second half of the allowance, else mid-word.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	cut, n := 0, 0
	for i := range s {
		if n == max-1 {
			cut = i
			break
		}
		n++
	}
	head := s[:cut]
	if i := strings.LastIndexAny(head, " \n"); i >= 0 && utf8.RuneCountInString(head[:i]) >= max/2 {
		head = head[:i]
	}
	head = strings.TrimRightFunc(head, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && r != ')' && r != '"' && r != '\''
	})
	return head + ellipsis
}

// isBidiControl reports whether r is a bidirectional formatting character:
// the embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069,
// the marks U+200E and U+200F, and the Arabic letter mark U+061C.
func isBidiControl(r rune) bool {
	return r >= '\u202A' && r <= '\u202E' || r >= '\u2066' && r <= '\u2069' ||
		r == '\u200E' || r == '\u200F' || r == '\u061C'
}

// mergeText joins an item's description and content, both plain text, into
// the text it is matched on, reading once what they repeat: when one holds
// the other (compared by words, case and punctuation ignored) only the
// longer is kept; otherwise the description's paragraphs that the content
// does not hold (a WordPress excerpt's "The post … appeared first on …")
// come before the content. The result is capped at MaxTextBytes.
func mergeText(desc, content string) string {
	switch {
	case content == "":
		return capText(desc)
	case desc == "":
		return capText(content)
	}
	// Plain containment first: both went through plainText, so a copy is
	// usually a copy byte for byte, and comparing by words costs a pass
	// over the whole content.
	if strings.Contains(content, desc) {
		return capText(content)
	}
	// Then line by line: an excerpt ending in "[…]" is usually in the
	// content byte for byte once the ellipsis is off.
	var rest []string
	for line := range strings.SplitSeq(desc, "\n") {
		if t := trimEllipsis(line); t != "" && !strings.Contains(content, t) {
			rest = append(rest, line)
		}
	}
	if len(rest) == 0 {
		return capText(content)
	}
	nd, nc := wordKey(desc), wordKey(content)
	switch {
	case strings.Contains(nc, nd):
		return capText(content)
	case strings.Contains(nd, nc):
		return capText(desc)
	}
	var b strings.Builder
	for _, line := range rest {
		if k := wordKey(trimEllipsis(line)); k != "" && !strings.Contains(nc, k) {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	b.WriteString(content)
	return capText(b.String())
}

// trimEllipsis removes the mark of an excerpt cut short ("…", "...",
// "[…]", "[&hellip;]" already decoded) from the end of s.
func trimEllipsis(s string) string {
	s = strings.TrimSpace(s)
	for _, suffix := range []string{"[…]", "[...]", "…", "..."} {
		s = strings.TrimSpace(strings.TrimSuffix(s, suffix))
	}
	return s
}

// wordKey returns s in lower case with every run of characters other than
// letters and digits folded to one space, for comparing texts by words.
func wordKey(s string) string {
	b, _ := appendWordKey(make([]byte, 0, len(s)), s, -1)
	return string(b)
}

// appendWordKey appends the word key of s (see wordKey) to b. With limit
// ≥ 0 it stops, returning false, as soon as the key would be longer than
// limit bytes, so that a long text is not folded whole only to learn that
// it differs from a short one.
func appendWordKey(b []byte, s string, limit int) ([]byte, bool) {
	start := len(b)
	space := false
	for i := 0; i < len(s); {
		if limit >= 0 && len(b)-start > limit {
			return b, false
		}
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			default:
				space = len(b) > start
				continue
			}
			if space {
				b = append(b, ' ')
				space = false
			}
			b = append(b, c)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
			space = len(b) > start
			continue
		}
		if space {
			b = append(b, ' ')
			space = false
		}
		b = utf8.AppendRune(b, unicode.ToLower(r))
	}
	return b, limit < 0 || len(b)-start <= limit
}

// capText cuts s to at most MaxTextBytes bytes, at a line or word boundary
// in the last quarter of the allowance if there is one, never inside a rune.
func capText(s string) string {
	if len(s) <= MaxTextBytes {
		return s
	}
	cut := MaxTextBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	head := s[:cut]
	if i := strings.LastIndexAny(head, " \n"); i >= MaxTextBytes*3/4 {
		head = head[:i]
	}
	return head
}

// publisherSuffix removes an aggregator's " - Publisher" suffix from title
// when the feed names that publisher: as the item's source, or, when it has
// none, at the end of the description (Google News descriptions end with
// the publisher's name). It returns the title and the publisher.
func publisherSuffix(title, source, desc string) (string, string) {
	i := strings.LastIndex(title, " - ")
	if i <= 0 {
		return title, source
	}
	head, suffix := strings.TrimSpace(title[:i]), strings.TrimSpace(title[i+3:])
	if head == "" || suffix == "" {
		return title, source
	}
	switch {
	case source != "":
		if strings.EqualFold(suffix, source) {
			return head, source
		}
	case len(desc) > len(suffix) && strings.HasSuffix(strings.ToLower(desc), " "+strings.ToLower(suffix)) &&
		!strings.HasSuffix(strings.ToLower(desc), strings.ToLower(title)):
		return head, suffix
	}
	return title, source
}

// echoesTitle reports whether a description says nothing but the item's
// title (as the feed gave it, or without the publisher's suffix), perhaps
// followed by the publisher's name.
func echoesTitle(desc, fullTitle, title, source string) bool {
	if desc == "" {
		return false
	}
	t, sk := wordKey(fullTitle), wordKey(source)
	// An echo is at most the title's key, a space and the source's: a
	// longer description (an ordinary summary) is not folded whole.
	db, short := appendWordKey(nil, desc, len(t)+1+len(sk))
	if !short {
		return false
	}
	d := string(db)
	if d == t || d == wordKey(title) {
		return true
	}
	// "Headline Publisher", where the title is "Headline - Publisher" or
	// "Headline - Publisher - Edition".
	rest, ok := strings.CutSuffix(d, " "+sk)
	return source != "" && ok && rest != "" && strings.HasPrefix(t, rest)
}
