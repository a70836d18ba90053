package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/newsbot/newsbot/internal/slackstub"
	"github.com/newsbot/newsbot/store"
)

// TestKilledBetweenSlackAndCommit kills newsbot (SIGKILL) after Slack
// accepted a message but before newsbot heard back, then runs it again: the
// entries are all delivered, and the message is not posted twice when the
// channel's history can be read — once when it cannot.
func TestKilledBetweenSlackAndCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a process")
	}
	bin := buildNewsbot(t)
	tests := []struct {
		name      string
		noHistory bool
		wantPosts int // posts of the message in flight
	}{
		{"history finds the message", false, 1},
		{"no history scope: one repeat", true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, "")
			h.slack.Enqueue(slackstub.Response{HangAfterAccept: true})
			var stderr bytes.Buffer
			cmd := exec.Command(bin, "--config", h.config, "once")
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			eventually(t, "Slack to accept the first message", func() bool { return len(h.slack.Posts()) == 1 })
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			inFlight := h.slack.Posts()[0]

			if tt.noHistory {
				// The restart's lookup of the channel fails for want of a scope.
				h.slack.FailNext(1, 200, "", "missing_scope")
			}
			code, _, errOut := h.run("once")
			if code != 0 {
				t.Fatalf("restart: exit %d\n%s", code, errOut)
			}
			n := 0
			for _, p := range h.slack.Posts() {
				if p.Channel == inFlight.Channel && p.Text == inFlight.Text {
					n++
				}
			}
			if n != tt.wantPosts {
				t.Errorf("the message in flight was posted %d times, want %d", n, tt.wantPosts)
			}
			st, err := store.Open(context.Background(), filepath.Join(h.dir, "newsbot.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			pending, err := st.Pending(context.Background())
			if err != nil || len(pending) != 0 {
				t.Errorf("%d entries still pending after the restart (%v)", len(pending), err)
			}
			for _, want := range []string{"Joint Technical Group", "reciprocal tariffs", "TRUST initiative"} {
				found := false
				for _, p := range h.slack.Posts() {
					found = found || strings.Contains(p.Text, want)
				}
				if !found {
					t.Errorf("%q was lost", want)
				}
			}
		})
	}
}

// storyFeed serves one RSS feed of DRDO stories, each titled with a marker
// (Q0000X, Q0001X, …) and otherwise random words, so that no two fold
// together and a story's marker tells where it was posted.
type storyFeed struct {
	mu    sync.Mutex
	n     int
	start time.Time
}

// add adds n stories to the feed.
func (f *storyFeed) add(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n += n
}

func (f *storyFeed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	n := f.n
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/rss+xml")
	fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Lab Desk</title>`)
	for i := range n {
		rng := rand.New(rand.NewPCG(uint64(i), 11))
		words := make([]string, 26)
		for k := range words {
			b := make([]byte, 6)
			for j := range b {
				b[j] = byte('a' + rng.IntN(26))
			}
			words[k] = string(b)
		}
		fmt.Fprintf(w, `<item><title>DRDO Q%04dX %s</title><guid>s%d</guid><link>https://lab.example/%d</link><pubDate>%s</pubDate><description>%s</description></item>`,
			i, strings.Join(words[:22], " "), i, i, f.start.Add(-time.Duration(i)*time.Second).UTC().Format(time.RFC1123Z), strings.Join(words[4:], " "))
	}
	fmt.Fprint(w, `</channel></rss>`)
}

var markerRe = regexp.MustCompile(`Q[0-9]{4}X`)

// storiesByMessage counts the posts of each message ID and returns, for each
// story marker, the message IDs of the posts that carried it.
func storiesByMessage(t *testing.T, posts []slackstub.Post) (byID map[string]int, where map[string]map[string]bool) {
	t.Helper()
	byID, where = map[string]int{}, map[string]map[string]bool{}
	for _, p := range posts {
		var md struct {
			EventPayload struct {
				MessageID string `json:"message_id"`
			} `json:"event_payload"`
		}
		if err := json.Unmarshal(p.Metadata, &md); err != nil || md.EventPayload.MessageID == "" {
			t.Fatalf("a post without newsbot's metadata: %.80q", p.Text)
		}
		id := md.EventPayload.MessageID
		byID[id]++
		for _, m := range markerRe.FindAllString(p.Text, -1) {
			if where[m] == nil {
				where[m] = map[string]bool{}
			}
			where[m][id] = true
		}
	}
	return byID, where
}

// metadataPlan returns the plan of a post: its message ID up to the last dot.
func metadataPlan(t *testing.T, p slackstub.Post) string {
	t.Helper()
	var md struct {
		EventPayload struct {
			MessageID string `json:"message_id"`
		} `json:"event_payload"`
	}
	if err := json.Unmarshal(p.Metadata, &md); err != nil || !strings.Contains(md.EventPayload.MessageID, ".") {
		t.Fatalf("post %s: metadata %s", p.TS, p.Metadata)
	}
	return md.EventPayload.MessageID[:strings.LastIndexByte(md.EventPayload.MessageID, '.')]
}

