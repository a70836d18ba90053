package slackstub_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/internal/slackstub"
	"github.com/slack-go/slack"
)

func client(s *slackstub.Server, token string) *slack.Client {
	return slack.New(token, slack.OptionAPIURL(s.URL()), slack.OptionHTTPClient(s.Client()))
}

func section(text string) slack.Block {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)
}

func TestPostMessageRecordsAcceptedPosts(t *testing.T) {
	s := slackstub.New(t)
	ch, ts, err := client(s, s.Token()).PostMessageContext(context.Background(), "C1",
		slack.MsgOptionText("hello", false), slack.MsgOptionBlocks(section("*hi*")),
		slack.MsgOptionTS("1.2"), slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl())
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	if ch != "C1" || ts == "" {
		t.Errorf("got channel %q ts %q, want C1 and a ts", ch, ts)
	}
	posts := s.Posts()
	if len(posts) != 1 {
		t.Fatalf("got %d posts, want 1", len(posts))
	}
	p := posts[0]
	if p.Channel != "C1" || p.Text != "hello" || p.ThreadTS != "1.2" || p.TS != ts ||
		p.UnfurlLinks != "false" || p.UnfurlMedia != "false" || !strings.Contains(string(p.Blocks), `"*hi*"`) {
		t.Errorf("recorded %+v", p)
	}
}

func TestPostMessageRejectsBadTokens(t *testing.T) {
	s := slackstub.New(t, slackstub.WithToken("xoxb-right"))
	_, _, err := client(s, "xoxb-wrong").PostMessageContext(context.Background(), "C1", slack.MsgOptionText("x", false))
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "invalid_auth" {
		t.Fatalf("got %v, want invalid_auth", err)
	}
	if len(s.Posts()) != 0 {
		t.Errorf("recorded a post with a bad token")
	}
}

func TestFailNext(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		retryAfter string
		slackError string
		check      func(error) bool
	}{
		{"429 with Retry-After", 429, "7", "ratelimited", func(err error) bool {
			var rl *slack.RateLimitedError
			return errors.As(err, &rl) && rl.RetryAfter.Seconds() == 7
		}},
		{"500", 500, "", "", func(err error) bool {
			var sc slack.StatusCodeError
			return errors.As(err, &sc) && sc.Code == 500
		}},
		{"ok:false", 0, "", "channel_not_found", func(err error) bool {
			var se slack.SlackErrorResponse
			return errors.As(err, &se) && se.Err == "channel_not_found"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := slackstub.New(t)
			s.FailNext(1, tt.status, tt.retryAfter, tt.slackError)
			c := client(s, s.Token())
			_, _, err := c.PostMessageContext(context.Background(), "C1", slack.MsgOptionText("x", false))
			if !tt.check(err) {
				t.Fatalf("first post: got %v", err)
			}
			if _, _, err := c.PostMessageContext(context.Background(), "C1", slack.MsgOptionText("x", false)); err != nil {
				t.Fatalf("second post: %v", err)
			}
			if s.Requests() != 2 || len(s.Posts()) != 1 {
				t.Errorf("got %d requests and %d posts, want 2 and 1", s.Requests(), len(s.Posts()))
			}
		})
	}
}

