package pipeline

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/store"
)

// TestJournalRoundTrip plans a digest of a main message and two replies,
// with real blocks, in a SQLite store through Journal and reads each message
// back whole.
func TestJournalRoundTrip(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	j := Journal{Store: st}
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	msg := func(seq int, reply bool, ids ...string) digest.Message {
		return digest.Message{
			ID:      "p1." + string(rune('0'+seq)),
			Channel: "#news",
			Reply:   reply,
			ItemIDs: map[string][]string{"TRUST": ids},
			Text:    "TRUST <b> & \"quotes\" — भारत",
			Blocks: []slack.Block{
				slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "TRUST — Fri 27 Nov 2026", true, false)),
				slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*<https://example.com/a?x=1&y=2|India & US>*", false, false), nil, nil),
				slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, "Desk · 3 h ago", false, false)),
			},
		}
	}
	plan := digest.Plan{ID: "p1", Profile: "TRUST", Channel: "#news", Planned: t0, Messages: []digest.Planned{
		{Message: msg(0, false, "a", "b")},
		{Message: msg(1, true, "c")},
		{Message: msg(2, true, "d", "e")},
	}}
	if err := j.Plan(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if err := j.Attempt(ctx, "p1", 0, t0); err != nil {
		t.Fatal(err)
	}
	if err := j.Accepted(ctx, "p1", 0, "C1:100.1"); err != nil {
		t.Fatal(err)
	}
	open, err := j.OpenPlans(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 1 || open[0].ID != "p1" || open[0].Profile != "TRUST" || !open[0].Planned.Equal(t0) || len(open[0].Messages) != 3 {
		t.Fatalf("open plans = %+v", open)
	}
	for i, pm := range open[0].Messages {
		want, _ := json.Marshal(plan.Messages[i].Message)
		have, _ := json.Marshal(pm.Message)
		if string(want) != string(have) {
			t.Errorf("message %d read back as\n%s\nwant\n%s", i, have, want)
		}
		if pm.Message.Reply != (i > 0) || len(pm.Message.Blocks) != 3 {
			t.Errorf("message %d: reply %v, %d blocks", i, pm.Message.Reply, len(pm.Message.Blocks))
		}
	}
	if m := open[0].Messages[0]; !m.Attempted.Equal(t0) || m.Ref != "C1:100.1" {
		t.Errorf("message 0: attempted %v ref %q", m.Attempted, m.Ref)
	}
	if err := j.ClosePlan(ctx, "p1", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if open, err := j.OpenPlans(ctx); err != nil || len(open) != 0 {
		t.Errorf("open plans after closing = %+v, %v", open, err)
	}

	// A body that is not a message is an error, not a message lost in
	// silence.
	bad := store.Plan{ID: "p2", Profile: "TRUST", Channel: "#news", Planned: t0,
		Messages: []store.PlannedMessage{{ID: "p2.0", Body: []byte("not json")}}}
	if err := st.Plan(ctx, bad); err != nil {
		t.Fatal(err)
	}
	if _, err := j.OpenPlans(ctx); err == nil {
		t.Error("a plan whose message is not JSON read back without an error")
	}
}
