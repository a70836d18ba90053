package digest

import (
	"math"
	"slices"
	"testing"
	"time"
)

func TestRankScore(t *testing.T) {
	tests := []struct {
		name      string
		score     float64
		outlets   int
		published time.Time
		want      float64
	}{
		{"fresh, one outlet", 2, 1, testNow, 2},
		{"one half-life old", 2, 1, testNow.Add(-RecencyHalfLife), 1},
		{"two half-lives old", 2, 1, testNow.Add(-2 * RecencyHalfLife), 0.5},
		{"from the future counts as fresh", 2, 1, testNow.Add(time.Hour), 2},
		{"unknown time counts as one half-life", 2, 1, time.Time{}, 1},
		{"two outlets", 2, 2, testNow, 2 * (1 + 0.5*math.Log(2))},
		{"ten outlets", 1, 10, testNow, 1 + 0.5*math.Log(10)},
		{"zero score stays zero", 0, 5, testNow, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Story{Entry: Entry{Score: tt.score, Published: tt.published}, AlsoIn: make([]string, tt.outlets-1)}
			if got := RankScore(s, testNow); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("RankScore = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRankOrder(t *testing.T) {
	story := func(id string, score float64, h int, outlets int) Story {
		return Story{Entry: Entry{ItemID: id, Title: id, Score: score, Published: hoursAgo(h)}, AlsoIn: make([]string, outlets-1)}
	}
	tests := []struct {
		name    string
		stories []Story
		want    []string
	}{
		{"higher score first", []Story{story("low", 1, 1, 1), story("high", 3, 1, 1)}, []string{"high", "low"}},
		{"coverage lifts a story", []Story{story("alone", 1.2, 1, 1), story("everywhere", 1, 1, 6)}, []string{"everywhere", "alone"}},
		{"recency decays a story", []Story{story("old", 1.5, 48, 1), story("new", 1, 1, 1)}, []string{"new", "old"}},
		{"unknown times rank as a day old", []Story{story("unknown", 1.9, 0, 1), story("day-old", 2, 24, 1)}, []string{"day-old", "unknown"}},
		{"equal ranks keep a stable order by title", []Story{story("b", 1, 2, 1), story("a", 1, 2, 1)}, []string{"a", "b"}},
	}
	tests[3].stories[0].Published = time.Time{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rankStories(tt.stories, testNow)
			var got []string
			for _, s := range tt.stories {
				got = append(got, s.ItemID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("order = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRankedBeforeTies(t *testing.T) {
	newer := Story{Entry: Entry{ItemID: "newer", Title: "z", Published: hoursAgo(1)}, Rank: 1}
	older := Story{Entry: Entry{ItemID: "older", Title: "a", Published: hoursAgo(2)}, Rank: 1}
	if !rankedBefore(newer, older) || rankedBefore(older, newer) {
		t.Error("on equal ranks the newer story does not come first")
	}
}