func TestValidate(t *testing.T) {
	many := func(n int, b string) string {
		return "[" + strings.TrimSuffix(strings.Repeat(b+",", n), ",") + "]"
	}
	sec := func(text string) string { return `{"type":"section","text":{"type":"mrkdwn","text":"` + text + `"}}` }
	ctxEl := `{"type":"mrkdwn","text":"x"}`
	acc := func(el string) string {
		return `{"type":"section","text":{"type":"mrkdwn","text":"s"},"accessory":` + el + `}`
	}
	overflow := func(n int, value, text string) string {
		var opts []string
		for i := range n {
			opts = append(opts, fmt.Sprintf(`{"text":{"type":"plain_text","text":%q},"value":"%s%d"}`, text, value, i))
		}
		return `{"type":"overflow","action_id":"a","options":[` + strings.Join(opts, ",") + `]}`
	}
	tests := []struct {
		name   string
		text   string
		blocks string
		want   string // a substring of a problem; "" for valid
	}{
		{"valid", "t", "[" + sec("hi") + `,{"type":"divider"},{"type":"header","text":{"type":"plain_text","text":"H"}}]`, ""},
		{"text only", "t", "", ""},
		{"nothing", "", "", "no_text"},
		{"50 blocks", "t", many(50, sec("x")), ""},
		{"51 blocks", "t", many(51, sec("x")), "51 blocks"},
		{"section 3000", "t", "[" + sec(strings.Repeat("a", 3000)) + "]", ""},
		{"section 3001", "t", "[" + sec(strings.Repeat("a", 3001)) + "]", "3001 characters"},
		{"section counts UTF-16", "t", "[" + sec(strings.Repeat("😀", 1501)) + "]", "3002 characters"},
		{"empty section text", "t", "[" + sec("") + "]", "empty text"},
		{"header 151", "t", `[{"type":"header","text":{"type":"plain_text","text":"` + strings.Repeat("h", 151) + `"}}]`, "more than 150"},
		{"header mrkdwn", "t", `[{"type":"header","text":{"type":"mrkdwn","text":"h"}}]`, "not plain_text"},
		{"10 context elements", "t", `[{"type":"context","elements":` + many(10, ctxEl) + `}]`, ""},
		{"11 context elements", "t", `[{"type":"context","elements":` + many(11, ctxEl) + `}]`, "11 context elements"},
		{"text 40001", strings.Repeat("t", 40001), "", "40001 characters"},
		{"unknown block", "t", `[{"type":"marquee"}]`, "unknown block type"},
		{"duplicate block_id", "t", `[{"type":"divider","block_id":"a"},{"type":"divider","block_id":"a"}]`, "duplicate block_id"},
		{"not an array", "t", `{"type":"divider"}`, "not an array"},
		{"overflow ok", "t", "[" + acc(overflow(3, "v", "o")) + "]", ""},
		{"overflow 1 option", "t", "[" + acc(overflow(1, "v", "o")) + "]", "1 options"},
		{"overflow 6 options", "t", "[" + acc(overflow(6, "v", "o")) + "]", "6 options"},
		{"option value 150", "t", "[" + acc(overflow(2, strings.Repeat("v", 149), "o")) + "]", ""},
		{"option value 151", "t", "[" + acc(overflow(2, strings.Repeat("v", 150), "o")) + "]", "151 characters"},
		{"option text 76", "t", "[" + acc(overflow(2, "v", strings.Repeat("o", 76))) + "]", "76 characters"},
		{"option empty value", "t", "[" + acc(`{"type":"overflow","action_id":"a","options":[{"text":{"type":"plain_text","text":"x"},"value":""},{"text":{"type":"plain_text","text":"y"},"value":"b"}]}`) + "]", "without value"},
		{"option mrkdwn", "t", "[" + acc(`{"type":"overflow","action_id":"a","options":[{"text":{"type":"mrkdwn","text":"x"},"value":"a"},{"text":{"type":"plain_text","text":"y"},"value":"b"}]}`) + "]", "not plain_text"},
		{"duplicate option values", "t", "[" + acc(`{"type":"overflow","action_id":"a","options":[{"text":{"type":"plain_text","text":"x"},"value":"a"},{"text":{"type":"plain_text","text":"y"},"value":"a"}]}`) + "]", "duplicate value"},
		{"action_id 256", "t", "[" + acc(`{"type":"button","action_id":"`+strings.Repeat("a", 256)+`","text":{"type":"plain_text","text":"x"}}`) + "]", "action_id: 256"},
		{"button text 76", "t", "[" + acc(`{"type":"button","action_id":"a","text":{"type":"plain_text","text":"`+strings.Repeat("x", 76)+`"}}`) + "]", "76 characters"},
		{"option without text", "t", "[" + acc(`{"type":"overflow","action_id":"a","options":[{"value":"a"},{"text":{"type":"plain_text","text":"y"},"value":"b"}]}`) + "]", "options[0]: option without text"},
		{"button without text", "t", "[" + acc(`{"type":"button","action_id":"a"}`) + "]", "button without text"},
		{"button mrkdwn", "t", "[" + acc(`{"type":"button","action_id":"a","text":{"type":"mrkdwn","text":"x"}}`) + "]", `button text is "mrkdwn", not plain_text`},
		{"unknown accessory", "t", "[" + acc(`{"type":"marquee"}`) + "]", "unknown accessory type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problems := slackstub.Validate(tt.text, []byte(tt.blocks))
			joined := strings.Join(problems, "\n")
			if tt.want == "" && len(problems) > 0 {
				t.Fatalf("got problems %q, want none", joined)
			}
			if tt.want != "" && !strings.Contains(joined, tt.want) {
				t.Fatalf("got problems %q, want one containing %q", joined, tt.want)
			}
		})
	}
}

