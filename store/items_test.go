package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/feeds"
)

func ids(items []feeds.Item) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func TestSaveItems(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		seen := t0.Add(3 * time.Hour)
		tests := []struct {
			name   string
			before []feeds.Item // saved first
			items  []feeds.Item
			want   []string // IDs returned as new
			count  int      // items stored afterwards
		}{
			{
				name:  "all new",
				items: []feeds.Item{item("a", t0), item("b", t0)},
				want:  []string{"a", "b"},
				count: 2,
			},
			{
				name:   "all existing",
				before: []feeds.Item{item("a", t0), item("b", t0)},
				items:  []feeds.Item{item("a", t0), item("b", t0)},
				want:   []string{},
				count:  2,
			},
			{
				name:   "mixed returns only new, in order",
				before: []feeds.Item{item("b", t0)},
				items:  []feeds.Item{item("c", t0), item("b", t0), item("a", t0)},
				want:   []string{"c", "a"},
				count:  3,
			},
			{
				name:  "repeat within one call is stored once",
				items: []feeds.Item{item("a", t0), item("a", t0)},
				want:  []string{"a"},
				count: 1,
			},
			{
				name:  "empty",
				items: nil,
				want:  []string{},
				count: 0,
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				s := b.open(t)
				if _, err := s.SaveItems(ctx, tt.before, seen); err != nil {
					t.Fatal(err)
				}
				got, err := s.SaveItems(ctx, tt.items, seen)
				if err != nil {
					t.Fatalf("SaveItems: %v", err)
				}
				if !reflect.DeepEqual(ids(got), tt.want) {
					t.Errorf("SaveItems returned %v, want %v", ids(got), tt.want)
				}
				n, err := s.CountItems(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if n != tt.count {
					t.Errorf("CountItems = %d, want %d", n, tt.count)
				}
			})
		}
	})
}

func TestSaveItemsExistingUnchanged(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		orig := item("a", t0)
		if _, err := s.SaveItems(ctx, []feeds.Item{orig}, t0); err != nil {
			t.Fatal(err)
		}
		changed := orig
		changed.Title = "Changed"
		changed.Published = t0.Add(time.Hour)
		if _, err := s.SaveItems(ctx, []feeds.Item{changed}, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got := walk(t, s, t0.Add(-time.Hour), t0.Add(2*time.Hour))
		if len(got) != 1 || !reflect.DeepEqual(got[0], orig) {
			t.Errorf("stored items = %+v, want only %+v", got, orig)
		}
	})
}

func TestSaveItemsZeroPublished(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		// seen has sub-millisecond precision and a zone: stored as UTC millis.
		seen := t0.Add(90*time.Minute + 123456789*time.Nanosecond).In(time.FixedZone("X", 3600))
		wantPub := time.Date(2026, 11, 24, 10, 30, 0, 123000000, time.UTC)

		got, err := s.SaveItems(ctx, []feeds.Item{item("undated", time.Time{})}, seen)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || !got[0].Published.Equal(wantPub) || got[0].Published.Location() != time.UTC {
			t.Fatalf("SaveItems returned %+v, want Published %v", got, wantPub)
		}
		stored := walk(t, s, wantPub, wantPub.Add(time.Millisecond))
		if len(stored) != 1 || stored[0].Published != wantPub {
			t.Errorf("stored %+v, want one item published %v", stored, wantPub)
		}
	})
}

func TestSaveItemsRejects(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		tests := []struct {
			name  string
			items []feeds.Item
			seen  time.Time
			want  string
		}{
			{
				name:  "empty ID rolls back the batch",
				items: []feeds.Item{item("a", t0), item("", t0)},
				seen:  t0,
				want:  "has no ID",
			},
			{
				name:  "zero seen",
				items: []feeds.Item{item("a", t0)},
				want:  "zero seen",
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				s := b.open(t)
				_, err := s.SaveItems(ctx, tt.items, tt.seen)
				if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "store: ") {
					t.Errorf("SaveItems error = %v, want one containing %q", err, tt.want)
				}
				if n, _ := s.CountItems(ctx); n != 0 {
					t.Errorf("CountItems = %d after a failed SaveItems, want 0", n)
				}
			})
		}
	})
}

