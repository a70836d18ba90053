package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/config"
	"github.com/newsbot/newsbot/store"
)

func TestDigestPreview(t *testing.T) {
	h := newHarness(t, "")
	if code, _, errOut := h.run("once", "--dry-run"); code != 0 {
		t.Fatalf("once: %s", errOut)
	}
	page := filepath.Join(h.dir, "preview.html")
	code, _, errOut := h.run("digest", "--preview", "--format", "html", "--output", page)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<!DOCTYPE html>", "Joint Technical Group", "reciprocal tariffs", "डीआरडीओ"} {
		if !strings.Contains(strings.ToLower(string(html)), strings.ToLower(want)) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if strings.Contains(string(html), "<script") {
		t.Error("a script reached the preview page")
	}
	code, out, _ := h.run("digest", "--preview")
	if code != 0 || !strings.Contains(out, "Joint Technical Group") {
		t.Errorf("text preview: exit %d\n%s", code, out)
	}
	if n := len(h.slack.Posts()); n != 0 {
		t.Errorf("a preview posted %d messages", n)
	}
	// Without --preview, digest delivers what is pending, without polling.
	if code, _, errOut := h.run("digest"); code != 0 {
		t.Fatalf("digest: exit %d\n%s", code, errOut)
	}
	if len(h.slack.Posts()) == 0 {
		t.Error("digest delivered nothing")
	}
	if code, _, errOut := h.run("digest", "--format", "html"); code != 2 {
		t.Errorf("--format without --preview: exit %d, want 2\n%s", code, errOut)
	}
}

func TestAlertsQuietDaysAndFooter(t *testing.T) {
	h := newHarness(t, "profiles: profiles\n")
	dir := filepath.Join(h.dir, "profiles")
	os.Mkdir(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "builtin.yaml"), config.BuiltinProfiles(), 0o644)
	os.WriteFile(filepath.Join(dir, "alerts.yaml"), []byte(`profiles:
  - name: DRDO-urgent
    description: DRDO tests, at once
    channel: "#alerts"
    alert: immediate
    rules:
      - any: [flight-test, flight-tests]
        all: [DRDO]
  - name: Quad
    description: The Quad
    channel: "#quad"
    rules:
      - any: [Quad summit]
`), 0o644)
	// A configured feed that has been failing for two days.
	st, err := store.Open(context.Background(), filepath.Join(h.dir, "newsbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	cfgText, _ := os.ReadFile(h.config)
	broken := h.feeds.URL + "/gone.xml"
	os.WriteFile(h.config, []byte(strings.Replace(string(cfgText), "feeds:\n", "feeds:\n  - url: "+broken+"\n    name: Gone Gazette\n", 1)), 0o644)
	st.SaveFeedState(context.Background(), store.FeedState{URL: broken, Name: "Gone Gazette",
		LastSuccess: time.Now().Add(-49 * time.Hour), ConsecutiveFailures: 7, LastError: "HTTP 404"})
	st.Close()

	code, _, errOut := h.run("once")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	byChannel := map[string][]string{}
	for _, p := range h.slack.Posts() {
		byChannel[p.Channel] = append(byChannel[p.Channel], p.Text+string(p.Blocks))
	}
	if n := len(byChannel["#alerts"]); n != 1 || !strings.Contains(byChannel["#alerts"][0], "glide bomb") {
		t.Fatalf("#alerts got %d messages, want one alert about the glide bomb test: %q", n, byChannel["#alerts"])
	}
	if strings.Contains(strings.Join(byChannel["#alerts"], ""), "No new matches") {
		t.Error("a channel that got an alert got the quiet-day line too")
	}
	if q := byChannel["#quad"]; len(q) != 1 || !strings.Contains(q[0], "No new matches for Quad") {
		t.Errorf("#quad: %q, want one quiet-day line", q)
	}
	main := strings.Join(byChannel["#india-us-watch"], "")
	if !strings.Contains(main, "Gone Gazette (last worked") {
		t.Errorf("the digest footer does not name the feed failing for two days")
	}
	if !strings.Contains(main, "glide bomb") {
		t.Error("the DRDO digest lost the story the alert profile also matched")
	}
	posted := len(h.slack.Posts())

	// Later the same day: no repeat of the alert or the quiet-day line.
	if code, _, errOut := h.run("once"); code != 0 {
		t.Fatalf("second once: exit %d\n%s", code, errOut)
	}
	if n := len(h.slack.Posts()); n != posted {
		t.Errorf("the second run posted %d more messages", n-posted)
	}
}
