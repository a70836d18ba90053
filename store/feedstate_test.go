package store

import (
	"context"
	"reflect"
	"testing"
	"time"
)

func TestFeedState(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		full := FeedState{
			URL:                 "https://example.com/feed.xml",
			Name:                "Example",
			ETag:                `W/"abc"`,
			LastModified:        "Tue, 24 Nov 2026 08:00:00 GMT",
			LastSuccess:         t0,
			LastError:           "feeds: fetch: 503 Service Unavailable",
			LastErrorAt:         t0.Add(time.Hour),
			ConsecutiveFailures: 2,
			NextPoll:            t0.Add(2 * time.Hour),
		}
		recovered := FeedState{URL: full.URL, Name: "Renamed", LastSuccess: t0.Add(3 * time.Hour)}
		tests := []struct {
			name  string
			saves []FeedState
			want  FeedState
		}{
			{"unknown", nil, FeedState{URL: full.URL}},
			{"round trip", []FeedState{full}, full},
			{"overwrite clears fields", []FeedState{full, recovered}, recovered},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				s := b.open(t)
				for _, st := range tt.saves {
					if err := s.SaveFeedState(ctx, st); err != nil {
						t.Fatalf("SaveFeedState: %v", err)
					}
				}
				got, err := s.FeedState(ctx, full.URL)
				if err != nil {
					t.Fatalf("FeedState: %v", err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("FeedState = %+v, want %+v", got, tt.want)
				}
			})
		}
	})
}

func TestFeedStateTimesAreUTCMillis(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		local := time.Date(2026, 11, 24, 10, 0, 0, 987654321, time.FixedZone("CET", 3600))
		if err := s.SaveFeedState(ctx, FeedState{URL: "u", NextPoll: local}); err != nil {
			t.Fatal(err)
		}
		got, err := s.FeedState(ctx, "u")
		if err != nil {
			t.Fatal(err)
		}
		want := time.Date(2026, 11, 24, 9, 0, 0, 987000000, time.UTC)
		if got.NextPoll != want {
			t.Errorf("NextPoll = %v, want %v", got.NextPoll, want)
		}
	})
}

func TestFeedStates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		got, err := s.FeedStates(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Errorf("FeedStates of a new store = %v, want none", got)
		}
		for _, u := range []string{"https://c", "https://a", "https://b", "https://a"} {
			if err := s.SaveFeedState(ctx, FeedState{URL: u, Name: u}); err != nil {
				t.Fatal(err)
			}
		}
		got, err = s.FeedStates(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var urls []string
		for _, st := range got {
			urls = append(urls, st.URL)
		}
		if want := []string{"https://a", "https://b", "https://c"}; !reflect.DeepEqual(urls, want) {
			t.Errorf("FeedStates URLs = %v, want %v", urls, want)
		}
	})
}

func TestSaveFeedStateEmptyURL(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t)
		if err := s.SaveFeedState(context.Background(), FeedState{Name: "x"}); err == nil {
			t.Error("SaveFeedState without a URL succeeded, want an error")
		}
	})
}
