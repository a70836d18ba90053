package digest

import (
	"math"
	"sort"
	"time"
)

// RecencyHalfLife is the age at which a story's rank has halved.
const RecencyHalfLife = 24 * time.Hour

// unknownRecency is the recency factor of a story without a publication
// time: that of a story one half-life old.
const unknownRecency = 0.5

// RankScore is the final score of a story as of now: the representative's
// match score (which already weighs title hits over body hits and distinct
// terms over repeated ones) times a coverage factor that grows with the
// logarithm of the number of outlets that carried the story (1 for one
// outlet, about 1.35 for two, 1.8 for five, 2.15 for ten) times a recency
// factor that halves every RecencyHalfLife of the story's age (1 for
// stories from the future, 0.5 when the time is unknown).
func RankScore(s Story, now time.Time) float64 {
	return s.Score * coverageFactor(1+len(s.AlsoIn)) * recencyFactor(s.Published, now)
}

// coverageFactor weighs a story carried by n distinct outlets.
func coverageFactor(n int) float64 {
	if n < 1 {
		n = 1
	}
	return 1 + 0.5*math.Log(float64(n))
}

// recencyFactor weighs a story published at t as of now.
func recencyFactor(t, now time.Time) float64 {
	if t.IsZero() {
		return unknownRecency
	}
	age := now.Sub(t)
	if age <= 0 {
		return 1
	}
	return math.Exp2(-float64(age) / float64(RecencyHalfLife))
}

// rankStories sets each story's Rank as of now and sorts the stories best
// first.
func rankStories(stories []Story, now time.Time) {
	for i := range stories {
		stories[i].Rank = RankScore(stories[i], now)
	}
	sort.SliceStable(stories, func(i, j int) bool { return rankedBefore(stories[i], stories[j]) })
}

// rankedBefore orders stories: best rank first, then the most recently
// published, then by title and item ID so that the order is stable.
func rankedBefore(a, b Story) bool {
	if a.Rank != b.Rank {
		return a.Rank > b.Rank
	}
	if !a.Published.Equal(b.Published) {
		return a.Published.After(b.Published)
	}
	if a.Title != b.Title {
		return a.Title < b.Title
	}
	return a.ItemID < b.ItemID
}
