package digest

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf16"
)

// escaper replaces the three characters that Slack's mrkdwn treats as control
// characters. Slack decodes the entities after it has parsed mentions and
// links, so escaped text arrives inert but reads the same.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// linkEscaper makes a URL safe inside <url|text>.
var linkEscaper = strings.NewReplacer("|", "%7C", "<", "%3C", ">", "%3E", "&", "&amp;")

// Escape makes feed text safe to embed in Slack mrkdwn: it replaces & with
// &amp;, < with &lt; and > with &gt;, so that "<!channel>", "<@U123>",
// "<#C1>" or "<http://x|click>" arrive as literal text instead of mentions and
// links. Callers must escape every string that came from a feed before it
// enters a mrkdwn text object or a message's fallback text.
func Escape(s string) string {
	return escaper.Replace(s)
}

// maxLinkLen caps the length of a link's URL inside mrkdwn, so that a long
// title and its link together stay within a section's 3,000 characters.
const maxLinkLen = 1000

// safeLink returns link in a form that can be embedded in mrkdwn as the URL
// of "<url|text>", and whether it may be a link at all. Only absolute http
// and https URLs with a host qualify; links with whitespace or control
// characters, user information or other schemes (javascript:, data:,
// mailto: and so on) do not. The characters that would end or split the
// link ("|", "<", ">") are percent-encoded and "&" is written as "&amp;",
// which Slack decodes back.
func safeLink(link string) (string, bool) {
	if link == "" || len(link) > maxLinkLen {
		return "", false
	}
	for _, r := range link {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar {
			return "", false
		}
	}
	u, err := url.Parse(link)
	if err != nil {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" || u.Host == "" || u.User != nil || u.Opaque != "" {
		return "", false
	}
	safe := linkEscaper.Replace(link)
	if len(safe) > maxLinkLen {
		return "", false
	}
	return safe, true
}

// textLen measures s the way Slack's limits are safest measured: in UTF-16
// code units, which is never less than the number of characters.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		n += runeLen(r)
	}
	return n
}

// ellipsis ends every clipped string.
const ellipsis = "…"

// clip shortens plain text to at most max UTF-16 code units, ending it with
// an ellipsis when it was cut. It never splits a rune.
func clip(s string, max int) string {
	if textLen(s) <= max {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		w := runeLen(r)
		if n+w > max-1 { // leave room for the ellipsis
			break
		}
		b.WriteRune(r)
		n += w
	}
	return strings.TrimRightFunc(b.String(), unicode.IsSpace) + ellipsis
}

// escapeClip escapes s and clips the result to at most max UTF-16 code
// units, never cutting an entity in half.
func escapeClip(s string, max int) string {
	if e := Escape(s); textLen(e) <= max {
		return e
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		piece := Escape(string(r))
		w := textLen(piece)
		if n+w > max-1 {
			break
		}
		b.WriteString(piece)
		n += w
	}
	return strings.TrimRightFunc(b.String(), unicode.IsSpace) + ellipsis
}

// runeLen is the number of UTF-16 code units r takes, two for invalid runes.
func runeLen(r rune) int {
	if n := utf16.RuneLen(r); n > 0 {
		return n
	}
	return 2
}

// clean removes control characters (such as terminal escape sequences) and
// folds runs of whitespace, for text that is printed rather than escaped.
func clean(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
