// Package slackstub is a local stand-in for Slack's Web API and incoming
// webhooks, for tests. It records every accepted post, validates messages as
// strictly as Slack does (rejecting what Slack would reject with
// "invalid_blocks"), can be scripted to fail (429 with Retry-After, 5xx,
// ok:false) or to answer late, serves conversations.history and .replies
// (or refuses them, as for a token without the scopes), and finds live
// mentions and unsafe links in what it received.
//
// A Server accepts chat.postMessage as slack-go sends it (a form body) or as
// JSON, authenticated by "Authorization: Bearer <token>" or a "token" form
// field, and incoming-webhook posts at /webhook/<secret>.
//
// It also plays Slack's side of interactivity (interact.go): Socket Mode
// (apps.connections.open hands out a WebSocket URL on loopback, over which
// SendInteractive sends envelopes and WaitAck awaits their acks), signed
// posts of block_actions payloads to a request URL (PostInteraction, Sign),
// and response URLs that record the answers posted to them.
package slackstub

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultToken is the bot token a Server accepts unless WithToken says otherwise.
const DefaultToken = "xoxb-slackstub-0000-secret"

// DefaultWebhookSecret is the webhook path secret a Server accepts unless
// WithWebhookSecret says otherwise.
const DefaultWebhookSecret = "T000/B000/slackstub-webhook-secret"

// Post is one post the Server accepted.
type Post struct {
	// Channel is the channel posted to; "" for webhook posts.
	Channel string
	// Text is the message's text.
	Text string
	// Blocks is the message's blocks as raw JSON; nil when it had none.
	Blocks json.RawMessage
	// ThreadTS is the thread the message replied to; "" when none.
	ThreadTS string
	// UnfurlLinks and UnfurlMedia are the unfurl flags as sent ("true",
	// "false", or "" when not sent).
	UnfurlLinks, UnfurlMedia string
	// TS is the timestamp the Server gave the message.
	TS string
	// Webhook says the post came through the incoming webhook.
	Webhook bool
	// Metadata is the message metadata as sent (raw JSON); nil when none.
	Metadata json.RawMessage
}

// Response is a scripted response to the next request.
type Response struct {
	// Status is the HTTP status (200 when 0).
	Status int
	// RetryAfter, when not empty, is sent as the Retry-After header.
	RetryAfter string
	// SlackError, when not empty, makes the body {"ok":false,"error":…}.
	SlackError string
	// HangAfterAccept accepts and records a valid post, then never answers
	// (until the client gives up): Slack took the message but the poster
	// never learned it, as when the process dies between Slack's answer and
	// its own commit.
	HangAfterAccept bool
	// Serve serves the request as if it were not scripted, so that a script
	// can reach a later request.
	Serve bool
	// Delay serves the request as if it were not scripted, but answers only
	// after Delay (or when the client gives up, whichever comes first). A
	// valid post is accepted and recorded at once, before the wait, as Slack
	// takes a message before its answer reaches the poster: a process killed
	// during the wait has had its message posted.
	Delay time.Duration
}

// passes reports whether r serves its request rather than failing it.
func (r Response) passes() bool { return r.HangAfterAccept || r.Serve || r.Delay > 0 }

// wait waits for r's Delay, or until the request's client gives up.
func (r Response) wait(req *http.Request) {
	if r.Delay <= 0 {
		return
	}
	t := time.NewTimer(r.Delay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-req.Context().Done():
	}
}

// Violation is a message the Server rejected as Slack would.
type Violation struct {
	// Channel is the channel posted to; "" for webhook posts.
	Channel string
	// Problems says what was wrong, one entry per problem.
	Problems []string
}

// Server is a running stand-in for Slack. It is safe for concurrent use.
type Server struct {
	srv           *httptest.Server
	token         string
	webhookSecret string

	mu         sync.Mutex
	posts      []Post
	violations []Violation
	script     []Response
	requests   int
	seq        int

	interact interactState // interact.go
	// refuseReads, when not empty, is the ok:false code of every read.
	refuseReads string
}

// Option configures a Server.
type Option func(*Server)

// WithToken sets the bot token the Server accepts.
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// WithWebhookSecret sets the secret path of the webhook endpoint.
func WithWebhookSecret(secret string) Option {
	return func(s *Server) { s.webhookSecret = secret }
}

// New starts a Server on 127.0.0.1 and closes it when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{token: DefaultToken, webhookSecret: DefaultWebhookSecret}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/chat.postMessage", s.handlePostMessage)
	mux.HandleFunc("/webhook/", s.handleWebhook)
	mux.HandleFunc("/conversations.history", s.handleHistory)
	mux.HandleFunc("/conversations.replies", s.handleReplies)
	mux.HandleFunc("/conversations.list", s.handleList)
	s.initInteract(mux)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	t.Cleanup(s.DropSockets) // first: the WebSocket handlers end before Close
	return s
}

// URL returns the Web API's base URL, ending in "/" as slack-go's
// OptionAPIURL requires.
func (s *Server) URL() string { return s.srv.URL + "/" }

