package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/config"
	"github.com/newsbot/newsbot/store"
)

// TestRunConsole runs the daemon with http.console and a token, and reads
// each console page over HTTP, beside /metrics.
func TestRunConsole(t *testing.T) {
	const token = "console-test-token-8c1e"
	t.Setenv("TEST_CONSOLE_TOKEN", token)
	addr := freeAddr(t)
	h := newHarness(t, fmt.Sprintf("http: {listen: %q, console: true, auth_token: '${TEST_CONSOLE_TOKEN}'}\n", addr))

	// A reader's feedback, for the overview's overlay.
	st, err := store.Open(context.Background(), filepath.Join(h.dir, "newsbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveFeedback(context.Background(), store.Feedback{Profile: "india-us", ItemID: "x", StoryID: "x", UserID: "U1", Action: "not_relevant", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- Main(ctx, []string{"--config", h.config, "run"}, io.Discard, &stderr) }()

	get := func(path string, auth bool) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
		if auth {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	eventually(t, "the first poll on the feeds page", func() bool {
		status, body := get("/feeds", true)
		return status == http.StatusOK && strings.Contains(body, "Defence Desk") && !strings.Contains(body, ">never<")
	})

	pages := []struct {
		path string
		want string
	}{
		{"/", `<g class="series" data-profile=`},
		{"/", `<rect class="fb-neg"`},
		{"/feeds", "Raksha Samachar"},
		{"/digest", `src="/digest/preview"`},
		{"/digest/preview", "#india-us-watch"},
		{"/test", `name="profile_file"`},
		{"/test?from=" + url.QueryEscape("profiles.yaml (built in)"), "lists:"},
	}
	for _, p := range pages {
		if status, _ := get(p.path, false); status != http.StatusUnauthorized {
			t.Errorf("GET %s without the token = %d, want 401", p.path, status)
		}
		status, body := get(p.path, true)
		if status != http.StatusOK || !strings.Contains(body, p.want) {
			t.Errorf("GET %s = %d, lacks %q", p.path, status, p.want)
		}
	}
	if status, _ := get("/metrics", false); status != http.StatusOK {
		t.Errorf("GET /metrics = %d: the console's token must not guard it", status)
	}
	form := url.Values{"mode": {"text"}, "text": {"India and US agree on tariff cuts\nThe trade deal covers tariffs."}}
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/test", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "<mark>") {
		t.Errorf("POST /test = %d, nothing highlighted", resp.StatusCode)
	}

	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
	if strings.Contains(stderr.String(), token) {
		t.Error("the console token is in the log")
	}
}

// TestRunConsoleOff checks that without http.console the daemon serves no
// console, only metrics and health.
func TestRunConsoleOff(t *testing.T) {
	addr := freeAddr(t)
	h := newHarness(t, fmt.Sprintf("http: {listen: %q}\n", addr))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- Main(ctx, []string{"--config", h.config, "run"}, io.Discard, io.Discard) }()
	eventually(t, "the server", func() bool {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	for _, p := range []string{"/", "/feeds", "/test"} {
		resp, err := http.Get("http://" + addr + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s with the console off = %d, want 404", p, resp.StatusCode)
		}
	}
	cancel()
	<-done
}

func TestProfileFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("b.yml", "profiles: []\n")
	write("a.yaml", "profiles: []\n")
	write(".hidden.yaml", "x")
	write("notes.txt", "x")
	os.Mkdir(filepath.Join(dir, "sub.yaml"), 0o755)
	tests := []struct {
		name, profiles string
		want           []string
		wantErr        bool
	}{
		{"built in", "", []string{"profiles.yaml (built in)"}, false},
		{"a directory", ".", []string{"a.yaml", "b.yml"}, false},
		{"a file", "b.yml", []string{"b.yml"}, false},
		{"missing", "gone.yaml", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.File = filepath.Join(dir, "newsbot.yaml")
			cfg.Profiles = tt.profiles
			files, err := (&app{cfg: cfg}).profileFiles()
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			var names []string
			for _, f := range files {
				names = append(names, f.Name)
				if len(f.Data) == 0 {
					t.Errorf("%s is empty", f.Name)
				}
			}
			if strings.Join(names, ",") != strings.Join(tt.want, ",") {
				t.Errorf("files = %v, want %v", names, tt.want)
			}
		})
	}
}
