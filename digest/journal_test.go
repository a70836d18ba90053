package digest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/internal/slackstub"
)

// memJournal is a consumer-side fake of the store's journal, kept in memory.
// It outlives the Deliverers that use it, as the database outlives a crash.
type memJournal struct {
	mu     sync.Mutex
	plans  []Plan
	closed map[string]bool
	// planErr, when set, is Plan's error.
	planErr error
}

func newMemJournal() *memJournal { return &memJournal{closed: map[string]bool{}} }

func (j *memJournal) Plan(ctx context.Context, p Plan) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.planErr != nil {
		return j.planErr
	}
	// Stored as the store stores it: the messages encoded.
	cp := p
	cp.Messages = nil
	for _, pm := range p.Messages {
		b, err := json.Marshal(pm.Message)
		if err != nil {
			return err
		}
		var m Message
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		cp.Messages = append(cp.Messages, Planned{Message: m, Attempted: pm.Attempted, Ref: pm.Ref})
	}
	j.plans = append(j.plans, cp)
	return nil
}

func (j *memJournal) message(planID string, seq int) (*Planned, error) {
	for i := range j.plans {
		if j.plans[i].ID == planID && seq < len(j.plans[i].Messages) {
			return &j.plans[i].Messages[seq], nil
		}
	}
	return nil, fmt.Errorf("no message %d in plan %s", seq, planID)
}

func (j *memJournal) Attempt(ctx context.Context, planID string, seq int, at time.Time) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	pm, err := j.message(planID, seq)
	if err == nil && pm.Attempted.IsZero() {
		pm.Attempted = at
	}
	return err
}

func (j *memJournal) Accepted(ctx context.Context, planID string, seq int, ref string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	pm, err := j.message(planID, seq)
	if err == nil {
		pm.Ref = ref
	}
	return err
}

func (j *memJournal) ClosePlan(ctx context.Context, planID string, at time.Time) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.closed[planID] = true
	return nil
}

func (j *memJournal) OpenPlans(ctx context.Context) ([]Plan, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var open []Plan
	for _, p := range j.plans {
		if !j.closed[p.ID] {
			p.Messages = slices.Clone(p.Messages)
			open = append(open, p)
		}
	}
	return open, nil
}

// openCount returns the number of open plans.
func (j *memJournal) openCount() int {
	open, _ := j.OpenPlans(context.Background())
	return len(open)
}

var _ Journal = (*memJournal)(nil)

// postTimeout bounds each request of the crash tests' posters, so that a
// post Slack accepted and never answered (HangAfterAccept) times out fast.
const postTimeout = 300 * time.Millisecond

// newCrashDeliverer returns a Deliverer for stub with a new SlackPoster whose
// requests time out after postTimeout: a fresh process, sharing journal
// (nil for none) and marker with the earlier ones.
func newCrashDeliverer(stub *slackstub.Server, journal *memJournal, marker Marker, maxAttempts int) *Deliverer {
	client := stub.Client()
	c := *client
	c.Timeout = postTimeout
	d := &Deliverer{
		Poster:      NewSlackPoster(stub.Token(), stub.URL(), &c),
		Marker:      marker,
		Now:         func() time.Time { return testNow },
		Sleep:       (&recordingSleep{}).sleep,
		MaxAttempts: maxAttempts,
	}
	if journal != nil {
		d.Journal = journal
	}
	return d
}

// postsByID counts the posts in stub by the message ID in their metadata,
// and returns the IDs in the order first posted.
func postsByID(t *testing.T, stub *slackstub.Server) (map[string]int, []string) {
	t.Helper()
	counts := map[string]int{}
	var order []string
	for _, p := range stub.Posts() {
		id := metadataID(t, p)
		if counts[id] == 0 {
			order = append(order, id)
		}
		counts[id]++
	}
	return counts, order
}

