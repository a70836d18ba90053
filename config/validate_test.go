package config

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestBadFixtures loads each testdata/bad-*.yaml, one file per kind of error,
// and checks every expected error, with its position, is reported.
func TestBadFixtures(t *testing.T) {
	tests := []struct {
		file  string
		want  []string
		lines int // lines printed, when not one per want
	}{
		{"bad-schedule-tz.yaml", []string{`:3:9: schedule.poll "TZ=UTC": a TZ= prefix is not allowed`}, 0},
		{"bad-schedule-tz-empty.yaml", []string{`:2:9: schedule.poll "TZ= ": a TZ= prefix is not allowed`}, 0},
		{"bad-schedule-cron-tz.yaml", []string{`:4:11: schedule.digest "CRON_TZ=Asia/Kolkata 0 9 * * *": a CRON_TZ= prefix is not allowed: schedules run in the zone of the top-level timezone key`}, 0},
		{"bad-schedule-every-zero.yaml", []string{`:2:9: schedule.poll "@every 0s": @every 0s is too short: the least interval is 1s`}, 0},
		{"bad-schedule-every-negative.yaml", []string{`:2:11: schedule.digest "@every -5m": @every -5m0s is too short`}, 0},
		{"bad-schedule-every-1ns.yaml", []string{`:2:9: schedule.poll "@every 1ns": @every 1ns is too short`}, 0},
		{"bad-schedule-every-fraction.yaml", []string{`:2:9: schedule.poll "@every 1500ms": @every 1.5s is not a whole number of seconds`}, 0},
		{"bad-schedule-never.yaml", []string{`:3:11: schedule.digest "0 9 30 2 *": the schedule never fires`}, 0},
		{"bad-schedule-syntax.yaml", []string{`:2:9: schedule.poll "every minute": expected exactly 5 fields`}, 0},
		{"bad-listen.yaml", []string{`:2:11: http.listen "not an address": not a host:port address such as :8417 or 127.0.0.1:8417 (missing port in address)`}, 0},
		{"bad-listen-port.yaml", []string{`:2:11: http.listen ":99999": port "99999" is not a number from 0 to 65535`}, 0},
		{"bad-listen-host.yaml", []string{`:2:11: http.listen "bad host:9090": host "bad host" is neither an IP address nor a host name`}, 0},
		{"bad-concurrency-fraction.yaml", []string{`:3:16: expected a whole number, got 2.5`}, 0},
		{"bad-max-body-overflow.yaml", []string{`:3:13: size "18014398509481985KiB" is too large`}, 0},
		{"bad-window-overflow.yaml", []string{`:2:11: duration "200000d" is too long`}, 0},
		{"bad-second-document.yaml", []string{`:3:1: a second YAML document starts here`}, 0},
		{"bad-feeds-null.yaml", []string{`:2:8: feeds has no value; list feeds under it, write feeds: [] to poll none, or remove the key to poll the built-in feeds`}, 0},
		{"bad-profiles-missing.yaml", []string{`:1:11: profiles ` + filepath.Join("testdata", "no-such-profiles.yaml") + `: no such file or directory`}, 0},
		{"bad-profiles-empty-dir.yaml", []string{`:1:11: profiles ` + filepath.Join("testdata", "empty-profiles-dir") + `: the directory holds no .yaml or .yml file`}, 0},
		{"bad-profiles-null.yaml", []string{`:2:10: profiles has no value; name a profile file or directory, or remove the key to use the built-in profiles`}, 0},
		{"bad-utf8.yaml", []string{`:4:15: invalid YAML: invalid UTF-8 (byte 0xe9)`}, 0},
		{"bad-many-errors.yaml", []string{
			`:2:11: unknown timezone "Mars/Olympus"`,
			`:4:9: schedule.poll "@every 0s": @every 0s is too short`,
			`:5:3: unknown key "digets"`,
			`:7:16: expected a whole number, got 2.5`,
			`:8:12: invalid duration "soon"`,
			`:9:13: invalid size "lots"`,
			`:11:11: invalid duration "forever"`,
			`:13:11: http.listen "not an address"`,
		}, 0},
		{"bad-too-many-errors.yaml", []string{
			`:3:10: feed url "ftp://example.org/feed1" is not an http(s) URL`,
			`:102:10: feed url "ftp://example.org/feed100" is not an http(s) URL`,
			`:103:10: … and 10 more problems in this file (only the first 100 are shown)`,
		}, 101},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			_, err := Load(path)
			if err == nil {
				t.Fatal("Load accepted it")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), path+w) {
					t.Errorf("errors lack %q:\n%v", path+w, err)
				}
			}
			want := tt.lines
			if want == 0 {
				want = len(tt.want)
			}
			if got := strings.Count(err.Error(), "\n") + 1; got != want {
				t.Errorf("got %d lines, want %d:\n%v", got, want, err)
			}
		})
	}
	files, err := filepath.Glob(filepath.Join("testdata", "bad-*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !covered[filepath.Base(f)] {
			t.Errorf("%s has no case in TestBadFixtures", f)
		}
	}
}

