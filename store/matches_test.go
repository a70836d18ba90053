package store

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/feeds"
)

// seed stores items a (oldest), b and c (newest).
func seed(t *testing.T, s *Store) {
	t.Helper()
	items := []feeds.Item{item("a", t0), item("b", t0.Add(time.Hour)), item("c", t0.Add(2*time.Hour))}
	if _, err := s.SaveItems(context.Background(), items, t0); err != nil {
		t.Fatal(err)
	}
}

func match(profile, itemID string) Match {
	return Match{
		ItemID:  itemID,
		Profile: profile,
		Channel: "#" + profile,
		Terms:   []string{"go", "sqlite"},
		Score:   1.5,
		Matched: t0.Add(3 * time.Hour),
	}
}

// pendingKeys returns "profile/item" for each pending match.
func pendingKeys(ps []Pending) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.Profile+"/"+p.ItemID)
	}
	return out
}

func pending(t *testing.T, s *Store) []Pending {
	t.Helper()
	ps, err := s.Pending(context.Background())
	if err != nil {
		t.Fatalf("Pending: %v", err)
	}
	return ps
}

func TestSaveMatches(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		tests := []struct {
			name    string
			before  []Match
			deliver []string // items of profile "p" delivered after before
			ms      []Match
			want    int
			pending []string
		}{
			{
				name:    "new",
				ms:      []Match{match("p", "a"), match("q", "a")},
				want:    2,
				pending: []string{"p/a", "q/a"},
			},
			{
				name:    "again is not new",
				before:  []Match{match("p", "a")},
				ms:      []Match{match("p", "a"), match("p", "b")},
				want:    1,
				pending: []string{"p/b", "p/a"},
			},
			{
				name:    "repeat within one call",
				ms:      []Match{match("p", "a"), match("p", "a")},
				want:    1,
				pending: []string{"p/a"},
			},
			{
				name:    "delivered match stays delivered",
				before:  []Match{match("p", "a")},
				deliver: []string{"a"},
				ms:      []Match{match("p", "a")},
				want:    0,
				pending: []string{},
			},
			{
				name:    "nil terms",
				ms:      []Match{{ItemID: "a", Profile: "p", Matched: t0}},
				want:    1,
				pending: []string{"p/a"},
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				s := b.open(t)
				seed(t, s)
				if _, err := s.SaveMatches(ctx, tt.before); err != nil {
					t.Fatal(err)
				}
				if err := s.MarkDelivered(ctx, "p", tt.deliver, "ref", t0); err != nil {
					t.Fatal(err)
				}
				got, err := s.SaveMatches(ctx, tt.ms)
				if err != nil {
					t.Fatalf("SaveMatches: %v", err)
				}
				if got != tt.want {
					t.Errorf("SaveMatches = %d new, want %d", got, tt.want)
				}
				if keys := pendingKeys(pending(t, s)); !reflect.DeepEqual(keys, tt.pending) {
					t.Errorf("Pending = %v, want %v", keys, tt.pending)
				}
			})
		}
	})
}

func TestSaveMatchesUnknownItem(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		seed(t, s)
		_, err := s.SaveMatches(ctx, []Match{match("p", "a"), match("p", "ghost")})
		if err == nil || !strings.Contains(err.Error(), "ghost") {
			t.Fatalf("SaveMatches with an unknown item: err = %v, want an error naming it", err)
		}
		if keys := pendingKeys(pending(t, s)); len(keys) != 0 {
			t.Errorf("Pending = %v after a failed SaveMatches, want nothing saved", keys)
		}
	})
}

func TestPending(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		seed(t, s)
		ms := []Match{match("zeta", "a"), match("alpha", "a"), match("alpha", "c"), match("alpha", "b"), match("zeta", "c")}
		if _, err := s.SaveMatches(ctx, ms); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkDelivered(ctx, "alpha", []string{"b"}, "slack:C1:1.0", t0); err != nil {
			t.Fatal(err)
		}
		ps := pending(t, s)
		want := []string{"alpha/c", "alpha/a", "zeta/c", "zeta/a"}
		if got := pendingKeys(ps); !reflect.DeepEqual(got, want) {
			t.Fatalf("Pending = %v, want %v (by profile, newest first, delivered excluded)", got, want)
		}
		wantFirst := Pending{Match: match("alpha", "c"), Item: item("c", t0.Add(2*time.Hour))}
		wantFirst.Item.Text = "" // Pending does not read the whole text
		if !reflect.DeepEqual(ps[0], wantFirst) {
			t.Errorf("Pending[0] = %+v, want %+v", ps[0], wantFirst)
		}
	})
}

