package digest

import (
	"context"
	"net/http"
	"strings"
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
