package digest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/internal/slackstub"
)

// memJournal is a consumer-side fake of the store's outbox, kept in memory.
// It outlives the Deliverers that use it, as the database outlives a crash.
type memJournal struct {
	mu       sync.Mutex
	begun    map[string]time.Time
	finished map[string]bool
	// beginErr, when set, is Begin's error.
	beginErr error
}

func newMemJournal() *memJournal {
	return &memJournal{begun: map[string]time.Time{}, finished: map[string]bool{}}
}

func (j *memJournal) Begin(ctx context.Context, id string, at time.Time) (time.Time, bool, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.beginErr != nil {
		return time.Time{}, false, j.beginErr
	}
	if b, ok := j.begun[id]; ok && !j.finished[id] {
		return b, true, nil
	}
	j.begun[id], j.finished[id] = at, false
	return at, false, nil
}

func (j *memJournal) Finish(ctx context.Context, id string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, ok := j.begun[id]; ok {
		j.finished[id] = true
	}
	return nil
}

// unfinished returns the IDs begun and not finished.
func (j *memJournal) unfinished() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	var ids []string
	for id := range j.begun {
		if !j.finished[id] {
			ids = append(ids, id)
		}
	}
	return ids
}

var _ Journal = (*memJournal)(nil)

// postTimeout bounds each request of the crash tests' posters, so that a
// post Slack accepted and never answered (HangAfterAccept) times out fast.
const postTimeout = 300 * time.Millisecond

