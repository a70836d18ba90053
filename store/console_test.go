package store

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/feeds"
)

// localDays returns the midnights of n+1 consecutive days in loc, from the
// day of first.
func localDays(first time.Time, loc *time.Location, n int) []time.Time {
	y, m, d := first.In(loc).Date()
	out := make([]time.Time, n+1)
	for i := range out {
		out[i] = time.Date(y, m, d+i, 0, 0, 0, 0, loc)
	}
	return out
}

func TestPerDayCounts(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no tz database: %v", err)
	}
	// New York leaves DST on 1 November 2026: that day has 25 hours.
	at := func(day, hour, min int) time.Time { return time.Date(2026, 11, day, hour, min, 0, 0, ny) }
	bounds := localDays(time.Date(2026, 10, 31, 12, 0, 0, 0, ny), ny, 3) // 31 Oct, 1, 2, 3 Nov
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t)
		ctx := context.Background()
		mk := func(id, feed string, p time.Time) feeds.Item {
			it := item(id, p)
			it.FeedURL = feed
			return it
		}
		items := []feeds.Item{
			mk("before", "https://a.example/feed", bounds[0].Add(-time.Millisecond)),
			mk("a0", "https://a.example/feed", bounds[0]),                        // 31 Oct, first instant
			mk("a1", "https://a.example/feed", at(1, 23, 30)),                    // 1 Nov late: day 1, not day 2
			mk("a2", "https://a.example/feed", at(1, 1, 30)),                     // the repeated hour
			mk("b1", "https://b.example/feed", at(2, 12, 0)),                     // day 2
			mk("b2", "https://b.example/feed", bounds[3].Add(-time.Millisecond)), // last instant of day 2
			mk("after", "https://b.example/feed", bounds[3]),
		}
		if _, err := s.SaveItems(ctx, items, t0); err != nil {
			t.Fatal(err)
		}
		got, err := s.ItemsPerFeedPerDay(ctx, bounds)
		if err != nil {
			t.Fatal(err)
		}
		want := []DayCount{
			{Key: "https://a.example/feed", Day: 0, Count: 1},
			{Key: "https://a.example/feed", Day: 1, Count: 2},
			{Key: "https://b.example/feed", Day: 2, Count: 2},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ItemsPerFeedPerDay = %+v, want %+v", got, want)
		}

		ms := []Match{
			{ItemID: "a0", Profile: "trade", Channel: "#t", Matched: at(1, 23, 59)},
			{ItemID: "a1", Profile: "trade", Channel: "#t", Matched: at(2, 0, 0)},
			{ItemID: "b1", Profile: "trade", Channel: "#t", Matched: at(2, 9, 0)},
			{ItemID: "b1", Profile: "defence", Channel: "#d", Matched: time.Date(2026, 10, 31, 8, 0, 0, 0, ny)},
			{ItemID: "after", Profile: "defence", Channel: "#d", Matched: bounds[3]},
		}
		if _, err := s.SaveMatches(ctx, ms); err != nil {
			t.Fatal(err)
		}
		got, err = s.MatchesPerDay(ctx, bounds)
		if err != nil {
			t.Fatal(err)
		}
		want = []DayCount{
			{Key: "defence", Day: 0, Count: 1},
			{Key: "trade", Day: 1, Count: 1},
			{Key: "trade", Day: 2, Count: 2},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("MatchesPerDay = %+v, want %+v", got, want)
		}
	})
}

func TestPerDayCountsRejectsBadBounds(t *testing.T) {
	s := openTest(t)
	many := make([]time.Time, MaxDays+2)
	for i := range many {
		many[i] = t0.AddDate(0, 0, i)
	}
	tests := []struct {
		name   string
		bounds []time.Time
		want   string
	}{
		{"none", nil, "need 2 to"},
		{"one", []time.Time{t0}, "need 2 to"},
		{"too many", many, "need 2 to"},
		{"equal", []time.Time{t0, t0}, "must increase"},
		{"decreasing", []time.Time{t0, t0.Add(time.Hour), t0}, "must increase"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.MatchesPerDay(context.Background(), tt.bounds); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("MatchesPerDay err = %v, want %q", err, tt.want)
			}
			if _, err := s.ItemsPerFeedPerDay(context.Background(), tt.bounds); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ItemsPerFeedPerDay err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestDeliveryCounts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t)
		ctx := context.Background()
		seed(t, s)
		var ms []Match
		for _, p := range []string{"p", "q"} {
			for _, id := range []string{"a", "b", "c"} {
				ms = append(ms, match(p, id))
			}
		}
		ms = append(ms, match("r", "a"))
		if _, err := s.SaveMatches(ctx, ms); err != nil {
			t.Fatal(err)
		}
		// p: a delivered long ago, b recently, c pending.
		if err := s.MarkDelivered(ctx, "p", []string{"a"}, "old", t0.AddDate(0, 0, -40)); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkDelivered(ctx, "p", []string{"b"}, "new", t0); err != nil {
			t.Fatal(err)
		}
		// r: delivered long ago only; it is left out.
		if err := s.MarkDelivered(ctx, "r", []string{"a"}, "old", t0.AddDate(0, 0, -40)); err != nil {
			t.Fatal(err)
		}
		got, err := s.DeliveryCounts(ctx, t0.AddDate(0, 0, -30))
		if err != nil {
			t.Fatal(err)
		}
		want := []DeliveryCount{{Profile: "p", Delivered: 1, Pending: 1}, {Profile: "q", Delivered: 0, Pending: 3}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("DeliveryCounts = %+v, want %+v", got, want)
		}
	})
}
