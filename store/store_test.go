package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/feeds"
)

// t0 is the base time of the tests: whole milliseconds, UTC.
var t0 = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// openTest opens a new store in a temporary directory and closes it when the
// test ends.
func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "newsbot.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// item returns a test item with the given ID published at p.
func item(id string, p time.Time) feeds.Item {
	return feeds.Item{
		ID:        id,
		FeedURL:   "https://example.com/feed.xml",
		Feed:      "Example",
		Title:     "Title " + id,
		Summary:   "Summary of " + id,
		Link:      "https://example.com/" + id,
		Published: p,
	}
}

func TestOpenSettings(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	tests := []struct {
		name   string
		pragma string
		want   string
	}{
		{"journal mode", "journal_mode", "wal"},
		{"foreign keys", "foreign_keys", "1"},
		{"synchronous normal", "synchronous", "1"},
		{"busy timeout", "busy_timeout", fmt.Sprint(busyTimeout)},
		{"schema version", "user_version", fmt.Sprint(len(migrations))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for pool, db := range map[string]querier{"write": s.w, "read": s.r} {
				var got string
				if err := db.QueryRowContext(ctx, "PRAGMA "+tt.pragma).Scan(&got); err != nil {
					t.Fatalf("%s pool: PRAGMA %s: %v", pool, tt.pragma, err)
				}
				if got != tt.want {
					t.Errorf("%s pool: PRAGMA %s = %q, want %q", pool, tt.pragma, got, tt.want)
				}
			}
		})
	}
	t.Run("read pool is query-only", func(t *testing.T) {
		_, err := s.r.ExecContext(ctx, `INSERT INTO marks (mark, at) VALUES ('x', 1)`)
		if err == nil {
			t.Fatal("write through the read pool succeeded, want an error")
		}
	})
}

func TestOpenReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "newsbot.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if _, err := s.SaveItems(ctx, []feeds.Item{item("a", t0)}, t0); err != nil {
		t.Fatalf("SaveItems: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	n, err := s.CountItems(ctx)
	if err != nil {
		t.Fatalf("CountItems: %v", err)
	}
	if n != 1 {
		t.Errorf("CountItems after reopen = %d, want 1", n)
	}
	v, err := schemaVersion(ctx, s.r)
	if err != nil {
		t.Fatalf("schemaVersion: %v", err)
	}
	if v != SchemaVersion() {
		t.Errorf("schema version after reopen = %d, want %d", v, SchemaVersion())
	}
}

func TestOpenSpecialCharactersInPath(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "state?x=1#frag %41")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "news bot.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not created at %q: %v", path, err)
	}
}

func TestOpenBadPath(t *testing.T) {
	tests := []struct {
		name string
		// setup returns the path to open, or skips the test.
		setup func(t *testing.T) string
		// want are substrings the error must contain.
		want []string
	}{
		{
			name: "missing directory",
			setup: func(t *testing.T) string {
				return filepath.Join(t.TempDir(), "nope", "newsbot.db")
			},
			want: []string{"store: open ", "nope", "does not exist", "create it", "`store:`"},
		},
		{
			name: "path is a directory",
			setup: func(t *testing.T) string {
				return t.TempDir()
			},
			want: []string{"store: open ", "is a directory", "`store:`"},
		},
		{
			name: "parent is a file",
			setup: func(t *testing.T) string {
				f := filepath.Join(t.TempDir(), "file")
				if err := os.WriteFile(f, nil, 0o644); err != nil {
					t.Fatal(err)
				}
				return filepath.Join(f, "newsbot.db")
			},
			want: []string{"store: open ", "is not a directory"},
		},
		{
			name: "empty path",
			setup: func(t *testing.T) string {
				return ""
			},
			want: []string{"store: open", "empty", "`store:`"},
		},
		{
			name: "read-only directory",
			setup: func(t *testing.T) string {
				dir := readOnlyDir(t)
				return filepath.Join(dir, "newsbot.db")
			},
			want: []string{"store: open ", "is not writable", "permission denied", "`store:`"},
		},
		{
			name: "existing database in read-only directory",
			setup: func(t *testing.T) string {
				dir := t.TempDir()
				path := filepath.Join(dir, "newsbot.db")
				s, err := Open(context.Background(), path)
				if err != nil {
					t.Fatal(err)
				}
				s.Close()
				makeReadOnly(t, dir)
				return path
			},
			want: []string{"store: open ", "directory", "is not writable"},
		},
		{
			name: "read-only database file",
			setup: func(t *testing.T) string {
				path := filepath.Join(t.TempDir(), "newsbot.db")
				if err := os.WriteFile(path, nil, 0o444); err != nil {
					t.Fatal(err)
				}
				skipIfWritable(t, path)
				return path
			},
			want: []string{"store: open ", "database file is not writable"},
		},
		{
			name: "not a database",
			setup: func(t *testing.T) string {
				path := filepath.Join(t.TempDir(), "newsbot.db")
				if err := os.WriteFile(path, []byte(strings.Repeat("not sqlite\n", 100)), 0o644); err != nil {
					t.Fatal(err)
				}
				return path
			},
			want: []string{"store: open ", "newsbot.db", "not a database"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.setup(t)
			s, err := Open(context.Background(), path)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded, want an error", path)
			}
			t.Logf("Open error: %v", err)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Open(%q) error %q does not contain %q", path, err, w)
				}
			}
			if path != "" && !strings.Contains(err.Error(), path) {
				t.Errorf("Open(%q) error %q does not name the path", path, err)
			}
		})
	}
}

