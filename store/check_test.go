package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/feeds"
)

// filledDB returns the path of a closed SQLite store holding n items, large
// enough to have many interior pages.
func filledDB(t *testing.T, n int) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "newsbot.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	items := make([]feeds.Item, n)
	for i := range items {
		items[i] = item(fmt.Sprintf("item-%05d", i), t0)
		items[i].Summary = strings.Repeat("summary text ", 40)
	}
	if _, err := s.SaveItems(ctx, items, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// corrupt writes random bytes (from a fixed seed) over the given pages of
// the SQLite file at path, as a failing disk or a stray write would.
func corrupt(t *testing.T, path string, pages ...int) {
	t.Helper()
	const pageSize = 4096 // SQLite's default, which Open keeps
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, pageSize)
	for _, p := range pages {
		off := int64(p-1) * pageSize
		if off+pageSize > fi.Size() {
			t.Fatalf("page %d is past the end of the %d-byte file", p, fi.Size())
		}
		for i := range buf {
			buf[i] = byte(r.Uint32())
		}
		if _, err := f.WriteAt(buf, off); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenRefusesCorruptFile(t *testing.T) {
	ctx := context.Background()
	path := filledDB(t, 2000)
	corrupt(t, path, 40, 41, 150, 300)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, path)
	if err == nil {
		s.Close()
		t.Fatal("Open of a damaged file succeeded, want an error")
	}
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("Open error %v does not wrap ErrCorrupt", err)
	}
	for _, want := range []string{path, "damaged", "nothing was written", "backup", "newsbot store check"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Open error %q lacks %q", err, want)
		}
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("Open wrote to the damaged file before refusing it")
	}

	problems, checked, err := Check(ctx, path)
	if err != nil || !checked {
		t.Fatalf("Check = %v, %v; want problems", checked, err)
	}
	if len(problems) == 0 {
		t.Error("Check found no problem in the damaged file")
	}
	t.Logf("Check: %d problems, first %q", len(problems), problems[0])
}

func TestCheck(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name        string
		location    func(t *testing.T) string
		wantChecked bool
		wantErr     string
	}{
		{"sound file", func(t *testing.T) string { return filledDB(t, 50) }, true, ""},
		{"missing file", func(t *testing.T) string { return filepath.Join(t.TempDir(), "none.db") }, false, "no database file"},
		{"directory", func(t *testing.T) string { return t.TempDir() }, false, "is a directory"},
		{"postgres is not checked", func(t *testing.T) string { return "postgres://u:secret@127.0.0.1:1/db" }, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := tt.location(t)
			problems, checked, err := Check(ctx, loc)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Check(%s) error = %v, want %q", loc, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Check(%s): %v", loc, err)
			}
			if checked != tt.wantChecked || len(problems) != 0 {
				t.Errorf("Check(%s) = %q, %v; want no problems, checked %v", loc, problems, checked, tt.wantChecked)
			}
		})
	}
	// Check does not create a missing file.
	missing := filepath.Join(t.TempDir(), "none.db")
	Check(ctx, missing)
	if _, err := os.Stat(missing); err == nil {
		t.Error("Check created the missing file")
	}
}
