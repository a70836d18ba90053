package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/config"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestRunDaemon(t *testing.T) {
	addr := freeAddr(t)
	h := newHarness(t, fmt.Sprintf("http: {listen: %q}\nprofiles: profiles.yaml\n", addr))
	profiles := filepath.Join(h.dir, "profiles.yaml")
	if err := os.WriteFile(profiles, config.BuiltinProfiles(), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, _ := os.ReadFile(h.config)
	text := strings.Replace(string(cfg), "timezone: Asia/Kolkata\n", "timezone: Asia/Kolkata\nschedule: {poll: \"@every 1s\", digest: \"@every 1s\"}\n", 1)
	os.WriteFile(h.config, []byte(text), 0o644)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- Main(ctx, []string{"--config", h.config, "run"}, io.Discard, &stderr) }()

	eventually(t, "the first digests", func() bool { return len(h.slack.Posts()) >= 5 })
	posted := len(h.slack.Posts())

	// Health and metrics.
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
		if path == "/metrics" && !strings.Contains(string(body), "newsbot_polls_total") {
			t.Errorf("/metrics lacks newsbot_polls_total")
		}
	}

	// An invalid edit keeps the old profiles; a valid one is picked up.
	os.WriteFile(profiles, []byte("profiles:\n  - name: broken\n    bogus: true\n"), 0o644)
	eventually(t, "the invalid edit to be refused", func() bool {
		return strings.Contains(stderr.String(), "profiles not reloaded")
	})
	// The valid edit has a rule that can never fire: a warning, logged
	// with the reload (once per reload).
	dead := "  - name: DEAD\n    rules:\n      - any: [qwertyuiop]\n      - any: [qwerty war]\n        none: [war]\n"
	os.WriteFile(profiles, append(config.BuiltinProfiles(), dead...), 0o644)
	eventually(t, "the valid edit to be loaded", func() bool {
		return strings.Contains(stderr.String(), "profiles reloaded")
	})
	eventually(t, "the edit's warning to be logged", func() bool {
		return strings.Contains(stderr.String(), "this rule can never fire")
	})
	if w, r := strings.Count(stderr.String(), "this rule can never fire"), strings.Count(stderr.String(), "profiles reloaded"); w > r {
		t.Errorf("%d warnings logged for %d reloads", w, r)
	}

	// Later ticks find nothing new: no message is posted twice.
	time.Sleep(1500 * time.Millisecond)
	if n := len(h.slack.Posts()); n != posted {
		t.Errorf("later ticks posted %d more messages", n-posted)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("run exited %d after cancellation\n%s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop within 10 s of SIGTERM")
	}
	if !strings.Contains(stderr.String(), "stopped") {
		t.Errorf("no clean stop logged:\n%s", stderr.String())
	}
}
