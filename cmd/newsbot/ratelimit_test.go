package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/store"
)

// TestOnceRateLimitedForAnHour scripts a 429 with Retry-After: 3600 for the
// first digest of five: the others are not attempted (one request in all),
// everything stays pending, and `once` exits 1 naming the rate limit.
func TestOnceRateLimitedForAnHour(t *testing.T) {
	h := newHarness(t, "")
	h.slack.FailNext(1, http.StatusTooManyRequests, "3600", "")
	code, _, errOut := h.run("once")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, errOut)
	}
	if n := h.slack.Requests(); n != 1 {
		t.Errorf("Slack received %d requests, want 1: the remaining digests were attempted", n)
	}
	if !strings.Contains(errOut, "rate limit") {
		t.Errorf("the error does not name the rate limit:\n%s", errOut)
	}
	st, err := store.Open(context.Background(), filepath.Join(h.dir, "newsbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pending, err := st.Pending(context.Background())
	if err != nil || len(pending) == 0 {
		t.Fatalf("%d pending (%v), want every match", len(pending), err)
	}
	profiles := map[string]bool{}
	for _, pm := range pending {
		profiles[pm.Profile] = true
	}
	if len(profiles) < 2 {
		t.Errorf("pending matches of %d profiles, want several digests' worth", len(profiles))
	}
}
