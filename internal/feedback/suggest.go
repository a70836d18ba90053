package feedback

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Entry is a delivered entry as the report sees it: its text and the profile
// terms that matched it.
type Entry struct {
	ItemID  string   `json:"item_id"`
	Title   string   `json:"title"`
	Link    string   `json:"link,omitempty"`
	Summary string   `json:"-"`
	Matched []string `json:"matched"`
}

// The kinds of suggested edit.
const (
	// KindNone adds the term to the profile's none: list: an entry where it
	// hits is vetoed.
	KindNone = "none"
	// KindIgnore adds the phrase to the profile's ignore: list: the
	// profile's terms inside it stop counting.
	KindIgnore = "ignore"
	// KindNear makes the rules triggered by Trigger require Term nearby.
	KindNear = "near"
)

// Suggestion is a proposed profile edit, with what it would have removed
// from the entries the report looked at. newsbot never applies it: an
// operator checks it with `newsbot test --profiles edited.yaml --diff live`.
type Suggestion struct {
	// Kind is KindNone, KindIgnore or KindNear.
	Kind string `json:"kind"`
	// Term is the word or phrase to add.
	Term string `json:"term"`
	// Trigger is the profile term the edit concerns (ignore and near).
	Trigger string `json:"trigger,omitempty"`
	// Flagged and Kept count the flagged and the kept entries the edit
	// would remove.
	Flagged int `json:"flagged"`
	Kept    int `json:"kept"`
	// Edit is the edit as YAML to paste into the profile.
	Edit string `json:"edit"`
}

// Thresholds of Suggest.
const (
	// minFlagged is the least number of flagged entries a suggestion must
	// remove: one entry is an anecdote.
	minFlagged = 2
	// maxSuggestions caps the suggestions per profile.
	maxSuggestions = 10
	// nearWithin is the distance a near: suggestion proposes.
	nearWithin = 20
	// minContextShare is the least share of kept entries with a trigger
	// that must have a word for it to be proposed as the trigger's near:.
	minContextShare = 0.6
)

// Suggest proposes edits of a profile from its flagged entries (marked not
// relevant by readers) and its kept ones (delivered and not flagged):
//
//   - none: a word or two-word phrase, not a word of a matched term, that
//     occurs in at least two flagged entries and, in proportion, at most a
//     third as often in kept ones;
//   - ignore: a two-word phrase around a matched term that holds every term
//     matched in at least two flagged entries and, so, would stop them
//     matching, and fewer kept ones;
//   - near: a word that most kept entries matched by a term have and most
//     flagged ones matched by it lack, as context the term must hit near.
//
// Each suggestion removes more flagged entries than kept ones; they are
// ranked by flagged minus kept removed, best first, at most ten.
func Suggest(flagged, kept []Entry) []Suggestion {
	if len(flagged) == 0 {
		return nil
	}
	fDocs := docs(flagged)
	kDocs := docs(kept)
	termWords := map[string]bool{}
	for _, e := range flagged {
		for _, t := range e.Matched {
			for _, w := range words(t) {
				termWords[w] = true
			}
		}
	}

	var out []Suggestion
	add := func(s Suggestion) {
		if s.Flagged >= minFlagged && s.Flagged > s.Kept {
			out = append(out, s)
		}
	}

	// none: candidates from the flagged entries' words and phrases.
	fCount := countTokens(fDocs)
	kCount := countTokens(kDocs)
	for tok, f := range fCount {
		if f < minFlagged || containsTermWord(tok, termWords) {
			continue
		}
		k := kCount[tok]
		if len(kDocs) > 0 && float64(k)/float64(len(kDocs)) > float64(f)/float64(len(fDocs))/3 {
			continue
		}
		add(Suggestion{Kind: KindNone, Term: tok, Flagged: f, Kept: k, Edit: fmt.Sprintf("none: [%s]", yamlString(tok))})
	}

	// ignore: phrases that hold every matched term of an entry.
	for tok := range fCount {
		if !strings.Contains(tok, " ") || !containsTermWord(tok, termWords) {
			continue
		}
		f := countWhere(fDocs, func(d doc) bool { return d.has[tok] && d.termsWithin(tok) })
		k := countWhere(kDocs, func(d doc) bool { return d.has[tok] && d.termsWithin(tok) })
		add(Suggestion{Kind: KindIgnore, Term: tok, Flagged: f, Kept: k, Edit: fmt.Sprintf("ignore: [%s]", yamlString(tok))})
	}

	// near: context that the kept entries of a trigger have and the flagged
	// ones lack.
	triggers := map[string]bool{}
	for _, d := range fDocs {
		for _, t := range d.terms {
			triggers[t] = true
		}
	}
	for trig := range triggers {
		fT := filter(fDocs, func(d doc) bool { return slices.Contains(d.terms, trig) })
		kT := filter(kDocs, func(d doc) bool { return slices.Contains(d.terms, trig) })
		if len(fT) < minFlagged || len(kT) == 0 {
			continue
		}
		trigWords := words(trig)
		best, bestScore := "", 0.0
		for w, k := range countTokens(kT) {
			if strings.Contains(w, " ") || slices.Contains(trigWords, w) {
				continue
			}
			kShare := float64(k) / float64(len(kT))
			fShare := float64(countWhere(fT, func(d doc) bool { return d.has[w] })) / float64(len(fT))
			if score := kShare - fShare; kShare >= minContextShare && (score > bestScore || score == bestScore && w < best) {
				best, bestScore = w, score
			}
		}
		if best == "" {
			continue
		}
		f := countWhere(fT, func(d doc) bool { return !d.has[best] })
		k := countWhere(kT, func(d doc) bool { return !d.has[best] })
		add(Suggestion{Kind: KindNear, Term: best, Trigger: trig, Flagged: f, Kept: k,
			Edit: fmt.Sprintf("near: [%s]  # in the rules triggered by %s\nwithin: %d", yamlString(best), yamlString(trig), nearWithin)})
	}

	slices.SortFunc(out, func(a, b Suggestion) int {
		return cmp.Or(
			cmp.Compare(b.Flagged-b.Kept, a.Flagged-a.Kept),
			cmp.Compare(b.Flagged, a.Flagged),
			cmp.Compare(len(a.Term), len(b.Term)), // the shorter of equals: a word before its phrases
			strings.Compare(a.Kind, b.Kind),
			strings.Compare(a.Term, b.Term),
		)
	})
	out = dropRedundant(out)
	if len(out) > maxSuggestions {
		out = out[:maxSuggestions]
	}
	return out
}

