package matcher

import (
	"cmp"
	"slices"
)

// automaton is an Aho–Corasick automaton over sequences of word ids rather
// than bytes: a pattern is a sequence of words, so every match starts and
// ends on a word boundary by construction, and one pass over an item's words
// finds every pattern of every profile.
type automaton struct {
	root    []int32 // transitions from the root, indexed by word id; 0 = stay at the root
	edgeOff []int32 // state s's edges are edges[edgeOff[s]:edgeOff[s+1]], sorted by word
	edges   []edge
	fail    []int32
	outOff  []int32 // the patterns ending exactly at state s are outs[outOff[s]:outOff[s+1]]
	outs    []int32
	// outLink is the nearest state on s's fail chain (not s) where a
	// pattern ends, or 0: the patterns ending at s are its own, then its
	// outLink's own, and so on. Chaining instead of copying keeps the
	// automaton linear in the patterns' total length.
	outLink []int32
	patLen  []int32 // length in words of each pattern
}

type edge struct {
	word, next int32
}

// buildAutomaton builds the automaton for patterns, each a sequence of word
// ids below vocab. Pattern i is reported as i. Time and memory are linear in
// the patterns' total length (and a sort of the trie's edges).
func buildAutomaton(patterns [][]int32, vocab int) *automaton {
	type trieEdge struct{ from, word, to int32 }
	type ending struct{ state, pat int32 }
	a := &automaton{patLen: make([]int32, len(patterns)), root: make([]int32, vocab)}
	// The trie: one map for every edge, keyed by (state, word).
	trie := map[uint64]int32{}
	var tedges []trieEdge
	var ends []ending
	n := int32(1)
	for p, pat := range patterns {
		a.patLen[p] = int32(len(pat))
		s := int32(0)
		for _, w := range pat {
			k := uint64(uint32(s))<<32 | uint64(uint32(w))
			c, ok := trie[k]
			if !ok {
				c = n
				n++
				trie[k] = c
				tedges = append(tedges, trieEdge{s, w, c})
			}
			s = c
		}
		ends = append(ends, ending{s, int32(p)})
	}
	// Edges and outputs flattened by state; edges sorted by word.
	slices.SortFunc(tedges, func(x, y trieEdge) int { return cmp.Or(cmp.Compare(x.from, y.from), cmp.Compare(x.word, y.word)) })
	slices.SortStableFunc(ends, func(x, y ending) int { return cmp.Compare(x.state, y.state) })
	a.edgeOff = make([]int32, n+1)
	a.edges = make([]edge, len(tedges))
	for i, e := range tedges {
		a.edgeOff[e.from+1]++
		a.edges[i] = edge{e.word, e.to}
		if e.from == 0 {
			a.root[e.word] = e.to
		}
	}
	a.outOff = make([]int32, n+1)
	a.outs = make([]int32, len(ends))
	for i, e := range ends {
		a.outOff[e.state+1]++
		a.outs[i] = e.pat
	}
	for s := int32(1); s <= n; s++ {
		a.edgeOff[s] += a.edgeOff[s-1]
		a.outOff[s] += a.outOff[s-1]
	}
	// Breadth-first: fail and output links. A state's fail target is
	// shallower, so its links are known when the state is reached.
	a.fail = make([]int32, n)
	a.outLink = make([]int32, n)
	queue := make([]int32, 0, n)
	queue = append(queue, 0)
	for q := 0; q < len(queue); q++ {
		s := queue[q]
		for _, e := range a.edges[a.edgeOff[s]:a.edgeOff[s+1]] {
			c := e.next
			if s != 0 {
				f := a.next(a.fail[s], e.word)
				a.fail[c] = f
				if len(a.own(f)) > 0 {
					a.outLink[c] = f
				} else {
					a.outLink[c] = a.outLink[f]
				}
			}
			queue = append(queue, c)
		}
	}
	return a
}

// next returns the state after reading word w (negative: a word no pattern
// contains) in state s.
func (a *automaton) next(s, w int32) int32 {
	if w < 0 {
		return 0
	}
	for s != 0 {
		lo, hi := a.edgeOff[s], a.edgeOff[s+1]
		for lo < hi {
			mid := int32(uint32(lo+hi) >> 1)
			switch e := a.edges[mid]; {
			case e.word == w:
				return e.next
			case e.word < w:
				lo = mid + 1
			default:
				hi = mid
			}
		}
		s = a.fail[s]
	}
	return a.root[w]
}

// own returns the patterns that end exactly at state s (not those of its
// fail chain; follow outLink for those).
func (a *automaton) own(s int32) []int32 {
	return a.outs[a.outOff[s]:a.outOff[s+1]]
}
