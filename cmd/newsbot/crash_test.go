package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/newsbot/newsbot/internal/slackstub"
	"github.com/newsbot/newsbot/store"
)

// TestKilledBetweenSlackAndCommit kills newsbot (SIGKILL) after Slack
// accepted a message but before newsbot heard back, then runs it again: the
// entries are all delivered, and the message is not posted twice when the
// channel's history can be read — once when it cannot.
func TestKilledBetweenSlackAndCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a process")
	}
	bin := buildNewsbot(t)
	tests := []struct {
		name      string
		noHistory bool
		wantPosts int // posts of the message in flight
	}{
		{"history finds the message", false, 1},
		{"no history scope: one repeat", true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, "")
			h.slack.Enqueue(slackstub.Response{HangAfterAccept: true})
			var stderr bytes.Buffer
			cmd := exec.Command(bin, "--config", h.config, "once")
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			eventually(t, "Slack to accept the first message", func() bool { return len(h.slack.Posts()) == 1 })
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			inFlight := h.slack.Posts()[0]

			if tt.noHistory {
				// The restart's lookup of the channel fails for want of a scope.
				h.slack.FailNext(1, 200, "", "missing_scope")
			}
			code, _, errOut := h.run("once")
			if code != 0 {
				t.Fatalf("restart: exit %d\n%s", code, errOut)
			}
			n := 0
			for _, p := range h.slack.Posts() {
				if p.Channel == inFlight.Channel && p.Text == inFlight.Text {
					n++
				}
			}
			if n != tt.wantPosts {
				t.Errorf("the message in flight was posted %d times, want %d", n, tt.wantPosts)
			}
			st, err := store.Open(context.Background(), filepath.Join(h.dir, "newsbot.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			pending, err := st.Pending(context.Background())
			if err != nil || len(pending) != 0 {
				t.Errorf("%d entries still pending after the restart (%v)", len(pending), err)
			}
			for _, want := range []string{"Joint Technical Group", "reciprocal tariffs", "TRUST initiative"} {
				found := false
				for _, p := range h.slack.Posts() {
					found = found || strings.Contains(p.Text, want)
				}
				if !found {
					t.Errorf("%q was lost", want)
				}
			}
		})
	}
}
