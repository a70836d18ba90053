package store

import (
	"context"
	"testing"
	"time"
)

func TestMark(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		steps := []struct {
			name string
			key  string
			want bool
		}{
			{"first time", "empty-digest #news 2026-11-24", true},
			{"second time", "empty-digest #news 2026-11-24", false},
			{"other channel", "empty-digest #ops 2026-11-24", true},
			{"next day", "empty-digest #news 2026-11-25", true},
			{"third time", "empty-digest #news 2026-11-24", false},
		}
		for i, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				first, err := s.Mark(ctx, st.key, t0.Add(time.Duration(i)*time.Minute))
				if err != nil {
					t.Fatalf("Mark: %v", err)
				}
				if first != st.want {
					t.Errorf("Mark(%q) = %v, want %v", st.key, first, st.want)
				}
			})
		}
		var at int64
		if err := s.r.QueryRowContext(ctx, `SELECT at FROM marks WHERE mark = $1`, steps[0].key).Scan(&at); err != nil {
			t.Fatal(err)
		}
		if at != t0.UnixMilli() {
			t.Errorf("mark time = %d, want the first one, %d", at, t0.UnixMilli())
		}
	})
}
