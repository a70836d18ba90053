package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/feeds"
)

func pollItem(feed, id string, at time.Time) feeds.Item {
	return feeds.Item{ID: id, FeedURL: feed, Feed: feed, Title: "title " + id, Link: "https://x.example/" + id, Published: at}
}

func TestSavePolls(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		a := PollResult{
			State: FeedState{URL: "https://a.example/feed", ETag: `"1"`, LastSuccess: t0},
			Items: []feeds.Item{pollItem("a", "a1", t0), pollItem("a", "a2", time.Time{})},
			Matches: []Match{
				{ItemID: "a1", Profile: "DRDO", Channel: "#c", Terms: []string{"DRDO"}, Score: 3, Matched: t0},
				{ItemID: "a2", Profile: "JTG", Channel: "#c", Matched: t0},
			},
		}
		bb := PollResult{
			State: FeedState{URL: "https://b.example/feed", ConsecutiveFailures: 2, LastError: "HTTP 500"},
		}
		saved, err := s.SavePolls(ctx, []PollResult{a, bb}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if saved.NewItems != 2 || len(saved.NewMatches) != 2 {
			t.Fatalf("saved = %+v, want 2 items and 2 matches", saved)
		}
		st, _ := s.FeedState(ctx, "https://b.example/feed")
		if st.ConsecutiveFailures != 2 || st.LastError != "HTTP 500" {
			t.Errorf("feed state b = %+v", st)
		}
		pending, _ := s.Pending(ctx)
		if len(pending) != 2 {
			t.Fatalf("pending = %d, want 2", len(pending))
		}
		for _, p := range pending {
			if p.ItemID == "a2" && !p.Item.Published.Equal(t0) {
				t.Errorf("zero Published stored as %v, want seen", p.Item.Published)
			}
		}

		// Again, with one more item and a new match for an old item: only
		// the new item and its match are stored.
		a.Items = append(a.Items, pollItem("a", "a3", t0))
		a.Matches = append(a.Matches,
			Match{ItemID: "a1", Profile: "TRUST", Matched: t0},
			Match{ItemID: "a3", Profile: "DRDO", Matched: t0})
		saved, err = s.SavePolls(ctx, []PollResult{a}, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if saved.NewItems != 1 || len(saved.NewMatches) != 1 || saved.NewMatches[0].ItemID != "a3" {
			t.Fatalf("second save = %+v, want only a3 and its match", saved)
		}

		// A bad batch changes nothing.
		bad := PollResult{State: FeedState{URL: "https://c.example/"}, Items: []feeds.Item{pollItem("c", "c1", t0), {Title: "no id"}}}
		if _, err := s.SavePolls(ctx, []PollResult{bad}, t0); err == nil {
			t.Fatal("an item without ID was accepted")
		}
		if n, _ := s.CountItems(ctx); n != 3 {
			t.Errorf("%d items after a failed batch, want 3", n)
		}
	})
}

func TestSavePollsConcurrentOverlap(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		loc := b.newDB(t)
		stores := []*Store{openAt(t, loc), openAt(t, loc), openAt(t, loc)}
		var mu sync.Mutex
		newItems, newMatches := 0, 0
		var wg sync.WaitGroup
		for w, s := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for round := 0; round < 5; round++ {
					var rs []PollResult
					for f := 0; f < 20; f++ {
						r := PollResult{State: FeedState{URL: fmt.Sprintf("https://f%d.example/", f)}}
						for i := 0; i < 5; i++ {
							id := fmt.Sprintf("f%d-i%d", f, (i+round)%8)
							r.Items = append(r.Items, pollItem("f", id, t0))
							r.Matches = append(r.Matches, Match{ItemID: id, Profile: "P", Matched: t0})
						}
						rs = append(rs, r)
					}
					saved, err := s.SavePolls(ctx, rs, t0)
					if err != nil {
						t.Errorf("worker %d: %v", w, err)
						return
					}
					mu.Lock()
					newItems += saved.NewItems
					newMatches += len(saved.NewMatches)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if newItems != 160 || newMatches != 160 {
			t.Errorf("new items %d, new matches %d; want each item and match stored once: 160", newItems, newMatches)
		}
	})
}

func TestSavePollsPackedTexts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		long := pollItem("a", "long", t0)
		long.Text = strings.Repeat("A long article about the Joint Technical Group. ", 200)
		short := pollItem("a", "short", t0)
		items := []feeds.Item{long, short}
		texts, err := PackTexts(items)
		if err != nil {
			t.Fatal(err)
		}
		if texts[0] == nil || texts[1] != nil {
			t.Fatalf("PackTexts = %d, %d bytes; want the long text packed and nil for the other", len(texts[0]), len(texts[1]))
		}
		r := PollResult{State: FeedState{URL: "https://a.example/feed"}, Items: items, Texts: texts}
		if _, err := s.SavePolls(ctx, []PollResult{r}, t0); err != nil {
			t.Fatal(err)
		}
		got := walk(t, s, t0, t0.Add(time.Millisecond))
		for _, it := range got {
			if it.ID == "long" && it.Text != long.Text {
				t.Errorf("long text read back as %d bytes, want %d", len(it.Text), len(long.Text))
			}
			if it.ID == "short" && it.Text != short.Summary {
				t.Errorf("short text read back as %q, want its summary", it.Text)
			}
		}
		bad := PollResult{State: FeedState{URL: "https://b.example/feed"}, Items: items, Texts: texts[:1]}
		if _, err := s.SavePolls(ctx, []PollResult{bad}, t0); err == nil || !strings.Contains(err.Error(), "1 texts for 2 items") {
			t.Errorf("texts not matching items: error %v", err)
		}
	})
}
