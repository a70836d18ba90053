package digest

import "time"

// Tuning of near-duplicate folding, chosen from the labelled set in
// testdata/neardup (see TestNearDuplicates, which scores them, and
// TestNearDuplicateThresholdSweep, which reports a sweep).
const (
	// leadWords is how many words of an entry's summary take part.
	leadWords = 60
	// shingleSize is the number of words in a shingle.
	shingleSize = 3
	// minLeadShingles is the size below which a lead is too short to
	// compare; such entries are compared by title.
	minLeadShingles = 8
	// minTitleWords is the number of content words a title needs to fold
	// by title similarity.
	minTitleWords = 5
	// maxFoldGap is the largest gap between two entries' publication times
	// for them to fold as near-duplicates: agencies' copy runs within days.
	maxFoldGap = 72 * time.Hour
	// maxLeadSubstitutions is the number of content-word substitutions
	// (see substitutions) from which two leads tell different stories;
	// outlets' copy edits rarely make more than one.
	maxLeadSubstitutions = 2
)

// thresholds are the similarities from which two entries fold.
type thresholds struct {
	// lead is the overlap coefficient of two leads' shingles (shared
	// shingles over the smaller set).
	lead float64
	// title is the overlap coefficient of two titles' content words, for
	// entries without usable leads.
	title float64
	// unguarded turns the guards of conflicting off, to measure what they
	// prevent; Build never sets it.
	unguarded bool
}

// foldThresholds are the thresholds Build uses.
var foldThresholds = thresholds{lead: 0.7, title: 0.75}

// maxGuarded is how many members of each of two groups about to merge are
// checked against each other for conflicts. Real stories have a handful of
// copies, all checked; a group of hundreds (templated items in a large
// backfill) is checked through its first members, which keeps the cost
// linear.
const maxGuarded = 16

// maxPairsPerEntry bounds the similar pairs kept per entry in a digest
// beyond pairwiseLimit entries.
const maxPairsPerEntry = 4

// maxGuardedLarge replaces maxGuarded in digests beyond pairwiseLimit
// entries.
const maxGuardedLarge = 4
