package matcher

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Normalize returns the words the matcher sees in s, joined by single spaces.
//
// A word is a run of Unicode letters, digits and combining marks (so a
// Devanagari vowel sign or virama continues a word). Everything else —
// punctuation, hyphens and dashes of every kind, straight and curly quotes,
// NBSP and other spaces — separates words, except "&", which is the word
// "and". Each word is NFKC-normalised and Unicode case-folded; zero-width
// joiners and the Devanagari nukta are dropped, so "फ़" and "फ" are the same
// letter. Normalize is idempotent.
func Normalize(s string) string {
	var sc scanner
	var b strings.Builder
	sc.words(s, func(_, _ int, w []byte) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.Write(w)
	})
	return b.String()
}

// asciiWord reports, per ASCII byte, whether it is part of a word.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	return t
}()

const (
	zwnj  = '\u200c'
	zwj   = '\u200d'
	nukta = '\u093c'
)

// isWordRune reports whether r belongs to a word: a letter, a digit or other
// number, a combining mark, or a zero-width (non-)joiner.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) || r == zwj || r == zwnj
}

// isJoiner reports whether r, standing alone between two words of a term,
// makes them one compound that may also be written closed up or spaced:
// hyphens, dashes, the minus sign, dots and slashes.
func isJoiner(r rune) bool {
	return r == '.' || r == '/' || r == '\u2212' || unicode.Is(unicode.Pd, r)
}

// folders holds case folders; a cases.Caser must not be shared between
// goroutines.
var folders = sync.Pool{New: func() any { c := cases.Fold(); return &c }}

// scanner splits text into normalised words. Its buffer is reused between
// words, so a scanner must not be shared between goroutines.
type scanner struct {
	buf []byte
}

// words calls emit for every word of s, in order, with the word's byte span
// in s and its normal form. The normal form is valid only during the call.
// A character whose compatibility decomposition holds several words (such as
// "½") yields several words with the same span.
func (sc *scanner) words(s string, emit func(start, end int, w []byte)) {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == '&' {
				emit(i, i+1, []byte("and"))
				i++
				continue
			}
			if !asciiWord[c] {
				i++
				continue
			}
			j := i + 1
			for j < len(s) && s[j] < utf8.RuneSelf && asciiWord[s[j]] {
				j++
			}
			if j == len(s) || s[j] < utf8.RuneSelf {
				sc.buf = sc.buf[:0]
				for k := i; k < j; k++ {
					b := s[k]
					if 'A' <= b && b <= 'Z' {
						b += 'a' - 'A'
					}
					sc.buf = append(sc.buf, b)
				}
				emit(i, j, sc.buf)
				i = j
				continue
			}
		} else if r, size := utf8.DecodeRuneInString(s[i:]); !isWordRune(r) {
			i += size
			continue
		}
		// A word with non-ASCII runes: find its end, then normalise slowly.
		j := i
		for j < len(s) {
			if s[j] < utf8.RuneSelf {
				if !asciiWord[s[j]] {
					break
				}
				j++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[j:])
			if !isWordRune(r) {
				break
			}
			j += size
		}
		sc.emitFolded(s[i:j], i, j, emit)
		i = j
	}
}

// emitFolded normalises the word w, found at [start, end), and emits the one
// or more words it becomes.
func (sc *scanner) emitFolded(w string, start, end int, emit func(start, end int, w []byte)) {
	f := foldWord(w)
	for len(f) > 0 {
		// Skip separators the normalisation introduced.
		r, size := utf8.DecodeRuneInString(f)
		if !isWordRune(r) {
			f = f[size:]
			continue
		}
		k := 0
		for k < len(f) {
			r, size := utf8.DecodeRuneInString(f[k:])
			if !isWordRune(r) {
				break
			}
			k += size
		}
		sc.buf = append(sc.buf[:0], f[:k]...)
		emit(start, end, sc.buf)
		f = f[k:]
	}
}

// foldWord returns the normal form of one word: NFKC, case-folded, without
// zero-width joiners or nukta, repeated until it no longer changes.
func foldWord(w string) string {
	c := folders.Get().(*cases.Caser)
	defer folders.Put(c)
	for range 4 {
		t := stripInvisible(c.String(norm.NFKC.String(w)))
		t = norm.NFKC.String(t)
		if t == w {
			break
		}
		w = t
	}
	return w
}

// caseForm returns the form of one word that case-sensitive terms compare:
// NFKC without zero-width joiners or nukta, but not case-folded.
func caseForm(w string) string {
	for k := 0; k < len(w); k++ {
		if w[k] >= utf8.RuneSelf {
			return norm.NFKC.String(stripInvisible(norm.NFKC.String(w)))
		}
	}
	return w
}

// stripInvisible removes zero-width joiners and the Devanagari nukta.
func stripInvisible(s string) string {
	if !strings.ContainsRune(s, zwj) && !strings.ContainsRune(s, zwnj) && !strings.ContainsRune(s, nukta) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == zwj || r == zwnj || r == nukta {
			return -1
		}
		return r
	}, s)
}
