package digest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/internal/slackstub"
)

func TestHTTPClientAlwaysHasATimeout(t *testing.T) {
	tests := []struct {
		name   string
		client *http.Client
		want   time.Duration
	}{
		{"nil", nil, DefaultHTTPTimeout},
		{"no timeout", &http.Client{}, DefaultHTTPTimeout},
		{"own timeout", &http.Client{Timeout: time.Second}, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := httpClient(tt.client).Timeout; got != tt.want {
				t.Errorf("timeout = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSlackPosterThreadsAndRefs(t *testing.T) {
	stub := slackstub.New(t)
	// The API URL without its trailing slash still works.
	p := NewSlackPoster(stub.Token(), strings.TrimSuffix(stub.URL(), "/"), stub.Client())
	_, msgs := renderTest(1)
	ref, err := p.Post(context.Background(), "C7", msgs[0], "")
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	posts := stub.Posts()
	if ref != "C7:"+posts[0].TS {
		t.Errorf("ref = %q, want C7:%s", ref, posts[0].TS)
	}
	for _, thread := range []string{ref, posts[0].TS} {
		if _, err := p.Post(context.Background(), "C7", msgs[0], thread); err != nil {
			t.Fatalf("Post reply: %v", err)
		}
	}
	for _, reply := range stub.Posts()[1:] {
		if reply.ThreadTS != posts[0].TS {
			t.Errorf("thread_ts = %q, want %q", reply.ThreadTS, posts[0].TS)
		}
	}
}

// fakeSlack serves the read methods Find calls, as Slack does and the stub
// does not: conversations.history without thread replies, and
// conversations.replies and conversations.list. Each handler gets the form
// and returns the JSON body.
func fakeSlack(t *testing.T, handlers map[string]func(form url.Values) any) (*SlackPoster, *[]string) {
	t.Helper()
	var (
		mu    sync.Mutex
		calls []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Errorf("form: %v", err)
		}
		method := strings.TrimPrefix(r.URL.Path, "/")
		mu.Lock()
		calls = append(calls, method+"?"+r.Form.Get("channel")+r.Form.Get("cursor"))
		mu.Unlock()
		h, ok := handlers[method]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(h(r.Form))
	}))
	t.Cleanup(srv.Close)
	return NewSlackPoster("xoxb-fake-secret", srv.URL+"/", srv.Client()), &calls
}

// tagged is a message in a history or replies answer, tagged with id ("" for
// an untagged message).
func tagged(ts, id string) map[string]any {
	m := map[string]any{"type": "message", "ts": ts, "text": "x"}
	if id != "" {
		m["metadata"] = map[string]any{"event_type": MetadataEventType, "event_payload": map[string]any{"message_id": id}}
	}
	return m
}

func TestSlackPosterFind(t *testing.T) {
	since := time.Unix(1700000000, 0)
	history := func(msgs ...map[string]any) func(url.Values) any {
		return func(form url.Values) any {
			if form.Get("include_all_metadata") != "1" || form.Get("oldest") == "" {
				t.Errorf("history asked without metadata or oldest: %v", form)
			}
			return map[string]any{"ok": true, "messages": msgs}
		}
	}
	tests := []struct {
		name      string
		channel   string
		thread    string
		handlers  map[string]func(url.Values) any
		wantRef   string
		wantFound bool
		wantErr   string
	}{
		{"in history", "C1", "", map[string]func(url.Values) any{
			"conversations.history": history(tagged("1700000002.000100", "other"), tagged("1700000001.000100", "m1"), tagged("1700000000.500000", "")),
		}, "C1:1700000001.000100", true, ""},
		{"not there", "C1", "", map[string]func(url.Values) any{
			"conversations.history": history(tagged("1700000002.000100", "other")),
		}, "", false, ""},
		{"a reply, in its thread", "C1", "C1:1700000001.000100", map[string]func(url.Values) any{
			"conversations.history": history(tagged("1700000001.000100", "main")),
			"conversations.replies": func(form url.Values) any {
				if form.Get("ts") != "1700000001.000100" {
					t.Errorf("replies of %q, want the bare ts", form.Get("ts"))
				}
				return map[string]any{"ok": true, "messages": []any{tagged("1700000001.000100", "main"), tagged("1700000003.000100", "m1")}}
			},
		}, "C1:1700000003.000100", true, ""},
		{"second page", "C1", "", map[string]func(url.Values) any{
			"conversations.history": func(form url.Values) any {
				if form.Get("cursor") == "" {
					return map[string]any{"ok": true, "messages": []any{tagged("1700000009.000100", "x")}, "has_more": true,
						"response_metadata": map[string]any{"next_cursor": "page2"}}
				}
				return map[string]any{"ok": true, "messages": []any{tagged("1700000001.000100", "m1")}}
			},
		}, "C1:1700000001.000100", true, ""},
		{"channel by name", "#news", "", map[string]func(url.Values) any{
			"conversations.list": func(url.Values) any {
				return map[string]any{"ok": true, "channels": []any{map[string]any{"id": "C8", "name": "ops"}, map[string]any{"id": "C9", "name": "news"}}}
			},
			"conversations.history": func(form url.Values) any {
				if form.Get("channel") != "C9" {
					return map[string]any{"ok": false, "error": "channel_not_found"}
				}
				return map[string]any{"ok": true, "messages": []any{tagged("1700000001.000100", "m1")}}
			},
		}, "C9:1700000001.000100", true, ""},
		{"unknown channel name", "#gone", "", map[string]func(url.Values) any{
			"conversations.list": func(url.Values) any { return map[string]any{"ok": true, "channels": []any{}} },
		}, "", false, "no channel named"},
		{"missing_scope", "C1", "", map[string]func(url.Values) any{
			"conversations.history": func(url.Values) any { return map[string]any{"ok": false, "error": "missing_scope"} },
		}, "", false, "missing_scope"},
		{"a reply is looked for in its thread alone", "C1", "C1:1700000001.000100", map[string]func(url.Values) any{
			"conversations.history": func(url.Values) any {
				t.Error("a reply looked for in the channel's history")
				return map[string]any{"ok": true, "messages": []any{tagged("1700000005.000100", "m1")}}
			},
			"conversations.replies": func(url.Values) any {
				return map[string]any{"ok": true, "messages": []any{tagged("1700000001.000100", "main")}}
			},
		}, "", false, ""},
		{"replies missing_scope", "C1", "C1:1700000001.000100", map[string]func(url.Values) any{
			"conversations.history": history(),
			"conversations.replies": func(url.Values) any { return map[string]any{"ok": false, "error": "missing_scope"} },
		}, "", false, "missing_scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := fakeSlack(t, tt.handlers)
			ref, found, err := p.Find(context.Background(), tt.channel, tt.thread, "m1", since)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Find = %q, %v, %v; want an error with %q", ref, found, err, tt.wantErr)
				}
				assertNoSecrets(t, err, "xoxb-fake-secret")
				return
			}
			if err != nil || ref != tt.wantRef || found != tt.wantFound {
				t.Errorf("Find = %q, %v, %v; want %q, %v, nil", ref, found, err, tt.wantRef, tt.wantFound)
			}
		})
	}
}

func TestSlackPosterRemembersChannelIDs(t *testing.T) {
	p, calls := fakeSlack(t, map[string]func(url.Values) any{
		"chat.postMessage": func(form url.Values) any {
			return map[string]any{"ok": true, "channel": "C9", "ts": "1700000001.000100"}
		},
		"conversations.history": func(url.Values) any { return map[string]any{"ok": true, "messages": []any{}} },
	})
	if _, err := p.Post(context.Background(), "#news", Message{Text: "x"}, ""); err != nil {
		t.Fatalf("Post: %v", err)
	}
	if _, found, err := p.Find(context.Background(), "#news", "", "m1", time.Now()); err != nil || found {
		t.Fatalf("Find = %v, %v; want not found", found, err)
	}
	if want := []string{"chat.postMessage?#news", "conversations.history?C9"}; !slices.Equal(*calls, want) {
		t.Errorf("calls = %q, want %q (no conversations.list)", *calls, want)
	}
}

func TestLooksLikeChannelID(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"C0123ABC", true}, {"G42", true}, {"D1", true}, {"#news", false}, {"news", false}, {"C", false}, {"Cabc", false}, {"", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := looksLikeChannelID(tt.in); got != tt.want {
				t.Errorf("looksLikeChannelID(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
