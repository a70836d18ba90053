package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/store"
)

// seedFeedback stores delivered entries of profile TECH, flags the ones
// about cricket as not relevant and mutes one story.
func seedFeedback(t *testing.T, h *harness) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(h.dir, "newsbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now().Add(-time.Hour)
	titles := []string{
		"India beat Australia at cricket in Perth",
		"Cricket: India squad named for the tour",
		"India cricket board names new coach",
		"India and US sign semiconductor supply pact",
		"India semiconductor fab gets US backing",
		"US chip firms eye India semiconductor plants",
	}
	var items []feeds.Item
	var ms []store.Match
	var ids []string
	for i, title := range titles {
		id := fmt.Sprintf("%032d", i)
		ids = append(ids, id)
		items = append(items, feeds.Item{ID: id, FeedURL: "https://x.example/rss", Feed: "X", Title: title,
			Link: fmt.Sprintf("https://x.example/%d", i), Published: now})
		ms = append(ms, store.Match{ItemID: id, Profile: "TECH", Channel: "#news", Terms: []string{"India"}, Score: 1, Matched: now})
	}
	if _, err := st.SaveItems(ctx, items, now); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveMatches(ctx, ms); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkDelivered(ctx, "TECH", ids, "C1:1", now); err != nil {
		t.Fatal(err)
	}
	save := func(user, item, action string) {
		if _, err := st.SaveFeedback(ctx, store.Feedback{Profile: "TECH", ItemID: item, StoryID: item, UserID: user, Action: action, At: now}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range ids[:3] {
		save("U1", id, digest.ActionNotRelevant)
	}
	save("U2", ids[0], digest.ActionNotRelevant) // a second reader agrees
	save("U1", ids[3], digest.ActionRelevant)
	save("U1", ids[4], digest.ActionMute)
}

func TestFeedbackCommand(t *testing.T) {
	h := newHarness(t, "")
	if code, _, stderr := h.run("migrate"); code != 0 {
		t.Fatalf("migrate: %d %s", code, stderr)
	}
	seedFeedback(t, h)

	code, out, stderr := h.run("feedback", "--profile", "TECH", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d lines, want one object for TECH:\n%s", len(lines), out)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(lines[0]), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"profile", "delivered", "not_relevant", "relevant", "muted", "precision", "suggestions"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("JSON lacks the contract key %q: %s", k, lines[0])
		}
	}
	var r struct {
		Profile                                 string
		Delivered, NotRelevant, Relevant, Muted int
		Precision                               float64
		Flagged                                 []struct {
			Title   string
			Matched []string
		}
		Suggestions []struct {
			Kind, Term    string
			Flagged, Kept int
		}
	}
	if err := json.Unmarshal([]byte(strings.NewReplacer(`"not_relevant"`, `"NotRelevant"`).Replace(lines[0])), &r); err != nil {
		t.Fatal(err)
	}
	if r.Profile != "TECH" || r.Delivered != 6 || r.NotRelevant != 3 || r.Relevant != 1 || r.Muted != 1 || r.Precision != 0.5 {
		t.Errorf("report %+v; want 6 delivered, 3 not relevant, 1 relevant, 1 muted, precision 0.5", r)
	}
	if len(r.Flagged) != 3 || r.Flagged[0].Matched[0] != "India" {
		t.Errorf("flagged %+v", r.Flagged)
	}
	var terms []string
	for _, s := range r.Suggestions {
		terms = append(terms, s.Kind+":"+s.Term)
		if s.Kind+":"+s.Term == "none:cricket" && (s.Flagged != 3 || s.Kept != 0) {
			t.Errorf("none: cricket removes %d flagged and %d kept, want 3 and 0", s.Flagged, s.Kept)
		}
	}
	joined := strings.Join(terms, " ")
	if !strings.Contains(joined, "none:cricket") {
		t.Errorf("suggestions %v lack none: cricket, the term the flagged entries share", terms)
	}
	// A near: on the kept entries' term tightens the profile; a none: or
	// ignore: of it would drop them.
	for _, bad := range []string{"none:semiconductor", "ignore:", "none:india", "none:us"} {
		if strings.Contains(joined, bad) {
			t.Errorf("suggestions %v would remove what the kept entries share (%s)", terms, bad)
		}
	}

	code, out, stderr = h.run("feedback", "--days", "7")
	if code != 0 {
		t.Fatalf("text: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"TECH: 6 delivered, 3 not relevant, 1 relevant, 1 muted; precision 50.0%", "none: [cricket]", "removes 3 flagged and 0 kept", "India beat Australia"} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	if code, _, _ := h.run("feedback", "--days", "0"); code != exitUsage {
		t.Errorf("--days 0: exit %d, want %d", code, exitUsage)
	}
}
