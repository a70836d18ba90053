package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"
)

// lockLease is how long a lock of TryLock on SQLite lasts if its holder
// neither finishes nor releases it, having crashed.
const lockLease = 10 * time.Minute

// TryLock runs fn while holding the lock called name, if no one holds it, in
// this process or any other using the database; ran reports whether fn ran.
// It does not wait: when another holds the lock, it returns false and no
// error at once. The lock is released when fn returns, whatever fn returns or
// if it panics. fn's error is returned as it is.
//
// Use it to do something once across replicas, for example deliver one
// profile's digest for a window: the replica that gets the lock delivers,
// the others skip it. Because the lock only excludes, not records, fn must
// still check what was done already (Pending, Mark) when it gets the lock.
//
// On PostgreSQL the lock is a session advisory lock held on a connection set
// aside for fn, so a crashed holder's lock is freed at once. On SQLite it is
// a lease row in the locks table, which lasts 10 minutes: fn must finish
// well within that (it is not renewed), and a crashed holder's lock frees
// itself when the lease runs out.
func (s *Store) TryLock(ctx context.Context, name string, fn func(ctx context.Context) error) (ran bool, err error) {
	if name == "" {
		return false, errors.New("store: lock: empty name")
	}
	return s.d.tryLock(ctx, s, name, fn)
}

// tryLockLease is TryLock as a lease in the locks table: an insert that
// succeeds when there is no row for name or its lease ran out, and a delete
// of the row, if still ours, after fn.
func tryLockLease(ctx context.Context, s *Store, name string, fn func(context.Context) error) (ran bool, err error) {
	holder := rand.Text()
	now := s.now()
	res, err := s.w.ExecContext(ctx, `
INSERT INTO locks (name, holder, expires) VALUES ($1, $2, $3)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires = excluded.expires
WHERE locks.expires <= $4`, name, holder, now.Add(lockLease).UnixMilli(), now.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("store: lock %q: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: lock %q: %w", name, err)
	}
	if n == 0 {
		return false, nil
	}
	defer func() {
		_, uerr := s.w.ExecContext(context.WithoutCancel(ctx),
			`DELETE FROM locks WHERE name = $1 AND holder = $2`, name, holder)
		if uerr != nil && err == nil {
			err = fmt.Errorf("store: unlock %q: %w", name, uerr)
		}
	}()
	return true, fn(ctx)
}