// dropRedundant drops a none: phrase when a none: word inside it removes as
// many flagged entries and no more kept ones: the word says it shorter.
func dropRedundant(ss []Suggestion) []Suggestion {
	var out []Suggestion
	for _, s := range ss {
		redundant := false
		if s.Kind == KindNone && strings.Contains(s.Term, " ") {
			for _, o := range ss {
				if o.Kind == KindNone && !strings.Contains(o.Term, " ") && slices.Contains(strings.Fields(s.Term), o.Term) &&
					o.Flagged >= s.Flagged && o.Kept <= s.Kept {
					redundant = true
					break
				}
			}
		}
		if !redundant {
			out = append(out, s)
		}
	}
	return out
}

// doc is an entry's words and two-word phrases, and its matched terms.
type doc struct {
	has   map[string]bool
	terms []string // lower-case
}

// termsWithin reports whether every matched term of d is made of words of
// phrase.
func (d doc) termsWithin(phrase string) bool {
	pw := strings.Fields(phrase)
	for _, t := range d.terms {
		for _, w := range words(t) {
			if !slices.Contains(pw, w) {
				return false
			}
		}
	}
	return len(d.terms) > 0
}

func docs(es []Entry) []doc {
	out := make([]doc, 0, len(es))
	for _, e := range es {
		d := doc{has: map[string]bool{}}
		for _, field := range []string{e.Title, e.Summary} {
			ws := words(field)
			for i, w := range ws {
				if stop[w] {
					continue
				}
				d.has[w] = true
				if i+1 < len(ws) && !stop[ws[i+1]] {
					d.has[w+" "+ws[i+1]] = true
				}
			}
		}
		for _, t := range e.Matched {
			d.terms = append(d.terms, strings.Join(words(t), " "))
		}
		out = append(out, d)
	}
	return out
}

func countTokens(ds []doc) map[string]int {
	n := map[string]int{}
	for _, d := range ds {
		for t := range d.has {
			n[t]++
		}
	}
	return n
}

func countWhere(ds []doc, f func(doc) bool) int {
	n := 0
	for _, d := range ds {
		if f(d) {
			n++
		}
	}
	return n
}

func filter(ds []doc, f func(doc) bool) []doc {
	var out []doc
	for _, d := range ds {
		if f(d) {
			out = append(out, d)
		}
	}
	return out
}

// containsTermWord reports whether a word of tok is in termWords.
func containsTermWord(tok string, termWords map[string]bool) bool {
	for _, w := range strings.Fields(tok) {
		if termWords[w] {
			return true
		}
	}
	return false
}

// words splits s into lower-case words: runs of letters, digits and marks,
// close to the matcher's words (matcher.Normalize) but without its Unicode
// folding or its "&" as "and"; words of one or two ASCII letters are left
// out.
func words(s string) []string {
	fields := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
	out := fields[:0]
	for _, f := range fields {
		if len(f) <= 2 && f[0] < 0x80 {
			continue
		}
		out = append(out, f)
	}
	return out
}

// yamlString quotes s for YAML when it needs it.
func yamlString(s string) string {
	if strings.ContainsAny(s, ":#[]{},&*!|>'\"%@`") {
		return fmt.Sprintf("%q", s)
	}
	return s
}

// stop lists common English words that never make a suggestion.
var stop = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the and for are but not you all any can had her was one our out day get has him his how man new now old see two way who boy did its let put say she too use
		that with have this will your from they know want been good much some time very when come here just like long make many over such take than them well were what
		said says also into more most other their there these those which while would could should about after again against because before being between both during each few
		further once only same then through under until upon where whether why yet its it's amid over news report reports reported according year years week today yesterday`) {
		stop[w] = true
	}
}
