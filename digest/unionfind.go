package digest

// unionFind is a disjoint-set forest over entry indexes that also keeps
// each set's members.
type unionFind struct {
	parent []int
	sets   map[int][]int
}

func newUnionFind(n int) *unionFind {
	uf := &unionFind{parent: make([]int, n), sets: make(map[int][]int, n)}
	for i := range uf.parent {
		uf.parent[i] = i
		uf.sets[i] = []int{i}
	}
	return uf
}

// find returns the root of i's set.
func (uf *unionFind) find(i int) int {
	for uf.parent[i] != i {
		uf.parent[i] = uf.parent[uf.parent[i]]
		i = uf.parent[i]
	}
	return i
}

// union merges the sets of i and j; the smaller root index becomes the root.
func (uf *unionFind) union(i, j int) {
	ri, rj := uf.find(i), uf.find(j)
	if ri == rj {
		return
	}
	lo, hi := min(ri, rj), max(ri, rj)
	uf.parent[hi] = lo
	uf.sets[lo] = append(uf.sets[lo], uf.sets[hi]...)
	delete(uf.sets, hi)
}

// members returns the entries in the set whose root is root.
func (uf *unionFind) members(root int) []int {
	return uf.sets[root]
}
