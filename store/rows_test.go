package store

import (
	"context"
	"strings"
	"testing"
)

// TestDamagedRows checks that a row the store cannot make sense of fails
// the read that meets it, with an error that says which read and which row.
func TestDamagedRows(t *testing.T) {
	tests := []struct {
		name   string
		damage string // SQL run on the seeded store
		read   func(context.Context, *Store) error
		want   string
	}{
		{
			name:   "match terms not JSON",
			damage: `UPDATE matches SET terms = 'not json' WHERE profile = 'alpha' AND item_id = 'a'`,
			read:   func(ctx context.Context, s *Store) error { _, err := s.Pending(ctx); return err },
			want:   "store: pending: terms of alpha/a: ",
		},
		{
			name:   "plan without its middle message",
			damage: `DELETE FROM delivery_messages WHERE plan_id = 'p1' AND seq = 1`,
			read:   func(ctx context.Context, s *Store) error { _, err := s.OpenPlans(ctx); return err },
			want:   "store: open plans: plan p1 lacks message 1",
		},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				s := b.open(t)
				seed(t, s)
				if _, err := s.SaveMatches(ctx, []Match{match("alpha", "a")}); err != nil {
					t.Fatal(err)
				}
				if err := s.Plan(ctx, testPlan("p1", t0)); err != nil {
					t.Fatal(err)
				}
				if err := tt.read(ctx, s); err != nil {
					t.Fatalf("before the damage: %v", err)
				}
				if _, err := s.w.ExecContext(ctx, tt.damage); err != nil {
					t.Fatal(err)
				}
				err := tt.read(ctx, s)
				if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
					t.Errorf("error %v, want one starting %q", err, tt.want)
				}
			})
		}
	})
}
