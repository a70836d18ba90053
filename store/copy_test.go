package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/newsbot/newsbot/feeds"
)

// TestCopy copies a SQLite store into a new store of each backend, then
// again, and checks everything arrived once, delivery state included.
func TestCopy(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		from, to := openTest(t), b.open(t)

		// More items than one batch, so that the copy streams.
		const n = copyBatch + 7
		var items []feeds.Item
		for i := range n {
			items = append(items, item(fmt.Sprintf("item-%04d", i), t0.Add(time.Duration(i)*time.Minute)))
		}
		if _, err := from.SaveItems(ctx, items, t0); err != nil {
			t.Fatal(err)
		}
		ms := []Match{match("p", "item-0000"), match("p", "item-0001"), match("q", "item-0001")}
		if _, err := from.SaveMatches(ctx, ms); err != nil {
			t.Fatal(err)
		}
		if err := from.MarkDelivered(ctx, "p", []string{"item-0000"}, "slack:C1:1.0", t0); err != nil {
			t.Fatal(err)
		}
		states := []FeedState{
			{URL: "https://a", Name: "A", ETag: `"x"`, LastSuccess: t0, NextPoll: t0.Add(time.Hour)},
			{URL: "https://b", LastError: "boom", LastErrorAt: t0, ConsecutiveFailures: 3},
		}
		for _, st := range states {
			if err := from.SaveFeedState(ctx, st); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := from.ClaimFeeds(ctx, []string{"https://b"}, "someone", t0, t0, time.Hour); err != nil {
			t.Fatal(err)
		}
		if _, err := from.Mark(ctx, "empty-digest #news 2026-11-24", t0); err != nil {
			t.Fatal(err)
		}

		// One match already in to, pending: it stays as it is.
		if _, err := to.SaveItems(ctx, items[1:2], t0); err != nil {
			t.Fatal(err)
		}
		if _, err := to.SaveMatches(ctx, ms[1:2]); err != nil {
			t.Fatal(err)
		}

		got, err := Copy(ctx, from, to)
		if err != nil {
			t.Fatalf("Copy: %v", err)
		}
		want := CopyStats{
			FeedStates: CopyCount{Read: 2, Written: 2},
			Items:      CopyCount{Read: n, Written: n - 1},
			Matches:    CopyCount{Read: 3, Written: 2},
			Marks:      CopyCount{Read: 1, Written: 1},
		}
		if got != want {
			t.Errorf("Copy = %+v, want %+v", got, want)
		}

		gotStates, err := to.FeedStates(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(gotStates, states) {
			t.Errorf("copied feed states = %+v, want %+v", gotStates, states)
		}
		if owner, _ := lease(t, to, "https://b"); owner != "" {
			t.Errorf("lease of https://b copied (owner %q), want none", owner)
		}
		if got := walk(t, to, t0, t0.Add(n*time.Minute)); !reflect.DeepEqual(got, items) {
			t.Errorf("copied items differ: got %d, want %d", len(got), len(items))
		}
		if got, want := pendingKeys(pending(t, to)), []string{"p/item-0001", "q/item-0001"}; !reflect.DeepEqual(got, want) {
			t.Errorf("Pending after copy = %v, want %v", got, want)
		}
		if d, err := to.Delivered(ctx, "p", "item-0000"); err != nil || !d {
			t.Errorf("Delivered(p, item-0000) = %v, %v after copy, want true", d, err)
		}
		if first, err := to.Mark(ctx, "empty-digest #news 2026-11-24", t0); err != nil || first {
			t.Errorf("Mark of a copied mark = %v, %v; want false", first, err)
		}

		again, err := Copy(ctx, from, to)
		if err != nil {
			t.Fatalf("Copy again: %v", err)
		}
		want = CopyStats{
			FeedStates: CopyCount{Read: 2},
			Items:      CopyCount{Read: n},
			Matches:    CopyCount{Read: 3},
			Marks:      CopyCount{Read: 1},
		}
		if again != want {
			t.Errorf("Copy again = %+v, want %+v (nothing written)", again, want)
		}
	})
}

func TestCopyCancelled(t *testing.T) {
	from, to := openTest(t), openTest(t)
	seed(t, from)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Copy(ctx, from, to); err == nil {
		t.Error("Copy with a cancelled context succeeded, want an error")
	}
}
