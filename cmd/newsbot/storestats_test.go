package main

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStoreStats(t *testing.T) {
	h := newHarness(t, "")
	if code, _, stderr := h.run("once", "--dry-run"); code != 0 {
		t.Fatalf("once --dry-run exit %d: %s", code, stderr)
	}

	code, out, stderr := h.run("store", "stats")
	if code != 0 {
		t.Fatalf("store stats exit %d: %s", code, stderr)
	}
	for _, want := range []string{"sqlite store " + filepath.Join(h.dir, "newsbot.db"), "size on disk: ", "items", "matches", "feed_states", "pending matches: ", "oldest item first seen: ", "retention 180d"} {
		if !strings.Contains(out, want) {
			t.Errorf("store stats output lacks %q:\n%s", want, out)
		}
	}
	// The harness's timezone is Asia/Kolkata: the time carries its zone.
	_, rest, _ := strings.Cut(out, "oldest item first seen: ")
	if line, _, _ := strings.Cut(rest, "\n"); !strings.Contains(line, "+05:30 ") {
		t.Errorf("oldest item line %q is not in the configured timezone", line)
	}

	code, out, stderr = h.run("store", "stats", "--format", "json")
	if code != 0 {
		t.Fatalf("store stats --format json exit %d: %s", code, stderr)
	}
	var got struct {
		Backend       string `json:"backend"`
		SchemaVersion int    `json:"schema_version"`
		SizeBytes     int64  `json:"size_bytes"`
		Tables        []struct {
			Name string `json:"name"`
			Rows int64  `json:"rows"`
		} `json:"tables"`
		Pending    *int64  `json:"pending"`
		OldestItem *string `json:"oldest_item"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("store stats --format json is not one JSON object: %v\n%s", err, out)
	}
	rows := map[string]int64{}
	for _, tr := range got.Tables {
		rows[tr.Name] = tr.Rows
	}
	if got.Backend != "sqlite" || got.SizeBytes <= 0 || got.SchemaVersion < 1 || got.Pending == nil || got.OldestItem == nil {
		t.Errorf("store stats JSON = %s", out)
	}
	if rows["items"] == 0 || rows["feed_states"] != 3 {
		t.Errorf("rows = %v, want items and 3 feed states", rows)
	}

	code, _, stderr = h.run("store", "stats", "--format", "yaml")
	if code != exitUsage {
		t.Errorf("store stats --format yaml exit %d, want %d: %s", code, exitUsage, stderr)
	}
}

func TestHumanBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{5660672, "5.4 MiB"},
		{3 << 30, "3.0 GiB"},
	}
	for _, tt := range tests {
		if got := humanBytes(tt.n); got != tt.want {
			t.Errorf("humanBytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

// TestCorruptStoreStopsEveryCommand damages interior pages of the SQLite
// file (random bytes, as a failing disk would leave) and checks that every
// command opening the store exits 1 with a message naming the file and what
// to do, without writing to it, and that `store check` lists the damage.
func TestCorruptStoreStopsEveryCommand(t *testing.T) {
	h := newHarness(t, "")
	if code, _, stderr := h.run("once", "--dry-run"); code != 0 {
		t.Fatalf("once --dry-run exit %d: %s", code, stderr)
	}
	db := filepath.Join(h.dir, "newsbot.db")
	if code, out, stderr := h.run("store", "check"); code != 0 || !strings.Contains(out, "ok: ") {
		t.Fatalf("store check of a sound file: exit %d, %s %s", code, out, stderr)
	}
	damagePages(t, db)
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}

	for _, args := range [][]string{
		{"feeds"},
		{"migrate"},
		{"once", "--dry-run"},
		{"store", "stats"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, _, stderr := h.run(args...)
			if code != exitFailed {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitFailed, stderr)
			}
			for _, want := range []string{db, "damaged", "restore it from a backup", "newsbot store check"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			after, err := os.ReadFile(db)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Fatal("the damaged file was written to")
			}
		})
	}

	code, out, stderr := h.run("store", "check")
	if code != exitFailed || out == "" || !strings.Contains(stderr, "is damaged") {
		t.Errorf("store check of a damaged file: exit %d, stdout %q, stderr %q; want exit 1 listing problems", code, out, stderr)
	}
}

// damagePages writes random bytes (from a fixed seed) over every other page
// of the SQLite file at path from page 3 on, leaving the header page and
// the schema intact.
func damagePages(t *testing.T, path string) {
	t.Helper()
	const pageSize = 4096
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pages := fi.Size() / pageSize
	if pages < 5 {
		t.Fatalf("the store has %d pages, too few to damage", pages)
	}
	r := rand.New(rand.NewPCG(3, 4))
	buf := make([]byte, pageSize)
	for p := int64(3); p <= pages; p += 2 {
		for i := range buf {
			buf[i] = byte(r.Uint32())
		}
		if _, err := f.WriteAt(buf, (p-1)*pageSize); err != nil {
			t.Fatal(err)
		}
	}
}
