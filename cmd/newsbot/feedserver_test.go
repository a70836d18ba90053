package main

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"
)

// feedServer serves the feeds in testdata/feeds over HTTP on loopback, with
// dates written relative to when it started ("{{ago 3h}}" in RFC 1123,
// "{{ago3339 3h}}" in RFC 3339), ETags and conditional GET.
type feedServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests map[string]int // path → requests
	notMod   int
}

var agoRe = regexp.MustCompile(`\{\{(ago|ago3339) ([0-9a-z]+)\}\}`)

func newFeedServer(t *testing.T, base time.Time) *feedServer {
	t.Helper()
	fs := &feedServer{requests: map[string]int{}}
	bodies := map[string][]byte{}
	types := map[string]string{".xml": "application/rss+xml; charset=utf-8", ".atom": "application/atom+xml", ".json": "application/feed+json"}
	files, err := filepath.Glob("testdata/feeds/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no feed fixtures: %v", err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		body := agoRe.ReplaceAllFunc(raw, func(m []byte) []byte {
			parts := agoRe.FindSubmatch(m)
			d, err := time.ParseDuration(string(parts[2]))
			if err != nil {
				t.Fatalf("bad fixture date %s", m)
			}
			when := base.Add(-d).UTC()
			if string(parts[1]) == "ago3339" {
				return []byte(when.Format(time.RFC3339))
			}
			return []byte(when.Format(time.RFC1123Z))
		})
		bodies["/"+filepath.Base(f)] = body
	}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := bodies[r.URL.Path]
		fs.mu.Lock()
		fs.requests[r.URL.Path]++
		fs.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		etag := fmt.Sprintf(`"%x"`, sha256.Sum256(body))
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			fs.mu.Lock()
			fs.notMod++
			fs.mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", types[filepath.Ext(r.URL.Path)])
		w.Write(body)
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *feedServer) notModified() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.notMod
}