func TestMarkDelivered(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		tests := []struct {
			name    string
			profile string
			items   []string
			pending []string
		}{
			{"some", "p", []string{"a", "c"}, []string{"p/b", "q/c", "q/b", "q/a"}},
			{"all of a profile", "q", []string{"a", "b", "c"}, []string{"p/c", "p/b", "p/a"}},
			{"unknown items are ignored", "p", []string{"a", "ghost"}, []string{"p/c", "p/b", "q/c", "q/b", "q/a"}},
			{"unknown profile", "nobody", []string{"a"}, []string{"p/c", "p/b", "p/a", "q/c", "q/b", "q/a"}},
			{"none", "p", nil, []string{"p/c", "p/b", "p/a", "q/c", "q/b", "q/a"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				s := b.open(t)
				seed(t, s)
				var ms []Match
				for _, p := range []string{"p", "q"} {
					for _, id := range []string{"a", "b", "c"} {
						ms = append(ms, match(p, id))
					}
				}
				if _, err := s.SaveMatches(ctx, ms); err != nil {
					t.Fatal(err)
				}
				if err := s.MarkDelivered(ctx, tt.profile, tt.items, "slack:C1:1.0", t0); err != nil {
					t.Fatalf("MarkDelivered: %v", err)
				}
				if got := pendingKeys(pending(t, s)); !reflect.DeepEqual(got, tt.pending) {
					t.Errorf("Pending = %v, want %v", got, tt.pending)
				}
			})
		}
	})
}

func TestMarkDeliveredKeepsFirstDelivery(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		seed(t, s)
		if _, err := s.SaveMatches(ctx, []Match{match("p", "a"), match("p", "b")}); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkDelivered(ctx, "p", []string{"a"}, "first", t0); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkDelivered(ctx, "p", []string{"a", "b"}, "second", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		for id, want := range map[string]struct {
			ref string
			at  int64
		}{"a": {"first", t0.UnixMilli()}, "b": {"second", t0.Add(time.Hour).UnixMilli()}} {
			var (
				ref string
				at  int64
			)
			err := s.r.QueryRowContext(ctx,
				`SELECT delivery_ref, delivered_at FROM matches WHERE profile = 'p' AND item_id = $1`, id).Scan(&ref, &at)
			if err != nil {
				t.Fatal(err)
			}
			if ref != want.ref || at != want.at {
				t.Errorf("match p/%s delivered (%q, %d), want (%q, %d)", id, ref, at, want.ref, want.at)
			}
		}
	})
}

func TestMarkDeliveredCancelled(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s := b.open(t)
		seed(t, s)
		if _, err := s.SaveMatches(context.Background(), []Match{match("p", "a")}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := s.MarkDelivered(ctx, "p", []string{"a"}, "ref", t0); !errors.Is(err, context.Canceled) {
			t.Errorf("MarkDelivered with a cancelled context: err = %v, want context.Canceled", err)
		}
		if got := pendingKeys(pending(t, s)); !reflect.DeepEqual(got, []string{"p/a"}) {
			t.Errorf("Pending = %v, want the match still pending", got)
		}
	})
}

func TestDelivered(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		seed(t, s)
		if _, err := s.SaveMatches(ctx, []Match{match("p", "a"), match("p", "b")}); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkDelivered(ctx, "p", []string{"a"}, "ref", t0); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name, profile, item string
			want                bool
			wantErr             error
		}{
			{"delivered", "p", "a", true, nil},
			{"pending", "p", "b", false, nil},
			{"no such match", "p", "c", false, ErrNotFound},
			{"no such profile", "q", "a", false, ErrNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.Delivered(ctx, tt.profile, tt.item)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Delivered error = %v, want %v", err, tt.wantErr)
				}
				if got != tt.want {
					t.Errorf("Delivered(%s, %s) = %v, want %v", tt.profile, tt.item, got, tt.want)
				}
			})
		}
	})
}
