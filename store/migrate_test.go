package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// rawDB opens the database at location without Store's settings or
// migrations, and closes it when the test ends.
func rawDB(t *testing.T, b backend, location string) *sql.DB {
	t.Helper()
	driver := driverName
	if b.name == postgresBackend.name {
		driver = "pgx"
	}
	db, err := sql.Open(driver, location)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// dialectOf returns the dialect of backend b.
func dialectOf(b backend) *dialect {
	if b.name == postgresBackend.name {
		return postgresDialect
	}
	return sqliteDialect
}

// tableExists reports whether s has a table called name.
func tableExists(t *testing.T, s *Store, name string) bool {
	t.Helper()
	q := `SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = $1`
	if s.Backend() == postgresBackend.name {
		q = `SELECT to_regclass($1) IS NOT NULL`
	}
	var ok bool
	if err := s.r.QueryRowContext(context.Background(), q, name).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestNewerSchema(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		loc := b.newDB(t)
		s, err := Open(ctx, loc)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Mark(ctx, "before", t0); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}

		// A newer newsbot wrote version 99.
		const newer = 99
		raw := rawDB(t, b, loc)
		if err := dialectOf(b).setSchemaVersion(ctx, raw, newer); err != nil {
			t.Fatal(err)
		}
		var before []byte
		if b.name == sqliteBackend.name {
			if err := raw.Close(); err != nil {
				t.Fatal(err)
			}
			if before, err = os.ReadFile(loc); err != nil {
				t.Fatal(err)
			}
		}

		s, err = Open(ctx, loc)
		if err == nil {
			s.Close()
			t.Fatal("Open of a newer schema succeeded, want ErrNewerSchema")
		}
		if !errors.Is(err, ErrNewerSchema) {
			t.Errorf("Open error %v is not ErrNewerSchema", err)
		}
		name := loc
		if b.name == postgresBackend.name {
			name, _, _ = splitPassword(loc)
		}
		for _, w := range []string{name, "version 99 is newer", fmt.Sprintf("supports (%d)", SchemaVersion()), "upgrade newsbot"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Open error %q does not contain %q", err, w)
			}
		}

		if b.name == postgresBackend.name {
			v, err := postgresDialect.schemaVersion(ctx, raw)
			if err != nil {
				t.Fatal(err)
			}
			if v != newer {
				t.Errorf("schema version = %d after Open refused it, want %d unchanged", v, newer)
			}
			return
		}
		after, err := os.ReadFile(loc)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, after) {
			t.Error("Open of a newer schema changed the database file")
		}
		for _, suffix := range []string{"-wal", "-shm", "-journal"} {
			if _, err := os.Stat(loc + suffix); err == nil {
				t.Errorf("Open of a newer schema left %s behind", filepath.Base(loc+suffix))
			}
		}
	})
}

// TestMigrationIsAtomic checks that a failing step leaves no trace: neither
// its first statements nor a new version.
func TestMigrationIsAtomic(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		loc := b.newDB(t)
		s, err := Open(ctx, loc)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()

		orig := migrations
		t.Cleanup(func() { migrations = orig })
		migrations = append(orig[:len(orig):len(orig)],
			`CREATE TABLE half (a TEXT); INSERT INTO nowhere VALUES (1);`)

		want := fmt.Sprintf("migrate to schema version %d", len(orig)+1)
		if s, err := Open(ctx, loc); err == nil {
			s.Close()
			t.Fatal("Open with a failing migration succeeded, want an error")
		} else if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}

		migrations = orig
		s = openAt(t, loc)
		v, err := s.d.schemaVersion(ctx, s.r)
		if err != nil {
			t.Fatal(err)
		}
		if v != len(orig) {
			t.Errorf("schema version = %d after a failed step, want %d", v, len(orig))
		}
		if tableExists(t, s, "half") {
			t.Error("table of the failed step exists, want it rolled back")
		}
	})
}

// TestMigrateFromEachVersion applies the steps one version at a time, as
// successive releases would, and checks each lands on its version with the
// data of the previous ones.
func TestMigrateFromEachVersion(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		orig := migrations
		t.Cleanup(func() { migrations = orig })
		loc := b.newDB(t)
		for v := 1; v <= len(orig); v++ {
			t.Run(fmt.Sprintf("to version %d", v), func(t *testing.T) {
				migrations = orig[:v]
				s, err := Open(ctx, loc)
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				defer s.Close()
				got, err := s.d.schemaVersion(ctx, s.r)
				if err != nil {
					t.Fatal(err)
				}
				if got != v {
					t.Errorf("schema version = %d, want %d", got, v)
				}
				first, err := s.Mark(ctx, "opened", t0)
				if err != nil {
					t.Fatal(err)
				}
				if first != (v == 1) {
					t.Errorf("Mark after migrating to %d: first = %v, want %v", v, first, v == 1)
				}
			})
		}
	})
}

// TestMigrateConcurrently opens one new database from several Stores at
// once, as replicas starting together do: the migrations must not race.
func TestMigrateConcurrently(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		loc := b.newDB(t)
		const stores = 3
		var (
			wg    sync.WaitGroup
			start = make(chan struct{})
			errs  = make([]error, stores)
			ss    = make([]*Store, stores)
		)
		for i := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				ss[i], errs[i] = Open(ctx, loc)
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("Open %d: %v", i, err)
				continue
			}
			defer ss[i].Close()
			v, err := ss[i].d.schemaVersion(ctx, ss[i].r)
			if err != nil {
				t.Fatal(err)
			}
			if v != SchemaVersion() {
				t.Errorf("store %d: schema version = %d, want %d", i, v, SchemaVersion())
			}
		}
	})
}
