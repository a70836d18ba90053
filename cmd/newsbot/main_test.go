package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/internal/slackstub"
)

// harness is one newsbot installation: a config file pointed at a loopback
// feed server and a Slack stand-in, and its own SQLite file.
type harness struct {
	t      *testing.T
	dir    string
	config string
	feeds  *feedServer
	slack  *slackstub.Server
}

func newHarness(t *testing.T, extra string) *harness {
	t.Helper()
	h := &harness{t: t, dir: t.TempDir(), feeds: newFeedServer(t, time.Now())}
	h.slack = slackstub.New(t)
	h.config = filepath.Join(h.dir, "newsbot.yaml")
	cfg := fmt.Sprintf(`timezone: Asia/Kolkata
store: %s
feeds:
  - url: %s/defence.xml
    name: Defence Desk
  - url: %s/trade.atom
  - url: %s/hindi.json
    name: Raksha Samachar
fetch: {concurrency: 4, per_host: 2, timeout: 5s}
slack:
  token: ${TEST_SLACK_TOKEN}
  api_url: %s
  channel: "#india-us-watch"
%s`, filepath.Join(h.dir, "newsbot.db"), h.feeds.URL, h.feeds.URL, h.feeds.URL, h.slack.URL(), extra)
	if err := os.WriteFile(h.config, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TEST_SLACK_TOKEN", h.slack.Token())
	return h
}

// run runs newsbot with args and returns its exit code, stdout and stderr.
func (h *harness) run(args ...string) (int, string, string) {
	h.t.Helper()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), append([]string{"--config", h.config}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

type jsonEntry struct {
	Profile    string   `json:"profile"`
	Channel    string   `json:"channel"`
	Title      string   `json:"title"`
	Link       string   `json:"link"`
	Published  string   `json:"published"`
	Feed       string   `json:"feed"`
	Matched    []string `json:"matched"`
	Duplicates []string `json:"duplicates"`
}

func parseJSONLines(t *testing.T, out string) []jsonEntry {
	t.Helper()
	var entries []jsonEntry
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			t.Fatalf("stdout is not JSON Lines: %v in %q", err, sc.Text())
		}
		for _, k := range []string{"profile", "channel", "title", "link", "published", "feed", "matched", "duplicates"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("entry lacks %q: %s", k, sc.Text())
			}
		}
		var e jsonEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		if _, err := time.Parse(time.RFC3339, e.Published); err != nil {
			t.Errorf("published %q is not RFC 3339", e.Published)
		}
		if e.Duplicates == nil {
			t.Errorf("duplicates must be an array, got null: %s", sc.Text())
		}
		entries = append(entries, e)
	}
	return entries
}

func TestBackfillDryRunJSON(t *testing.T) {
	h := newHarness(t, "")
	code, out, errOut := h.run("backfill", "--since", "30d", "--dry-run", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	entries := parseJSONLines(t, out)
	byProfile := map[string][]string{}
	for _, e := range entries {
		byProfile[e.Profile] = append(byProfile[e.Profile], e.Title)
		if len(e.Matched) == 0 {
			t.Errorf("%s entry %q has no matched terms", e.Profile, e.Title)
		}
		if e.Channel != "#india-us-watch" {
			t.Errorf("channel = %q", e.Channel)
		}
		if strings.Contains(e.Link, "utm_") || strings.HasPrefix(e.Link, "javascript:") {
			t.Errorf("link not canonical or unsafe: %q", e.Link)
		}
	}
	for _, p := range []string{"TRUST", "INDUS-X", "JTG", "DRDO", "tariffs"} {
		if len(byProfile[p]) == 0 {
			t.Errorf("no entries for %s; got %v", p, byProfile)
		}
	}
	// Hard negatives stay out.
	for _, e := range entries {
		for _, bad := range []string{"Indus Waters", "Chinese electric", "Public trust", "ठंड"} {
			if strings.Contains(e.Title, bad) {
				t.Errorf("%s caught a negative: %q", e.Profile, e.Title)
			}
		}
	}
	// The backfill reaches the archived item the daily window leaves out.
	if !strings.Contains(out, "Old archive") {
		t.Error("backfill --since 30d did not include the 16-day-old item")
	}
	if n := len(h.slack.Posts()); n != 0 {
		t.Errorf("dry run posted %d messages", n)
	}
	if strings.Contains(errOut, "{") && strings.Contains(errOut, `"profile"`) {
		t.Error("JSON went to stderr")
	}
}

func TestOnceDeliversThenNothingNew(t *testing.T) {
	h := newHarness(t, "")
	code, out, errOut := h.run("once")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if out != "" {
		t.Errorf("once printed to stdout while Slack is configured: %q", out)
	}
	posts := h.slack.Posts()
	if len(posts) == 0 {
		t.Fatalf("nothing posted; stderr:\n%s", errOut)
	}
	if v := h.slack.Violations(); len(v) > 0 {
		t.Errorf("Slack rejected messages: %+v", v)
	}
	if m := h.slack.LiveMentions(); len(m) > 0 {
		t.Errorf("live mentions reached Slack: %q", m)
	}
	all := ""
	for _, p := range posts {
		all += p.Text + string(p.Blocks)
		if p.UnfurlLinks != "false" || p.UnfurlMedia != "false" {
			t.Errorf("unfurling not off: %+v", p)
		}
	}
	for _, want := range []string{"Joint Technical Group", "INDUS-X summit", "reciprocal tariffs", "TRUST initiative", "डीआरडीओ"} {
		if !strings.Contains(all, want) {
			t.Errorf("digest lacks %q", want)
		}
	}
	if strings.Contains(all, "Old archive") {
		t.Error("the first poll flooded the digest with an archived item")
	}
	if strings.Contains(all, "javascript:") {
		t.Error("a javascript: link reached Slack")
	}
	first := len(posts)

	code, _, errOut = h.run("once")
	if code != 0 {
		t.Fatalf("second once: exit %d\n%s", code, errOut)
	}
	if n := len(h.slack.Posts()); n != first {
		t.Errorf("second once posted %d more messages", n-first)
	}
	if h.feeds.notModified() == 0 {
		t.Error("second poll sent no conditional requests that were answered 304")
	}
}

func TestOnceSlackFailureKeepsPendingAndHidesToken(t *testing.T) {
	h := newHarness(t, "")
	// One digest per built-in profile, each tried once: ok:false is permanent.
	h.slack.FailNext(5, 200, "", "channel_not_found")
	code, _, errOut := h.run("once")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, errOut)
	}
	if strings.Contains(errOut, h.slack.Token()) {
		t.Fatal("the Slack token appeared in the output")
	}
	if !strings.Contains(errOut, "channel_not_found") || !strings.Contains(errOut, "#india-us-watch") {
		t.Errorf("the error does not name the Slack error and channel:\n%s", errOut)
	}
	if n := len(h.slack.Posts()); n != 0 {
		t.Fatalf("%d posts accepted while Slack failed", n)
	}
	if n := h.slack.Requests(); n != 5 {
		t.Errorf("%d requests to Slack, want 5 (one per digest, no retry loop on ok:false)", n)
	}
	// Slack recovers: the next run delivers what was pending.
	code, _, errOut = h.run("once")
	if code != 0 {
		t.Fatalf("after recovery: exit %d\n%s", code, errOut)
	}
	if len(h.slack.Posts()) == 0 {
		t.Error("pending digests were not delivered after Slack recovered")
	}
}

