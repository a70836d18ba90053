package pipeline

import (
	"context"
	"testing"
	"time"

	"github.com/newsbot/newsbot/feeds"
)

func TestPrune(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	p := newTestPipeline(t, &now)
	ctx := context.Background()
	seen := []time.Time{now.Add(-200 * 24 * time.Hour), now.Add(-10 * 24 * time.Hour)}
	for i, at := range seen {
		it := feeds.Item{ID: string(rune('a' + i)), FeedURL: "f", Title: "t", Published: at}
		if _, err := p.Store.SaveItems(ctx, []feeds.Item{it}, at); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name      string
		retention time.Duration
		wantItems int
		wantErr   bool
	}{
		{"zero retention refused", 0, 0, true},
		{"negative retention refused", -time.Hour, 0, true},
		{"180 days prunes the older item only", 180 * 24 * time.Hour, 1, false},
		{"again prunes nothing", 180 * 24 * time.Hour, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := p.Prune(ctx, tt.retention)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Prune(%v) error = %v, want error %v", tt.retention, err, tt.wantErr)
			}
			if st.Items != tt.wantItems {
				t.Errorf("Prune(%v) pruned %d items, want %d", tt.retention, st.Items, tt.wantItems)
			}
		})
	}
	n, err := p.Store.CountItems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d items left, want 1 (the recent one)", n)
	}
}
