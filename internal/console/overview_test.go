package console

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestOverview(t *testing.T) {
	s := seed(t)
	srv := serve(t, s.opts)
	status, body := get(t, srv, "/")
	if status != http.StatusOK {
		t.Fatalf("GET / = %d\n%s", status, body)
	}
	// One series per profile, in the profiles' order.
	got := regexp.MustCompile(`<g class="series" data-profile="([^"]+)">`).FindAllStringSubmatch(body, -1)
	var names []string
	for _, g := range got {
		names = append(names, g[1])
	}
	if strings.Join(names, ",") != "trade,defence,space" {
		t.Errorf("series = %v, want trade,defence,space", names)
	}
	// 30 days, a point each.
	if n := strings.Count(body, "<circle "); n != 90 {
		t.Errorf("%d points, want 3 series × 30 days", n)
	}
	for _, want := range []string{
		`role="img" aria-labelledby="matches-title matches-desc"`,
		`<title id="matches-title">Matches per day, last 30 days</title>`,
		"from 29 Oct to 27 Nov 2026", // the days are Kolkata's
		"Sat 28 Nov 2026, 09:00 IST", // the next digest, in Kolkata
		"in 17 h",
		"India–US tariffs and trade talks",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	// Delivered vs pending: the seed delivered what is older than a day.
	ctx := context.Background()
	counts, err := s.store.DeliveryCounts(ctx, testNow.AddDate(0, 0, -30))
	if err != nil {
		t.Fatal(err)
	}
	pending := 0
	for _, c := range counts {
		pending += c.Pending
	}
	if pending == 0 {
		t.Fatal("seed has nothing pending")
	}
	if !regexp.MustCompile(`<span class="label">Pending</span><strong>` + strconv.Itoa(pending) + `</strong>`).MatchString(body) {
		t.Errorf("overview does not show %d pending", pending)
	}
	if strings.Contains(body, "feedback for") {
		t.Error("overview draws feedback without a Feedback func")
	}
}

func TestOverviewFeedback(t *testing.T) {
	s := seed(t)
	var asked []time.Time
	s.opts.Feedback = func(ctx context.Context, bounds []time.Time) ([]FeedbackDay, error) {
		asked = bounds
		out := make([]FeedbackDay, len(bounds)-1)
		out[len(out)-1] = FeedbackDay{Positive: 4, Negative: 1}
		return out, nil
	}
	srv := serve(t, s.opts)
	status, body := get(t, srv, "/")
	if status != http.StatusOK {
		t.Fatalf("GET / = %d", status)
	}
	if len(asked) != 31 || !asked[30].Equal(time.Date(2026, 11, 28, 0, 0, 0, 0, s.opts.Location)) {
		t.Errorf("feedback asked for %d bounds ending %v", len(asked), asked[len(asked)-1])
	}
	if n := strings.Count(body, `<rect class="fb-pos" x=`); n != 30 {
		t.Errorf("%d feedback bars, want 30", n)
	}
	if !strings.Contains(body, "feedback, Fri 27 Nov: 4 for, 1 against") {
		t.Error("the last day's feedback is not labelled")
	}

	// A feedback func that fails makes a 500 that does not show its error.
	s.opts.Feedback = func(context.Context, []time.Time) ([]FeedbackDay, error) {
		return nil, errors.New("feedback table missing: secret detail")
	}
	var reported error
	s.opts.OnError = func(_ *http.Request, err error) { reported = err }
	srv = serve(t, s.opts)
	status, body = get(t, srv, "/")
	if status != http.StatusInternalServerError || strings.Contains(body, "secret detail") {
		t.Errorf("GET / with failing feedback = %d, body shows the error: %v", status, strings.Contains(body, "secret detail"))
	}
	if reported == nil {
		t.Error("OnError was not told")
	}
}
