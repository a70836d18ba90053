package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// testPlan is a plan of a main message and two replies, their bodies
// opaque to the store (JSON, as the digest package encodes them).
func testPlan(id string, at time.Time) Plan {
	msg := func(seq int, body string) PlannedMessage {
		return PlannedMessage{ID: id + "." + string(rune('0'+seq)), Body: []byte(body)}
	}
	return Plan{ID: id, Profile: "TRUST", Channel: "#news", Planned: at, Messages: []PlannedMessage{
		msg(0, `{"text":"TRUST <b> & \"quotes\" — भारत","blocks":[{"type":"header"}]}`),
		msg(1, `{"reply":true,"text":"*<https://example.com/a?x=1&y=2|India & US>*"}`),
		msg(2, `{"reply":true,"text":"Desk · 3 h ago"}`),
	}}
}

func TestJournalPlans(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		p1, p2 := testPlan("p1", t0), testPlan("p2", t0.Add(time.Minute))
		for _, p := range []Plan{p2, p1} { // planned out of order
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
			// The message comes back whole: its ID and the body as planned.
			if want := p1.Messages[i]; pm.ID != want.ID || string(pm.Body) != string(want.Body) {
				t.Errorf("message %d read back as %s %s\nwant %s %s", i, pm.ID, pm.Body, want.ID, want.Body)
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
