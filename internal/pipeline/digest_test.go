package pipeline

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/internal/slackstub"
)

func TestDeliverStopsWhenSlackIsDown(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	feed := &feedAt{items: map[string]time.Time{"a": now.Add(-time.Hour)}}
	srv := httptest.NewServer(feed)
	defer srv.Close()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Trade</title><item><title>India and US near deal on reciprocal tariffs</title><guid>t1</guid><pubDate>` +
			now.Add(-time.Hour).UTC().Format(time.RFC1123Z) + `</pubDate><description>New Delhi and Washington negotiators met on tariffs.</description></item></channel></rss>`))
	}))
	defer other.Close()
	p := newTestPipeline(t, &now, srv.URL, other.URL)
	if _, err := p.Poll(ctx, PollOptions{}); err != nil {
		t.Fatal(err)
	}
	opts := digest.Options{TopN: 10, Location: time.UTC, Now: func() time.Time { return now }}
	ds, err := p.Digests(ctx, opts)
	if err != nil || len(ds) != 2 {
		t.Fatalf("digests: %d, %v; want 2 (DRDO and tariffs)", len(ds), err)
	}

	slack := slackstub.New(t)
	slack.FailNext(3, 503, "", "") // exactly one message's attempts
	var waits []time.Duration
	d := &digest.Deliverer{
		Poster:      digest.NewSlackPoster(slack.Token(), slack.URL(), slack.Client()),
		Marker:      p.Store,
		Now:         p.Now,
		MaxAttempts: 3,
		Sleep:       func(ctx context.Context, w time.Duration) error { waits = append(waits, w); return nil },
	}
	err = p.deliver(ctx, d, ds, opts)
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("Deliver = %v, want the 503", err)
	}
	if n := slack.Requests(); n != 3 {
		t.Errorf("%d requests: after the first digest exhausted its retries, the second must not be tried", n)
	}
	pending, _ := p.Store.Pending(ctx)
	if len(pending) != 2 {
		t.Errorf("%d pending, want both entries still pending", len(pending))
	}

	// Slack is back: everything is delivered, once.
	if err := p.deliver(ctx, d, ds, opts); err != nil {
		t.Fatalf("after recovery: %v", err)
	}
	if pending, _ = p.Store.Pending(ctx); len(pending) != 0 {
		t.Errorf("%d still pending after delivery", len(pending))
	}
	if n := len(slack.Posts()); n != 2 {
		t.Errorf("%d posts, want 2", n)
	}
}