func TestValidateAndUsage(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("timezone: Nowhere/Land\nschedule:\n  pol: x\nfetch: {concurrency: 0}\n"), 0o644)
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte("store: "+filepath.Join(dir, "x.db")+"\n"), 0o644)
	badProfiles := filepath.Join(dir, "badprof.yaml")
	os.WriteFile(badProfiles, []byte("profiles: p.yaml\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("profiles:\n  - name: X\n    nonsense: 1\n"), 0o644)

	tests := []struct {
		name    string
		args    []string
		code    int
		wantOut string
		wantErr string
	}{
		{"valid", []string{"--config", good, "validate"}, 0, "ok:", ""},
		{"unknown key", []string{"--config", bad, "validate"}, 2, "", bad + ":3:3: unknown key \"pol\""},
		{"bad profile", []string{"--config", badProfiles, "validate"}, 2, "", "p.yaml:3:5:"},
		{"missing config", []string{"--config", filepath.Join(dir, "nope.yaml"), "validate"}, 2, "", "--config"},
		{"unknown command", []string{"frobnicate"}, 2, "", "unexpected argument"},
		{"help", []string{"--help"}, 0, "backfill", ""},
		{"backfill help", []string{"backfill", "--help"}, 0, "--since", ""},
		{"version", []string{"--version"}, 0, "newsbot", ""},
		{"backfill bad since", []string{"--config", good, "backfill", "--since", "yesterday"}, 2, "", "--since"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Main(context.Background(), tt.args, &out, &errOut)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out.String(), errOut.String())
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantOut, out.String())
			}
			if !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, errOut.String())
			}
		})
	}
}

func TestHelpHidesSecrets(t *testing.T) {
	const token = "xoxb-help-secret-1234"
	t.Setenv("SLACK_BOT_TOKEN", token)
	var out, errOut bytes.Buffer
	Main(context.Background(), []string{"--help"}, &out, &errOut)
	if strings.Contains(out.String()+errOut.String(), token) {
		t.Fatal("--help printed the token")
	}
}

func TestWebhookFailureHidesURL(t *testing.T) {
	h := newHarness(t, "")
	cfg, _ := os.ReadFile(h.config)
	text := strings.Replace(string(cfg), "  token: ${TEST_SLACK_TOKEN}\n", "  webhook_url: ${TEST_SLACK_WEBHOOK}\n", 1)
	os.WriteFile(h.config, []byte(text), 0o644)
	t.Setenv("TEST_SLACK_WEBHOOK", h.slack.WebhookURL())
	// A revoked webhook: permanent, so no retries.
	h.slack.FailNext(1000, 404, "", "no_service")
	code, out, errOut := h.run("--log-level", "debug", "once")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, errOut)
	}
	secret := slackstub.DefaultWebhookSecret
	if strings.Contains(out+errOut, secret) || strings.Contains(out+errOut, h.slack.WebhookURL()) {
		t.Fatal("the webhook URL appeared in the output")
	}
	if !strings.Contains(errOut, "404") {
		t.Errorf("the error does not say what Slack answered:\n%s", errOut)
	}
}
