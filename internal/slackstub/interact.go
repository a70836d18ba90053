package slackstub

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// DefaultAppToken is the app-level token apps.connections.open accepts.
const DefaultAppToken = "xapp-1-A000-slackstub-secret"

// pingEvery is how often the stand-in pings its Socket Mode connections, as
// Slack does; clients treat a silent connection as dead.
const pingEvery = 100 * time.Millisecond

// interactState is the Server's side of interactivity: Socket Mode
// connections, the envelopes sent and acknowledged, and the answers posted
// to response URLs.
type interactState struct {
	mu       sync.Mutex
	conns    []*socketConn // live connections, oldest first
	joined   chan struct{} // closed and replaced when a connection is added
	opened   int
	calls    int // apps.connections.open requests
	envSeq   int
	acks     map[string]bool
	acked    chan struct{} // closed and replaced at each ack
	answers  []Answer
	answered chan struct{} // closed and replaced at each answer
}

// socketConn is one Socket Mode connection; writes are serialised.
type socketConn struct {
	mu   sync.Mutex
	conn *websocket.Conn
}

func (c *socketConn) writeJSON(v any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.conn.WriteJSON(v)
}

// Answer is a message posted to a response URL.
type Answer struct {
	// Name is the response URL's name (see ResponseURL).
	Name string
	// ResponseType is "ephemeral" or "in_channel" ("" when not sent).
	ResponseType string `json:"response_type"`
	// ReplaceOriginal is the replace_original flag; nil when not sent.
	ReplaceOriginal *bool `json:"replace_original"`
	// Text is the message's text.
	Text string `json:"text"`
}

func (s *Server) initInteract(mux *http.ServeMux) {
	s.interact.acks = map[string]bool{}
	s.interact.acked = make(chan struct{})
	s.interact.joined = make(chan struct{})
	s.interact.answered = make(chan struct{})
	mux.HandleFunc("/apps.connections.open", s.handleConnectionsOpen)
	mux.HandleFunc("/socket", s.handleSocket)
	mux.HandleFunc("/response/", s.handleResponse)
}

// AppToken returns the app-level token the Server accepts.
func (s *Server) AppToken() string { return DefaultAppToken }

// handleConnectionsOpen serves apps.connections.open: a WebSocket URL on
// the Server for a valid app-level token.
func (s *Server) handleConnectionsOpen(w http.ResponseWriter, r *http.Request) {
	s.interact.mu.Lock()
	s.interact.calls++
	s.interact.mu.Unlock()
	if err := r.ParseForm(); err != nil {
		slackError(w, "invalid_arguments", nil)
		return
	}
	token := r.Form.Get("token")
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		token = bearer
	}
	switch {
	case token == "":
		slackError(w, "not_authed", nil)
		return
	case !strings.HasPrefix(token, "xapp-"):
		slackError(w, "not_allowed_token_type", nil)
		return
	case token != DefaultAppToken:
		slackError(w, "invalid_auth", nil)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/socket"})
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// handleSocket serves a Socket Mode connection: hello, pings, and the acks
// the client sends.
func (s *Server) handleSocket(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	sc := &socketConn{conn: conn}
	st := &s.interact
	st.mu.Lock()
	st.conns = append(st.conns, sc)
	st.opened++
	n := len(st.conns)
	close(st.joined)
	st.joined = make(chan struct{})
	st.mu.Unlock()
	defer func() {
		st.mu.Lock()
		for i, c := range st.conns {
			if c == sc {
				st.conns = append(st.conns[:i:i], st.conns[i+1:]...)
				break
			}
		}
		st.mu.Unlock()
		conn.Close()
	}()
	if err := sc.writeJSON(map[string]any{"type": "hello", "num_connections": n,
		"connection_info": map[string]any{"app_id": "A000"}}); err != nil {
		return
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		t := time.NewTicker(pingEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				sc.mu.Lock()
				err := conn.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second))
				sc.mu.Unlock()
				if err != nil {
					return
				}
			}
		}
	}()
	for {
		var ack struct {
			EnvelopeID string `json:"envelope_id"`
		}
		if err := conn.ReadJSON(&ack); err != nil {
			return
		}
		if ack.EnvelopeID == "" {
			continue
		}
		st.mu.Lock()
		st.acks[ack.EnvelopeID] = true
		close(st.acked)
		st.acked = make(chan struct{})
		st.mu.Unlock()
	}
}

// ErrNoSocket means no Socket Mode client is connected.
var ErrNoSocket = errors.New("slackstub: no socket mode connection")

// SendInteractive sends payload (a block_actions payload, see BlockActions)
// as an "interactive" envelope on the newest Socket Mode connection and
// returns the envelope's ID, which the client must acknowledge. Without a
// connection it waits for one until ctx is done, then returns an error
// wrapping ErrNoSocket: a client may see its WebSocket open a moment before
// the Server has registered it.
func (s *Server) SendInteractive(ctx context.Context, payload json.RawMessage) (string, error) {
	st := &s.interact
	st.mu.Lock()
	for len(st.conns) == 0 {
		joined := st.joined
		st.mu.Unlock()
		select {
		case <-joined:
		case <-ctx.Done():
			return "", fmt.Errorf("%w: %w", ErrNoSocket, ctx.Err())
		}
		st.mu.Lock()
	}
	sc := st.conns[len(st.conns)-1]
	st.envSeq++
	id := fmt.Sprintf("env-%04d", st.envSeq)
	st.mu.Unlock()
	err := sc.writeJSON(map[string]any{"envelope_id": id, "type": "interactive",
		"accepts_response_payload": false, "payload": payload})
	if err != nil {
		return "", fmt.Errorf("slackstub: send envelope: %w", err)
	}
	return id, nil
}

