package feedback

import (
	"context"
	"testing"
	"time"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/store"
)

func TestReports(t *testing.T) {
	ctx := context.Background()
	st := openStore(t) // items A and B matched by TECH
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	old := now.Add(-40 * 24 * time.Hour)
	// A was delivered long ago and judged in the period; B in the period.
	if err := st.MarkDelivered(ctx, "TECH", []string{itemA}, "C1:1", old); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkDelivered(ctx, "TECH", []string{itemB}, "C1:2", now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	save := func(user, item, action string, at time.Time) {
		t.Helper()
		if _, err := st.SaveFeedback(ctx, store.Feedback{Profile: "TECH", ItemID: item, StoryID: item, UserID: user, Action: action, At: at}); err != nil {
			t.Fatal(err)
		}
	}
	save("U1", itemA, digest.ActionRelevant, now.Add(-3*time.Hour))
	save("U2", itemA, digest.ActionNotRelevant, now.Add(-2*time.Hour)) // the latest judgement wins
	save("U1", itemB, digest.ActionNotRelevant, now.Add(-90*time.Minute))
	save("U1", itemB, digest.ActionRelevant, now.Add(-30*time.Minute)) // changed their mind
	save("U1", itemB, digest.ActionMute, now.Add(-20*time.Minute))
	save("U1", itemB, digest.ActionNotRelevant, old) // before the period: ignored

	since := now.Add(-30 * 24 * time.Hour)
	tests := []struct {
		name      string
		order     []string
		only      string
		profiles  []string
		tech      Report
		precision float64
	}{
		{"configured profiles first", []string{"TRADE", "TECH"}, "", []string{"TRADE", "TECH"},
			Report{Delivered: 1, NotRelevant: 1, Relevant: 1, Muted: 1}, 0.5},
		{"one profile", []string{"TRADE", "TECH"}, "TECH", []string{"TECH"},
			Report{Delivered: 1, NotRelevant: 1, Relevant: 1, Muted: 1}, 0.5},
		{"unconfigured profile with feedback", nil, "", []string{"TECH"},
			Report{Delivered: 1, NotRelevant: 1, Relevant: 1, Muted: 1}, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := Reports(ctx, st, since, tt.order, tt.only)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, r := range rs {
				names = append(names, r.Profile)
			}
			if len(names) != len(tt.profiles) {
				t.Fatalf("profiles %v, want %v", names, tt.profiles)
			}
			for i := range names {
				if names[i] != tt.profiles[i] {
					t.Fatalf("profiles %v, want %v", names, tt.profiles)
				}
			}
			for _, r := range rs {
				if r.Profile != "TECH" {
					if r.Delivered != 0 || r.Precision != nil || r.Flagged == nil || r.Suggestions == nil {
						t.Errorf("idle profile %+v: want zeros, a null precision and empty lists", r)
					}
					continue
				}
				if r.Delivered != tt.tech.Delivered || r.NotRelevant != tt.tech.NotRelevant || r.Relevant != tt.tech.Relevant ||
					r.Muted != tt.tech.Muted || r.Precision == nil || *r.Precision != tt.precision {
					t.Errorf("TECH report %+v (precision %v), want %+v and %v", r, r.Precision, tt.tech, tt.precision)
				}
				if len(r.Flagged) != 1 || r.Flagged[0].ItemID != itemA || r.Flagged[0].Title != "Alpha" || r.Flagged[0].Matched[0] != "chip" {
					t.Errorf("flagged %+v, want item A with its terms", r.Flagged)
				}
			}
		})
	}
}