// WebhookURL returns the incoming webhook's URL, secret included.
func (s *Server) WebhookURL() string { return s.srv.URL + "/webhook/" + s.webhookSecret }

// Token returns the bot token the Server accepts.
func (s *Server) Token() string { return s.token }

// Client returns an HTTP client for the Server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// FailNext makes the next n requests (to either endpoint) fail with status
// (200 when 0), the Retry-After header when retryAfter is not empty, and an
// ok:false body with slackError when it is not empty.
func (s *Server) FailNext(n int, status int, retryAfter string, slackError string) {
	for range n {
		s.Enqueue(Response{Status: status, RetryAfter: retryAfter, SlackError: slackError})
	}
}

// Enqueue adds scripted responses for the next requests, in order. Requests
// beyond the script are served normally.
func (s *Server) Enqueue(rs ...Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, rs...)
}

// Posts returns the accepted posts, in order.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Post(nil), s.posts...)
}

// Violations returns the messages rejected as invalid, in order.
func (s *Server) Violations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Violation(nil), s.violations...)
}

// Requests returns how many requests reached either endpoint, accepted or not.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// LiveMentions returns every live mention (<!channel>, <!here>,
// <!everyone>, <!subteam^…>, <@U…>, <#C…>) and every link with a scheme
// other than http or https found in the text and mrkdwn of the accepted
// posts. A well-escaped digest has none.
func (s *Server) LiveMentions() []string {
	var found []string
	for _, p := range s.Posts() {
		found = append(found, LiveMentions(p.Text)...)
		for _, t := range MrkdwnTexts(p.Blocks) {
			found = append(found, LiveMentions(t)...)
		}
	}
	return found
}

// next counts a request and pops the scripted response for it, if any.
func (s *Server) next() (Response, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if len(s.script) == 0 {
		return Response{}, false
	}
	r := s.script[0]
	s.script = s.script[1:]
	return r, true
}

// accept records a valid post and returns its ts.
func (s *Server) accept(p Post) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	p.TS = fmt.Sprintf("%d.%06d", time.Now().Unix(), s.seq) // unique, and as recent as Slack's
	s.posts = append(s.posts, p)
	return p.TS
}

// reject records a violation.
func (s *Server) reject(channel string, problems []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violations = append(s.violations, Violation{Channel: channel, Problems: problems})
}

// writeScripted writes a scripted response.
func writeScripted(w http.ResponseWriter, r Response) {
	if r.RetryAfter != "" {
		w.Header().Set("Retry-After", r.RetryAfter)
	}
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	if r.SlackError != "" {
		writeJSON(w, status, map[string]any{"ok": false, "error": r.SlackError})
		return
	}
	w.WriteHeader(status)
	io.WriteString(w, http.StatusText(status))
}

// writeJSON writes v as a JSON response with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// slackError writes an ok:false response as Slack does: HTTP 200.
func slackError(w http.ResponseWriter, code string, problems []string) {
	body := map[string]any{"ok": false, "error": code}
	if len(problems) > 0 {
		body["errors"] = problems
	}
	writeJSON(w, http.StatusOK, body)
}

// begin opens a posting request: it refuses any method but POST, takes the
// next scripted response and, if that one answers in place of Slack, writes
// it. ok is false when the request has been answered.
func (s *Server) begin(w http.ResponseWriter, r *http.Request) (resp Response, scripted, ok bool) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return Response{}, false, false
	}
	resp, scripted = s.next()
	if scripted && !resp.passes() {
		writeScripted(w, resp)
		return resp, scripted, false
	}
	return resp, scripted, true
}

// handlePostMessage serves chat.postMessage.
func (s *Server) handlePostMessage(w http.ResponseWriter, r *http.Request) {
	resp, scripted, ok := s.begin(w, r)
	if !ok {
		return
	}
	p, token, err := readPostMessage(r)
	if err != nil {
		slackError(w, "invalid_arguments", []string{err.Error()})
		return
	}
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		token = bearer
	}
	if token == "" {
		slackError(w, "not_authed", nil)
		return
	}
	if token != s.token {
		slackError(w, "invalid_auth", nil)
		return
	}
	if p.Channel == "" {
		slackError(w, "channel_not_found", nil)
		return
	}
	if problems := Validate(p.Text, p.Blocks); len(problems) > 0 {
		s.reject(p.Channel, problems)
		slackError(w, "invalid_blocks", problems)
		return
	}
	ts := s.accept(p)
	if scripted && resp.HangAfterAccept {
		<-r.Context().Done()
		return
	}
	resp.wait(r)
	writeJSON(w, http.StatusOK, map[string]any{
		"ok": true, "channel": ChannelID(p.Channel), "ts": ts,
		"message": map[string]any{"type": "message", "text": p.Text, "ts": ts, "thread_ts": p.ThreadTS},
	})
}

