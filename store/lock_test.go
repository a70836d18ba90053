package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// tryLock calls s.TryLock with an fn that records it ran, and fails the test
// on an error.
func tryLock(t *testing.T, s *Store, name string) (ran bool) {
	t.Helper()
	called := false
	ran, err := s.TryLock(context.Background(), name, func(context.Context) error {
		called = true
		return nil
	})
	if err != nil {
		t.Fatalf("TryLock(%q): %v", name, err)
	}
	if ran != called {
		t.Fatalf("TryLock(%q) ran = %v, but fn called = %v", name, ran, called)
	}
	return ran
}

// TestTryLock holds a lock in one Store and tries it from another on the
// same database, as two replicas would, and from the same Store.
func TestTryLock(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		loc := b.newDB(t)
		a, other := openAt(t, loc), openAt(t, loc)

		holding, release := make(chan struct{}), make(chan struct{})
		done := make(chan error, 1)
		go func() {
			ran, err := a.TryLock(ctx, "digest news 2026-11-24", func(ctx context.Context) error {
				close(holding)
				<-release
				// fn may use the Store while holding the lock.
				_, err := a.Mark(ctx, "delivered", t0)
				return err
			})
			if err == nil && !ran {
				err = errors.New("TryLock did not run fn on a free lock")
			}
			done <- err
		}()
		<-holding
		if tryLock(t, other, "digest news 2026-11-24") {
			t.Error("another Store got the lock while it was held")
		}
		if tryLock(t, a, "digest news 2026-11-24") {
			t.Error("the same Store got the lock again while it was held")
		}
		if !tryLock(t, other, "digest ops 2026-11-24") {
			t.Error("another lock name was not free")
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatalf("holder: %v", err)
		}
		if !tryLock(t, other, "digest news 2026-11-24") {
			t.Error("the lock was not free after its holder returned")
		}
	})
}

// TestTryLockReleases checks the lock is released however fn ends.
func TestTryLockReleases(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name string
		fn   func(ctx context.Context, cancel func()) error
	}{
		{"fn fails", func(context.Context, func()) error { return boom }},
		{"fn panics", func(context.Context, func()) error { panic(boom) }},
		{"ctx cancelled during fn", func(_ context.Context, cancel func()) error { cancel(); return nil }},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s := b.open(t)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				var (
					ran bool
					err error
				)
				func() {
					defer func() {
						if r := recover(); r != nil && r != boom {
							panic(r)
						}
					}()
					ran, err = s.TryLock(ctx, "l", func(ctx context.Context) error { return tt.fn(ctx, cancel) })
				}()
				if tt.name == "fn fails" && (!ran || err != boom) {
					t.Errorf("TryLock = %v, %v; want true and fn's error as it is", ran, err)
				}
				if !tryLock(t, s, "l") {
					t.Error("the lock was not free after fn returned")
				}
			})
		}
	})
}

func TestTryLockEmptyName(t *testing.T) {
	s := openTest(t)
	if _, err := s.TryLock(context.Background(), "", func(context.Context) error { return nil }); err == nil {
		t.Error("TryLock with an empty name succeeded, want an error")
	}
}

// TestTryLockLeaseExpires checks that on SQLite the lock of a holder that
// crashed frees itself when its lease runs out.
func TestTryLockLeaseExpires(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	_, err := s.w.ExecContext(ctx, `INSERT INTO locks (name, holder, expires) VALUES ('l', 'crashed', $1)`,
		t0.Add(lockLease).UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		at   time.Time
		want bool
	}{
		{t0, false},
		{t0.Add(lockLease - time.Millisecond), false},
		{t0.Add(lockLease), true},
	}
	for _, st := range steps {
		s.now = func() time.Time { return st.at }
		if got := tryLock(t, s, "l"); got != st.want {
			t.Errorf("at t0+%v: ran = %v, want %v", st.at.Sub(t0), got, st.want)
		}
	}
}
