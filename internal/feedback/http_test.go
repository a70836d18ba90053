package feedback

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/internal/slackstub"
)

const secret = "8f742231b10e8888abcd99yyyzzz85a5"

// interactionServer serves a Handler on loopback and returns its URL.
func interactionServer(t *testing.T, h *Handler) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle(InteractionsPath, h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + InteractionsPath
}

func TestHandlerRecordsAClickOnceDespiteARetry(t *testing.T) {
	st := openStore(t)
	stub := slackstub.New(t)
	c := &counter{}
	rec := &Recorder{Store: st, OnRecorded: c.inc}
	defer rec.Close()
	u := interactionServer(t, NewHandler(secret, rec, quietLog()))
	ctx := ctxT(t)
	payload := slackstub.BlockActions(slackstub.Click{UserID: "U1", ChannelID: "C1", ActionID: digest.FeedbackActionID,
		Value: value(digest.ActionNotRelevant, itemA), ActionTS: "1700000000.1", ResponseURL: stub.ResponseURL("click-1")})

	now := time.Now()
	for i, at := range []time.Time{now.Add(-2 * time.Second), now} { // the click, and Slack's retry of it
		status, err := slackstub.PostInteraction(ctx, http.DefaultClient, u, secret, payload, at)
		if err != nil || status != http.StatusOK {
			t.Fatalf("post %d: status %d, %v; want 200", i, status, err)
		}
	}
	got := rows(t, st)
	if len(got) != 1 {
		t.Fatalf("%d rows, want the click recorded once", len(got))
	}
	if f := got[0]; f.Profile != "TECH" || f.ItemID != itemA || f.UserID != "U1" || f.Action != digest.ActionNotRelevant || f.Channel != "C1" {
		t.Errorf("recorded %+v", f)
	}
	if n := c.get("TECH/not_relevant"); n != 1 {
		t.Errorf("metric counted %d events, want 1", n)
	}
	if err := stub.WaitAnswers(ctx, 2); err != nil {
		t.Fatal(err)
	}
	for _, a := range stub.Answers() {
		if a.Name != "click-1" || a.ResponseType != "ephemeral" || a.ReplaceOriginal == nil || *a.ReplaceOriginal ||
			!strings.Contains(a.Text, "Noted") {
			t.Errorf("answer %+v: want an ephemeral \"Noted\" that keeps the original", a)
		}
	}
}

func TestHandlerRefusesBadRequests(t *testing.T) {
	payload := slackstub.BlockActions(slackstub.Click{UserID: "U1", ChannelID: "C1", ActionID: digest.FeedbackActionID,
		Value: value(digest.ActionMute, itemA), ActionTS: "1.1", ResponseURL: "http://127.0.0.1:1/r"})
	body := slackstub.InteractionBody(payload)
	signed := func(b []byte, s string, at time.Time) *http.Request {
		req := httptest.NewRequest(http.MethodPost, InteractionsPath, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		slackstub.Sign(req, b, s, at)
		return req
	}
	now := time.Now()
	tests := []struct {
		name   string
		req    func(h *Handler) *http.Request
		status int
	}{
		{"bad signature", func(*Handler) *http.Request { return signed(body, "wrong-secret", now) }, http.StatusUnauthorized},
		{"tampered body", func(*Handler) *http.Request {
			r := signed(body, secret, now)
			r.Body = httpBody(bytes.Replace(body, []byte("U1"), []byte("U2"), 1))
			return r
		}, http.StatusUnauthorized},
		{"no signature", func(*Handler) *http.Request {
			r := signed(body, secret, now)
			r.Header.Del("X-Slack-Signature")
			return r
		}, http.StatusUnauthorized},
		{"old timestamp", func(*Handler) *http.Request { return signed(body, secret, now.Add(-6*time.Minute)) }, http.StatusUnauthorized},
		{"future timestamp", func(*Handler) *http.Request { return signed(body, secret, now.Add(6*time.Minute)) }, http.StatusUnauthorized},
		{"replayed request", func(h *Handler) *http.Request {
			first := signed(body, secret, now)
			// The original request is served (and refused for its unknown
			// response URL's answer only in the background); its copy is a replay.
			w := httptest.NewRecorder()
			h.ServeHTTP(w, first)
			if w.Code != http.StatusOK {
				t.Fatalf("original request: %d", w.Code)
			}
			return signed(body, secret, now)
		}, http.StatusUnauthorized},
		{"oversized body", func(*Handler) *http.Request {
			big := slackstub.InteractionBody(json.RawMessage(`{"type":"block_actions","pad":"` + strings.Repeat("x", DefaultMaxBody) + `"}`))
			return signed(big, secret, now)
		}, http.StatusRequestEntityTooLarge},
		{"malformed JSON", func(*Handler) *http.Request {
			return signed(slackstub.InteractionBody(json.RawMessage(`{"type":"block_actions",`)), secret, now)
		}, http.StatusBadRequest},
		{"no payload", func(*Handler) *http.Request { return signed([]byte("nothing=here"), secret, now) }, http.StatusBadRequest},
		{"GET", func(*Handler) *http.Request { return httptest.NewRequest(http.MethodGet, InteractionsPath, nil) }, http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			var logBuf bytes.Buffer
			log := slogTo(&logBuf)
			rec := &Recorder{Store: st}
			defer rec.Close()
			h := NewHandler(secret, rec, log)
			req := tt.req(h)
			before := len(rows(t, st))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d", w.Code, tt.status)
			}
			if after := len(rows(t, st)); after != before {
				t.Errorf("%d rows recorded by a refused request", after-before)
			}
			if out := logBuf.String(); !strings.Contains(out, "refused") || strings.Contains(out, "U1") ||
				strings.Contains(out, "block_actions") || strings.Contains(out, "nothing=here") || strings.Contains(out, "xxxx") || strings.Contains(out, secret) {
				t.Errorf("log must name the refusal and hold no body or secret:\n%s", out)
			}
		})
	}
}
