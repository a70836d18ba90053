package digest

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// agencies are the wire services whose names outlets add to copy; they are
// dropped before comparing.
var agencies = map[string]bool{
	"pti": true, "ani": true, "ians": true, "uni": true, "reuters": true, "afp": true, "ap": true,
}

// stopwords are words too common to tell stories apart.
var stopwords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "of": true, "to": true, "in": true,
	"on": true, "for": true, "with": true, "at": true, "by": true, "from": true, "as": true, "is": true,
	"are": true, "was": true, "were": true, "be": true, "been": true, "its": true, "it": true, "this": true,
	"that": true, "after": true, "over": true, "into": true, "amid": true, "says": true, "said": true,
	"say": true, "report": true, "reports": true, "news": true, "s": true, "will": true, "has": true,
	"have": true, "new": true, "more": true, "up": true, "out": true, "about": true,
}

// datelineRE matches a wire dateline at the start of a lead, such as
// "NEW DELHI (Reuters) -", "New Delhi, Mar 2 (PTI):", "New Delhi [India],
// March 1 (ANI):" or "WASHINGTON —".
var datelineRE = regexp.MustCompile(`^\s*(?:[A-Z][\p{L}.' ]{1,40}?(?:\s*\[[\p{L} ]{1,30}\])?(?:,\s*[\p{L}]{3,9}\.?\s*\d{1,2})?\s*\((?:PTI|ANI|IANS|UNI|Reuters|AFP|AP)\)|[A-Z][A-Z.' ]{2,40})\s*[:\-–—]+\s*`)

// stripDateline removes a wire dateline from the start of a lead.
func stripDateline(s string) string {
	return datelineRE.ReplaceAllString(s, "")
}

// stripOutlet removes a trailing " - Outlet" or " | Outlet" from a title
// when it names the entry's feed or a wire service.
func stripOutlet(title, feed string) string {
	for _, sep := range []string{" | ", " - ", " – ", " — "} {
		i := strings.LastIndex(title, sep)
		if i < 0 {
			continue
		}
		tail := strings.ToLower(strings.TrimSpace(title[i+len(sep):]))
		if tail != "" && (tail == strings.ToLower(strings.TrimSpace(feed)) || agencies[tail]) {
			return title[:i]
		}
	}
	return title
}

// tokens splits text into lowercase words, dropping wire-service names and
// possessive endings. A word is an entity when it has a digit, is an
// acronym, or is capitalised inside a sentence; in a title written in title
// case, capitals mean nothing and only digits and acronyms count.
func tokens(text string, title bool) []token {
	type word struct {
		s          string
		sentStart  bool
		upperFirst bool
		allUpper   bool
	}
	var words []word
	start := true
	var cur []rune
	flush := func() {
		if len(cur) == 0 {
			return
		}
		s := string(cur)
		upper, lower := 0, 0
		for _, r := range cur {
			if unicode.IsUpper(r) {
				upper++
			} else if unicode.IsLower(r) {
				lower++
			}
		}
		words = append(words, word{
			s:          strings.ToLower(s),
			sentStart:  start,
			upperFirst: unicode.IsUpper(cur[0]),
			allUpper:   upper >= 2 && upper > lower,
		})
		cur = cur[:0]
		start = false
	}
	for _, r := range spelling.Replace(text) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			cur = append(cur, r)
			continue
		}
		flush()
		switch r {
		case '.', '!', '?', ':', '"', '“', '‘':
			start = true
		}
	}
	flush()

	titleCase := false
	if title {
		caps, n := 0, 0
		for _, w := range words {
			if stopwords[w.s] || hasDigit(w.s) {
				continue
			}
			n++
			if w.upperFirst {
				caps++
			}
		}
		titleCase = n >= 3 && caps*10 >= n*7
	}
	out := make([]token, 0, len(words))
	for _, w := range words {
		if agencies[w.s] {
			continue
		}
		entity := isNumber(w.s) || w.allUpper && len(w.s) >= 2
		if !entity && w.upperFirst && !w.sentStart && !titleCase && !stopwords[w.s] {
			entity = true
		}
		out = append(out, token{w.s, entity})
	}
	return out
}

// contentWords returns the sorted, unique words of toks that are not
// stopwords.
func contentWords(toks []token) []string {
	var out []string
	for _, t := range toks {
		if !stopwords[t.word] {
			out = append(out, t.word)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// numberWords are the words that count as numbers: ordinals and small
// cardinals ("first" and "second" tranche, "third" and "fourth" engine).
var numberWords = map[string]bool{
	"two": true, "three": true, "four": true, "five": true, "six": true, "seven": true, "eight": true,
	"nine": true, "ten": true, "eleven": true, "twelve": true, "first": true, "second": true, "third": true,
	"fourth": true, "fifth": true, "sixth": true, "seventh": true, "eighth": true, "ninth": true, "tenth": true,
}

// isNumber reports whether a word is a number: it has a digit or is a
// number word.
func isNumber(s string) bool {
	return numberWords[s] || hasDigit(s)
}

// spelling evens out the variants that outlets' copy editing introduces, so
// that they compare equal: possessives, "U.S." and "United States",
// "per cent" and "%", British and American spellings.
var spelling = strings.NewReplacer(
	"’s", "", "'s", "",
	"U.S.", "US", "U.S", "US", "United States", "US", "U.K.", "UK",
	" per cent", " percent", "%", " percent",
	"defense", "defence", "Defense", "Defence", "organization", "organisation", "Organization", "Organisation",
	"programme", "program", "Programme", "Program",
)

// digitRuns returns the runs of digits in a word: "23rd" has "23", "FY25"
// has "25", "M982A1" has "982" and "1".
func digitRuns(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsDigit(r) })
}

// hasDigit reports whether s contains a decimal digit.
func hasDigit(s string) bool {
	return strings.IndexFunc(s, unicode.IsDigit) >= 0
}

// normTitle lowercases a title and keeps only its words, so that titles that
// differ in case, punctuation or spacing compare equal. Titles of fewer than
// three words return "" and never fold.
func normTitle(title string) string {
	words := strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) < 3 {
		return ""
	}
	return strings.Join(words, " ")
}
