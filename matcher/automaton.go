package matcher

import "sort"

// automaton is an Aho–Corasick automaton over sequences of word ids rather
// than bytes: a pattern is a sequence of words, so every match starts and
// ends on a word boundary by construction, and one pass over an item's words
// finds every pattern of every profile.
type automaton struct {
	root    []int32 // transitions from the root, indexed by word id; 0 = stay at the root
	edgeOff []int32 // state s's edges are edges[edgeOff[s]:edgeOff[s+1]], sorted by word
	edges   []edge
	fail    []int32
	outOff  []int32 // state s's patterns (its own and its fail chain's) are outs[outOff[s]:outOff[s+1]]
	outs    []int32
	patLen  []int32 // length in words of each pattern
}

type edge struct {
	word, next int32
}

// buildAutomaton builds the automaton for patterns, each a sequence of word
// ids below vocab. Pattern i is reported as i.
func buildAutomaton(patterns [][]int32, vocab int) *automaton {
	// The trie, with map children while building.
	children := []map[int32]int32{{}}
	own := [][]int32{nil}
	a := &automaton{patLen: make([]int32, len(patterns))}
	for p, pat := range patterns {
		a.patLen[p] = int32(len(pat))
		s := int32(0)
		for _, w := range pat {
			n, ok := children[s][w]
			if !ok {
				n = int32(len(children))
				children = append(children, map[int32]int32{})
				own = append(own, nil)
				children[s][w] = n
			}
			s = n
		}
		own[s] = append(own[s], int32(p))
	}
	n := len(children)
	a.fail = make([]int32, n)
	a.root = make([]int32, vocab)
	for w, c := range children[0] {
		a.root[w] = c
	}
	// Breadth-first: fail links and the output lists merged along them.
	outs := make([][]int32, n)
	queue := []int32{0}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		outs[s] = append(append([]int32(nil), own[s]...), outs[a.fail[s]]...)
		if s == 0 {
			outs[s] = own[s]
		}
		words := make([]int32, 0, len(children[s]))
		for w := range children[s] {
			words = append(words, w)
		}
		sort.Slice(words, func(i, j int) bool { return words[i] < words[j] })
		for _, w := range words {
			c := children[s][w]
			if s != 0 {
				a.fail[c] = a.step(children, a.fail[s], w)
			}
			queue = append(queue, c)
		}
	}
	// Flatten edges and outputs.
	a.edgeOff = make([]int32, n+1)
	a.outOff = make([]int32, n+1)
	for s := 0; s < n; s++ {
		a.edgeOff[s] = int32(len(a.edges))
		if s != 0 {
			for w, c := range children[s] {
				a.edges = append(a.edges, edge{w, c})
			}
			es := a.edges[a.edgeOff[s]:]
			sort.Slice(es, func(i, j int) bool { return es[i].word < es[j].word })
		}
		a.outOff[s] = int32(len(a.outs))
		a.outs = append(a.outs, outs[s]...)
	}
	a.edgeOff[n] = int32(len(a.edges))
	a.outOff[n] = int32(len(a.outs))
	return a
}

// step follows word w from state s during construction, using fail links
// already computed for shallower states.
func (a *automaton) step(children []map[int32]int32, s, w int32) int32 {
	for {
		if c, ok := children[s][w]; ok {
			return c
		}
		if s == 0 {
			return 0
		}
		s = a.fail[s]
	}
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

// output returns the patterns that end in state s.
func (a *automaton) output(s int32) []int32 {
	return a.outs[a.outOff[s]:a.outOff[s+1]]
}
