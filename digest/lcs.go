package digest

import "sync"

// lcsTables recycles the tables of substitutions, which run for every pair
// of entries a fold guards.
var lcsTables = sync.Pool{New: func() any { return new([]int32) }}

// substitutions counts the replacements that turn a's words into b's: the
// differences, found by a longest common subsequence of the words, where
// each side brings a word that the other text lacks altogether. entity
// counts those in which both sides bring a named entity or number
// ("Agni-5" for "Agni-Prime", "Monday" for "Wednesday", "first" for
// "second"); content those in which both bring a content word ("extended"
// for "ended", "semiconductors" for "critical minerals"). Pure insertions
// and deletions (a wire prefix, a trimmed lead, an outlet's extra word) and
// words that merely moved do not count.
func substitutions(a, b []token, vocabA, vocabB wordSet) (entity, content int) {
	n, m := len(a), len(b)
	// lcs(i, j) is the length of the longest common subsequence of a[i:]
	// and b[j:], in one flat table.
	w := m + 1
	buf := lcsTables.Get().(*[]int32)
	defer lcsTables.Put(buf)
	if cap(*buf) < (n+1)*w {
		*buf = make([]int32, (n+1)*w)
	}
	table := (*buf)[:(n+1)*w]
	clear(table)
	lcs := func(i, j int) int32 { return table[i*w+j] }
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i].word == b[j].word {
				table[i*w+j] = table[(i+1)*w+j+1] + 1
			} else {
				table[i*w+j] = max(table[(i+1)*w+j], table[i*w+j+1])
			}
		}
	}
	var entA, entB, conA, conB bool // what the current difference brings
	endHunk := func() {
		if entA && entB {
			entity++
		}
		if conA && conB {
			content++
		}
		entA, entB, conA, conB = false, false, false, false
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i].word == b[j].word:
			endHunk()
			i++
			j++
		case j >= m || i < n && lcs(i+1, j) >= lcs(i, j+1):
			if t := a[i]; !vocabB.has(t.word) {
				entA = entA || t.entity
				conA = conA || !stopwords[t.word]
			}
			i++
		default:
			if t := b[j]; !vocabA.has(t.word) {
				entB = entB || t.entity
				conB = conB || !stopwords[t.word]
			}
			j++
		}
	}
	endHunk()
	return entity, content
}
