package digest

import (
	"sort"
	"time"
)

// foldNear unites the near-duplicate entries in uf.
func foldNear(entries []Entry, uf *unionFind, th thresholds) {
	fs := make([]*features, len(entries))
	for i, e := range entries {
		fs[i] = newFeatures(e)
	}
	type pair struct {
		i, j int
		sim  float64
	}
	var pairs []pair
	candidatePairs(fs, func(i, j int) {
		if entries[i].Outlet() == entries[j].Outlet() || uf.find(i) == uf.find(j) {
			return
		}
		if fs[i].title != "" && fs[i].title == fs[j].title {
			pairs = append(pairs, pair{i, j, 2}) // the same title first
		} else if sim, ok := similar(fs[i], fs[j], th); ok {
			pairs = append(pairs, pair{i, j, sim})
		}
	})
	sort.SliceStable(pairs, func(a, b int) bool { return pairs[a].sim > pairs[b].sim })
	if len(fs) > pairwiseLimit {
		// In a large digest keep each entry's most similar pairs only:
		// copies of a story are each other's best matches, and the guards
		// below cost a comparison of leads per pair.
		kept := pairs[:0]
		count := make([]int, len(fs))
		for _, p := range pairs {
			if count[p.i] < maxPairsPerEntry || count[p.j] < maxPairsPerEntry {
				count[p.i]++
				count[p.j]++
				kept = append(kept, p)
			}
		}
		pairs = kept
	}

	type key struct{ i, j int }
	memo := map[key]bool{}
	conflict := func(i, j int) bool {
		k := key{min(i, j), max(i, j)}
		c, ok := memo[k]
		if !ok {
			c = !th.unguarded && conflicting(fs[i], fs[j])
			memo[k] = c
		}
		return c
	}
	// Groups only grow, so two groups that conflict keep conflicting until
	// one of them merges with a third: remember the failed merges by root.
	blocked := map[key]bool{}
	guarded := maxGuarded
	if len(fs) > pairwiseLimit {
		guarded = maxGuardedLarge
	}
	for _, p := range pairs {
		ri, rj := uf.find(p.i), uf.find(p.j)
		if ri == rj || blocked[key{min(ri, rj), max(ri, rj)}] {
			continue
		}
		if conflict(p.i, p.j) || groupsConflict(sample(uf.members(ri), guarded), sample(uf.members(rj), guarded), conflict) {
			blocked[key{min(ri, rj), max(ri, rj)}] = true
		} else {
			uf.union(ri, rj)
		}
	}
}

// groupsConflict reports whether some member of as conflicts with some
// member of bs.
func groupsConflict(as, bs []int, conflict func(i, j int) bool) bool {
	for _, a := range as {
		for _, b := range bs {
			if conflict(a, b) {
				return true
			}
		}
	}
	return false
}

// sample returns at most n members of a group.
func sample(members []int, n int) []int {
	return members[:min(len(members), n)]
}

// similar reports whether two entries are similar enough to fold, and how
// similar they are. Entries that both have a lead compare leads: the
// overlap coefficient of their shingles must reach th.lead. Others compare
// titles: the overlap coefficient of their content words must reach
// th.title, and the titles may differ only by words added, dropped or
// moved, never by a word replaced ("critical minerals" for
// "semiconductors").
func similar(a, b *features, th thresholds) (float64, bool) {
	if len(a.lead) >= minLeadShingles && len(b.lead) >= minLeadShingles {
		sim := overlap(a.lead, b.lead)
		return sim, sim >= th.lead
	}
	if len(a.titleWords) < minTitleWords || len(b.titleWords) < minTitleWords {
		return 0, false
	}
	sim := overlap(a.titleWords, b.titleWords)
	if sim < th.title {
		return sim, false
	}
	if entity, content := substitutions(a.titleToks, b.titleToks, a.vocab, b.vocab); entity > 0 || content > 0 {
		return sim, false
	}
	return sim, true
}

// conflicting reports whether two entries must not fold, even by way of
// others, because they tell different stories:
//   - they were published more than maxFoldGap apart;
//   - both carry numbers and neither's numbers include the other's ("23rd"
//     and "24th" plenary, "$3.99 billion" and "$45.7 million"); when both
//     have leads only the leads' numbers count, since outlets add numbers
//     such as the year to their titles;
//   - two named entities swapped places around the same words, in the
//     titles or the leads ("US raises tariffs on India" and "India raises
//     tariffs on US");
//   - both have leads, and a named entity or number of one was replaced by
//     another ("Agni-5" and "Agni-Prime", "Monday" and "Wednesday",
//     "first" and "second"), or content words were replaced in
//     maxLeadSubstitutions places or more.
//
// Titles alone never conflict by replaced words: outlets re-title agency
// copy freely, so titles of true copies differ in names and words.
func conflicting(a, b *features) bool {
	if tooFarApart(a.published, b.published) {
		return true
	}
	leads := len(a.lead) >= minLeadShingles && len(b.lead) >= minLeadShingles
	da, db := a.digits, b.digits
	if leads {
		da, db = a.leadDigits, b.leadDigits
	}
	if len(da) > 0 && len(db) > 0 && !subset(da, db) && !subset(db, da) {
		return true
	}
	if swapped(a.titleToks, b.titleToks) || swapped(a.leadToks, b.leadToks) {
		return true
	}
	if leads {
		entity, content := substitutions(a.leadToks, b.leadToks, a.vocab, b.vocab)
		return entity > 0 || content >= maxLeadSubstitutions
	}
	return false
}

// tooFarApart reports whether two publication times are known and more
// than maxFoldGap apart.
func tooFarApart(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return false
	}
	gap := a.Sub(b)
	return gap > maxFoldGap || gap < -maxFoldGap
}

// swapped reports whether two named entities that both texts carry appear
// in opposite orders with mostly the same words between them (a Jaccard
// similarity of at least one half), as in "US raises tariffs on India" and
// "India raises tariffs on US". Lists such as "India, US" and "US, India"
// have no words between and do not count.
func swapped(a, b []token) bool {
	posB := map[string]int{}
	for j, t := range b {
		if _, ok := posB[t.word]; !ok {
			posB[t.word] = j
		}
	}
	type ent struct{ i, j int }
	var common []ent
	seen := map[string]bool{}
	for i, t := range a {
		if seen[t.word] {
			continue
		}
		seen[t.word] = true
		if j, ok := posB[t.word]; ok && (t.entity || b[j].entity) {
			common = append(common, ent{i, j})
		}
	}
	for x := range common {
		for y := x + 1; y < len(common); y++ {
			p, q := common[x], common[y]
			if q.j >= p.j { // the same order in b
				continue
			}
			if jaccard(contentWords(a[p.i+1:q.i]), contentWords(b[q.j+1:p.j])) >= 0.5 {
				return true
			}
		}
	}
	return false
}
