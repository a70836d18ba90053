package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/feeds"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// t0 is the base time of the tests: whole milliseconds, UTC.
var t0 = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// The PostgreSQL tests need a server: NEWSBOT_TEST_POSTGRES is the URL of a
// database on it whose user may create databases (source .ci/postgres.sh to
// start one). Without it they are skipped, unless NEWSBOT_REQUIRE_POSTGRES
// is 1, as on CI, where they fail.
const (
	envPostgres        = "NEWSBOT_TEST_POSTGRES"
	envRequirePostgres = "NEWSBOT_REQUIRE_POSTGRES"
)

// backend is a database system the tests run against.
type backend struct {
	name string
	// newDB returns the location of a new, empty database, removed when
	// the test ends.
	newDB func(t testing.TB) string
}

var (
	sqliteBackend   = backend{name: "sqlite", newDB: newSQLiteDB}
	postgresBackend = backend{name: "postgres", newDB: newPostgresDB}
)

// open opens a store on a new, empty database and closes it when the test
// ends.
func (b backend) open(t testing.TB) *Store {
	t.Helper()
	return openAt(t, b.newDB(t))
}

// forEachBackend runs f as a subtest for each backend, named after it.
func forEachBackend(t *testing.T, f func(t *testing.T, b backend)) {
	t.Helper()
	for _, b := range []backend{sqliteBackend, postgresBackend} {
		t.Run(b.name, func(t *testing.T) {
			if b.name == postgresBackend.name {
				postgresAdmin(t)
			}
			f(t, b)
		})
	}
}

// openAt opens the store at location and closes it when the test ends.
func openAt(t testing.TB, location string) *Store {
	t.Helper()
	s, err := Open(context.Background(), location)
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

// openTest opens a new SQLite store in a temporary directory and closes it
// when the test ends.
func openTest(t testing.TB) *Store {
	t.Helper()
	return sqliteBackend.open(t)
}

func newSQLiteDB(t testing.TB) string {
	return filepath.Join(t.TempDir(), "newsbot.db")
}

// pgAdmin is the connection to the test server, shared by the tests: it
// creates and drops their databases.
var pgAdmin struct {
	once sync.Once
	db   *sql.DB
	url  *url.URL
	err  error
}

// postgresAdmin returns the connection to the test server and its URL, or
// skips the test (fails it, if NEWSBOT_REQUIRE_POSTGRES=1) when there is no
// server.
func postgresAdmin(t testing.TB) (*sql.DB, *url.URL) {
	t.Helper()
	pgAdmin.once.Do(func() {
		raw := os.Getenv(envPostgres)
		if raw == "" {
			pgAdmin.err = fmt.Errorf("%s is not set; set it to postgres://USER@HOST:PORT/DB?sslmode=disable (a user that may create databases), or run `source .ci/postgres.sh`", envPostgres)
			return
		}
		u, err := url.Parse(raw)
		if err != nil {
			pgAdmin.err = fmt.Errorf("%s: %v", envPostgres, err)
			return
		}
		db, err := sql.Open("pgx", raw)
		if err != nil {
			pgAdmin.err = fmt.Errorf("%s: %v", envPostgres, err)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			pgAdmin.err = fmt.Errorf("%s: no server at %s: %v", envPostgres, u.Redacted(), err)
			return
		}
		pgAdmin.db, pgAdmin.url = db, u
	})
	if pgAdmin.err != nil {
		if os.Getenv(envRequirePostgres) == "1" {
			t.Fatalf("PostgreSQL required (%s=1): %v", envRequirePostgres, pgAdmin.err)
		}
		t.Skipf("skipping PostgreSQL tests: %v", pgAdmin.err)
	}
	return pgAdmin.db, pgAdmin.url
}

// newPostgresDB creates a database of its own for the test on the test
// server, and drops it when the test ends.
func newPostgresDB(t testing.TB) string {
	t.Helper()
	admin, base := postgresAdmin(t)
	name := "newsbot_test_" + strings.ToLower(rand.Text())
	if _, err := admin.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u := *base
	u.Path = "/" + name
	return u.String()
}

// item returns a test item with the given ID published at p.
func item(id string, p time.Time) feeds.Item {
	return feeds.Item{
		ID:        id,
		FeedURL:   "https://example.com/feed.xml",
		Feed:      "Example",
		Title:     "Title " + id,
		Summary:   "Summary of " + id,
		Text:      "Summary of " + id,
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
		{"incremental auto-vacuum", "auto_vacuum", "2"},
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
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		loc := b.newDB(t)
		s, err := Open(ctx, loc)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if _, err := s.SaveItems(ctx, []feeds.Item{item("a", t0)}, t0); err != nil {
			t.Fatalf("SaveItems: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}

		s = openAt(t, loc)
		n, err := s.CountItems(ctx)
		if err != nil {
			t.Fatalf("CountItems: %v", err)
		}
		if n != 1 {
			t.Errorf("CountItems after reopen = %d, want 1", n)
		}
		v, err := s.d.schemaVersion(ctx, s.r)
		if err != nil {
			t.Fatalf("schemaVersion: %v", err)
		}
		if v != SchemaVersion() {
			t.Errorf("schema version after reopen = %d, want %d", v, SchemaVersion())
		}
		if got := s.Backend(); got != b.name {
			t.Errorf("Backend() = %q, want %q", got, b.name)
		}
	})
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

// TestConcurrentWrites saves overlapping batches from several goroutines,
// through one Store or through several on one database (as replicas do),
// and checks each item is stored, and returned as new, once.
func TestConcurrentWrites(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		for _, stores := range []int{1, 3} {
			t.Run(fmt.Sprintf("%d stores", stores), func(t *testing.T) {
				testConcurrentWrites(t, b, stores)
			})
		}
	})
}

func testConcurrentWrites(t *testing.T, b backend, stores int) {
	ctx := context.Background()
	loc := b.newDB(t)
	ss := make([]*Store, stores)
	for i := range ss {
		ss[i] = openAt(t, loc)
	}
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
		s := ss[w%stores]
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
	n, err := ss[0].CountItems(ctx)
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
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s := b.open(t)
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
	})
}

