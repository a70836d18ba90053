package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// TestLogFormatJSON checks that the logs are one JSON object per line when
// --log-format or log_format asks for JSON, and that the flag wins.
func TestLogFormatJSON(t *testing.T) {
	tests := []struct {
		name     string
		extra    string // configuration lines
		args     []string
		wantJSON bool
	}{
		{name: "flag", args: []string{"--log-format", "json", "once", "--dry-run"}, wantJSON: true},
		{name: "config key", extra: "log_format: json\n", args: []string{"once", "--dry-run"}, wantJSON: true},
		{name: "the flag wins over the key", extra: "log_format: json\n", args: []string{"--log-format", "text", "once", "--dry-run"}},
		{name: "default text", args: []string{"once", "--dry-run"}},
		{name: "an error that ends the command is JSON too", args: []string{"--log-format", "json", "backfill", "--since", "1d", "--until", "2d"}, wantJSON: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.extra)
			_, _, errOut := h.run(tt.args...)
			if strings.TrimSpace(errOut) == "" {
				t.Fatal("no log written")
			}
			sc := bufio.NewScanner(strings.NewReader(errOut))
			lines := 0
			for sc.Scan() {
				lines++
				var rec map[string]any
				err := json.Unmarshal(sc.Bytes(), &rec)
				if tt.wantJSON {
					if err != nil {
						t.Fatalf("line %d is not a JSON object: %v: %q", lines, err, sc.Text())
					}
					for _, k := range []string{"time", "level", "msg"} {
						if _, ok := rec[k]; !ok {
							t.Errorf("line %d lacks %q: %s", lines, k, sc.Text())
						}
					}
				} else if err == nil {
					t.Errorf("line %d is JSON in text mode: %s", lines, sc.Text())
				}
			}
			if lines == 0 {
				t.Error("no lines")
			}
		})
	}
}

func TestLogFormatInvalid(t *testing.T) {
	h := newHarness(t, "log_format: xml\n")
	code, _, errOut := h.run("validate")
	if code != 2 || !strings.Contains(errOut, `log_format "xml" is not text or json`) {
		t.Errorf("exit %d, want 2 naming log_format:\n%s", code, errOut)
	}
	code, _, _ = h.run("--log-format", "xml", "validate")
	if code != 2 {
		t.Errorf("--log-format xml: exit %d, want 2", code)
	}
}

// TestFeedsJSON checks `newsbot feeds --format json`: one object per feed,
// times in RFC 3339 with the configured zone's offset, null when never.
func TestFeedsJSON(t *testing.T) {
	h := newHarness(t, "")
	cfg, _ := os.ReadFile(h.config)
	os.WriteFile(h.config, []byte(strings.Replace(string(cfg), "feeds:\n", "feeds:\n  - url: "+h.feeds.URL+"/missing.xml\n    name: Broken Desk\n", 1)), 0o644)
	if code, _, errOut := h.run("once", "--dry-run"); code != 0 {
		t.Fatalf("once: exit %d\n%s", code, errOut)
	}
	code, out, errOut := h.run("feeds", "--format", "json")
	if code != 0 {
		t.Fatalf("feeds: exit %d\n%s", code, errOut)
	}
	type feed struct {
		Name                string  `json:"name"`
		URL                 string  `json:"url"`
		LastSuccess         *string `json:"last_success"`
		ConsecutiveFailures int     `json:"consecutive_failures"`
		NextPoll            *string `json:"next_poll"`
		LastError           string  `json:"last_error"`
		LastErrorAt         *string `json:"last_error_at"`
	}
	byName := map[string]feed{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var f feed
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("not JSON Lines: %v: %q", err, line)
		}
		byName[f.Name] = f
	}
	if len(byName) != 4 {
		t.Fatalf("%d feeds, want 4:\n%s", len(byName), out)
	}
	zoned := func(what string, s *string) {
		t.Helper()
		if s == nil {
			t.Errorf("%s is null", what)
			return
		}
		ts, err := time.Parse(time.RFC3339, *s)
		if err != nil {
			t.Errorf("%s %q is not RFC 3339: %v", what, *s, err)
			return
		}
		if _, off := ts.Zone(); off != 5*3600+1800 {
			t.Errorf("%s %q is not in Asia/Kolkata (+05:30)", what, *s)
		}
	}
	broken := byName["Broken Desk"]
	if broken.ConsecutiveFailures != 1 || !strings.Contains(broken.LastError, "404") || broken.LastSuccess != nil {
		t.Errorf("broken feed = %+v", broken)
	}
	zoned("broken next_poll", broken.NextPoll)
	zoned("broken last_error_at", broken.LastErrorAt)
	desk := byName["Defence Desk"]
	zoned("healthy last_success", desk.LastSuccess)
	if desk.LastErrorAt != nil || desk.LastError != "" {
		t.Errorf("healthy feed = %+v", desk)
	}

	// The table shows the same times with their offset.
	_, table, _ := h.run("feeds")
	if !strings.Contains(table, "+05:30") {
		t.Errorf("the table's times carry no zone:\n%s", table)
	}
}

// TestIsTerminal checks that neither /dev/null (a character device) nor a
// pipe nor a buffer counts as a terminal, and that backfill draws no
// progress bar on them.
func TestIsTerminal(t *testing.T) {
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tests := []struct {
		name string
		w    io.Writer
	}{
		{"/dev/null", devNull},
		{"pipe", w},
		{"buffer", &strings.Builder{}},
	}
	for _, tt := range tests {
		if isTerminal(tt.w) {
			t.Errorf("%s counts as a terminal", tt.name)
		}
	}

	// backfill 2>pipe: the log, and no bar.
	h := newHarness(t, "")
	got := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		got <- string(b)
	}()
	code, _, _ := func() (int, string, string) {
		var out strings.Builder
		return Main(t.Context(), []string{"--config", h.config, "backfill", "--since", "30d", "--dry-run"}, &out, w), "", ""
	}()
	w.Close()
	stderr := <-got
	if code != 0 {
		t.Fatalf("backfill: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "poll done") {
		t.Fatalf("no log on the pipe:\n%s", stderr)
	}
	if strings.Contains(stderr, "fetching feeds") || strings.Contains(stderr, "\r") {
		t.Errorf("a progress bar was drawn on a pipe:\n%q", stderr)
	}
	// backfill 2>/dev/null succeeds (what it writes there is gone).
	if code := Main(t.Context(), []string{"--config", h.config, "backfill", "--since", "30d", "--dry-run"}, io.Discard, devNull); code != 0 {
		t.Errorf("backfill 2>/dev/null: exit %d", code)
	}
}
