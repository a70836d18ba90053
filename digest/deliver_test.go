package digest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/internal/slackstub"
)

// markCall is one call to recordingMarker.MarkDelivered.
type markCall struct {
	profile string
	ids     []string
	ref     string
	at      time.Time
}

// recordingMarker is a consumer-side fake of the store's outbox: it records
// what was marked, and runs after (when set) after every mark.
type recordingMarker struct {
	mu    sync.Mutex
	calls []markCall
	after func()
}

func (m *recordingMarker) MarkDelivered(ctx context.Context, profile string, ids []string, ref string, at time.Time) error {
	m.mu.Lock()
	m.calls = append(m.calls, markCall{profile, append([]string(nil), ids...), ref, at})
	m.mu.Unlock()
	if m.after != nil {
		m.after()
	}
	return nil
}

func (m *recordingMarker) ids() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ids []string
	for _, c := range m.calls {
		ids = append(ids, c.ids...)
	}
	return ids
}

// recordingSleep records the waits asked for without waiting.
type recordingSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *recordingSleep) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

type deliverySetup struct {
	stub   *slackstub.Server
	marker *recordingMarker
	sleeps *recordingSleep
	d      *Deliverer
}

func newDeliverySetup(t *testing.T) *deliverySetup {
	stub := slackstub.New(t)
	s := &deliverySetup{stub: stub, marker: &recordingMarker{}, sleeps: &recordingSleep{}}
	s.d = &Deliverer{
		Poster:      NewSlackPoster(stub.Token(), stub.URL(), stub.Client()),
		Marker:      s.marker,
		Now:         func() time.Time { return testNow },
		Sleep:       s.sleeps.sleep,
		MaxAttempts: 3,
	}
	return s
}

// assertNoSecrets fails the test when err mentions a secret.
func assertNoSecrets(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range secrets {
		for _, text := range []string{err.Error(), strings.ReplaceAll(err.Error(), "%2F", "/")} {
			if strings.Contains(text, s) {
				// Never print the error itself: it holds the secret.
				t.Errorf("an error of %d bytes contains a secret of %d bytes", len(err.Error()), len(s))
			}
		}
	}
}

func renderTest(n int) (Digest, []Message) {
	d := testDigest(makeStories(n))
	return d, Render(d, testOptions())
}

func TestDeliverSuccessMarksEverything(t *testing.T) {
	s := newDeliverySetup(t)
	d, msgs := renderTest(8)
	if err := s.d.Deliver(context.Background(), d, msgs); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	posts := s.stub.Posts()
	if len(posts) != 2 {
		t.Fatalf("got %d posts, want 2", len(posts))
	}
	if posts[0].ThreadTS != "" || posts[1].ThreadTS != posts[0].TS {
		t.Errorf("thread_ts = %q, %q; want \"\" and %q", posts[0].ThreadTS, posts[1].ThreadTS, posts[0].TS)
	}
	for i, p := range posts {
		if p.Channel != "C1" || p.UnfurlLinks != "false" || p.UnfurlMedia != "false" || p.Text != msgs[i].Text {
			t.Errorf("post %d: channel %q unfurl %q/%q text match %v", i, p.Channel, p.UnfurlLinks, p.UnfurlMedia, p.Text == msgs[i].Text)
		}
	}
	if got := s.marker.ids(); len(got) != 8 {
		t.Errorf("marked %v, want all 8 items", got)
	}
	for i, c := range s.marker.calls {
		if c.profile != "TRUST" || c.ref != "C1:"+posts[i].TS || !c.at.Equal(testNow) {
			t.Errorf("mark %d = %+v", i, c)
		}
	}
	if v := s.stub.Violations(); len(v) > 0 {
		t.Errorf("violations: %+v", v)
	}
	if m := s.stub.LiveMentions(); len(m) > 0 {
		t.Errorf("live mentions: %q", m)
	}
}

func TestDeliverHostileDigestArrivesInert(t *testing.T) {
	s := newDeliverySetup(t)
	d := testDigest(hostileStories())
	if err := s.d.Deliver(context.Background(), d, Render(d, testOptions())); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	if len(s.stub.Posts()) == 0 {
		t.Fatal("nothing posted")
	}
	if m := s.stub.LiveMentions(); len(m) > 0 {
		t.Errorf("live mentions arrived: %q", m)
	}
}