func TestUseAfterClose(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		s, err := Open(context.Background(), b.newDB(t))
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
		if _, err := s.TryLock(context.Background(), "k", func(context.Context) error { return nil }); err == nil {
			t.Error("TryLock after Close succeeded, want an error")
		}
	})
}

// TestSplitPassword checks the names PostgreSQL URLs go by in errors.
func TestSplitPassword(t *testing.T) {
	tests := []struct {
		name, url, want, password string
		wantErr                   bool
	}{
		{"no password", "postgres://db:5432/newsbot", "postgres://db:5432/newsbot", "", false},
		{"user without password", "postgres://newsbot@db:5432/newsbot", "postgres://<secret>@db:5432/newsbot", "", false},
		{"password", "postgres://newsbot:s3cret@db/newsbot?sslmode=require", "postgres://<secret>@db/newsbot?sslmode=require", "s3cret", false},
		{"password parameter", "postgresql://db/newsbot?password=s3cret&user=u", "postgresql://db/newsbot?password=<secret>&user=u", "s3cret", false},
		{"unparseable", "postgres://newsbot:s3cret@db:port/newsbot", "postgres://…", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, password, err := splitPassword(tt.url)
			if got != tt.want || password != tt.password || (err != nil) != tt.wantErr {
				t.Errorf("splitPassword(%q) = %q, %q, %v; want %q, %q, error %v", tt.url, got, password, err, tt.want, tt.password, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret") {
				t.Errorf("splitPassword error %q shows the password", err)
			}
		})
	}
}

// TestOpenPostgresHidesPassword checks that no error of Open shows the
// password of the URL. The first cases need no server.
func TestOpenPostgresHidesPassword(t *testing.T) {
	const password = "s3cret-Pa55"
	tests := []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"bad port", func(*testing.T) string {
			return "postgres://newsbot:" + password + "@127.0.0.1:port/newsbot"
		}},
		{"bad parameter", func(*testing.T) string {
			return "postgres://newsbot:" + password + "@127.0.0.1:1/newsbot?sslmode=sometimes"
		}},
		{"password parameter, bad parameter", func(*testing.T) string {
			return "postgres://127.0.0.1:1/newsbot?password=" + password + "&sslmode=sometimes"
		}},
		{"connection refused", func(*testing.T) string {
			return "postgres://newsbot:" + password + "@127.0.0.1:1/newsbot?sslmode=disable&connect_timeout=2"
		}},
		{"no such database", func(t *testing.T) string {
			_, base := postgresAdmin(t)
			u := *base
			u.User = url.UserPassword(base.User.Username(), password)
			u.Path = "/newsbot_no_such_database"
			return u.String()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			s, err := Open(ctx, tt.url(t))
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded, want an error")
			}
			t.Logf("Open error: %v", err)
			if strings.Contains(err.Error(), password) {
				t.Errorf("Open error %q shows the password", err)
			}
			if !strings.HasPrefix(err.Error(), "store: open postgres") {
				t.Errorf("Open error %q does not start with \"store: open postgres\"", err)
			}
			if errors.Is(err, ErrNewerSchema) {
				t.Errorf("Open error %q is ErrNewerSchema", err)
			}
		})
	}
}