func TestSaveItemsCancelled(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := s.SaveItems(ctx, []feeds.Item{item("a", t0)}, t0); !errors.Is(err, context.Canceled) {
			t.Errorf("SaveItems with a cancelled context: err = %v, want context.Canceled", err)
		}
		if n, _ := s.CountItems(context.Background()); n != 0 {
			t.Errorf("CountItems = %d, want 0", n)
		}
	})
}

// walk returns the items ItemsPublished passes to fn.
func walk(t *testing.T, s *Store, since, until time.Time) []feeds.Item {
	t.Helper()
	var got []feeds.Item
	err := s.ItemsPublished(context.Background(), since, until, func(it feeds.Item) error {
		got = append(got, it)
		return nil
	})
	if err != nil {
		t.Fatalf("ItemsPublished: %v", err)
	}
	return got
}

func TestItemsPublishedRange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		h := time.Hour
		// Saved out of order; "b2" shares b's time, to check the tie order.
		saved := []feeds.Item{item("c", t0.Add(2*h)), item("b2", t0.Add(h)), item("a", t0), item("b", t0.Add(h))}
		if _, err := s.SaveItems(ctx, saved, t0); err != nil {
			t.Fatal(err)
		}
		ms := time.Millisecond
		tests := []struct {
			name         string
			since, until time.Time
			want         []string
		}{
			{"everything", t0.Add(-h), t0.Add(3 * h), []string{"a", "b", "b2", "c"}},
			{"since is inclusive", t0, t0.Add(h), []string{"a"}},
			{"until is exclusive", t0.Add(h), t0.Add(2 * h), []string{"b", "b2"}},
			{"one millisecond past until", t0.Add(h), t0.Add(2*h + ms), []string{"b", "b2", "c"}},
			{"one millisecond past since", t0.Add(ms), t0.Add(2*h + ms), []string{"b", "b2", "c"}},
			{"empty range", t0.Add(h), t0.Add(h), []string{}},
			{"inverted range", t0.Add(3 * h), t0, []string{}},
			{"before everything", t0.Add(-2 * h), t0, []string{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got := ids(walk(t, s, tt.since, tt.until))
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("ItemsPublished(%v, %v) = %v, want %v", tt.since, tt.until, got, tt.want)
				}
			})
		}
		t.Run("fields round trip", func(t *testing.T) {
			got := walk(t, s, t0, t0.Add(time.Millisecond))
			if len(got) != 1 || !reflect.DeepEqual(got[0], item("a", t0)) {
				t.Errorf("got %+v, want %+v", got, item("a", t0))
			}
		})
	})
}

func TestItemsPublishedStops(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		var items []feeds.Item
		for i := range 10 {
			items = append(items, item(fmt.Sprintf("i%d", i), t0.Add(time.Duration(i)*time.Minute)))
		}
		if _, err := s.SaveItems(ctx, items, t0); err != nil {
			t.Fatal(err)
		}
		stop := errors.New("stop here")
		var calls int
		err := s.ItemsPublished(ctx, t0, t0.Add(time.Hour), func(feeds.Item) error {
			calls++
			if calls == 3 {
				return stop
			}
			return nil
		})
		if err != stop {
			t.Errorf("ItemsPublished error = %v, want fn's error as it is", err)
		}
		if calls != 3 {
			t.Errorf("fn called %d times, want 3", calls)
		}

		t.Run("cancelled context", func(t *testing.T) {
			ctx, cancel := context.WithCancel(ctx)
			calls := 0
			err := s.ItemsPublished(ctx, t0, t0.Add(time.Hour), func(feeds.Item) error {
				calls++
				cancel()
				return nil
			})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("ItemsPublished error = %v, want context.Canceled", err)
			}
			if calls >= len(items) {
				t.Errorf("fn called %d times after cancel, want the walk to stop early", calls)
			}
		})
	})
}

