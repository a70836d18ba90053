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
	"testing"
)

func TestNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "newsbot.db")
	s, err := Open(ctx, path)
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
	raw, err := sql.Open(driverName, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := setSchemaVersion(ctx, raw, newer); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	s, err = Open(ctx, path)
	if err == nil {
		s.Close()
		t.Fatal("Open of a newer schema succeeded, want ErrNewerSchema")
	}
	if !errors.Is(err, ErrNewerSchema) {
		t.Errorf("Open error %v is not ErrNewerSchema", err)
	}
	for _, w := range []string{path, "version 99 is newer", "supports (1)", "upgrade newsbot"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("Open error %q does not contain %q", err, w)
		}
	}

	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("Open of a newer schema changed the database file")
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Errorf("Open of a newer schema left %s behind", filepath.Base(path+suffix))
		}
	}
}

// TestMigrationIsAtomic checks that a failing step leaves no trace: neither
// its first statements nor a new version.
func TestMigrationIsAtomic(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "newsbot.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	orig := migrations
	t.Cleanup(func() { migrations = orig })
	migrations = append(orig[:len(orig):len(orig)],
		`CREATE TABLE half (a TEXT); INSERT INTO nowhere VALUES (1);`)

	if s, err := Open(ctx, path); err == nil {
		s.Close()
		t.Fatal("Open with a failing migration succeeded, want an error")
	} else if !strings.Contains(err.Error(), "migrate to schema version 2") {
		t.Errorf("error %q does not name the failing version", err)
	}

	migrations = orig
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	v, err := schemaVersion(ctx, s.r)
	if err != nil {
		t.Fatal(err)
	}
	if v != len(orig) {
		t.Errorf("schema version = %d after a failed step, want %d", v, len(orig))
	}
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Error("table of the failed step exists, want it rolled back")
	}
}

// TestMigrateFromEachVersion applies the steps one version at a time, as
// successive releases would, and checks each lands on its version.
func TestMigrateFromEachVersion(t *testing.T) {
	ctx := context.Background()
	orig := migrations
	t.Cleanup(func() { migrations = orig })
	path := filepath.Join(t.TempDir(), "newsbot.db")
	for v := 1; v <= len(orig); v++ {
		t.Run(fmt.Sprintf("to version %d", v), func(t *testing.T) {
			migrations = orig[:v]
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			got, err := schemaVersion(ctx, s.r)
			if err != nil {
				t.Fatal(err)
			}
			if got != v {
				t.Errorf("schema version = %d, want %d", got, v)
			}
		})
	}
}