func TestInvalidBlocksAreRejectedAndRecorded(t *testing.T) {
	s := slackstub.New(t)
	blocks := make([]slack.Block, 51)
	for i := range blocks {
		blocks[i] = section("x")
	}
	_, _, err := client(s, s.Token()).PostMessageContext(context.Background(), "C9", slack.MsgOptionBlocks(blocks...))
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "invalid_blocks" {
		t.Fatalf("got %v, want invalid_blocks", err)
	}
	v := s.Violations()
	if len(v) != 1 || v[0].Channel != "C9" || len(s.Posts()) != 0 {
		t.Fatalf("got violations %+v and %d posts", v, len(s.Posts()))
	}
}

func TestWebhook(t *testing.T) {
	s := slackstub.New(t)
	msg := &slack.WebhookMessage{Text: "hi", Blocks: &slack.Blocks{BlockSet: []slack.Block{section("x")}}}
	if err := slack.PostWebhookCustomHTTPContext(context.Background(), s.WebhookURL(), s.Client(), msg); err != nil {
		t.Fatalf("post: %v", err)
	}
	if p := s.Posts(); len(p) != 1 || !p[0].Webhook || p[0].Text != "hi" {
		t.Fatalf("got posts %+v", p)
	}
	err := slack.PostWebhookCustomHTTPContext(context.Background(), s.URL()+"webhook/wrong", s.Client(), msg)
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != http.StatusNotFound {
		t.Fatalf("wrong secret: got %v, want 404", err)
	}
}

func TestLiveMentions(t *testing.T) {
	tests := []struct {
		name string
		text string
		want int
	}{
		{"plain", "nothing to see", 0},
		{"escaped", "&lt;!channel&gt; &lt;@U123&gt; &lt;http://x|click&gt;", 0},
		{"http link", "<https://example.com/a?b=1&amp;c=2|a story>", 0},
		{"channel", "hi <!channel>", 1},
		{"here and everyone", "<!here> <!everyone>", 2},
		{"user", "<@U123>", 1},
		{"channel link", "<#C1>", 1},
		{"subteam", "<!subteam^S1|@team>", 1},
		{"javascript link", "<javascript:alert(1)|click>", 1},
		{"no scheme", "<example.com|click>", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := slackstub.LiveMentions(tt.text); len(got) != tt.want {
				t.Errorf("LiveMentions(%q) = %q, want %d findings", tt.text, got, tt.want)
			}
		})
	}
}

func TestServerLiveMentionsScansTextAndMrkdwn(t *testing.T) {
	s := slackstub.New(t)
	_, _, err := client(s, s.Token()).PostMessageContext(context.Background(), "C1",
		slack.MsgOptionText("<!here>", false), slack.MsgOptionBlocks(section("<@U1>"),
			slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "<!channel> is inert in plain_text", false, false))))
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	if got := s.LiveMentions(); len(got) != 2 {
		t.Fatalf("got %q, want <!here> and <@U1>", got)
	}
}

