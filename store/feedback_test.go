package store

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"
)

func TestSaveFeedbackCountsOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		seed(t, s)
		if _, err := s.SaveMatches(ctx, []Match{match("p", "a"), match("q", "a"), match("p", "b")}); err != nil {
			t.Fatal(err)
		}
		fb := func(user, profile, item, action string) Feedback {
			return Feedback{Profile: profile, ItemID: item, StoryID: item, UserID: user, Action: action,
				Channel: "C1", ActionTS: "1712345.000100", At: t0.Add(4 * time.Hour)}
		}
		tests := []struct {
			name string
			f    Feedback
			want bool
		}{
			{"first click", fb("U1", "p", "a", "not_relevant"), true},
			{"retry of the same click", fb("U1", "p", "a", "not_relevant"), false},
			{"another action", fb("U1", "p", "a", "mute"), true},
			{"another user", fb("U2", "p", "a", "not_relevant"), true},
			{"another profile", fb("U1", "q", "a", "not_relevant"), true},
			{"another item", fb("U1", "p", "b", "relevant"), true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.SaveFeedback(ctx, tt.f)
				if err != nil || got != tt.want {
					t.Fatalf("SaveFeedback = %v, %v; want %v", got, err, tt.want)
				}
			})
		}

		// Replicas receiving the same click at once record it once.
		var wg sync.WaitGroup
		var mu sync.Mutex
		fresh := 0
		for range 8 {
			wg.Go(func() {
				ok, err := s.SaveFeedback(ctx, fb("U3", "p", "b", "mute"))
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					fresh++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if fresh != 1 {
			t.Errorf("%d concurrent saves were new, want 1", fresh)
		}

		all, err := s.FeedbackSince(ctx, t0)
		if err != nil || len(all) != 6 {
			t.Fatalf("FeedbackSince = %d rows, %v; want 6", len(all), err)
		}
		if got := all[0]; got.At != t0.Add(4*time.Hour) || got.Channel != "C1" || got.ActionTS != "1712345.000100" {
			t.Errorf("round trip: %+v", got)
		}
		if later, _ := s.FeedbackSince(ctx, t0.Add(5*time.Hour)); len(later) != 0 {
			t.Errorf("FeedbackSince after the clicks = %d rows, want 0", len(later))
		}

		ps, err := s.MatchProfiles(ctx, "a")
		if err != nil || !reflect.DeepEqual(ps, []string{"p", "q"}) {
			t.Errorf("MatchProfiles = %v, %v", ps, err)
		}

		muted, err := s.Muted(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := pendingKeys(muted); !reflect.DeepEqual(got, []string{"p/a", "p/b"}) {
			t.Errorf("Muted = %v, want p/a and p/b", got)
		}
		if muted[0].Channel != "#p" || muted[0].Item.Title == "" {
			t.Errorf("muted story without its channel or text: %+v", muted[0])
		}

		if err := s.MarkDelivered(ctx, "p", []string{"a"}, "C1:1", t0.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		e, err := s.MatchEntry(ctx, "q", "a")
		if err != nil || e.Item.Title == "" || e.Channel != "#q" {
			t.Errorf("MatchEntry = %+v, %v", e, err)
		}
		if _, err := s.MatchEntry(ctx, "q", "b"); !errors.Is(err, ErrNotFound) {
			t.Errorf("MatchEntry of no match = %v, want ErrNotFound", err)
		}
		del, err := s.DeliveredSince(ctx, t0)
		if err != nil || !reflect.DeepEqual(pendingKeys(del), []string{"p/a"}) {
			t.Errorf("DeliveredSince = %v, %v; want p/a", pendingKeys(del), err)
		}
		if del, _ := s.DeliveredSince(ctx, t0.Add(4*time.Hour)); len(del) != 0 {
			t.Errorf("DeliveredSince after the delivery = %v", pendingKeys(del))
		}
	})
}