// readOnlyDir returns a new directory with mode 0555.
func readOnlyDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	makeReadOnly(t, dir)
	return dir
}

// makeReadOnly makes dir read-only for the rest of the test. It skips the
// test when the process can write there anyway, as root (or any process with
// CAP_DAC_OVERRIDE) can: permission bits do not stop it, so the case cannot
// be produced this way. The "path is a directory" and "missing directory"
// cases still run.
func makeReadOnly(t *testing.T, dir string) {
	t.Helper()
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	probe := filepath.Join(dir, "probe")
	if err := os.WriteFile(probe, nil, 0o644); err == nil {
		os.Remove(probe)
		t.Skip("permission bits do not stop this process from writing (running as root?); cannot test a read-only directory")
	}
}

// skipIfWritable skips the test when the read-only file at path can be opened
// for writing anyway (running as root).
func skipIfWritable(t *testing.T, path string) {
	t.Helper()
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		f.Close()
		t.Skip("permission bits do not stop this process from writing (running as root?); cannot test a read-only file")
	}
}

func TestConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	const (
		workers = 8
		batches = 10
		size    = 20
		// Workers overlap: worker w saves IDs [w*50, w*50+200), so most
		// IDs are offered by several workers and must be stored once.
		stride = 50
	)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		fresh = map[string]int{}
		errs  = make(chan error, workers*2)
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				batch := make([]feeds.Item, size)
				for i := range batch {
					n := w*stride + b*size + i
					batch[i] = item(fmt.Sprintf("item-%04d", n), t0.Add(time.Duration(n)*time.Minute))
				}
				got, err := s.SaveItems(ctx, batch, t0)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				for _, it := range got {
					fresh[it.ID]++
				}
				mu.Unlock()
			}
		}()
		// A reader alongside each writer.
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range batches {
				if _, err := s.CountItems(ctx); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent use: %v", err)
	}

	wantUnique := (workers-1)*stride + batches*size
	if len(fresh) != wantUnique {
		t.Errorf("%d distinct items returned as new, want %d", len(fresh), wantUnique)
	}
	for id, n := range fresh {
		if n != 1 {
			t.Errorf("item %s returned as new %d times, want once", id, n)
		}
	}
	n, err := s.CountItems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != wantUnique {
		t.Errorf("CountItems = %d, want %d", n, wantUnique)
	}
}

// TestWriteDuringWalk checks that fn of ItemsPublished can write: the walk
// holds a read connection, and the write must not wait for it.
func TestWriteDuringWalk(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := openTest(t)
	var items []feeds.Item
	for i := range 50 {
		items = append(items, item(fmt.Sprintf("i%02d", i), t0.Add(time.Duration(i)*time.Second)))
	}
	if _, err := s.SaveItems(ctx, items, t0); err != nil {
		t.Fatal(err)
	}
	var saved int
	err := s.ItemsPublished(ctx, t0, t0.Add(time.Hour), func(it feeds.Item) error {
		n, err := s.SaveMatches(ctx, []Match{{ItemID: it.ID, Profile: "p", Channel: "#c", Matched: t0}})
		saved += n
		return err
	})
	if err != nil {
		t.Fatalf("ItemsPublished: %v", err)
	}
	if saved != len(items) {
		t.Errorf("saved %d matches during the walk, want %d", saved, len(items))
	}
}

func TestUseAfterClose(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "newsbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := s.CountItems(context.Background()); err == nil {
		t.Error("CountItems after Close succeeded, want an error")
	}
	if _, err := s.Mark(context.Background(), "k", t0); err == nil {
		t.Error("Mark after Close succeeded, want an error")
	}
}
