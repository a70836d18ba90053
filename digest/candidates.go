package digest

import "slices"

// Limits of candidate generation: up to pairwiseLimit entries every pair is
// compared; beyond, only pairs that share the same title, a title content
// word or a lead shingle, so that a digest of thousands of entries (a large
// backfill) folds in near-linear time. Among the entries sharing a word, all
// pairs are compared when they are at most maxPosting, and else each entry
// with the next only.
const (
	pairwiseLimit = 400
	maxPosting    = 64
)

// candidatePairs calls fn for each pair (i < j) of entries worth comparing,
// each pair once. Beyond pairwiseLimit entries it walks, for each entry, the
// entries after it that share a key (its title, a title content word, a lead
// shingle), remembering with one stamp per entry which it has offered
// already, so its memory is the index alone.
func candidatePairs(fs []*features, fn func(i, j int)) {
	if len(fs) <= pairwiseLimit {
		for i := range fs {
			for j := i + 1; j < len(fs); j++ {
				fn(i, j)
			}
		}
		return
	}
	words := map[string][]int{}
	shingled := map[uint64][]int{}
	for i, f := range fs {
		if f.title != "" {
			words["t\x00"+f.title] = append(words["t\x00"+f.title], i)
		}
		for _, w := range f.titleWords {
			words[w] = append(words[w], i)
		}
		for _, h := range f.lead {
			shingled[h] = append(shingled[h], i)
		}
	}
	stamp := make([]int, len(fs))
	for j := range stamp {
		stamp[j] = -1
	}
	// offer calls fn for the entries after i in list (sorted): all of them
	// when the list is short, else only the next, which chains a run of
	// copies through union-find at linear cost.
	offer := func(i int, list []int) {
		a, _ := slices.BinarySearch(list, i)
		rest := list[a+1:]
		if len(list) > maxPosting {
			rest = rest[:min(len(rest), 1)]
		}
		for _, j := range rest {
			if stamp[j] != i {
				stamp[j] = i
				fn(i, j)
			}
		}
	}
	for i, f := range fs {
		if f.title != "" {
			offer(i, words["t\x00"+f.title])
		}
		for _, w := range f.titleWords {
			offer(i, words[w])
		}
		for _, h := range f.lead {
			offer(i, shingled[h])
		}
	}
}
