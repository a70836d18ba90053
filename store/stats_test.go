package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/feeds"
)

func TestStats(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)

		st, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.OldestItem != nil || st.Pending != 0 || st.Backend != b.name || st.SchemaVersion != SchemaVersion() {
			t.Errorf("empty store: Stats = %+v", st)
		}

		if _, err := s.SaveItems(ctx, []feeds.Item{item("a", t0), item("b", t0)}, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveItems(ctx, []feeds.Item{item("c", t0)}, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveMatches(ctx, []Match{match("p", "a"), match("p", "b")}); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkDelivered(ctx, "p", []string{"a"}, "ref", t0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Mark(ctx, "m", t0); err != nil {
			t.Fatal(err)
		}
		st, err = s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{"feed_states": 0, "items": 3, "matches": 2, "delivery_plans": 0, "delivery_messages": 0, "outbox": 0, "marks": 1, "locks": 0, "channel_alerts": 0, "feedback": 0}
		if len(st.Tables) != len(want) {
			t.Errorf("Stats tables = %+v, want %d tables", st.Tables, len(want))
		}
		for _, tr := range st.Tables {
			if n, ok := want[tr.Name]; !ok || n != tr.Rows {
				t.Errorf("table %s: %d rows, want %d", tr.Name, tr.Rows, n)
			}
		}
		if st.Pending != 1 {
			t.Errorf("Pending = %d, want 1", st.Pending)
		}
		if st.OldestItem == nil || !st.OldestItem.Equal(t0) {
			t.Errorf("OldestItem = %v, want %v", st.OldestItem, t0)
		}
		if st.SizeBytes <= 0 {
			t.Errorf("SizeBytes = %d", st.SizeBytes)
		}
		if strings.Contains(st.Location, "password") {
			t.Errorf("Location %q", st.Location)
		}
		size, err := s.Size(ctx)
		if err != nil || size != st.SizeBytes {
			t.Errorf("Size = %d, %v; want %d", size, err, st.SizeBytes)
		}
	})
}

func TestPing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s, err := Open(context.Background(), b.newDB(t))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Ping(context.Background()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := s.Ping(ctx); err == nil {
			t.Error("Ping with a cancelled context succeeded")
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Ping(context.Background()); err == nil || !strings.Contains(err.Error(), "store: ping") {
			t.Errorf("Ping of a closed store = %v, want an error", err)
		}
	})
}