// TestFeedsKey pins what each way of writing the feeds key means.
func TestFeedsKey(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		feeds int // -1: the built-in feeds
		err   string
	}{
		{"absent: built-in feeds", "store: x.db\n", -1, ""},
		{"explicit empty list: no feeds", "feeds: []\n", 0, ""},
		{"null", "feeds: ~\n", 0, "f.yaml:1:8: feeds has no value"},
		{"no value", "feeds:\nstore: x.db\n", 0, "f.yaml:1:7: feeds has no value"},
		{"one feed", "feeds:\n  - url: https://example.org/rss\n", 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("f.yaml", strings.NewReader(tt.in), env(nil))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Parse = %v, want an error containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := tt.feeds
			if want < 0 {
				want = len(DefaultFeeds())
			}
			if len(cfg.Feeds) != want {
				t.Errorf("got %d feeds, want %d", len(cfg.Feeds), want)
			}
		})
	}
}

// TestParseLeavesFilesAlone checks the profiles path is Load's to check:
// Parse reads no file.
func TestParseLeavesFilesAlone(t *testing.T) {
	if _, err := Parse("f.yaml", strings.NewReader("profiles: no-such-profiles.yaml\n"), env(nil)); err != nil {
		t.Fatalf("Parse: %v", err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "newsbot.yaml")
	if err := os.WriteFile(path, []byte("profiles: p.yaml\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p.yaml"), BuiltinProfiles(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err != nil {
		t.Fatalf("Load with the profiles beside the file: %v", err)
	}
}

// FuzzLoadConfig checks that any configuration bytes give a configuration or
// an error, never a panic, and that every error is positioned in the file.
// Inputs are capped at 64 KiB so each run is quick: YAML size, not content,
// is what costs time here, and real configuration files are far smaller.
func FuzzLoadConfig(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"schedule: {poll: 'TZ=UTC', digest: 'CRON_TZ=UTC'}\n",
		"schedule: {poll: '@every 1s', digest: '0 9 29 2 *'}\n",
		"timezone: Asia/Kolkata\nschedule: {digest: '30 2 * * 0'}\n",
		"fetch: {concurrency: 1e3, max_body: 9223372036854775807B, timeout: 106751d}\n",
		"http: {listen: '[::1]:0'}\n",
		"a: &a [x, *a]\n",
		"feeds: [{url: ${X}}, {url: $${X}}]\nstore: ${T}\n",
		"---\nstore: x.db\n...\n---\n",
	} {
		f.Add([]byte(s))
	}
	line := regexp.MustCompile(`^fuzz\.yaml:[1-9][0-9]*:[1-9][0-9]*: \S`)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 {
			return
		}
		cfg, err := Parse("fuzz.yaml", bytes.NewReader(data), env(map[string]string{"X": "https://example.org/rss", "T": "t.db"}))
		if err != nil {
			if cfg != nil {
				t.Fatal("Parse returned a configuration with an error")
			}
			for _, l := range strings.Split(err.Error(), "\n") {
				if !line.MatchString(l) {
					t.Fatalf("error line %q is not file:line:col: message", l)
				}
			}
			return
		}
		// What Parse accepts, newsbot can run.
		if cfg.Location == nil {
			t.Fatal("no location")
		}
		for _, s := range []string{cfg.Schedule.Poll, cfg.Schedule.Digest} {
			if _, err := ParseSchedule(s, cfg.Location, time.Now()); err != nil {
				t.Fatalf("accepted schedule %q does not parse: %v", s, err)
			}
		}
		if cfg.Fetch.Concurrency < 1 || cfg.Fetch.PerHost < 1 || cfg.Fetch.Timeout <= 0 || cfg.Fetch.MaxBody <= 0 {
			t.Fatalf("accepted fetch settings %+v", cfg.Fetch)
		}
		if cfg.HTTP.Listen != "" {
			if _, _, err := net.SplitHostPort(cfg.HTTP.Listen); err != nil {
				t.Fatalf("accepted listen address %q: %v", cfg.HTTP.Listen, err)
			}
		}
	})
}
