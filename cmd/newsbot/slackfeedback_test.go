package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/newsbot/newsbot/config"
	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/internal/slackstub"
)

// feedbackValues returns the feedback menus' "not relevant" values in the
// blocks of posts.
func feedbackValues(t *testing.T, posts []slackstub.Post) []string {
	t.Helper()
	var vals []string
	for _, p := range posts {
		if len(p.Blocks) == 0 {
			continue
		}
		var bs slack.Blocks
		if err := json.Unmarshal(p.Blocks, &bs); err != nil {
			t.Fatal(err)
		}
		for _, b := range bs.BlockSet {
			if s, ok := b.(*slack.SectionBlock); ok && s.Accessory != nil && s.Accessory.OverflowElement != nil &&
				s.Accessory.OverflowElement.ActionID == digest.FeedbackActionID {
				vals = append(vals, s.Accessory.OverflowElement.Options[0].Value)
			}
		}
	}
	return vals
}

func TestRunReceivesFeedbackBothWays(t *testing.T) {
	addr := freeAddr(t)
	h := newHarness(t, fmt.Sprintf("http: {listen: %q}\n", addr))
	const signing = "stub-signing-secret-0123"
	cfg, _ := os.ReadFile(h.config)
	text := strings.Replace(string(cfg), "timezone: Asia/Kolkata\n", "timezone: Asia/Kolkata\nschedule: {poll: \"@every 1s\", digest: \"@every 1s\"}\n", 1)
	text = strings.Replace(text, "  channel: \"#india-us-watch\"\n",
		"  channel: \"#india-us-watch\"\n  app_token: ${TEST_SLACK_APP_TOKEN}\n  signing_secret: ${TEST_SLACK_SIGNING_SECRET}\n", 1)
	os.WriteFile(h.config, []byte(text), 0o644)
	t.Setenv("TEST_SLACK_APP_TOKEN", h.slack.AppToken())
	t.Setenv("TEST_SLACK_SIGNING_SECRET", signing)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- Main(ctx, []string{"--config", h.config, "run"}, io.Discard, &stderr) }()

	eventually(t, "digests with feedback menus", func() bool { return len(feedbackValues(t, h.slack.Posts())) >= 2 })
	if v := h.slack.Violations(); len(v) > 0 {
		t.Fatalf("Slack would reject: %+v", v)
	}
	vals := feedbackValues(t, h.slack.Posts())
	eventually(t, "the socket to connect", func() bool { _, open := h.slack.SocketConnections(); return open == 1 })

	wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
	defer wcancel()
	// Over Socket Mode.
	id, err := h.slack.SendInteractive(wctx, slackstub.BlockActions(slackstub.Click{UserID: "U1", ChannelID: "C1",
		ActionID: digest.FeedbackActionID, Value: vals[0], ActionTS: "1.1", ResponseURL: h.slack.ResponseURL("socket")}))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.slack.WaitAck(wctx, id); err != nil {
		t.Fatal(err)
	}
	// Over the request URL.
	status, err := slackstub.PostInteraction(wctx, http.DefaultClient, "http://"+addr+"/slack/interactions", signing,
		slackstub.BlockActions(slackstub.Click{UserID: "U2", ChannelID: "C1", ActionID: digest.FeedbackActionID,
			Value: vals[1], ActionTS: "1.2", ResponseURL: h.slack.ResponseURL("http")}), time.Now())
	if err != nil || status != http.StatusOK {
		t.Fatalf("request URL: %d %v", status, err)
	}
	// Badly signed: refused.
	status, _ = slackstub.PostInteraction(wctx, http.DefaultClient, "http://"+addr+"/slack/interactions", "wrong",
		slackstub.BlockActions(slackstub.Click{UserID: "U3", ActionID: digest.FeedbackActionID, Value: vals[1]}), time.Now())
	if status != http.StatusUnauthorized {
		t.Errorf("badly signed request: %d, want 401", status)
	}
	if err := h.slack.WaitAnswers(wctx, 2); err != nil {
		t.Fatal(err)
	}
	for _, a := range h.slack.Answers() {
		if a.ResponseType != "ephemeral" || a.ReplaceOriginal == nil || *a.ReplaceOriginal || !strings.HasPrefix(a.Text, "Noted") {
			t.Errorf("answer %+v", a)
		}
	}

	for path, wants := range map[string][]string{
		"/readyz":  {"ok"},
		"/metrics": {"newsbot_slack_socket_connected 1", `newsbot_feedback_events_total{action="not_relevant"`},
	} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, w := range wants {
			if resp.StatusCode != 200 || !strings.Contains(string(body), w) {
				t.Errorf("GET %s: %d, want %q in it", path, resp.StatusCode, w)
			}
		}
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("run exited %d\n%s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not stop")
	}
	for _, secret := range []string{signing, h.slack.AppToken(), h.slack.Token()} {
		if strings.Contains(stderr.String(), secret) {
			t.Errorf("a secret is in the log")
		}
	}

	code, out, errOut := h.run("feedback", "--format", "json")
	if code != 0 {
		t.Fatalf("feedback: %d %s", code, errOut)
	}
	notRelevant := 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct {
			NotRelevant int `json:"not_relevant"`
		}
		json.Unmarshal([]byte(line), &r)
		notRelevant += r.NotRelevant
	}
	if notRelevant != 2 {
		t.Errorf("feedback reports %d entries not relevant, want the 2 clicks:\n%s", notRelevant, out)
	}
}

func TestFeedbackMenuNeedsABotTokenAndAReceiver(t *testing.T) {
	tests := []struct {
		name                         string
		token, webhook, app, signing string
		want                         bool
	}{
		{"bot token and socket mode", "xoxb-1", "", "xapp-1", "", true},
		{"bot token and request URL", "xoxb-1", "", "", "s", true},
		{"bot token without a receiver", "xoxb-1", "", "", "", false},
		{"webhook: no interactivity", "", "https://hooks.example/x", "xapp-1", "s", false},
		{"nothing", "", "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Slack.Token = config.NewSecret(tt.token)
			cfg.Slack.WebhookURL = config.NewSecret(tt.webhook)
			cfg.Slack.AppToken = config.NewSecret(tt.app)
			cfg.Slack.SigningSecret = config.NewSecret(tt.signing)
			if got := (&app{cfg: cfg}).feedbackOn(); got != tt.want {
				t.Errorf("feedbackOn = %v, want %v", got, tt.want)
			}
		})
	}
}
