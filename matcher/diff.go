package matcher

import (
	"slices"
	"strings"
)

// Diff compares what two sets of profiles catch in one document, as an edit
// from prev to next would change it. added holds the hits of next whose
// profile prev does not match, in next's profile order; dropped the hits of
// prev whose profile next does not match, sorted by profile name. A profile
// that both match is in neither, even when the terms that made it match
// changed. prev and next may be the same Matcher.
func Diff(prev, next *Matcher, doc Document) (added, dropped []Hit) {
	before := prev.Match(doc)
	after := next.Match(doc)
	matched := func(hits []Hit, profile string) bool {
		return slices.ContainsFunc(hits, func(h Hit) bool { return h.Profile == profile })
	}
	for _, h := range after {
		if !matched(before, h.Profile) {
			added = append(added, h)
		}
	}
	for _, h := range before {
		if !matched(after, h.Profile) {
			dropped = append(dropped, h)
		}
	}
	slices.SortStableFunc(dropped, func(a, b Hit) int { return strings.Compare(a.Profile, b.Profile) })
	return added, dropped
}
