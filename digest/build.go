package digest

import (
	"slices"
	"sort"
	"time"
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
	// Rank is the story's final score: the representative's Score weighted
	// by coverage and recency (see RankScore). Stories are ordered by it.
	Rank float64
}

// Digest is the stories of one profile for one channel, ranked best first.
type Digest struct {
	Profile, Description, Channel string
	// Stories are ranked: best Rank first, the most recent first on ties.
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
	// PostEmpty says that a channel without stories on a day gets one short
	// line (RenderEmpty) instead of nothing. Callers decide when to post it
	// (at most once per channel per day); WriteHTML shows it for the
	// channels of ChannelProfiles that have no digest.
	PostEmpty bool
	// ChannelProfiles maps a channel to the names of the profiles that post
	// to it, in order; RenderEmpty and WriteHTML use it.
	ChannelProfiles map[string][]string
	// Footer, when not empty, ends every digest's main message as a
	// context line: plain text (escaped when rendered), such as the feeds
	// that have been failing for more than a day.
	Footer string
	// Feedback puts a feedback menu (see FeedbackActionID) on every story
	// of Render and RenderAlert, each story in a section of its own. Set it
	// only for Web API delivery with a receiver for the clicks: webhooks
	// cannot carry interactivity.
	Feedback bool
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
// the same story, ranks the stories (RankScore as of Options.Now, then
// recency) and returns one digest per profile and channel, in profile order
// (Options.Order, then alphabetically) and by channel within a profile.
//
// Two entries report the same story when they have the same ItemID or link
// to the same page (tracking parameters, "www.", scheme and fragment
// ignored), or when entries from different outlets (see Entry.Outlet) have the same normalised
// title (case, punctuation and spacing ignored) of at least three
// words or are near-duplicates: the same agency copy under other URLs and
// slightly different titles, judged by the shingles of their leads
// (Entry.Summary) or the words of their titles. Folds by title or
// similarity are guarded against look-alike stories whose numbers, names or
// words differ, or that were published days apart. Entries from the same
// outlet with the same title but different links stay apart: feeds reuse
// titles such as "Daily briefing".
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
			Stories:     fold(groups[k], opts.Now()),
			Date:        date,
		})
	}
	return digests
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
