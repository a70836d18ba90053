package store

import (
	"context"
	"reflect"
	"testing"
)

func TestPendingCounts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		if got, err := s.PendingCounts(ctx); err != nil || len(got) != 0 {
			t.Fatalf("empty store: %v, %v", got, err)
		}
		seed(t, s)
		ms := []Match{match("zeta", "a"), match("alpha", "a"), match("alpha", "c"), match("alpha", "b"), match("zeta", "c")}
		if _, err := s.SaveMatches(ctx, ms); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkDelivered(ctx, "alpha", []string{"b", "c"}, "slack:C1:1.0", t0); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkDelivered(ctx, "zeta", []string{"a", "c"}, "slack:C1:2.0", t0); err != nil {
			t.Fatal(err)
		}
		got, err := s.PendingCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]int{"alpha": 1}; !reflect.DeepEqual(got, want) {
			t.Errorf("PendingCounts = %v, want %v (delivered excluded, profiles with none absent)", got, want)
		}
	})
}