// metadataID returns the message ID in a post's metadata, failing the test
// when the metadata is missing or malformed.
func metadataID(t *testing.T, p slackstub.Post) string {
	t.Helper()
	var md struct {
		EventType    string         `json:"event_type"`
		EventPayload map[string]any `json:"event_payload"`
	}
	if err := json.Unmarshal(p.Metadata, &md); err != nil {
		t.Fatalf("post %s: metadata %q: %v", p.TS, p.Metadata, err)
	}
	id, _ := md.EventPayload["message_id"].(string)
	if md.EventType != MetadataEventType || id == "" {
		t.Fatalf("post %s: metadata = %s, want event_type %s with a message_id", p.TS, p.Metadata, MetadataEventType)
	}
	return id
}

// threeMessages renders a digest of three messages: a main message and two
// thread replies.
func threeMessages(t *testing.T) (Digest, []Message) {
	t.Helper()
	var (
		d    Digest
		msgs []Message
	)
	for n := 200; n < 5000 && len(msgs) < 3; n += 100 {
		d = testDigest(makeStories(n))
		msgs = Render(d, testOptions())
	}
	if len(msgs) != 3 || msgs[0].Reply || !msgs[1].Reply || !msgs[2].Reply {
		t.Fatalf("rendered %d messages, want a main message and two replies", len(msgs))
	}
	return d, msgs
}

// TestRecoverEveryMessageOfADigest stops while each message of a
// three-message digest is in flight (Slack took it and had not answered),
// then recovers in a new Deliverer: with history, no message repeats;
// without it, only the one in flight does; every item is marked, and the
// replies stay in the main message's thread.
func TestRecoverEveryMessageOfADigest(t *testing.T) {
	for inFlight := range 3 {
		for _, history := range []bool{true, false} {
			t.Run(fmt.Sprintf("message %d in flight, history %v", inFlight+1, history), func(t *testing.T) {
				stub := slackstub.New(t)
				journal, marker := newMemJournal(), &recordingMarker{}
				d, msgs := threeMessages(t)
				items := len(d.Stories)
				// Slack takes the message in flight and answers after a
				// minute; the process stops (its context is cancelled) once
				// Slack has it.
				script := make([]slackstub.Response, inFlight+1)
				for i := range script {
					script[i].Serve = true
				}
				script[inFlight] = slackstub.Response{Delay: time.Minute}
				stub.Enqueue(script...)
				ctx, cancel := context.WithCancel(context.Background())
				go func() {
					for len(stub.Posts()) < inFlight+1 {
						if ctx.Err() != nil {
							return
						}
						time.Sleep(5 * time.Millisecond)
					}
					cancel()
				}()
				first := newCrashDeliverer(stub, journal, marker, 1)
				first.Poster = NewSlackPoster(stub.Token(), stub.URL(), stub.Client())
				err := first.Deliver(ctx, d, msgs)
				cancel()
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("the first run = %v, want it cancelled", err)
				}
				if n := len(stub.Posts()); n != inFlight+1 {
					t.Fatalf("%d posts before the crash, want %d", n, inFlight+1)
				}
				if journal.openCount() != 1 {
					t.Fatal("the plan was closed with a message in flight")
				}

				// The restart: pending items changed meanwhile, but the plan
				// is what Recover finishes.
				if !history {
					stub.RefuseReads("missing_scope")
				}
				restart := newCrashDeliverer(stub, journal, marker, 3)
				restart.Poster = NewSlackPoster(stub.Token(), stub.URL(), stub.Client())
				done, open, err := restart.Recover(context.Background())
				if err != nil || open != 0 || len(done) != 1 || done[0].ID != journal.plans[0].ID {
					t.Fatalf("Recover = %d plans, %d open, %v; want the plan, 0, nil", len(done), open, err)
				}
				counts, order := postsByID(t, stub)
				if len(order) != 3 {
					t.Fatalf("%d distinct messages posted, want 3", len(order))
				}
				for i, id := range order {
					want := 1
					if !history && i == inFlight {
						want = 2
					}
					if counts[id] != want {
						t.Errorf("message %d posted %d times, want %d", i+1, counts[id], want)
					}
				}
				marked := marker.ids()
				slices.Sort(marked)
				if len(slices.Compact(marked)) != items {
					t.Errorf("marked %d distinct items, want %d", len(slices.Compact(marked)), items)
				}
				// Every reply is in the thread of the main message's last
				// post (its first, with history).
				main := ""
				for _, p := range stub.Posts() {
					if metadataID(t, p) == order[0] {
						main = p.TS
						continue
					}
					if p.ThreadTS != main {
						t.Errorf("reply %s in thread %q, want %q", metadataID(t, p), p.ThreadTS, main)
					}
				}
				if journal.openCount() != 0 {
					t.Error("the plan is still open after Recover")
				}
			})
		}
	}
}

