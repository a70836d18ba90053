package pipeline

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/config"
	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/internal/slackstub"
	"github.com/newsbot/newsbot/matcher"
	"github.com/newsbot/newsbot/store"
)

// deliveryRig is a pipeline over one test feed, a SQLite store file and the
// profiles of testdata/channels.yaml, delivering to a Slack stand-in.
type deliveryRig struct {
	t     *testing.T
	now   time.Time
	feed  *feedAt
	srv   *httptest.Server
	db    string
	slack *slackstub.Server
	m     *matcher.Matcher
}

func newDeliveryRig(t *testing.T, now time.Time) *deliveryRig {
	t.Helper()
	specs, err := config.ReadProfiles(filepath.Join("testdata", "channels.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := matcher.Compile(specs)
	if err != nil {
		t.Fatal(err)
	}
	r := &deliveryRig{
		t:     t,
		now:   now,
		feed:  &feedAt{items: map[string]time.Time{}},
		db:    filepath.Join(t.TempDir(), "newsbot.db"),
		slack: slackstub.New(t),
		m:     m,
	}
	r.srv = httptest.NewServer(r.feed)
	t.Cleanup(r.srv.Close)
	return r
}

// pipeline opens the store and returns a pipeline over it, as a fresh
// process would: nothing carries over but the store.
func (r *deliveryRig) pipeline(alertInterval time.Duration) *Pipeline {
	r.t.Helper()
	st, err := store.Open(context.Background(), r.db)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { st.Close() })
	return &Pipeline{
		Store:          st,
		Poller:         &feeds.Poller{Fetcher: feeds.NewFetcher(feeds.Options{Timeout: 5 * time.Second})},
		Feeds:          []feeds.Request{{URL: r.srv.URL, Name: "Desk"}},
		Matcher:        func() *matcher.Matcher { return r.m },
		DefaultChannel: "#news",
		Window:         48 * time.Hour,
		AlertInterval:  alertInterval,
		Now:            func() time.Time { return r.now },
		Log:            slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

// publish adds an item to the feed, published an hour before now, and polls.
func (r *deliveryRig) publish(p *Pipeline, guid string) {
	r.t.Helper()
	r.feed.set(guid, r.now.Add(-time.Hour))
	if _, err := p.Poll(context.Background(), PollOptions{All: true}); err != nil {
		r.t.Fatal(err)
	}
}

func (r *deliveryRig) deliverer(p *Pipeline) *digest.Deliverer {
	return &digest.Deliverer{
		Poster:  digest.NewSlackPoster(r.slack.Token(), r.slack.URL(), r.slack.Client()),
		Marker:  p.Store,
		Journal: Journal{Store: p.Store},
		Now:     p.Now,
		Sleep:   func(context.Context, time.Duration) error { return nil },
	}
}

func (r *deliveryRig) options(loc *time.Location, postEmpty bool) digest.Options {
	return digest.Options{Location: loc, Now: func() time.Time { return r.now }, PostEmpty: postEmpty}
}

// posts returns the texts posted to each channel since the last call.
func (r *deliveryRig) posts(seen *int) map[string][]string {
	all := r.slack.Posts()
	out := map[string][]string{}
	for _, p := range all[*seen:] {
		out[p.Channel] = append(out[p.Channel], p.Text+string(p.Blocks))
	}
	*seen = len(all)
	return out
}

func TestDeliverAlertsInterval(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		interval time.Duration
		// steps run in order: at, the item published (if any), whether the
		// pipeline is a new process on the same store, and the guids #alerts
		// must get in one alert at that step (none: no alert).
		steps []alertStep
	}{
		{
			name:     "an hour between alerts, across a restart",
			interval: time.Hour,
			steps: []alertStep{
				{at: 0, publish: "a", want: []string{"a"}},
				{at: 10 * time.Minute, publish: "b", want: nil},
				{at: 20 * time.Minute, restart: true, want: nil},
				{at: 61 * time.Minute, want: []string{"b"}},
				{at: 70 * time.Minute, publish: "c", want: nil},
			},
		},
		{
			name:     "no interval: every poll alerts",
			interval: 0,
			steps: []alertStep{
				{at: 0, publish: "a", want: []string{"a"}},
				{at: time.Minute, publish: "b", want: []string{"b"}},
				{at: 2 * time.Minute, restart: true, publish: "c", want: []string{"c"}},
				{at: 3 * time.Minute, want: nil},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			r := newDeliveryRig(t, t0)
			p := r.pipeline(tt.interval)
			seen := 0
			for i, st := range tt.steps {
				r.now = t0.Add(st.at)
				if st.restart {
					p = r.pipeline(tt.interval)
				}
				if st.publish != "" {
					r.publish(p, st.publish)
				}
				if err := p.DeliverAlerts(ctx, r.deliverer(p), r.options(time.UTC, false)); err != nil {
					t.Fatalf("step %d: DeliverAlerts: %v", i, err)
				}
				got := r.posts(&seen)
				for ch := range got {
					if ch != "#alerts" {
						t.Errorf("step %d: an alert went to %s", i, ch)
					}
				}
				alerts := got["#alerts"]
				if len(st.want) == 0 {
					if len(alerts) != 0 {
						t.Errorf("step %d: %d alerts, want none (the interval holds them back)", i, len(alerts))
					}
					continue
				}
				if len(alerts) != 1 {
					t.Fatalf("step %d: %d alert messages, want 1", i, len(alerts))
				}
				for _, guid := range st.want {
					if !strings.Contains(alerts[0], "DRDO tests missile "+guid) {
						t.Errorf("step %d: the alert lacks item %s: %s", i, guid, alerts[0])
					}
				}
			}
			// What the interval held back and no alert carried is still
			// pending, for the digest.
			pending, err := p.Store.Pending(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, pm := range pending {
				if pm.Profile == "DRDO-urgent" && tt.interval == 0 {
					t.Errorf("%s still pending for the alert profile without an interval", pm.ItemID)
				}
			}
		})
	}
}

type alertStep struct {
	at      time.Duration
	publish string
	restart bool
	want    []string
}

func TestDeliverAlertsRepeat(t *testing.T) {
	ctx := context.Background()
	r := newDeliveryRig(t, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	p := r.pipeline(0)
	p.RepeatAlerts = true
	r.publish(p, "a")
	if err := p.DeliverAlerts(ctx, r.deliverer(p), r.options(time.UTC, false)); err != nil {
		t.Fatal(err)
	}
	seen := 0
	if n := len(r.posts(&seen)["#alerts"]); n != 1 {
		t.Fatalf("%d alerts, want 1", n)
	}
	// The alerted match stays pending: the digest repeats it.
	if err := p.DeliverDigests(ctx, r.deliverer(p), r.options(time.UTC, false)); err != nil {
		t.Fatal(err)
	}
	if got := r.posts(&seen)["#alerts"]; len(got) != 1 || !strings.Contains(got[0], "DRDO tests missile a") {
		t.Errorf("the digest of #alerts = %q, want the alerted item again", got)
	}
}

func TestDeliverDigestsQuietDay(t *testing.T) {
	ctx := context.Background()
	ist, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC) // 22:30 in New Delhi
	tests := []struct {
		name      string
		postEmpty bool
		// steps: at, a guid published first (if any), and how many messages
		// each channel must get.
		steps []quietStep
	}{
		{
			name:      "post_empty",
			postEmpty: true,
			steps: []quietStep{
				// #drdo and #alerts get the digest; #quad the quiet-day line.
				{at: 0, publish: "a", want: map[string]int{"#drdo": 1, "#alerts": 1, "#quad": 1}, quiet: []string{"#quad"}},
				// An hour later, the same day in New Delhi: nothing again.
				{at: time.Hour, restart: true, want: map[string]int{}},
				// 00:30 in New Delhi, though the same day in UTC: a new day
				// with nothing pending, so every channel gets the line.
				{at: 2 * time.Hour, want: map[string]int{"#drdo": 1, "#alerts": 1, "#quad": 1}, quiet: []string{"#drdo", "#alerts", "#quad"}},
				{at: 3 * time.Hour, want: map[string]int{}},
			},
		},
		{
			name:      "without post_empty, quiet channels get nothing",
			postEmpty: false,
			steps: []quietStep{
				{at: 0, publish: "a", want: map[string]int{"#drdo": 1, "#alerts": 1}},
				{at: 2 * time.Hour, want: map[string]int{}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newDeliveryRig(t, t0)
			p := r.pipeline(0)
			seen := 0
			for i, st := range tt.steps {
				r.now = t0.Add(st.at)
				if st.restart {
					p = r.pipeline(0)
				}
				if st.publish != "" {
					r.publish(p, st.publish)
				}
				if err := p.DeliverDigests(ctx, r.deliverer(p), r.options(ist, tt.postEmpty)); err != nil {
					t.Fatalf("step %d: DeliverDigests: %v", i, err)
				}
				got := r.posts(&seen)
				for ch, n := range st.want {
					if len(got[ch]) != n {
						t.Errorf("step %d: %s got %d messages, want %d: %q", i, ch, len(got[ch]), n, got[ch])
					}
				}
				for ch := range got {
					if _, ok := st.want[ch]; !ok {
						t.Errorf("step %d: unexpected messages to %s: %q", i, ch, got[ch])
					}
				}
				for _, ch := range st.quiet {
					if len(got[ch]) == 0 || !strings.Contains(got[ch][0], "No new matches") {
						t.Errorf("step %d: %s did not get the quiet-day line: %q", i, ch, got[ch])
					}
				}
			}
		})
	}
}

type quietStep struct {
	at      time.Duration
	publish string
	restart bool
	want    map[string]int
	quiet   []string
}

func TestDeliverDigestsReturnsEveryFailure(t *testing.T) {
	ctx := context.Background()
	r := newDeliveryRig(t, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	p := r.pipeline(0)
	r.publish(p, "a")
	// Both digests (#alerts and #drdo) fail for good; the quiet-day line is
	// not posted after a failure.
	r.slack.FailNext(2, 200, "", "channel_not_found")
	err := p.DeliverDigests(ctx, r.deliverer(p), r.options(time.UTC, true))
	if err == nil {
		t.Fatal("DeliverDigests = nil, want both failures")
	}
	for _, want := range []string{"#alerts", "#drdo", "channel_not_found", "stay pending"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	seen := 0
	if got := r.posts(&seen); len(got) != 0 {
		t.Errorf("posted %q after the digests failed", got)
	}
	if pending, _ := p.Store.Pending(ctx); len(pending) != 2 {
		t.Errorf("%d pending, want both matches still pending", len(pending))
	}
}

// TestDeliverDigestsRateLimitedForAnHour scripts a 429 with Retry-After:
// 3600: the first digest gives up at once, the others are not attempted,
// everything stays pending, and no delivery calls Slack again within the
// hour.
func TestDeliverDigestsRateLimitedForAnHour(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	r := newDeliveryRig(t, t0)
	p := r.pipeline(0)
	r.publish(p, "a") // two digests: #alerts and #drdo
	r.slack.FailNext(1, http.StatusTooManyRequests, "3600", "")
	err := p.DeliverDigests(ctx, r.deliverer(p), r.options(time.UTC, true))
	if err == nil || !strings.Contains(err.Error(), "rate limit") {
		t.Fatalf("DeliverDigests = %v, want the rate limit", err)
	}
	if n := r.slack.Requests(); n != 1 {
		t.Errorf("Slack received %d requests, want 1: the other digest was attempted", n)
	}
	if pending, _ := p.Store.Pending(ctx); len(pending) != 2 {
		t.Errorf("%d pending, want both matches", len(pending))
	}
	// Within the hour nothing calls Slack: neither digests nor alerts.
	r.now = t0.Add(59 * time.Minute)
	if err := p.DeliverDigests(ctx, r.deliverer(p), r.options(time.UTC, true)); err == nil || !strings.Contains(err.Error(), "Retry-After") {
		t.Errorf("DeliverDigests within the hour = %v, want the hold", err)
	}
	if err := p.DeliverAlerts(ctx, r.deliverer(p), r.options(time.UTC, true)); err == nil {
		t.Error("DeliverAlerts within the hour = nil, want the hold")
	}
	if n := r.slack.Requests(); n != 1 {
		t.Errorf("Slack received %d requests within the hour, want 1", n)
	}
	// After it, both digests go.
	r.now = t0.Add(61 * time.Minute)
	if err := p.DeliverDigests(ctx, r.deliverer(p), r.options(time.UTC, false)); err != nil {
		t.Fatalf("DeliverDigests after the hour: %v", err)
	}
	if pending, _ := p.Store.Pending(ctx); len(pending) != 0 {
		t.Errorf("%d pending after the hour", len(pending))
	}
}

// TestDeliverDigestsFinishesAnInterruptedDigestFirst interrupts a digest
// (Slack took its message and never answered), lets a poll match a new item,
// and runs the next tick: the interrupted message is found, not posted
// again, and only the entries left are rendered into new digests; its
// channel gets no quiet-day line. While Slack fails the recovery, nothing
// new is posted.
func TestDeliverDigestsFinishesAnInterruptedDigestFirst(t *testing.T) {
	ctx := context.Background()
	r := newDeliveryRig(t, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	p := r.pipeline(0)
	r.publish(p, "a") // two digests: #alerts and #drdo
	hung := r.deliverer(p)
	client := *r.slack.Client()
	client.Timeout = 300 * time.Millisecond
	hung.Poster = digest.NewSlackPoster(r.slack.Token(), r.slack.URL(), &client)
	hung.MaxAttempts = 1
	r.slack.Enqueue(slackstub.Response{HangAfterAccept: true})
	if err := p.DeliverDigests(ctx, hung, r.options(time.UTC, true)); err == nil {
		t.Fatal("the interrupted tick succeeded")
	}
	if n := len(r.slack.Posts()); n != 1 {
		t.Fatalf("%d posts in the interrupted tick, want 1", n)
	}
	interrupted := r.slack.Posts()[0].Channel
	if open, err := p.Store.OpenPlans(ctx); err != nil || len(open) != 1 {
		t.Fatalf("%d open plans after the interruption (%v), want 1", len(open), err)
	}

	// A new process; a new item; Slack fails the recovery's lookup and the
	// posts after it: nothing new is posted.
	p = r.pipeline(0)
	r.publish(p, "b")
	failing := r.deliverer(p)
	failing.MaxAttempts = 2
	// Each of two attempts: the channel's lookup by name, then the post.
	r.slack.FailNext(4, http.StatusInternalServerError, "", "")
	if err := p.DeliverDigests(ctx, failing, r.options(time.UTC, true)); err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("DeliverDigests while Slack fails = %v, want the open delivery (%d requests, %d posts)", err, r.slack.Requests(), len(r.slack.Posts()))
	}
	if n := len(r.slack.Posts()); n != 1 {
		t.Fatalf("%d posts while the recovery failed, want still 1", n)
	}

	// Slack is back: the interrupted message is found in history.
	if err := p.DeliverDigests(ctx, r.deliverer(p), r.options(time.UTC, true)); err != nil {
		t.Fatalf("DeliverDigests: %v", err)
	}
	seen := 1
	got := r.posts(&seen)
	for ch, texts := range got {
		for _, text := range texts {
			if strings.Contains(text, "No new matches") && ch != "#quad" {
				t.Errorf("%s got the quiet-day line after a digest", ch)
			}
			if ch == interrupted && strings.Contains(text, "DRDO tests missile a") {
				t.Errorf("%s got item a again: %s", ch, text)
			}
		}
	}
	for _, ch := range []string{"#alerts", "#drdo"} {
		all := strings.Join(got[ch], "\n")
		if ch != interrupted && !strings.Contains(all, "DRDO tests missile a") {
			t.Errorf("%s never got item a", ch)
		}
		if !strings.Contains(all, "DRDO tests missile b") {
			t.Errorf("%s never got item b", ch)
		}
	}
	if pending, _ := p.Store.Pending(ctx); len(pending) != 0 {
		t.Errorf("%d pending", len(pending))
	}
	if open, _ := p.Store.OpenPlans(ctx); len(open) != 0 {
		t.Errorf("%d plans open", len(open))
	}
}

// TestTwoOnceTogetherLeaveNothingPending runs two pipelines on one SQLite
// file as two `once` started together: A delivers (Slack answers its first
// post late) while B polls a new item and asks to deliver. Whether B waits
// for the lock or leaves at once, nothing stays pending and no entry is
// posted twice.
func TestTwoOnceTogetherLeaveNothingPending(t *testing.T) {
	tests := []struct {
		name     string
		lockWait time.Duration
	}{
		{"B waits for the lock", 0},
		{"B leaves at once: A's next round takes its match", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			r := newDeliveryRig(t, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
			a, b := r.pipeline(0), r.pipeline(0)
			b.LockWait = tt.lockWait
			r.publish(a, "a")
			r.slack.Enqueue(slackstub.Response{Delay: time.Second})
			done := make(chan error, 1)
			go func() { done <- a.DeliverDigests(ctx, r.deliverer(a), r.options(time.UTC, false)) }()
			for deadline := time.Now().Add(20 * time.Second); len(r.slack.Posts()) == 0; time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("A never posted")
				}
			}
			// A is delivering item a; B stores item b and delivers.
			r.publish(b, "b")
			if err := b.DeliverDigests(ctx, r.deliverer(b), r.options(time.UTC, false)); err != nil {
				t.Errorf("B: %v", err)
			}
			if err := <-done; err != nil {
				t.Errorf("A: %v", err)
			}
			if pending, _ := a.Store.Pending(ctx); len(pending) != 0 {
				t.Errorf("%d entries left pending", len(pending))
			}
			counts := map[string]int{}
			for _, p := range r.slack.Posts() {
				for _, guid := range []string{"a", "b"} {
					if strings.Contains(p.Text, "DRDO tests missile "+guid) {
						counts[p.Channel+" "+guid]++
					}
				}
			}
			for _, k := range []string{"#alerts a", "#alerts b", "#drdo a", "#drdo b"} {
				if counts[k] != 1 {
					t.Errorf("%s posted %d times, want 1", k, counts[k])
				}
			}
		})
	}
}

// TestDeliverWhileAnotherReplicaDelivers runs the digest and alert ticks
// while another holds the delivery lock: they leave the work to it, and
// what is pending stays pending.
func TestDeliverWhileAnotherReplicaDelivers(t *testing.T) {
	ctx := context.Background()
	r := newDeliveryRig(t, time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
	p := r.pipeline(0)
	p.LockWait = -1 // the lock is held until the ticks return: do not wait for it
	r.publish(p, "a")
	other := r.pipeline(0) // another replica on the same store
	ran, err := other.Store.TryLock(ctx, deliveryLock, func(context.Context) error {
		if err := p.DeliverAlerts(ctx, r.deliverer(p), r.options(time.UTC, true)); err != nil {
			t.Errorf("DeliverAlerts: %v", err)
		}
		if err := p.DeliverDigests(ctx, r.deliverer(p), r.options(time.UTC, true)); err != nil {
			t.Errorf("DeliverDigests: %v", err)
		}
		return nil
	})
	if err != nil || !ran {
		t.Fatalf("TryLock = %v, %v", ran, err)
	}
	if n := len(r.slack.Posts()); n != 0 {
		t.Errorf("%d messages posted while another replica held the lock", n)
	}
	if pending, _ := p.Store.Pending(ctx); len(pending) != 2 {
		t.Errorf("%d pending, want both matches left for the lock's holder", len(pending))
	}
	// Once the lock is free, this replica delivers.
	if err := p.DeliverDigests(ctx, r.deliverer(p), r.options(time.UTC, true)); err != nil {
		t.Fatal(err)
	}
	if pending, _ := p.Store.Pending(ctx); len(pending) != 0 {
		t.Errorf("%d pending after the lock was freed", len(pending))
	}
}