func BenchmarkSaveItems(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	const batch = 20
	b.Run("new", func(b *testing.B) {
		items := make([]feeds.Item, batch)
		n := 0
		for b.Loop() {
			for i := range items {
				items[i] = item(fmt.Sprintf("new-%d", n), t0.Add(time.Duration(n)*time.Second))
				n++
			}
			if _, err := s.SaveItems(ctx, items, t0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("existing", func(b *testing.B) {
		items := make([]feeds.Item, batch)
		for i := range items {
			items[i] = item(fmt.Sprintf("old-%d", i), t0)
		}
		if _, err := s.SaveItems(ctx, items, t0); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if got, err := s.SaveItems(ctx, items, t0); err != nil || len(got) != 0 {
				b.Fatalf("SaveItems = %d new, %v", len(got), err)
			}
		}
	})
}

func TestItemTextSourceAndFutureDates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		long := item("long", t0)
		long.Text = strings.Repeat("Officials reviewed the agenda. ", 3000) + "The JTG met late in the day."
		long.Source, long.SourceURL = "The Hindu", "https://www.thehindu.com/"
		future := item("future", t0.AddDate(73, 0, 0)) // a pubDate in 2099
		skewed := item("skewed", t0.Add(MaxFutureSkew))
		fresh, err := s.SaveItems(ctx, []feeds.Item{long, future, skewed}, t0)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range fresh {
			if it.ID == "future" && !it.Published.Equal(t0) {
				t.Errorf("SaveItems returned the future item with Published %v, want %v", it.Published, t0)
			}
		}
		got := walk(t, s, t0.Add(-time.Hour), t0.Add(MaxFutureSkew+time.Hour))
		byID := map[string]feeds.Item{}
		for _, it := range got {
			byID[it.ID] = it
		}
		if !reflect.DeepEqual(byID["long"], long) {
			t.Errorf("long item: Text %d bytes, Source %q, SourceURL %q; want %d bytes, %q, %q",
				len(byID["long"].Text), byID["long"].Source, byID["long"].SourceURL, len(long.Text), long.Source, long.SourceURL)
		}
		if p := byID["future"].Published; !p.Equal(t0) {
			t.Errorf("item dated 2099 stored with Published %v, want the time first seen %v", p, t0)
		}
		if p := byID["skewed"].Published; !p.Equal(t0.Add(MaxFutureSkew)) {
			t.Errorf("item within the skew stored with Published %v, want its own date", p)
		}
		var packed []byte
		var feedDate *int64
		if err := s.r.QueryRowContext(ctx, `SELECT text_gz, published_feed FROM items WHERE id = 'long'`).Scan(&packed, &feedDate); err != nil {
			t.Fatal(err)
		}
		if len(packed) == 0 || len(packed) > len(long.Text)*3/4 {
			t.Errorf("long text stored in %d bytes, want compressed (text is %d bytes)", len(packed), len(long.Text))
		}
		if feedDate != nil {
			t.Errorf("published_feed = %d for an item in the past, want NULL", *feedDate)
		}
		if err := s.r.QueryRowContext(ctx, `SELECT published_feed FROM items WHERE id = 'future'`).Scan(&feedDate); err != nil {
			t.Fatal(err)
		}
		if feedDate == nil || *feedDate != t0.AddDate(73, 0, 0).UnixMilli() {
			t.Errorf("published_feed of the future item = %v, want its own date kept", feedDate)
		}
		var short []byte
		if err := s.r.QueryRowContext(ctx, `SELECT text_gz FROM items WHERE id = 'skewed'`).Scan(&short); err != nil {
			t.Fatal(err)
		}
		if short != nil {
			t.Errorf("an item whose text is its summary stored %d bytes of text, want NULL", len(short))
		}
	})
}

func TestUnpackTextDamaged(t *testing.T) {
	if _, err := unpackText([]byte("not gzip"), "s"); err == nil {
		t.Error("damaged text_gz: no error")
	}
	if got, err := unpackText(nil, "summary"); err != nil || got != "summary" {
		t.Errorf("NULL text_gz = (%q, %v), want the summary", got, err)
	}
}

func TestKnownItems(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		if _, err := s.SaveItems(ctx, []feeds.Item{item("a", t0), item("b", t0)}, t0); err != nil {
			t.Fatal(err)
		}
		ids := []string{"a", "x", "b"}
		for i := range 600 { // more than one chunk
			ids = append(ids, fmt.Sprintf("unknown-%d", i))
		}
		got, err := s.KnownItems(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]bool{"a": true, "b": true}; !reflect.DeepEqual(got, want) {
			t.Errorf("KnownItems = %v, want %v", got, want)
		}
	})
}
