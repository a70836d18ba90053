package slackstub

import (
	"net/http"
	"strconv"
	"strings"
)

// message is a post as conversations.history and .replies show it.
func message(p Post, withMeta bool) map[string]any {
	m := map[string]any{"type": "message", "ts": p.TS, "text": p.Text}
	if p.ThreadTS != "" {
		m["thread_ts"] = p.ThreadTS
	}
	if withMeta && p.Metadata != nil {
		m["metadata"] = p.Metadata
	}
	return m
}

// withMetadata reports whether a read request asks for the messages'
// metadata (include_all_metadata).
func withMetadata(r *http.Request) bool {
	v := r.Form.Get("include_all_metadata")
	return v == "1" || v == "true"
}

// handleHistory serves conversations.history as Slack does: the channel's
// top-level messages (no thread replies) newer than oldest, newest first, at
// most limit of them, with their metadata when include_all_metadata is set.
// It does not page: has_more is false.
func (s *Server) handleHistory(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	channel := r.Form.Get("channel")
	limit := 100
	if l, err := strconv.Atoi(r.Form.Get("limit")); err == nil && l > 0 {
		limit = l
	}
	oldest, _ := strconv.ParseFloat(r.Form.Get("oldest"), 64)
	withMeta := withMetadata(r)
	s.mu.Lock()
	msgs := []map[string]any{}
	for i := len(s.posts) - 1; i >= 0 && len(msgs) < limit; i-- {
		p := s.posts[i]
		if p.Webhook || ChannelID(p.Channel) != ChannelID(channel) || p.ThreadTS != "" {
			continue
		}
		if ts, _ := strconv.ParseFloat(p.TS, 64); oldest > 0 && ts <= oldest {
			continue
		}
		msgs = append(msgs, message(p, withMeta))
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "messages": msgs, "has_more": false})
}

// handleReplies serves conversations.replies: the thread's parent, then its
// replies, oldest first.
func (s *Server) handleReplies(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	channel, ts := r.Form.Get("channel"), r.Form.Get("ts")
	withMeta := withMetadata(r)
	s.mu.Lock()
	msgs := []map[string]any{}
	for _, p := range s.posts {
		if p.Webhook || ChannelID(p.Channel) != ChannelID(channel) {
			continue
		}
		if p.TS == ts || p.ThreadTS == ts {
			msgs = append(msgs, message(p, withMeta))
		}
	}
	s.mu.Unlock()
	if len(msgs) == 0 {
		slackError(w, "thread_not_found", nil)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "messages": msgs, "has_more": false})
}

// handleList serves conversations.list: the channels posted to so far.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	s.mu.Lock()
	seen := map[string]bool{}
	chans := []map[string]any{}
	for _, p := range s.posts {
		if p.Webhook || seen[p.Channel] {
			continue
		}
		seen[p.Channel] = true
		chans = append(chans, map[string]any{"id": ChannelID(p.Channel), "name": strings.TrimPrefix(p.Channel, "#"), "is_channel": true})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "channels": chans, "response_metadata": map[string]any{"next_cursor": ""}})
}
