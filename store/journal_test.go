package store

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/newsbot/newsbot/digest"
)

// testPlan is a plan of a main message and two replies, with real blocks.
func testPlan(id string, at time.Time) digest.Plan {
	msg := func(seq int, reply bool, ids ...string) digest.Message {
		return digest.Message{
			ID:      id + "." + string(rune('0'+seq)),
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
	return digest.Plan{ID: id, Profile: "TRUST", Channel: "#news", Planned: at, Messages: []digest.Planned{
		{Message: msg(0, false, "a", "b")},
		{Message: msg(1, true, "c")},
		{Message: msg(2, true, "d", "e")},
	}}
}

func TestJournalPlans(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		p1, p2 := testPlan("p1", t0), testPlan("p2", t0.Add(time.Minute))
		for _, p := range []digest.Plan{p2, p1} { // planned out of order
			if err := s.Plan(ctx, p); err != nil {
				t.Fatalf("Plan %s: %v", p.ID, err)
			}
		}
		if err := s.Plan(ctx, p1); err == nil {
			t.Error("a plan recorded twice")
		}
		// p1: the main message delivered, the first reply in flight.
		steps := []error{
			s.Attempt(ctx, "p1", 0, t0),
			s.Accepted(ctx, "p1", 0, "C1:100.1"),
			s.Attempt(ctx, "p1", 1, t0.Add(time.Second)),
			s.Attempt(ctx, "p1", 1, t0.Add(time.Hour)), // a retry keeps the first
		}
		for i, err := range steps {
			if err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		}
		for _, err := range []error{s.Attempt(ctx, "p1", 3, t0), s.Accepted(ctx, "nope", 0, "C1:1")} {
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("a message not planned = %v, want ErrNotFound", err)
			}
		}

		open, err := s.OpenPlans(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(open) != 2 || open[0].ID != "p1" || open[1].ID != "p2" {
			t.Fatalf("open plans = %+v, want p1 then p2", open)
		}
		got := open[0]
		if got.Profile != "TRUST" || got.Channel != "#news" || !got.Planned.Equal(t0) || len(got.Messages) != 3 {
			t.Fatalf("p1 read back as %+v", got)
		}
		wantState := []struct {
			attempted time.Time
			ref       string
		}{{t0, "C1:100.1"}, {t0.Add(time.Second), ""}, {time.Time{}, ""}}
		for i, pm := range got.Messages {
			if !pm.Attempted.Equal(wantState[i].attempted) || pm.Ref != wantState[i].ref {
				t.Errorf("message %d: attempted %v ref %q, want %v %q", i, pm.Attempted, pm.Ref, wantState[i].attempted, wantState[i].ref)
			}
			// The message comes back whole: the same JSON as planned.
			want, _ := json.Marshal(p1.Messages[i].Message)
			have, _ := json.Marshal(pm.Message)
			if string(want) != string(have) {
				t.Errorf("message %d read back as\n%s\nwant\n%s", i, have, want)
			}
			if pm.Message.Reply != (i > 0) || len(pm.Message.Blocks) != 3 {
				t.Errorf("message %d: reply %v, %d blocks", i, pm.Message.Reply, len(pm.Message.Blocks))
			}
		}

		if err := s.ClosePlan(ctx, "p1", t0.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := s.ClosePlan(ctx, "p1", t0.Add(3*time.Minute)); err != nil {
			t.Errorf("closing twice: %v", err)
		}
		open, err = s.OpenPlans(ctx)
		if err != nil || len(open) != 1 || open[0].ID != "p2" {
			t.Errorf("open plans after closing p1 = %+v, %v; want p2", open, err)
		}

		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if err := s.Plan(cancelled, testPlan("p3", t0)); err == nil {
			t.Error("Plan with a cancelled context succeeded")
		}
	})
}
