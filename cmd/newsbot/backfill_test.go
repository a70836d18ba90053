package main

import (
	"strings"
	"testing"
)

// TestBackfillDryRunLeavesDeliveryState checks that backfill --dry-run
// shows what a backfill would deliver and stores none of it: the next once
// posts nothing from the backfill's range.
func TestBackfillDryRunLeavesDeliveryState(t *testing.T) {
	h := newHarness(t, "")
	if code, _, errOut := h.run("once"); code != 0 {
		t.Fatalf("once: exit %d\n%s", code, errOut)
	}
	delivered := len(h.slack.Posts())
	if delivered == 0 {
		t.Fatal("the first once posted nothing")
	}

	code, out, errOut := h.run("backfill", "--since", "3650d", "--dry-run", "--format", "json")
	if code != 0 {
		t.Fatalf("backfill --dry-run: exit %d\n%s", code, errOut)
	}
	entries := parseJSONLines(t, out)
	var archived bool
	for _, e := range entries {
		archived = archived || strings.Contains(e.Title, "Old archive")
	}
	if !archived {
		t.Fatalf("the dry run does not show the archived item a backfill would deliver:\n%s", out)
	}
	if !strings.Contains(errOut, "nothing stored") {
		t.Errorf("the log does not say the preview stored nothing:\n%s", errOut)
	}

	for _, args := range [][]string{{"once"}, {"digest"}} {
		if code, _, errOut := h.run(args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, errOut)
		}
	}
	if n := len(h.slack.Posts()) - delivered; n != 0 {
		var titles []string
		for _, p := range h.slack.Posts()[delivered:] {
			titles = append(titles, p.Text)
		}
		t.Errorf("after the dry run, once posted %d messages: %q", n, titles)
	}

	// The real backfill delivers what the preview showed.
	if code, _, errOut := h.run("backfill", "--since", "3650d"); code != 0 {
		t.Fatalf("backfill: exit %d\n%s", code, errOut)
	}
	all := ""
	for _, p := range h.slack.Posts()[delivered:] {
		all += p.Text + string(p.Blocks)
	}
	if !strings.Contains(all, "Old archive") {
		t.Errorf("the real backfill did not deliver the archived item")
	}
}