// WaitAck waits until the envelope with id is acknowledged, or ctx is done.
func (s *Server) WaitAck(ctx context.Context, id string) error {
	st := &s.interact
	for {
		st.mu.Lock()
		ok, ch := st.acks[id], st.acked
		st.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("slackstub: envelope %s not acknowledged: %w", id, ctx.Err())
		}
	}
}

// SocketConnections returns how many Socket Mode connections were opened
// so far, and how many are open now.
func (s *Server) SocketConnections() (opened, open int) {
	s.interact.mu.Lock()
	defer s.interact.mu.Unlock()
	return s.interact.opened, len(s.interact.conns)
}

// ConnectionsOpenCalls returns how many apps.connections.open requests the
// Server received, accepted or not.
func (s *Server) ConnectionsOpenCalls() int {
	s.interact.mu.Lock()
	defer s.interact.mu.Unlock()
	return s.interact.calls
}

// DropSockets closes every Socket Mode connection abruptly, without a
// close frame, as a network failure would.
func (s *Server) DropSockets() {
	s.interact.mu.Lock()
	conns := append([]*socketConn(nil), s.interact.conns...)
	s.interact.mu.Unlock()
	for _, c := range conns {
		c.conn.NetConn().Close()
	}
}

// ResponseURL returns a response_url on the Server named name; what is
// posted to it is recorded (see Answers).
func (s *Server) ResponseURL(name string) string {
	return s.srv.URL + "/response/" + url.PathEscape(name)
}

// handleResponse records a message posted to a response URL.
func (s *Server) handleResponse(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var a Answer
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&a); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	a.Name, _ = url.PathUnescape(strings.TrimPrefix(r.URL.Path, "/response/"))
	st := &s.interact
	st.mu.Lock()
	st.answers = append(st.answers, a)
	close(st.answered)
	st.answered = make(chan struct{})
	st.mu.Unlock()
	io.WriteString(w, "ok")
}

// Answers returns the messages posted to response URLs, in order.
func (s *Server) Answers() []Answer {
	s.interact.mu.Lock()
	defer s.interact.mu.Unlock()
	return append([]Answer(nil), s.interact.answers...)
}

// WaitAnswers waits until at least n messages were posted to response URLs,
// or ctx is done.
func (s *Server) WaitAnswers(ctx context.Context, n int) error {
	st := &s.interact
	for {
		st.mu.Lock()
		got, ch := len(st.answers), st.answered
		st.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("slackstub: %d answers, want %d: %w", got, n, ctx.Err())
		}
	}
}

// Click describes a reader's choice in an overflow menu, for BlockActions.
type Click struct {
	UserID, ChannelID, ActionID, Value, ActionTS, ResponseURL string
}

// BlockActions returns the block_actions payload Slack sends when a reader
// chooses the option with c.Value in the overflow menu with c.ActionID.
func BlockActions(c Click) json.RawMessage {
	p := map[string]any{
		"type":         "block_actions",
		"user":         map[string]any{"id": c.UserID, "username": "reader", "team_id": "T000"},
		"api_app_id":   "A000",
		"team":         map[string]any{"id": "T000", "domain": "stub"},
		"container":    map[string]any{"type": "message", "message_ts": "1700000000.000100", "channel_id": c.ChannelID, "is_ephemeral": false},
		"channel":      map[string]any{"id": c.ChannelID, "name": "news"},
		"trigger_id":   "1.2.3",
		"response_url": c.ResponseURL,
		"actions": []any{map[string]any{
			"type": "overflow", "action_id": c.ActionID, "block_id": "b1", "action_ts": c.ActionTS,
			"selected_option": map[string]any{"text": map[string]any{"type": "plain_text", "text": "x"}, "value": c.Value},
		}},
	}
	b, _ := json.Marshal(p)
	return b
}

// InteractionBody returns the form body Slack posts to a request URL for
// payload.
func InteractionBody(payload json.RawMessage) []byte {
	return []byte("payload=" + url.QueryEscape(string(payload)))
}

// Sign sets the X-Slack-Request-Timestamp and X-Slack-Signature headers of
// req as Slack does (v0: HMAC-SHA256 over "v0:<timestamp>:<body>" with the
// signing secret), for a request sent at at.
func Sign(req *http.Request, body []byte, secret string, at time.Time) {
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:", ts)
	mac.Write(body)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
}

// PostInteraction posts payload to requestURL as Slack posts an
// interaction, signed with secret at time at, and returns the response's
// status.
func PostInteraction(ctx context.Context, client *http.Client, requestURL, secret string, payload json.RawMessage, at time.Time) (int, error) {
	body := InteractionBody(payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, requestURL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	Sign(req, body, secret, at)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}