// TestRecoverStopsWhileSlackIsUnavailable leaves the plans open when Slack
// answers 500 during recovery, and attempts no later plan.
func TestRecoverStopsWhileSlackIsUnavailable(t *testing.T) {
	stub := slackstub.New(t)
	journal, marker := newMemJournal(), &recordingMarker{}
	for range 2 {
		stub.Enqueue(slackstub.Response{Status: http.StatusInternalServerError})
		d, msgs := renderTest(8)
		if err := newCrashDeliverer(stub, journal, marker, 1).Deliver(context.Background(), d, msgs); err == nil {
			t.Fatal("Deliver succeeded against a 500")
		}
	}
	if journal.openCount() != 2 {
		t.Fatalf("%d open plans, want both (Slack unavailable)", journal.openCount())
	}
	before := stub.Requests()
	// Recovery: the lookup of the first plan's main message is answered, the
	// post fails again.
	stub.Enqueue(slackstub.Response{Serve: true}, slackstub.Response{Status: http.StatusServiceUnavailable})
	_, open, err := newCrashDeliverer(stub, journal, marker, 1).Recover(context.Background())
	if err == nil || open != 2 {
		t.Fatalf("Recover = %d, %v; want 2 and the 503", open, err)
	}
	if n := stub.Requests() - before; n != 2 {
		t.Errorf("recovery made %d requests, want 2 (the second plan not attempted)", n)
	}
	if len(marker.calls) != 0 || len(stub.Posts()) != 0 {
		t.Errorf("marks %d, posts %d; want none", len(marker.calls), len(stub.Posts()))
	}
	// Once Slack is back, both plans are delivered, once each.
	if done, open, err := newCrashDeliverer(stub, journal, marker, 1).Recover(context.Background()); err != nil || open != 0 || len(done) != 2 {
		t.Fatalf("Recover = %d plans, %d open, %v; want 2, 0, nil", len(done), open, err)
	}
	if n := len(stub.Posts()); n != 4 || len(marker.ids()) != 16 {
		t.Errorf("%d posts, %d marks; want 4 and 16", n, len(marker.ids()))
	}
}

// TestRecoverClosesARefusedPlan closes a plan Slack refuses, so that its
// items go back to pending, and goes on with the next plan.
func TestRecoverClosesARefusedPlan(t *testing.T) {
	stub := slackstub.New(t)
	journal, marker := newMemJournal(), &recordingMarker{}
	for range 2 {
		stub.Enqueue(slackstub.Response{Status: http.StatusInternalServerError})
		d, msgs := renderTest(8)
		newCrashDeliverer(stub, journal, marker, 1).Deliver(context.Background(), d, msgs)
	}
	// The first plan: lookup (not found), then channel_not_found.
	stub.Enqueue(slackstub.Response{Serve: true}, slackstub.Response{SlackError: "channel_not_found"})
	done, open, err := newCrashDeliverer(stub, journal, marker, 1).Recover(context.Background())
	if err == nil || !strings.Contains(err.Error(), "channel_not_found") || open != 0 || len(done) != 1 {
		t.Fatalf("Recover = %d plans, %d open, %v; want the second plan, 0 and channel_not_found", len(done), open, err)
	}
	if n := len(stub.Posts()); n != 2 || len(marker.ids()) != 8 {
		t.Errorf("%d posts, %d marks; want the second plan's 2 and 8", n, len(marker.ids()))
	}
	if journal.openCount() != 0 {
		t.Error("a refused plan stayed open")
	}
}