func TestDeliver500StoriesPassesValidation(t *testing.T) {
	s := newDeliverySetup(t)
	stories := makeStories(500)
	for i := 0; i < len(stories); i += 3 {
		stories[i].Title = strings.Repeat("<@U123> & ", 600)
	}
	d := testDigest(stories)
	if err := s.d.Deliver(context.Background(), d, Render(d, testOptions())); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	if v := s.stub.Violations(); len(v) > 0 {
		t.Fatalf("violations: %+v", v)
	}
	if n := len(s.marker.ids()); n != 500 {
		t.Errorf("marked %d items, want 500", n)
	}
}

func TestDeliverRetries(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		after     string
		wantWaits []time.Duration
	}{
		{"429 with Retry-After", http.StatusTooManyRequests, "7", []time.Duration{7 * time.Second}},
		{"500", http.StatusInternalServerError, "", []time.Duration{PostBackoffBase}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newDeliverySetup(t)
			s.stub.FailNext(1, tt.status, tt.after, "")
			d, msgs := renderTest(2)
			if err := s.d.Deliver(context.Background(), d, msgs); err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			if got := s.sleeps.waits; len(got) != len(tt.wantWaits) || got[0] != tt.wantWaits[0] {
				t.Errorf("waits = %v, want %v", got, tt.wantWaits)
			}
			if s.stub.Requests() != 2 || len(s.stub.Posts()) != 1 {
				t.Errorf("requests %d, posts %d; want 2 and 1", s.stub.Requests(), len(s.stub.Posts()))
			}
			if n := len(s.marker.ids()); n != 2 {
				t.Errorf("marked %d items, want 2", n)
			}
		})
	}
}

func TestDeliverGivesUpAfterMaxAttempts(t *testing.T) {
	s := newDeliverySetup(t)
	s.stub.FailNext(5, http.StatusBadGateway, "", "")
	d, msgs := renderTest(2)
	err := s.d.Deliver(context.Background(), d, msgs)
	if err == nil || !strings.Contains(err.Error(), "3 attempts") {
		t.Fatalf("got %v, want an error after 3 attempts", err)
	}
	if s.stub.Requests() != 3 || len(s.sleeps.waits) != 2 || len(s.marker.calls) != 0 {
		t.Errorf("requests %d, waits %v, marks %d; want 3, 2 waits, 0", s.stub.Requests(), s.sleeps.waits, len(s.marker.calls))
	}
}

func TestDeliverPermanentErrorStops(t *testing.T) {
	s := newDeliverySetup(t)
	s.stub.FailNext(1, 0, "", "channel_not_found")
	d, msgs := renderTest(8)
	err := s.d.Deliver(context.Background(), d, msgs)
	if err == nil {
		t.Fatal("Deliver succeeded")
	}
	for _, want := range []string{"TRUST", "C1", "channel_not_found"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	assertNoSecrets(t, err, s.stub.Token())
	if s.stub.Requests() != 1 || len(s.sleeps.waits) != 0 {
		t.Errorf("requests %d, waits %v; want one request and no retry", s.stub.Requests(), s.sleeps.waits)
	}
	if len(s.marker.calls) != 0 {
		t.Errorf("marked %v", s.marker.ids())
	}
}

func TestDeliverMarksOnlyAcceptedMessages(t *testing.T) {
	s := newDeliverySetup(t)
	s.marker.after = func() { s.stub.FailNext(1, 0, "", "not_in_channel") }
	d, msgs := renderTest(8)
	err := s.d.Deliver(context.Background(), d, msgs)
	if err == nil || !strings.Contains(err.Error(), "not_in_channel") || !strings.Contains(err.Error(), "message 2 of 2") {
		t.Fatalf("got %v, want not_in_channel on message 2", err)
	}
	if got, want := strings.Join(s.marker.ids(), ","), strings.Join(msgs[0].ItemIDs["TRUST"], ","); got != want {
		t.Errorf("marked %s, want only the first message's %s", got, want)
	}
}

func TestDeliverSecretsNeverInErrors(t *testing.T) {
	const token = "xoxb-1234-very-secret-token"
	const webhookSecret = "T42/B42/abcdefSECRET"
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	tests := []struct {
		name   string
		poster func(stub *slackstub.Server) Poster
		script func(stub *slackstub.Server)
	}{
		{"invalid_auth", func(s *slackstub.Server) Poster { return NewSlackPoster(token, s.URL(), s.Client()) }, nil},
		{"api unreachable", func(*slackstub.Server) Poster { return NewSlackPoster(token, closed.URL+"/", nil) }, nil},
		{"api 500", func(s *slackstub.Server) Poster { return NewSlackPoster(token, s.URL(), s.Client()) },
			func(s *slackstub.Server) { s.FailNext(5, 500, "", "") }},
		{"webhook wrong secret", func(s *slackstub.Server) Poster {
			return NewWebhookPoster(s.URL()+"webhook/"+webhookSecret+"-wrong", s.Client())
		}, nil},
		{"webhook 500", func(s *slackstub.Server) Poster { return NewWebhookPoster(s.WebhookURL(), s.Client()) },
			func(s *slackstub.Server) { s.FailNext(5, 500, "", "") }},
		{"webhook 429", func(s *slackstub.Server) Poster { return NewWebhookPoster(s.WebhookURL(), s.Client()) },
			func(s *slackstub.Server) { s.FailNext(5, 429, "1", "") }},
		{"webhook unreachable", func(*slackstub.Server) Poster {
			return NewWebhookPoster(closed.URL+"/webhook/"+webhookSecret, nil)
		}, nil},
	}
	d, msgs := renderTest(2)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := slackstub.New(t, slackstub.WithToken("xoxb-other"), slackstub.WithWebhookSecret(webhookSecret))
			if tt.script != nil {
				tt.script(stub)
			}
			dl := &Deliverer{Poster: tt.poster(stub), Marker: &recordingMarker{}, Sleep: (&recordingSleep{}).sleep, MaxAttempts: 2}
			err := dl.Deliver(context.Background(), d, msgs)
			if err == nil {
				t.Fatal("Deliver succeeded")
			}
			assertNoSecrets(t, err, token, webhookSecret, stub.WebhookURL())
			if len(stub.Posts()) != 0 {
				t.Errorf("a post was accepted")
			}
		})
	}
}

