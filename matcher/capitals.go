package matcher

import (
	"unicode"
	"unicode/utf8"
)

// capsOK reports whether the words ws of text satisfy the capitals that
// closed-up dotted abbreviations need.
func capsOK(text string, ws []word, caps []capsWord) bool {
	for _, c := range caps {
		w := ws[c.i]
		if !c.ok(caseForm(text[w.start:w.end])) {
			return false
		}
	}
	return true
}

// capsWindow is how many cased words on each side of a case-dependent hit
// decide whether the text around it is written in capitals.
const capsWindow = 6

// inCapitals reports whether the words around ws[ts:te] are written in
// capitals: at least one cased word within capsWindow cased words on either
// side, and none with a lower-case letter or a letter of a script without
// case (Devanagari text with a Latin acronym is not text in capitals).
// Words without letters (numbers) are skipped, up to a bound.
func inCapitals(text string, ws []word, ts, te int32) bool {
	cased := 0
	// look counts word i if it is in capitals and reports whether it is not.
	look := func(i int32) (stop bool) {
		switch letterCase(text[ws[i].start:ws[i].end]) {
		case caseLower:
			return true
		case caseUpper:
			cased++
		}
		return false
	}
	for i, n := ts-1, 0; i >= 0 && n < 2*capsWindow && cased < capsWindow; i, n = i-1, n+1 {
		if look(i) {
			return false
		}
	}
	before := cased
	for i, n := te, 0; i < int32(len(ws)) && n < 2*capsWindow && cased-before < capsWindow; i, n = i+1, n+1 {
		if look(i) {
			return false
		}
	}
	return cased > 0
}

const (
	caseNone  = iota // no letters
	caseUpper        // capitals only
	caseLower        // a lower-case letter, or a letter without case
)

// letterCase classifies the letters of one word.
func letterCase(w string) int {
	c := caseNone
	for _, r := range w {
		switch {
		case r < utf8.RuneSelf:
			if 'a' <= r && r <= 'z' {
				return caseLower
			}
			if 'A' <= r && r <= 'Z' {
				c = caseUpper
			}
		case unicode.IsUpper(r) || unicode.IsTitle(r):
			c = caseUpper
		case unicode.IsLetter(r):
			return caseLower
		}
	}
	return c
}

// caseFormAt returns the concatenated case forms of the words ws of text.
func caseFormAt(text string, ws []word) string {
	if len(ws) == 1 {
		return caseForm(text[ws[0].start:ws[0].end])
	}
	var b []byte
	last := int32(-1)
	for _, w := range ws {
		if w.start != last {
			b = append(b, caseForm(text[w.start:w.end])...)
			last = w.start
		}
	}
	return string(b)
}