func TestDeliverTimeoutThenRetry(t *testing.T) {
	tests := []struct {
		name     string
		journal  bool
		script   []slackstub.Response
		wantMain int
		// wantOpen is whether the plan stays open.
		wantErr, wantOpen bool
	}{
		{"history finds it", true, []slackstub.Response{{HangAfterAccept: true}}, 1, false, false},
		{"history finds it, no journal", false, []slackstub.Response{{HangAfterAccept: true}}, 1, false, false},
		{"two timeouts", true, []slackstub.Response{{HangAfterAccept: true}, {SlackError: "missing_scope"}, {HangAfterAccept: true}}, 2, false, false},
		{"no history scope: one repeat", true, []slackstub.Response{{HangAfterAccept: true}, {SlackError: "missing_scope"}}, 2, false, false},
		{"no history scope, then refused", true,
			[]slackstub.Response{{HangAfterAccept: true}, {SlackError: "missing_scope"}, {SlackError: "channel_not_found"}}, 1, true, false},
		{"history fails with 500, then the post too", true,
			[]slackstub.Response{{HangAfterAccept: true}, {Status: 500}, {Status: 500}, {Status: 500}, {Status: 500}}, 1, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := slackstub.New(t)
			journal, marker := newMemJournal(), &recordingMarker{}
			var j *memJournal
			if tt.journal {
				j = journal
			}
			stub.Enqueue(tt.script...)
			d, msgs := renderTest(8)
			err := newCrashDeliverer(stub, j, marker, 3).Deliver(context.Background(), d, msgs)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Deliver = %v, want error %v", err, tt.wantErr)
			}
			counts, order := postsByID(t, stub)
			if got := counts[order[0]]; got != tt.wantMain {
				t.Errorf("main message posted %d times, want %d", got, tt.wantMain)
			}
			if !tt.wantErr && (len(order) != 2 || counts[order[1]] != 1 || len(marker.ids()) != 8) {
				t.Errorf("posts %v, %d items marked; want the reply once and 8", counts, len(marker.ids()))
			}
			if tt.wantErr && len(marker.calls) != 0 {
				t.Errorf("marked %v after an error", marker.ids())
			}
			if tt.journal && (journal.openCount() == 1) != tt.wantOpen {
				t.Errorf("%d open plans, want open %v", journal.openCount(), tt.wantOpen)
			}
		})
	}
}