// readPostMessage reads a chat.postMessage request from a form or JSON body,
// returning the post and the token from the body, if any.
func readPostMessage(r *http.Request) (Post, string, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if err != nil {
		return Post{}, "", err
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var m struct {
			Channel     string          `json:"channel"`
			Text        string          `json:"text"`
			Blocks      json.RawMessage `json:"blocks"`
			ThreadTS    string          `json:"thread_ts"`
			UnfurlLinks *bool           `json:"unfurl_links"`
			UnfurlMedia *bool           `json:"unfurl_media"`
			Metadata    json.RawMessage `json:"metadata"`
		}
		if err := json.Unmarshal(body, &m); err != nil {
			return Post{}, "", fmt.Errorf("json body: %w", err)
		}
		return Post{Channel: m.Channel, Text: m.Text, Blocks: nullToNil(m.Blocks), ThreadTS: m.ThreadTS,
			UnfurlLinks: boolString(m.UnfurlLinks), UnfurlMedia: boolString(m.UnfurlMedia), Metadata: nullToNil(m.Metadata)}, "", nil
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return Post{}, "", fmt.Errorf("form body: %w", err)
	}
	p := Post{
		Channel: v.Get("channel"), Text: v.Get("text"), ThreadTS: v.Get("thread_ts"),
		UnfurlLinks: v.Get("unfurl_links"), UnfurlMedia: v.Get("unfurl_media"),
	}
	if b := v.Get("blocks"); b != "" {
		p.Blocks = json.RawMessage(b)
	}
	if m := v.Get("metadata"); m != "" {
		p.Metadata = json.RawMessage(m)
	}
	return p, v.Get("token"), nil
}

// handleWebhook serves incoming-webhook posts at /webhook/<secret>, answering
// like Slack: "ok", or an error code in a plain-text body.
func (s *Server) handleWebhook(w http.ResponseWriter, r *http.Request) {
	resp, scripted, ok := s.begin(w, r)
	if !ok {
		return
	}
	if strings.TrimPrefix(r.URL.Path, "/webhook/") != s.webhookSecret {
		http.Error(w, "no_service", http.StatusNotFound)
		return
	}
	var m struct {
		Text        string          `json:"text"`
		Blocks      json.RawMessage `json:"blocks"`
		ThreadTS    string          `json:"thread_ts"`
		UnfurlLinks *bool           `json:"unfurl_links"`
		UnfurlMedia *bool           `json:"unfurl_media"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 10<<20)).Decode(&m); err != nil {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	p := Post{Text: m.Text, Blocks: nullToNil(m.Blocks), ThreadTS: m.ThreadTS, Webhook: true,
		UnfurlLinks: boolString(m.UnfurlLinks), UnfurlMedia: boolString(m.UnfurlMedia)}
	if problems := Validate(p.Text, p.Blocks); len(problems) > 0 {
		s.reject("", problems)
		http.Error(w, "invalid_blocks", http.StatusBadRequest)
		return
	}
	s.accept(p)
	if scripted && resp.HangAfterAccept {
		<-r.Context().Done()
		return
	}
	resp.wait(r)
	io.WriteString(w, "ok")
}

// nullToNil returns nil for an absent or null JSON value.
func nullToNil(m json.RawMessage) json.RawMessage {
	if len(m) == 0 || string(m) == "null" {
		return nil
	}
	return m
}

// boolString renders an optional flag as it would appear in a form.
func boolString(b *bool) string {
	if b == nil {
		return ""
	}
	return fmt.Sprint(*b)
}

// ChannelID returns the ID the Server gives a channel: a channel named by
// ID ("C…") keeps it; a name ("#news") gets a stable made-up ID, as Slack
// answers a post to a name with the channel's ID.
func ChannelID(channel string) string {
	if isChannelID(channel) {
		return channel
	}
	h := fnv.New32a()
	h.Write([]byte(strings.TrimPrefix(channel, "#")))
	return fmt.Sprintf("C%08X", h.Sum32())
}

func isChannelID(s string) bool {
	if len(s) < 2 || (s[0] != 'C' && s[0] != 'G' && s[0] != 'D') {
		return false
	}
	for _, r := range s[1:] {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// authorized checks the token of a Web API read request, answering an
// error when it is wrong.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		slackError(w, "invalid_arguments", nil)
		return false
	}
	if resp, ok := s.next(); ok {
		if !resp.passes() {
			writeScripted(w, resp)
			return false
		}
		resp.wait(r)
	}
	token := r.Form.Get("token")
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		token = bearer
	}
	if token != s.token {
		slackError(w, "invalid_auth", nil)
		return false
	}
	s.mu.Lock()
	refusal := s.refuseReads
	s.mu.Unlock()
	if refusal != "" {
		slackError(w, refusal, nil)
		return false
	}
	return true
}

// RefuseReads makes conversations.history, conversations.replies and
// conversations.list answer ok:false with code (such as "missing_scope", for
// a token without the history and read scopes) until it is called with "".
func (s *Server) RefuseReads(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuseReads = code
}
