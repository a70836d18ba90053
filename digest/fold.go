package digest

import (
	"sort"
	"time"
)

// fold merges the entries of one digest into stories and ranks them as of
// now.
//
// Entries fold in two passes. First, unconditionally: the same ItemID or the
// same link key (see linkKey). Second, pairs of entries from different
// outlets (see Entry.Outlet) are compared: every pair up to pairwiseLimit
// entries, beyond that only the pairs candidatePairs offers (see foldNear).
// A pair is a candidate when the entries have the same normalised title of at least
// three words, or are similar (see similar and foldThresholds). Candidates
// are merged most similar first, and two groups merge only if no pair
// across them conflicts (see conflicting): numbers that disagree, named
// entities or words that were replaced or swapped, or publication times too
// far apart. So feeds' generic titles ("US Navy ship arrives for repairs")
// fold only when their leads agree.
func fold(entries []Entry, now time.Time) []Story {
	return foldWith(entries, now, foldThresholds)
}

// foldWith is fold with the given thresholds.
func foldWith(entries []Entry, now time.Time, th thresholds) []Story {
	uf := newUnionFind(len(entries))

	byID := map[string]int{}
	byLink := map[string]int{}
	for i, e := range entries {
		if j, ok := byID[e.ItemID]; ok {
			uf.union(i, j)
		} else {
			byID[e.ItemID] = i
		}
		if l := linkKey(e.Link); l != "" {
			if j, ok := byLink[l]; ok {
				uf.union(i, j)
			} else {
				byLink[l] = i
			}
		}
	}
	foldNear(entries, uf, th)

	members := map[int][]Entry{}
	var roots []int
	for i, e := range entries {
		r := uf.find(i)
		if _, ok := members[r]; !ok {
			roots = append(roots, r)
		}
		members[r] = append(members[r], e)
	}
	stories := make([]Story, 0, len(roots))
	for _, r := range roots {
		stories = append(stories, newStory(members[r]))
	}
	rankStories(stories, now)
	return stories
}

// newStory folds the entries of one story; it sorts them in place. The
// representative is the best-scored entry (the earliest published on ties)
// among those whose link leads to the publisher, if any does: an
// aggregator's redirect link (news.google.com) gives way to the publisher's
// own item. The story keeps the best score of all. Its link is the
// representative's when it is a safe http(s) link, else the shortest safe
// link of the others.
func newStory(es []Entry) Story {
	sort.SliceStable(es, func(i, j int) bool { return representsBefore(es[i], es[j]) })
	best := es[0].Score
	for i, e := range es {
		if !isAggregatorLink(e.Link) {
			copy(es[1:i+1], es[:i])
			es[0] = e
			break
		}
	}
	rep := es[0]
	rep.Score = best
	if _, ok := safeLink(rep.Link); !ok {
		best := ""
		for _, e := range es[1:] {
			if _, ok := safeLink(e.Link); ok && (best == "" || len(e.Link) < len(best)) {
				best = e.Link
			}
		}
		if best != "" {
			rep.Link = best
		}
	}
	s := Story{Entry: rep}
	s.Matched = nil
	seenID := map[string]bool{}
	seenTerm := map[string]bool{}
	seenLink := map[string]bool{linkKey(rep.Link): true, "": true}
	seenFeed := map[string]bool{rep.Outlet(): true, "": true}
	for _, e := range es {
		if !seenID[e.ItemID] {
			seenID[e.ItemID] = true
			s.ItemIDs = append(s.ItemIDs, e.ItemID)
		}
		for _, t := range e.Matched {
			if !seenTerm[t] {
				seenTerm[t] = true
				s.Matched = append(s.Matched, t)
			}
		}
		if l := linkKey(e.Link); !seenLink[l] {
			seenLink[l] = true
			s.Duplicates = append(s.Duplicates, e.Link)
		}
		if o := e.Outlet(); !seenFeed[o] {
			seenFeed[o] = true
			s.AlsoIn = append(s.AlsoIn, o)
		}
	}
	return s
}

// representsBefore orders the entries of one story: best score first, then
// the earliest published (unknown dates last), then by item ID.
func representsBefore(a, b Entry) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if !a.Published.Equal(b.Published) {
		switch {
		case a.Published.IsZero():
			return false
		case b.Published.IsZero():
			return true
		}
		return a.Published.Before(b.Published)
	}
	return a.ItemID < b.ItemID
}
