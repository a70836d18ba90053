package digest

import (
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
)

// Story is one story in a digest: the entries that report it, folded into
// one. The embedded Entry is the representative (the best-scored entry, the
// earliest published on ties); its Matched lists the terms that hit in any of
// the folded entries, the representative's first.
type Story struct {
	Entry
	// ItemIDs lists every item folded into the story, the representative's first.
	ItemIDs []string
	// Duplicates lists the links of the same story from other entries, except
	// the representative's link; it may be empty.
	Duplicates []string
	// AlsoIn lists the other feeds that carried the story.
	AlsoIn []string
}

// Digest is the stories of one profile for one channel, ranked best first.
type Digest struct {
	Profile, Description, Channel string
	// Stories are ranked: best score first, the most recent first on ties.
	Stories []Story
	// Date is the digest's date: midnight in the team's timezone.
	Date time.Time
}

// Options tune Build, Render and WriteText. The zero value is usable.
type Options struct {
	// TopN is the number of stories in the main message (default 10); the
	// rest go to thread replies and are never hidden.
	TopN int
	// Location is the team's timezone for the header date and ages (default UTC).
	Location *time.Location
	// Now returns the current time (default time.Now).
	Now func() time.Time
	// Descriptions maps a profile name to its description.
	Descriptions map[string]string
	// Order lists profile names in the order digests should come in (the
	// configuration's order). Profiles not listed follow, alphabetically.
	Order []string
}

// DefaultTopN is the number of stories in a main message when Options.TopN
// is not set.
const DefaultTopN = 10

// withDefaults returns o with its zero fields set to their defaults.
func (o Options) withDefaults() Options {
	if o.TopN <= 0 {
		o.TopN = DefaultTopN
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Build groups entries by profile and channel, folds the entries that report
// the same story, ranks the stories (score, then recency) and returns one
// digest per profile and channel, in profile order (Options.Order, then
// alphabetically) and by channel within a profile.
//
// Two entries report the same story when they have the same ItemID or the
// same non-empty link, or when entries from different feeds have the same
// normalised title (case, punctuation and spacing ignored) of at least three
// words. Entries from the same feed with the same title but different links
// stay apart: feeds reuse titles such as "Daily briefing".
func Build(entries []Entry, opts Options) []Digest {
	opts = opts.withDefaults()
	now := opts.Now().In(opts.Location)
	date := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, opts.Location)

	type key struct{ profile, channel string }
	groups := map[key][]Entry{}
	var keys []key
	for _, e := range entries {
		k := key{e.Profile, e.Channel}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], e)
	}

	rank := map[string]int{}
	for i, p := range opts.Order {
		if _, ok := rank[p]; !ok {
			rank[p] = i
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		ri, iok := rank[keys[i].profile]
		rj, jok := rank[keys[j].profile]
		switch {
		case iok && jok && ri != rj:
			return ri < rj
		case iok != jok:
			return iok
		case keys[i].profile != keys[j].profile:
			return keys[i].profile < keys[j].profile
		}
		return keys[i].channel < keys[j].channel
	})

	digests := make([]Digest, 0, len(keys))
	for _, k := range keys {
		digests = append(digests, Digest{
			Profile:     k.profile,
			Description: opts.Descriptions[k.profile],
			Channel:     k.channel,
			Stories:     fold(groups[k]),
			Date:        date,
		})
	}
	return digests
}

// fold merges the entries of one digest into ranked stories.
func fold(entries []Entry) []Story {
	parent := make([]int, len(entries))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(i, j int) {
		if ri, rj := find(i), find(j); ri != rj {
			parent[max(ri, rj)] = min(ri, rj)
		}
	}

	byID := map[string]int{}
	byLink := map[string]int{}
	byTitle := map[string][]int{} // normalised title → the first entry per feed
	for i, e := range entries {
		if j, ok := byID[e.ItemID]; ok {
			union(i, j)
		} else {
			byID[e.ItemID] = i
		}
		if e.Link != "" {
			if j, ok := byLink[e.Link]; ok {
				union(i, j)
			} else {
				byLink[e.Link] = i
			}
		}
		if t := normTitle(e.Title); t != "" {
			seenFeed := false
			for _, j := range byTitle[t] {
				if entries[j].Feed == e.Feed {
					seenFeed = true
					continue
				}
				union(i, j)
			}
			if !seenFeed {
				byTitle[t] = append(byTitle[t], i)
			}
		}
	}

	members := map[int][]Entry{}
	var roots []int
	for i, e := range entries {
		r := find(i)
		if _, ok := members[r]; !ok {
			roots = append(roots, r)
		}
		members[r] = append(members[r], e)
	}

	stories := make([]Story, 0, len(roots))
	for _, r := range roots {
		stories = append(stories, newStory(members[r]))
	}
	sort.SliceStable(stories, func(i, j int) bool { return rankedBefore(stories[i].Entry, stories[j].Entry) })
	return stories
}

// newStory folds the entries of one story; it sorts them in place.
func newStory(es []Entry) Story {
	sort.SliceStable(es, func(i, j int) bool { return representsBefore(es[i], es[j]) })
	rep := es[0]
	s := Story{Entry: rep}
	s.Matched = nil
	seenID := map[string]bool{}
	seenTerm := map[string]bool{}
	seenLink := map[string]bool{rep.Link: true, "": true}
	seenFeed := map[string]bool{rep.Feed: true, "": true}
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
		if !seenLink[e.Link] {
			seenLink[e.Link] = true
			s.Duplicates = append(s.Duplicates, e.Link)
		}
		if !seenFeed[e.Feed] {
			seenFeed[e.Feed] = true
			s.AlsoIn = append(s.AlsoIn, e.Feed)
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

// rankedBefore orders stories: best score first, then the most recently
// published, then by title and item ID so that the order is stable.
func rankedBefore(a, b Entry) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if !a.Published.Equal(b.Published) {
		return a.Published.After(b.Published)
	}
	if a.Title != b.Title {
		return a.Title < b.Title
	}
	return a.ItemID < b.ItemID
}

// normTitle lowercases a title and keeps only its words, so that titles that
// differ in case, punctuation or spacing compare equal. Titles of fewer than
// three words return "" and never fold.
func normTitle(title string) string {
	words := strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) < 3 {
		return ""
	}
	return strings.Join(words, " ")
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