func TestDeliverCancelled(t *testing.T) {
	t.Run("after the first message", func(t *testing.T) {
		s := newDeliverySetup(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s.marker.after = cancel
		d, msgs := renderTest(8)
		err := s.d.Deliver(ctx, d, msgs)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		if len(s.stub.Posts()) != 1 || len(s.marker.calls) != 1 {
			t.Errorf("posts %d, marks %d; want 1 and 1", len(s.stub.Posts()), len(s.marker.calls))
		}
	})
	t.Run("while waiting to retry", func(t *testing.T) {
		s := newDeliverySetup(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s.stub.FailNext(1, 500, "", "")
		s.d.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
		d, msgs := renderTest(2)
		err := s.d.Deliver(ctx, d, msgs)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		if s.stub.Requests() != 1 || len(s.marker.calls) != 0 {
			t.Errorf("requests %d, marks %d; want 1 and 0", s.stub.Requests(), len(s.marker.calls))
		}
	})
	t.Run("before starting", func(t *testing.T) {
		s := newDeliverySetup(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		d, msgs := renderTest(2)
		if err := s.d.Deliver(ctx, d, msgs); !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		if s.stub.Requests() != 0 {
			t.Errorf("made %d requests", s.stub.Requests())
		}
	})
}

func TestDeliverWebhookPostsRepliesAsFollowUps(t *testing.T) {
	stub := slackstub.New(t)
	marker := &recordingMarker{}
	dl := &Deliverer{Poster: NewWebhookPoster(stub.WebhookURL(), stub.Client()), Marker: marker, Now: func() time.Time { return testNow }}
	d, msgs := renderTest(8)
	if err := dl.Deliver(context.Background(), d, msgs); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	posts := stub.Posts()
	if len(posts) != 2 {
		t.Fatalf("got %d posts, want 2", len(posts))
	}
	for i, p := range posts {
		if !p.Webhook || p.ThreadTS != "" || p.UnfurlLinks != "false" || p.UnfurlMedia != "false" {
			t.Errorf("post %d = %+v", i, p)
		}
	}
	if len(marker.ids()) != 8 || marker.calls[0].ref != WebhookRef {
		t.Errorf("marks = %+v", marker.calls)
	}
}

func TestDeliverNeedsPosterAndMarker(t *testing.T) {
	d, msgs := renderTest(1)
	if err := (&Deliverer{}).Deliver(context.Background(), d, msgs); !errors.Is(err, ErrNotConfigured) {
		t.Errorf("got %v, want ErrNotConfigured", err)
	}
}