// TestScriptedServeDelayAndRefusedReads: Serve passes a request through, a
// Delay records the post before its late answer (so a client that gives up
// leaves it posted), and RefuseReads answers every read with its code.
func TestScriptedServeDelayAndRefusedReads(t *testing.T) {
	s := slackstub.New(t)
	s.Enqueue(slackstub.Response{Serve: true}, slackstub.Response{Delay: time.Minute})
	c := client(s, s.Token())
	if _, _, err := c.PostMessageContext(context.Background(), "C1", slack.MsgOptionText("first", false)); err != nil {
		t.Fatalf("served post: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, _, err := c.PostMessageContext(ctx, "C1", slack.MsgOptionText("late", false)); err == nil {
		t.Fatal("the delayed post answered before its delay")
	}
	if posts := s.Posts(); len(posts) != 2 || posts[1].Text != "late" {
		t.Fatalf("posts = %+v, want the delayed one recorded", posts)
	}
	if _, err := c.GetConversationHistoryContext(context.Background(), &slack.GetConversationHistoryParameters{ChannelID: "C1"}); err != nil {
		t.Fatalf("history: %v", err)
	}
	s.RefuseReads("missing_scope")
	for name, read := range map[string]func() error{
		"history": func() error {
			_, err := c.GetConversationHistoryContext(context.Background(), &slack.GetConversationHistoryParameters{ChannelID: "C1"})
			return err
		},
		"replies": func() error {
			_, _, _, err := c.GetConversationRepliesContext(context.Background(), &slack.GetConversationRepliesParameters{ChannelID: "C1", Timestamp: s.Posts()[0].TS})
			return err
		},
		"list": func() error {
			_, _, err := c.GetConversationsContext(context.Background(), &slack.GetConversationsParameters{})
			return err
		},
	} {
		var se slack.SlackErrorResponse
		if err := read(); !errors.As(err, &se) || se.Err != "missing_scope" {
			t.Errorf("%s with reads refused = %v, want missing_scope", name, err)
		}
	}
	s.RefuseReads("")
	if _, err := c.GetConversationHistoryContext(context.Background(), &slack.GetConversationHistoryParameters{ChannelID: "C1"}); err != nil {
		t.Errorf("history after reads are allowed again: %v", err)
	}
}

// TestPostingEndpointsBegin checks what chat.postMessage and the webhook
// answer before they read a post: any method but POST is refused without
// using up a scripted answer, and a scripted failure is served in place of
// Slack's.
func TestPostingEndpointsBegin(t *testing.T) {
	tests := []struct {
		name   string
		method string
		fail   bool // script one 500 first
		want   int
		reqs   int // requests counted
	}{
		{"GET refused", http.MethodGet, false, http.StatusMethodNotAllowed, 0},
		{"GET refused, script kept", http.MethodGet, true, http.StatusMethodNotAllowed, 0},
		{"POST gets the scripted 500", http.MethodPost, true, http.StatusInternalServerError, 1},
	}
	endpoints := []struct {
		name string
		url  func(*slackstub.Server) string
	}{
		{"chat.postMessage", func(s *slackstub.Server) string { return s.URL() + "chat.postMessage" }},
		{"webhook", func(s *slackstub.Server) string { return s.WebhookURL() }},
	}
	for _, ep := range endpoints {
		for _, tt := range tests {
			t.Run(ep.name+"/"+tt.name, func(t *testing.T) {
				s := slackstub.New(t)
				if tt.fail {
					s.FailNext(1, http.StatusInternalServerError, "", "")
				}
				req, err := http.NewRequestWithContext(context.Background(), tt.method, ep.url(s), strings.NewReader(`{"text":"x"}`))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/json")
				resp, err := s.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != tt.want {
					t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
				}
				if s.Requests() != tt.reqs {
					t.Errorf("%d requests counted, want %d", s.Requests(), tt.reqs)
				}
				if len(s.Posts()) != 0 {
					t.Errorf("%d posts recorded, want none", len(s.Posts()))
				}
			})
		}
	}
}
