package digest

import (
	"cmp"
	"slices"
)

// intersect counts the elements two sorted, unique slices share.
func intersect[T cmp.Ordered](a, b []T) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// overlap is the overlap coefficient of two sorted, unique sets: shared
// elements over the size of the smaller set.
func overlap[T cmp.Ordered](a, b []T) float64 {
	m := min(len(a), len(b))
	if m == 0 {
		return 0
	}
	return float64(intersect(a, b)) / float64(m)
}

// jaccard is the Jaccard similarity of two sorted, unique sets.
func jaccard[T cmp.Ordered](a, b []T) float64 {
	n := intersect(a, b)
	u := len(a) + len(b) - n
	if u == 0 {
		return 0
	}
	return float64(n) / float64(u)
}

// subset reports whether every key of a is in b.
func subset(a, b wordSet) bool {
	for _, k := range a {
		if !b.has(k) {
			return false
		}
	}
	return true
}

// wordSet is a sorted set of words: smaller than a map for the few dozen
// words of an entry, of which a large digest holds thousands.
type wordSet []string

// newWordSet sorts words and drops repeats, in place.
func newWordSet(words []string) wordSet {
	slices.Sort(words)
	return slices.Clip(slices.Compact(words))
}

func (s wordSet) has(w string) bool {
	_, ok := slices.BinarySearch(s, w)
	return ok
}
