package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
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
// well within that (it is not renewed); a crashed holder's lock frees itself
// when the lease runs out, or at once for a process on the same host, whose
// death TryLock can see.
func (s *Store) TryLock(ctx context.Context, name string, fn func(ctx context.Context) error) (ran bool, err error) {
	if name == "" {
		return false, errors.New("store: lock: empty name")
	}
	return s.d.tryLock(ctx, s, name, fn)
}

// lockHolder names this process in the locks table: host, process ID and a
// random tag, so another process on the host can tell whether it still runs.
func lockHolder() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), rand.Text())
}

// holderDead reports whether holder (see lockHolder) names a process on this
// host that no longer runs.
func holderDead(holder string) bool {
	parts := strings.SplitN(holder, "/", 3)
	if len(parts) != 3 {
		return false
	}
	host, _ := os.Hostname()
	pid, err := strconv.Atoi(parts[1])
	if err != nil || parts[0] != host || pid == os.Getpid() {
		return false
	}
	return !processAlive(pid)
}

// tryLockLease is TryLock as a lease in the locks table: an insert that
// succeeds when there is no row for name or its lease ran out, and a delete
// of the row, if still ours, after fn.
func tryLockLease(ctx context.Context, s *Store, name string, fn func(context.Context) error) (ran bool, err error) {
	holder := lockHolder()
	now := s.now()
	take := func(dead string) (bool, error) {
		n, err := affected(s.w.ExecContext(ctx, `
INSERT INTO locks (name, holder, expires) VALUES ($1, $2, $3)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires = excluded.expires
WHERE locks.expires <= $4 OR locks.holder = $5`, name, holder, now.Add(lockLease).UnixMilli(), now.UnixMilli(), dead))
		if err != nil {
			return false, fmt.Errorf("store: lock %q: %w", name, err)
		}
		return n == 1, nil
	}
	ok, err := take("")
	if err != nil {
		return false, err
	}
	if !ok {
		// A holder on this machine whose process is gone (killed) cannot
		// release its lock: take it over rather than wait for the lease.
		var current string
		if err := s.w.QueryRowContext(ctx, `SELECT holder FROM locks WHERE name = $1`, name).Scan(&current); err == nil && holderDead(current) {
			if ok, err = take(current); err != nil {
				return false, err
			}
		}
	}
	if !ok {
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
