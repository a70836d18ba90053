package console

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/store"
)

func TestOverviewStoreFeedback(t *testing.T) {
	s := seed(t)
	s.opts.Feedback = StoreFeedback(s.store)

	// No feedback recorded: no overlay.
	srv := serve(t, s.opts)
	if status, body := get(t, srv, "/"); status != http.StatusOK || strings.Contains(body, `class="fb-pos"`) {
		t.Fatalf("GET / with no feedback = %d, overlay drawn: %v", status, strings.Contains(body, `class="fb-pos"`))
	}

	ctx := context.Background()
	save := func(user, action string, at time.Time) {
		t.Helper()
		f := store.Feedback{Profile: "trade", ItemID: "0-29-0", StoryID: "0-29-0", UserID: user, Action: action, At: at}
		if _, err := s.store.SaveFeedback(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	// testNow is Fri 27 Nov, 16:00 in Kolkata (UTC+5:30).
	save("U1", digest.ActionRelevant, testNow.Add(-time.Hour))
	save("U2", digest.ActionRelevant, testNow.Add(-2*time.Hour))
	save("U3", digest.ActionNotRelevant, testNow.Add(-3*time.Hour))
	// 01:30 on the 27th in Kolkata, still the 26th in UTC: the 27th.
	save("U4", digest.ActionMute, time.Date(2026, 11, 26, 20, 0, 0, 0, time.UTC))
	// 23:30 on the 26th in Kolkata.
	save("U5", digest.ActionNotRelevant, time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC))
	// Before the chart's first day: not drawn.
	save("U6", digest.ActionRelevant, testNow.AddDate(0, 0, -40))

	srv = serve(t, s.opts)
	status, body := get(t, srv, "/")
	if status != http.StatusOK {
		t.Fatalf("GET / = %d", status)
	}
	for _, want := range []string{
		"feedback, Fri 27 Nov: 2 for, 2 against",
		"feedback, Thu 26 Nov: 0 for, 1 against",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	if n := strings.Count(body, `<rect class="fb-pos" x=`); n != 30 {
		t.Errorf("%d feedback bars, want 30", n)
	}
}

func TestStoreFeedbackBounds(t *testing.T) {
	s := seed(t)
	fb := StoreFeedback(s.store)
	// Fewer than two bounds hold no day.
	for _, bounds := range [][]time.Time{nil, {testNow}} {
		if got, err := fb(context.Background(), bounds); err != nil || got != nil {
			t.Errorf("%d bounds: %v, %v; want nothing", len(bounds), got, err)
		}
	}
}
