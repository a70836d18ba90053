package matcher

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAutomaton compares the automaton with a brute-force search over random
// patterns and texts on a small alphabet, where overlaps are frequent.
func TestAutomaton(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for round := range 200 {
		const vocab = 4
		var pats [][]int32
		for range 1 + r.IntN(8) {
			p := make([]int32, 1+r.IntN(4))
			for i := range p {
				p[i] = int32(r.IntN(vocab))
			}
			pats = append(pats, p)
		}
		text := make([]int32, r.IntN(30))
		for i := range text {
			text[i] = int32(r.IntN(vocab+1)) - 1 // -1: a word no pattern has
		}
		a := buildAutomaton(pats, vocab)
		type match struct{ pat, end int }
		var got, want []match
		s := int32(0)
		for i, w := range text {
			s = a.next(s, w)
			for st := s; st != 0; st = a.outLink[st] {
				for _, p := range a.own(st) {
					got = append(got, match{int(p), i + 1})
				}
			}
		}
		for i := range text {
			for p, pat := range pats {
				if i+1 >= len(pat) && slices.Equal(text[i+1-len(pat):i+1], pat) {
					want = append(want, match{p, i + 1})
				}
			}
		}
		cmp := func(x, y match) int {
			if x.end != y.end {
				return x.end - y.end
			}
			return x.pat - y.pat
		}
		slices.SortFunc(got, cmp)
		slices.SortFunc(want, cmp)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: patterns %v text %v: got %v, want %v", round, pats, text, got, want)
		}
	}
}