// TestKilledWhileEachMessageIsInFlight kills newsbot (SIGTERM and SIGKILL)
// while each message of a three-message digest is in flight — Slack took it
// and answers only after a minute — then runs `once` again: no story is
// posted in two messages, and with the history scopes no message is posted
// twice; without them, only the one in flight is. Nothing is lost or left
// pending. After a SIGKILL, new stories arrive before the restart: they go
// into a new digest, after the interrupted one is finished.
func TestKilledWhileEachMessageIsInFlight(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills processes")
	}
	bin := buildNewsbot(t)
	const stories = 330 // a main message and two thread replies
	for inFlight := range 3 {
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
			for _, history := range []bool{true, false} {
				name := fmt.Sprintf("message %d, %s, history %v", inFlight+1, sig, history)
				t.Run(name, func(t *testing.T) {
					dir := t.TempDir()
					feed := &storyFeed{start: time.Now().Add(-time.Hour)}
					feed.add(stories)
					fsrv := httptest.NewServer(feed)
					t.Cleanup(fsrv.Close)
					stub := slackstub.New(t)
					t.Setenv("TEST_SLACK_TOKEN", stub.Token())
					cfg := filepath.Join(dir, "newsbot.yaml")
					os.WriteFile(cfg, []byte(fmt.Sprintf(`store: %s
feeds:
  - url: %s/drdo.xml
    name: Lab Desk
slack:
  token: ${TEST_SLACK_TOKEN}
  api_url: %s
  channel: "#india-us-watch"
`, filepath.Join(dir, "newsbot.db"), fsrv.URL, stub.URL())), 0o644)

					script := make([]slackstub.Response, inFlight+1)
					for i := range script {
						script[i].Serve = true
					}
					script[inFlight] = slackstub.Response{Delay: time.Minute}
					stub.Enqueue(script...)
					var stderr bytes.Buffer
					cmd := exec.Command(bin, "--config", cfg, "once")
					cmd.Stderr = &stderr
					if err := cmd.Start(); err != nil {
						t.Fatal(err)
					}
					eventually(t, "Slack to take the message", func() bool { return len(stub.Posts()) == inFlight+1 })
					cmd.Process.Signal(sig)
					if err := cmd.Wait(); err == nil {
						t.Errorf("the interrupted once exited 0\n%s", stderr.String())
					}
					if n := len(stub.Posts()); n != inFlight+1 {
						t.Fatalf("%d posts after the signal, want %d", n, inFlight+1)
					}

					fresh := 0
					if sig == syscall.SIGKILL {
						fresh = 5
						feed.add(fresh)
					}
					if !history {
						stub.RefuseReads("missing_scope")
					}
					var out, errOut bytes.Buffer
					if code := Main(context.Background(), []string{"--config", cfg, "once"}, &out, &errOut); code != 0 {
						t.Fatalf("restart: exit %d\n%s", code, errOut.String())
					}

					byID, where := storiesByMessage(t, stub.Posts())
					repeated := 0
					for id, n := range byID {
						if n > 1 {
							repeated++
							if history || n > 2 {
								t.Errorf("message %s posted %d times", id, n)
							}
						}
					}
					if !history && repeated != 1 {
						t.Errorf("%d messages repeated without history, want the one in flight", repeated)
					}
					for i := range stories + fresh {
						m := fmt.Sprintf("Q%04dX", i)
						switch len(where[m]) {
						case 0:
							t.Errorf("story %s was lost", m)
						case 1:
						default:
							t.Errorf("story %s posted in %d messages", m, len(where[m]))
						}
					}
					// The interrupted digest is three messages, and the fresh
					// stories, if any, make one digest more.
					plans := map[string]int{}
					for id := range byID {
						plans[id[:strings.LastIndexByte(id, '.')]]++
					}
					first := metadataPlan(t, stub.Posts()[0])
					if plans[first] != 3 || len(plans) != 1+min(fresh, 1) {
						t.Errorf("digests of %v messages, want the interrupted one of 3 and %d more", plans, min(fresh, 1))
					}
					st, err := store.Open(context.Background(), filepath.Join(dir, "newsbot.db"))
					if err != nil {
						t.Fatal(err)
					}
					defer st.Close()
					if pending, err := st.Pending(context.Background()); err != nil || len(pending) != 0 {
						t.Errorf("%d entries still pending after the restart (%v)", len(pending), err)
					}
					if open, err := st.OpenPlans(context.Background()); err != nil || len(open) != 0 {
						t.Errorf("%d plans still open (%v)", len(open), err)
					}
				})
			}
		}
	}
}