func TestDeliverJournalsEveryMessage(t *testing.T) {
	t.Run("success", func(t *testing.T) {
		s := newDeliverySetup(t)
		journal := newMemJournal()
		s.d.Journal = journal
		d, msgs := renderTest(8)
		if err := s.d.Deliver(context.Background(), d, msgs); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		if len(journal.plans) != 1 || journal.openCount() != 0 {
			t.Fatalf("journal: %d plans, %d open; want 1, none", len(journal.plans), journal.openCount())
		}
		for i, pm := range journal.plans[0].Messages {
			if pm.Ref == "" || pm.Attempted.IsZero() || pm.Message.ID != fmt.Sprintf("%s.%d", journal.plans[0].ID, i) {
				t.Errorf("message %d journalled as %+v", i, pm)
			}
		}
		// Only the posts: no history calls when nothing is in doubt.
		if s.stub.Requests() != len(msgs) {
			t.Errorf("%d requests, want %d", s.stub.Requests(), len(msgs))
		}
	})
	t.Run("the whole digest is journalled before the first post", func(t *testing.T) {
		s := newDeliverySetup(t)
		journal := newMemJournal()
		s.d.Journal = journal
		d, msgs := threeMessages(t)
		s.marker.after = func() {
			// At the first mark, Slack has one message; the journal all three.
			if len(s.stub.Posts()) == 1 && (len(journal.plans) != 1 || len(journal.plans[0].Messages) != 3) {
				t.Errorf("after the first post the journal holds %d plans", len(journal.plans))
			}
		}
		if err := s.d.Deliver(context.Background(), d, msgs); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("refused message closes the plan", func(t *testing.T) {
		s := newDeliverySetup(t)
		journal := newMemJournal()
		s.d.Journal = journal
		s.stub.FailNext(1, 0, "", "channel_not_found")
		d, msgs := renderTest(8)
		if err := s.d.Deliver(context.Background(), d, msgs); err == nil {
			t.Fatal("Deliver succeeded")
		}
		if len(journal.plans) != 1 || journal.openCount() != 0 {
			t.Errorf("journal: %d plans, %d open; want 1, none", len(journal.plans), journal.openCount())
		}
	})
	t.Run("journal fails", func(t *testing.T) {
		s := newDeliverySetup(t)
		s.d.Journal = &memJournal{closed: map[string]bool{}, planErr: errors.New("disk full")}
		d, msgs := renderTest(8)
		err := s.d.Deliver(context.Background(), d, msgs)
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Fatalf("Deliver = %v, want the journal's error", err)
		}
		if s.stub.Requests() != 0 {
			t.Errorf("%d requests; a message was posted without its journal entry", s.stub.Requests())
		}
	})
	t.Run("webhook after a crash posts again", func(t *testing.T) {
		stub := slackstub.New(t)
		journal, marker := newMemJournal(), &recordingMarker{}
		d, msgs := renderTest(8)
		p := newPlan(d, msgs, testNow)
		p.Messages[0].Attempted = testNow // in flight when the process died
		if err := journal.Plan(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		dl := &Deliverer{Poster: NewWebhookPoster(stub.WebhookURL(), stub.Client()), Marker: marker, Journal: journal}
		if _, open, err := dl.Recover(context.Background()); err != nil || open != 0 {
			t.Fatalf("Recover = %d, %v", open, err)
		}
		if len(stub.Posts()) != len(msgs) || len(marker.ids()) != 8 || journal.openCount() != 0 {
			t.Errorf("posts %d, marked %d, open %d", len(stub.Posts()), len(marker.ids()), journal.openCount())
		}
		for _, p := range stub.Posts() {
			if p.Metadata != nil {
				t.Errorf("webhook post with metadata %s", p.Metadata)
			}
		}
	})
}

func TestSlackPosterTagsEveryPost(t *testing.T) {
	s := newDeliverySetup(t)
	d, msgs := renderTest(60)
	if err := s.d.Deliver(context.Background(), d, msgs); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	if err := s.d.Deliver(context.Background(), d, msgs); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	posts := s.stub.Posts()
	if len(posts) != 2*len(msgs) || len(msgs) < 2 {
		t.Fatalf("%d posts of 2×%d messages, want several", len(posts), len(msgs))
	}
	// Each post of each plan has an ID of its own: the same digest delivered
	// twice is two plans.
	var ids []string
	for i, p := range posts {
		id := metadataID(t, p)
		if !strings.HasSuffix(id, fmt.Sprintf(".%d", i%len(msgs))) || len(id) != 32+2 {
			t.Errorf("post %d: message_id %q, want <plan>.%d", i, id, i%len(msgs))
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if len(slices.Compact(ids)) != len(posts) {
		t.Errorf("message IDs not unique: %v", ids)
	}
}

// TestMessageJSON encodes and decodes every message of a large digest and an
// alert: the journal gives back what was rendered.
func TestMessageJSON(t *testing.T) {
	_, msgs := renderTest(300)
	msgs = append(msgs, RenderAlert(alertEntries(), testOptions())...)
	for i, m := range msgs {
		m.ID = fmt.Sprintf("p.%d", i)
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back Message
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		again, _ := json.Marshal(back)
		if string(again) != string(b) || back.Text != m.Text || back.Reply != m.Reply || len(back.Blocks) != len(m.Blocks) {
			t.Errorf("message %d changed in the round trip", i)
		}
	}
	var m Message
	if err := m.UnmarshalJSON([]byte(`{"blocks": [{"type": 3}]}`)); err == nil {
		t.Error("a malformed message decoded")
	}
}
