package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/internal/slackstub"
)

// envOnlyConfig writes a configuration with no Slack credentials and no
// store: only the feeds, slack.api_url and the schedules.
func envOnlyConfig(t *testing.T, feedsURL, apiURL string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "newsbot.yaml")
	cfg := fmt.Sprintf(`schedule: {poll: "@every 1h", digest: "@every 1s"}
feeds:
  - url: %s/defence.xml
  - url: %s/trade.atom
slack:
  api_url: %s
`, feedsURL, feedsURL, apiURL)
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunConfiguredByEnvironment(t *testing.T) {
	feeds := newFeedServer(t, time.Now())
	slack := slackstub.New(t)
	path := envOnlyConfig(t, feeds.URL, slack.URL())
	store := filepath.Join(t.TempDir(), "env.db")
	t.Setenv("SLACK_BOT_TOKEN", slack.Token())
	t.Setenv("SLACK_WEBHOOK_URL", "")
	t.Setenv("NEWSBOT_STORE", store)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- Main(ctx, []string{"--config", path, "run"}, io.Discard, &stderr) }()
	eventually(t, "digests posted with the token from SLACK_BOT_TOKEN", func() bool { return len(slack.Posts()) > 0 })
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("run exited %d\n%s", code, stderr.String())
	}
	if _, err := os.Stat(store); err != nil {
		t.Errorf("NEWSBOT_STORE not used: %v", err)
	}
	if strings.Contains(stderr.String(), "no Slack token") {
		t.Errorf("warned of no Slack with SLACK_BOT_TOKEN set:\n%s", stderr.String())
	}
	if strings.Contains(stderr.String(), slack.Token()) {
		t.Errorf("the token is in the log")
	}
}

func TestOnceWithWebhookFromEnvironment(t *testing.T) {
	feeds := newFeedServer(t, time.Now())
	slack := slackstub.New(t)
	path := envOnlyConfig(t, feeds.URL, slack.URL())
	t.Setenv("SLACK_BOT_TOKEN", "")
	t.Setenv("SLACK_WEBHOOK_URL", slack.WebhookURL())
	t.Setenv("NEWSBOT_STORE", filepath.Join(t.TempDir(), "env.db"))
	var out, errOut strings.Builder
	if code := Main(context.Background(), []string{"--config", path, "once"}, &out, &errOut); code != 0 {
		t.Fatalf("once exited %d\n%s", code, errOut.String())
	}
	if len(slack.Posts()) == 0 {
		t.Fatalf("nothing posted to the webhook from SLACK_WEBHOOK_URL\n%s", errOut.String())
	}
	if strings.Contains(errOut.String(), slack.WebhookURL()) {
		t.Errorf("the webhook URL is in the log")
	}
}

// TestNowhereToPostWarnsOnce checks that once and run warn exactly once,
// at start-up, when Slack is configured nowhere, with a hint naming what
// works.
func TestNowhereToPostWarnsOnce(t *testing.T) {
	for _, cmd := range []string{"once", "run"} {
		t.Run(cmd, func(t *testing.T) {
			feeds := newFeedServer(t, time.Now())
			path := envOnlyConfig(t, feeds.URL, "http://127.0.0.1:1/")
			t.Setenv("SLACK_BOT_TOKEN", "")
			t.Setenv("SLACK_WEBHOOK_URL", "")
			t.Setenv("NEWSBOT_STORE", filepath.Join(t.TempDir(), "n.db"))
			var stderr syncBuffer
			var stdout syncBuffer
			switch cmd {
			case "once":
				if code := Main(context.Background(), []string{"--config", path, "once"}, &stdout, &stderr); code != 0 {
					t.Fatalf("exit %d\n%s", code, stderr.String())
				}
			case "run":
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan int, 1)
				go func() { done <- Main(ctx, []string{"--config", path, "run"}, &stdout, &stderr) }()
				// Two digest ticks print the digest; the warning stays one.
				// Nothing is marked delivered, so each tick prints the same
				// digests: wait for the first line to come twice.
				eventually(t, "two digest ticks", func() bool {
					out := stdout.String()
					first, _, ok := strings.Cut(out, "\n")
					return ok && strings.Count(out, first+"\n") >= 2
				})
				cancel()
				if code := <-done; code != 0 {
					t.Fatalf("exit %d\n%s", code, stderr.String())
				}
			}
			log := stderr.String()
			if n := strings.Count(log, "no Slack token or webhook configured"); n != 1 {
				t.Errorf("%d warnings, want 1:\n%s", n, log)
			}
			if !strings.Contains(log, "SLACK_BOT_TOKEN or SLACK_WEBHOOK_URL in the environment") {
				t.Errorf("the hint does not name the environment variables:\n%s", log)
			}
			if cmd == "run" && strings.Index(log, "no Slack token") > strings.Index(log, "poll done") {
				t.Errorf("run warned after the first poll, not at start-up:\n%s", log)
			}
		})
	}
}
