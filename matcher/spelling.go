package matcher

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxJoins bounds the spellings of a compound: with more joinable places
// than this, only the fully spaced and fully closed-up forms are generated.
const maxJoins = 3

// spelling is one word sequence that counts as a term. caps lists the words
// that were closed up from a dotted abbreviation ("us" from "U.S."): each
// must appear in the text in capitals.
type spelling struct {
	words []string
	caps  []capsWord
}

// capsWord requires word i of a spelling to appear, in case form, as
// written (when the term has capitals there, as in "PhD" from "Ph.D.") or in
// capitals only ("US" from "U.S." or "u.s.").
type capsWord struct {
	i               int32
	written, capped string
}

// ok reports whether the case form cf of a text word satisfies c.
func (c capsWord) ok(cf string) bool { return cf == c.written || cf == c.capped }

// spellings returns the word sequences that count as the term t: its words;
// with every hyphen, dash, dot or slash between two words either a word break
// or nothing ("INDUS-X" is "indus x" and "indusx"); and, unless the term is
// case-sensitive or exact, the singular and plural of its last word.
//
// Dots are special in two ways. A run of single dots between words is a
// dotted abbreviation ("U.S.", "S.T.E.M."): it is either spelled out or
// closed up as a whole ("u s" or "us", never "us a" for "U.S.A."), and the
// closed-up word must be in capitals in the text, because closed up it is
// often an ordinary word ("us", "un", "stem"). A dot between two runs of
// digits is a decimal point: "1.5" is never "15".
func spellings(t Term) []spelling {
	type word struct {
		start, end int
		w          string
	}
	var words []word
	var sc scanner
	sc.words(t.Text, func(start, end int, w []byte) {
		words = append(words, word{start, end, string(w)})
	})
	if len(words) == 0 {
		return nil
	}
	// unit[i] is the joinable unit the gap between words i and i+1 belongs
	// to, or -1; dotted[u] says whether unit u is a dotted abbreviation.
	unit := make([]int, len(words))
	var dotted []bool
	for i := 0; i+1 < len(words); i++ {
		unit[i] = -1
		if words[i].end > words[i+1].start {
			continue // two words of one character, such as "½"
		}
		gap := t.Text[words[i].end:words[i+1].start]
		if gap == "" || strings.IndexFunc(gap, func(r rune) bool { return !isJoiner(r) }) >= 0 {
			continue
		}
		if gap == "." && isDigits(words[i].w) && isDigits(words[i+1].w) {
			continue // a decimal point
		}
		if gap == "." && i > 0 && unit[i-1] >= 0 && dotted[unit[i-1]] {
			unit[i] = unit[i-1]
			continue
		}
		unit[i] = len(dotted)
		dotted = append(dotted, gap == ".")
	}
	var masks []int
	if len(dotted) <= maxJoins {
		for m := 0; m < 1<<len(dotted); m++ {
			masks = append(masks, m)
		}
	} else {
		masks = []int{0, 1<<len(dotted) - 1}
	}
	var out []spelling // a handful: at most 2 << maxJoins
	add := func(s spelling) {
		for _, o := range out {
			if slices.Equal(o.words, s.words) {
				return
			}
		}
		out = append(out, s)
	}
	for _, m := range masks {
		var s spelling
		var written []string // per word of s: its case form as written
		var abbrev []bool    // per word of s: closed up from a dotted abbreviation
		for i, w := range words {
			cf := caseForm(t.Text[w.start:w.end])
			if i > 0 && unit[i-1] >= 0 && m&(1<<unit[i-1]) != 0 {
				k := len(s.words) - 1
				s.words[k] += w.w
				written[k] += cf
				abbrev[k] = abbrev[k] || dotted[unit[i-1]]
				continue
			}
			s.words = append(s.words, w.w)
			written = append(written, cf)
			abbrev = append(abbrev, false)
		}
		for k, a := range abbrev {
			if !a {
				continue
			}
			c := capsWord{i: int32(k), written: written[k], capped: strings.ToUpper(written[k])}
			if !hasUpper(c.written) {
				c.written = c.capped
			}
			s.caps = append(s.caps, c)
		}
		add(s)
		last := len(s.words) - 1
		if t.Case || t.Exact || abbrev[last] {
			continue
		}
		for _, f := range inflections(s.words[last]) {
			iv := append(slices.Clone(s.words[:last]), f)
			add(spelling{words: iv, caps: s.caps})
		}
	}
	return out
}

func isDigits(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return w != ""
}

func hasUpper(s string) bool {
	return strings.IndexFunc(s, unicode.IsUpper) >= 0
}

// inflections returns the other number of a folded word: English plurals
// and singulars of regular nouns (tariff/tariffs, duty/duties, tax/taxes)
// and the Hindi oblique plural in -ों (टैरिफ/टैरिफों).
func inflections(w string) []string {
	if isLowerASCII(w) {
		if len(w) < 3 {
			return nil
		}
		n := len(w)
		switch {
		case strings.HasSuffix(w, "ies") && n > 4:
			return []string{w[:n-3] + "y"}
		case strings.HasSuffix(w, "ss"):
			return []string{w + "es"}
		case strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
			return nil
		case strings.HasSuffix(w, "es") && sibilant(w[:n-2]):
			return []string{w[:n-2], w[:n-1]}
		case strings.HasSuffix(w, "s"):
			return []string{w[:n-1]}
		case strings.HasSuffix(w, "y") && !strings.ContainsAny(w[n-2:n-1], "aeiou"):
			return []string{w[:n-1] + "ies"}
		case sibilant(w):
			return []string{w + "es"}
		}
		return []string{w + "s"}
	}
	const obliquePlural = "\u094b\u0902" // ों
	if base, ok := strings.CutSuffix(w, obliquePlural); ok && base != "" {
		return []string{base}
	}
	if r, _ := utf8.DecodeLastRuneInString(w); (r >= '\u0915' && r <= '\u0939') || (r >= '\u0958' && r <= '\u095f') {
		return []string{w + obliquePlural}
	}
	return nil
}

func sibilant(w string) bool {
	return strings.HasSuffix(w, "s") || strings.HasSuffix(w, "x") || strings.HasSuffix(w, "z") ||
		strings.HasSuffix(w, "ch") || strings.HasSuffix(w, "sh")
}

func isLowerASCII(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return w != ""
}
