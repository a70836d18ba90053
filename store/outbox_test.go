package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestOutboxBeginFinish(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		// Each step runs in order on one store: the table's state carries over.
		steps := []struct {
			name           string
			op             string // "begin" or "finish"
			id             string
			at             time.Time
			wantBegun      time.Time
			wantUnfinished bool
		}{
			{"new message", "begin", "m1", t0, t0, false},
			{"after a crash", "begin", "m1", t0.Add(time.Minute), t0, true},
			{"after a second crash keeps the first begun", "begin", "m1", t0.Add(2 * time.Minute), t0, true},
			{"other message", "begin", "m2", t0.Add(3 * time.Minute), t0.Add(3 * time.Minute), false},
			{"finish", "finish", "m1", time.Time{}, time.Time{}, false},
			{"finish again", "finish", "m1", time.Time{}, time.Time{}, false},
			{"finish never begun", "finish", "m9", time.Time{}, time.Time{}, false},
			{"finished message begins anew", "begin", "m1", t0.Add(4 * time.Minute), t0.Add(4 * time.Minute), false},
			{"and is unfinished again", "begin", "m1", t0.Add(5 * time.Minute), t0.Add(4 * time.Minute), true},
			{"other message still unfinished", "begin", "m2", t0.Add(6 * time.Minute), t0.Add(3 * time.Minute), true},
			{"sub-millisecond time", "begin", "m3", t0.Add(1500 * time.Microsecond), t0.Add(time.Millisecond), false},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				if st.op == "finish" {
					if err := s.Finish(ctx, st.id); err != nil {
						t.Fatalf("Finish: %v", err)
					}
					return
				}
				begun, unfinished, err := s.Begin(ctx, st.id, st.at)
				if err != nil {
					t.Fatalf("Begin: %v", err)
				}
				if !begun.Equal(st.wantBegun) || unfinished != st.wantUnfinished {
					t.Errorf("Begin(%s, %v) = %v, %v; want %v, %v", st.id, st.at, begun, unfinished, st.wantBegun, st.wantUnfinished)
				}
			})
		}
		var n int
		if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE finished IS NULL`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 3 {
			t.Errorf("%d unfinished messages, want 3 (m1, m2, m3)", n)
		}
	})
}

func TestOutboxSurvivesReopen(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		loc := b.newDB(t)
		s, err := Open(ctx, loc)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if _, _, err := s.Begin(ctx, "m1", t0); err != nil {
			t.Fatalf("Begin: %v", err)
		}
		// The process dies here: the store is closed without Finish.
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		s = openAt(t, loc)
		begun, unfinished, err := s.Begin(ctx, "m1", t0.Add(time.Hour))
		if err != nil {
			t.Fatalf("Begin after reopen: %v", err)
		}
		if !unfinished || !begun.Equal(t0) {
			t.Errorf("Begin after reopen = %v, %v; want %v, true", begun, unfinished, t0)
		}
	})
}

func TestOutboxErrorsNameTheMessage(t *testing.T) {
	s := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := s.Begin(ctx, "m-cancelled", t0); err == nil || !strings.Contains(err.Error(), "m-cancelled") {
		t.Errorf("Begin with a cancelled context = %v, want an error naming the message", err)
	}
	if err := s.Finish(ctx, "m-cancelled"); err == nil || !strings.Contains(err.Error(), "m-cancelled") {
		t.Errorf("Finish with a cancelled context = %v, want an error naming the message", err)
	}
}