// newCrashDeliverer returns a Deliverer for stub with a new SlackPoster whose
// requests time out after postTimeout: a fresh process, sharing journal
// (nil for none) and marker with the earlier ones.
func newCrashDeliverer(stub *slackstub.Server, journal Journal, marker Marker, maxAttempts int) *Deliverer {
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

// postsOf counts the posts in stub tagged with each message's ID.
func postsOf(t *testing.T, stub *slackstub.Server, msgs []Message) []int {
	t.Helper()
	counts := make([]int, len(msgs))
	for _, p := range stub.Posts() {
		id := metadataID(t, p)
		for i, m := range msgs {
			if m.ID() == id {
				counts[i]++
			}
		}
	}
	return counts
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

func TestDeliverAfterCrashBetweenAcceptAndCommit(t *testing.T) {
	tests := []struct {
		name string
		// history scripts conversations.history on the restart; nil
		// serves it.
		history *slackstub.Response
		// wantMain is the number of times the main message is posted in
		// all.
		wantMain int
	}{
		{"history finds the message", nil, 1},
		{"missing_scope", &slackstub.Response{SlackError: "missing_scope"}, 2},
		{"not_in_channel", &slackstub.Response{SlackError: "not_in_channel"}, 2},
		{"history fails with 500", &slackstub.Response{Status: http.StatusInternalServerError}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := slackstub.New(t)
			journal, marker := newMemJournal(), &recordingMarker{}
			d, msgs := renderTest(8)
			if len(msgs) != 2 {
				t.Fatalf("rendered %d messages, want 2", len(msgs))
			}

			// The first run: Slack accepts the main message but its answer
			// never arrives, and the process dies before retrying.
			stub.Enqueue(slackstub.Response{HangAfterAccept: true})
			err := newCrashDeliverer(stub, journal, marker, 1).Deliver(context.Background(), d, msgs)
			if err == nil {
				t.Fatal("the first run succeeded")
			}
			assertNoSecrets(t, err, stub.Token())
			if len(marker.calls) != 0 || len(stub.Posts()) != 1 {
				t.Fatalf("after the crash: marks %d, posts %d; want 0 and 1", len(marker.calls), len(stub.Posts()))
			}
			if got := journal.unfinished(); len(got) != 1 {
				t.Fatalf("unfinished after the crash = %v, want the main message", got)
			}

			// The restart: a new poster, the same journal and store.
			if tt.history != nil {
				stub.Enqueue(*tt.history)
			}
			if err := newCrashDeliverer(stub, journal, marker, 3).Deliver(context.Background(), d, msgs); err != nil {
				t.Fatalf("the restart: %v", err)
			}
			posts := stub.Posts()
			if got := postsOf(t, stub, msgs); got[0] != tt.wantMain || got[1] != 1 {
				t.Errorf("posts per message = %v, want [%d 1]", got, tt.wantMain)
			}
			if n := len(marker.ids()); n != 8 {
				t.Errorf("marked %d items, want 8", n)
			}
			// The main message's items carry the ref of a post of it, and
			// the reply is in that post's thread.
			main := marker.calls[0].ref
			if main != "C1:"+posts[0].TS && main != "C1:"+posts[len(posts)-2].TS {
				t.Errorf("main message marked with %q, not a ref of its posts", main)
			}
			if reply := posts[len(posts)-1]; "C1:"+reply.ThreadTS != main {
				t.Errorf("reply in thread %q, want %q", reply.ThreadTS, main)
			}
			if got := journal.unfinished(); len(got) != 0 {
				t.Errorf("unfinished after the restart = %v", got)
			}
		})
	}
}

func TestDeliverTimeoutThenRetry(t *testing.T) {
	tests := []struct {
		name     string
		journal  bool
		script   []slackstub.Response
		wantMain int
		// wantUnfinished is whether the main message stays unfinished.
		wantErr, wantUnfinished bool
	}{
		{"history finds it", true, []slackstub.Response{{HangAfterAccept: true}}, 1, false, false},
		{"history finds it, no journal", false, []slackstub.Response{{HangAfterAccept: true}}, 1, false, false},
		{"two timeouts", true, []slackstub.Response{{HangAfterAccept: true}, {SlackError: "missing_scope"}, {HangAfterAccept: true}}, 2, false, false},
		{"no history scope: one repeat", true, []slackstub.Response{{HangAfterAccept: true}, {SlackError: "missing_scope"}}, 2, false, false},
		{"no history scope, then rejected", true,
			[]slackstub.Response{{HangAfterAccept: true}, {SlackError: "missing_scope"}, {SlackError: "channel_not_found"}}, 1, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := slackstub.New(t)
			journal, marker := newMemJournal(), &recordingMarker{}
			var j Journal
			if tt.journal {
				j = journal
			}
			stub.Enqueue(tt.script...)
			d, msgs := renderTest(8)
			err := newCrashDeliverer(stub, j, marker, 3).Deliver(context.Background(), d, msgs)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Deliver = %v, want error %v", err, tt.wantErr)
			}
			got := postsOf(t, stub, msgs)
			if got[0] != tt.wantMain {
				t.Errorf("main message posted %d times, want %d", got[0], tt.wantMain)
			}
			if !tt.wantErr && (got[1] != 1 || len(marker.ids()) != 8) {
				t.Errorf("reply posted %d times, %d items marked; want 1 and 8", got[1], len(marker.ids()))
			}
			if tt.wantErr && len(marker.calls) != 0 {
				t.Errorf("marked %v after an error", marker.ids())
			}
			if n := len(journal.unfinished()); tt.journal && (n == 1) != tt.wantUnfinished {
				t.Errorf("%d unfinished, want unfinished %v", n, tt.wantUnfinished)
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
		if len(journal.begun) != len(msgs) || len(journal.unfinished()) != 0 {
			t.Errorf("journal: %d begun, unfinished %v; want %d, none", len(journal.begun), journal.unfinished(), len(msgs))
		}
		// Only the posts: no history calls when nothing is in doubt.
		if s.stub.Requests() != len(msgs) {
			t.Errorf("%d requests, want %d", s.stub.Requests(), len(msgs))
		}
	})
	t.Run("rejected message is finished", func(t *testing.T) {
		s := newDeliverySetup(t)
		journal := newMemJournal()
		s.d.Journal = journal
		s.stub.FailNext(1, 0, "", "channel_not_found")
		d, msgs := renderTest(8)
		if err := s.d.Deliver(context.Background(), d, msgs); err == nil {
			t.Fatal("Deliver succeeded")
		}
		if len(journal.begun) != 1 || len(journal.unfinished()) != 0 {
			t.Errorf("journal: %d begun, unfinished %v; want 1, none", len(journal.begun), journal.unfinished())
		}
	})
	t.Run("journal fails", func(t *testing.T) {
		s := newDeliverySetup(t)
		s.d.Journal = &memJournal{beginErr: errors.New("disk full")}
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
		m := msgs[0]
		m.Channel = d.Channel
		if _, _, err := journal.Begin(context.Background(), m.ID(), testNow); err != nil {
			t.Fatal(err)
		}
		dl := &Deliverer{Poster: NewWebhookPoster(stub.WebhookURL(), stub.Client()), Marker: marker, Journal: journal}
		if err := dl.Deliver(context.Background(), d, msgs); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		if len(stub.Posts()) != len(msgs) || len(marker.ids()) != 8 || len(journal.unfinished()) != 0 {
			t.Errorf("posts %d, marked %d, unfinished %v", len(stub.Posts()), len(marker.ids()), journal.unfinished())
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
	posts := s.stub.Posts()
	if len(posts) != len(msgs) || len(posts) < 2 {
		t.Fatalf("%d posts of %d messages, want several", len(posts), len(msgs))
	}
	// Rendered again an hour later, the text changes but not the IDs.
	later := testOptions()
	later.Now = func() time.Time { return testNow.Add(time.Hour) }
	again := Render(d, later)
	var ids []string
	for i, p := range posts {
		id := metadataID(t, p)
		if id != msgs[i].ID() || id != again[i].ID() {
			t.Errorf("post %d: message_id %s, want %s (first render) = %s (second)", i, id, msgs[i].ID(), again[i].ID())
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if len(slices.Compact(ids)) != len(posts) {
		t.Errorf("message IDs not unique: %v", ids)
	}
}

func TestMessageID(t *testing.T) {
	base := Message{Channel: "C1", Text: "a", ItemIDs: map[string][]string{"TRUST": {"1", "2"}, "JTG": {"3"}}}
	baseID := base.ID()
	tests := []struct {
		name string
		m    Message
		same bool
	}{
		{"same", base, true},
		{"other text", Message{Channel: "C1", Text: "b", ItemIDs: base.ItemIDs}, true},
		{"items in another order", Message{Channel: "C1", Text: "a", ItemIDs: map[string][]string{"JTG": {"3"}, "TRUST": {"2", "1"}}}, true},
		{"an empty profile", Message{Channel: "C1", Text: "a", ItemIDs: map[string][]string{"TRUST": {"1", "2"}, "JTG": {"3"}, "X": nil}}, true},
		{"other channel", Message{Channel: "C2", Text: "a", ItemIDs: base.ItemIDs}, false},
		{"reply", Message{Channel: "C1", Text: "a", ItemIDs: base.ItemIDs, Reply: true}, false},
		{"fewer items", Message{Channel: "C1", Text: "a", ItemIDs: map[string][]string{"TRUST": {"1", "2"}}}, false},
		{"item of another profile", Message{Channel: "C1", Text: "a", ItemIDs: map[string][]string{"TRUST": {"1", "2", "3"}}}, false},
		{"field boundaries", Message{Channel: "C1", Text: "a", ItemIDs: map[string][]string{"TRUST": {"12"}, "JTG": {"3"}}}, false},
		{"no items", Message{Channel: "C1", Text: "a"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := tt.m.ID()
			if (id == baseID) != tt.same {
				t.Errorf("ID = %s, base %s; want same %v", id, baseID, tt.same)
			}
			if len(id) != 32 {
				t.Errorf("ID %q is not 32 hex digits", id)
			}
		})
	}
	// Messages without items differ by their text.
	if (Message{Channel: "C1", Text: "a"}).ID() == (Message{Channel: "C1", Text: "b"}).ID() {
		t.Error("item-less messages with different texts have one ID")
	}
}
