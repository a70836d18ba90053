package feeds

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFetchConditionalGET(t *testing.T) {
	feed := readFixture(t, "rss2.xml")
	const etag = `"v1-abc"`
	const modified = "Tue, 04 Mar 2025 06:00:00 GMT"
	var calls, notModified atomic.Int32
	var gotUA, gotAE atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		gotUA.Store(r.Header.Get("User-Agent"))
		gotAE.Store(r.Header.Get("Accept-Encoding"))
		if r.Header.Get("If-None-Match") == etag && r.Header.Get("If-Modified-Since") == modified {
			notModified.Add(1)
			w.Header().Set("Cache-Control", "max-age=900")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", modified)
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		_, _ = w.Write(feed)
	}))
	defer srv.Close()

	f := NewFetcher(Options{})
	defer f.CloseIdleConnections()
	req := Request{URL: srv.URL + "/rss/defence.xml", Name: "MoD"}
	first, err := f.Fetch(context.Background(), req)
	if err != nil {
		t.Fatalf("first fetch: %v", err)
	}
	if first.NotModified || first.Status != http.StatusOK || len(first.Items) != 3 {
		t.Fatalf("first fetch: NotModified=%v Status=%d items=%d", first.NotModified, first.Status, len(first.Items))
	}
	if first.ETag != etag || first.LastModified != modified {
		t.Errorf("validators = %q, %q", first.ETag, first.LastModified)
	}
	if first.Title != "Ministry of Defence – Press Releases" || first.Items[0].Feed != "MoD" {
		t.Errorf("Title = %q, Feed = %q", first.Title, first.Items[0].Feed)
	}
	if first.MaxAge != 30*time.Minute {
		t.Errorf("MaxAge = %v, want the RSS ttl of 30m", first.MaxAge)
	}
	if first.Bytes != int64(len(feed)) {
		t.Errorf("Bytes = %d, want %d", first.Bytes, len(feed))
	}
	if ua := gotUA.Load(); ua != DefaultUserAgent {
		t.Errorf("User-Agent = %q", ua)
	}
	if ae := gotAE.Load(); ae != "gzip" {
		t.Errorf("Accept-Encoding = %q", ae)
	}

	req.ETag, req.LastModified = first.ETag, first.LastModified
	second, err := f.Fetch(context.Background(), req)
	if err != nil {
		t.Fatalf("second fetch: %v", err)
	}
	if !second.NotModified || second.Status != http.StatusNotModified || second.Items != nil {
		t.Errorf("second fetch: NotModified=%v Status=%d items=%d", second.NotModified, second.Status, len(second.Items))
	}
	if second.ETag != etag || second.LastModified != modified {
		t.Errorf("validators not kept on 304: %q, %q", second.ETag, second.LastModified)
	}
	if second.MaxAge != 15*time.Minute {
		t.Errorf("MaxAge on 304 = %v, want 15m", second.MaxAge)
	}
	if calls.Load() != 2 || notModified.Load() != 1 {
		t.Errorf("server saw %d calls, %d conditional hits", calls.Load(), notModified.Load())
	}
}

func TestFetchBodies(t *testing.T) {
	rss := readFixture(t, "rss2.xml")
	latin1 := readFixture(t, "peer/parser-no_encoding_ISO-8859-1.xml")
	bomb := gzipBytes(t, make([]byte, 8<<20))
	big := append([]byte(`<rss version="2.0"><channel><title>Big</title><description>`), bytes.Repeat([]byte("defence "), 20000)...)
	big = append(big, []byte(`</description></channel></rss>`)...)

	tests := []struct {
		name      string
		maxBody   int64
		handler   http.HandlerFunc
		wantErr   error
		wantTitle string // feed title when no error
		wantFirst string // first item title when no error
		wantBytes int64
	}{
		{
			name: "gzip",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				_, _ = w.Write(gzipBytes(t, rss))
			},
			wantTitle: "Ministry of Defence – Press Releases",
			wantFirst: "India and US sign Security of Supply Arrangement under INDUS-X",
			wantBytes: int64(len(rss)),
		},
		{
			name: "undeclared gzip sniffed",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/x-gzip")
				_, _ = w.Write(gzipBytes(t, rss))
			},
			wantTitle: "Ministry of Defence – Press Releases",
			wantFirst: "India and US sign Security of Supply Arrangement under INDUS-X",
			wantBytes: int64(len(rss)),
		},
		{
			name: "charset only in Content-Type",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/xml; charset=ISO-8859-1")
				_, _ = w.Write(latin1)
			},
			wantTitle: "Flux RSS du magazine de psychologie Le Cercle Psy",
			wantFirst: "Perturbateurs endocriniens : quels effets sur le cerveau ?",
			wantBytes: int64(len(latin1)),
		},
		{
			name:    "gzip bomb",
			maxBody: 64 << 10,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				_, _ = w.Write(bomb)
			},
			wantErr: ErrTooLarge,
		},
		{
			name:    "too large with Content-Length",
			maxBody: 10 << 10,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", fmt.Sprint(len(big)))
				_, _ = w.Write(big)
			},
			wantErr: ErrTooLarge,
		},
		{
			name:    "too large chunked",
			maxBody: 10 << 10,
			handler: func(w http.ResponseWriter, r *http.Request) {
				for i := 0; i < len(big); i += 4096 {
					_, _ = w.Write(big[i:min(i+4096, len(big))])
					w.(http.Flusher).Flush()
				}
			},
			wantErr: ErrTooLarge,
		},
		{
			name: "HTML page",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				_, _ = w.Write([]byte("<!doctype html><html><body><h1>Welcome</h1></body></html>"))
			},
			wantErr: ErrNotAFeed,
		},
		{
			name:    "empty body",
			handler: func(w http.ResponseWriter, r *http.Request) {},
			wantErr: ErrNotAFeed,
		},
		{
			name: "204 No Content",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusNoContent)
			},
			wantErr: ErrNotAFeed,
		},
		{
			name: "truncated",
			handler: func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write(rss[:len(rss)/2])
			},
			wantErr: ErrNotAFeed,
		},
		{
			name: "corrupt gzip",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				_, _ = w.Write([]byte("not gzip at all"))
			},
			wantErr: errAny,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			f := NewFetcher(Options{MaxBody: tt.maxBody})
			defer f.CloseIdleConnections()
			res, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/feed"})
			if res == nil {
				t.Fatal("nil Result")
			}
			if tt.wantErr != nil {
				if err == nil || (tt.wantErr != errAny && !errors.Is(err, tt.wantErr)) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if !strings.HasPrefix(err.Error(), "feeds: fetch "+srv.URL+"/feed: ") {
					t.Errorf("message %q lacks the prefix", err)
				}
				if tt.maxBody > 0 && res.Bytes > tt.maxBody {
					t.Errorf("read %d bytes past the %d limit", res.Bytes, tt.maxBody)
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if res.Title != tt.wantTitle {
				t.Errorf("Title = %q, want %q", res.Title, tt.wantTitle)
			}
			if len(res.Items) == 0 || res.Items[0].Title != tt.wantFirst {
				t.Fatalf("items = %+v, want first %q", res.Items, tt.wantFirst)
			}
			if res.Bytes != tt.wantBytes {
				t.Errorf("Bytes = %d, want %d", res.Bytes, tt.wantBytes)
			}
		})
	}
}

// errAny stands for "some error" in tables.
var errAny = errors.New("any error")

func TestFetchHTTPErrors(t *testing.T) {
	now := time.Date(2025, 3, 4, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name           string
		status         int
		retryAfter     string
		wantRetryAfter time.Duration
		wantMessage    string
	}{
		{"not found", http.StatusNotFound, "", 0, "HTTP 404 Not Found"},
		{"gone", http.StatusGone, "", 0, "HTTP 410 Gone"},
		{"too many requests, seconds", http.StatusTooManyRequests, "120", 2 * time.Minute, "HTTP 429 Too Many Requests"},
		{"unavailable, date", http.StatusServiceUnavailable, "Tue, 04 Mar 2025 12:05:00 GMT", 5 * time.Minute, "HTTP 503 Service Unavailable"},
		{"server error", http.StatusInternalServerError, "60", 0, "HTTP 500 Internal Server Error"},
		{"unknown status", 599, "", 0, "HTTP 599"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte("<html>error page</html>"))
			}))
			defer srv.Close()
			f := NewFetcher(Options{Now: func() time.Time { return now }})
			defer f.CloseIdleConnections()
			req := Request{URL: srv.URL + "/feed.xml", ETag: `"old"`, LastModified: "Mon, 03 Mar 2025 00:00:00 GMT"}
			res, err := f.Fetch(context.Background(), req)
			var herr *HTTPError
			if !errors.As(err, &herr) {
				t.Fatalf("err = %v, want *HTTPError", err)
			}
			if herr.Status != tt.status || herr.RetryAfter != tt.wantRetryAfter || herr.URL != srv.URL+"/feed.xml" {
				t.Errorf("HTTPError = %+v", herr)
			}
			if want := "feeds: fetch " + srv.URL + "/feed.xml: " + tt.wantMessage; err.Error() != want {
				t.Errorf("message = %q, want %q", err, want)
			}
			if res == nil || res.Status != tt.status || res.RetryAfter != tt.wantRetryAfter {
				t.Fatalf("Result = %+v", res)
			}
			if res.ETag != req.ETag || res.LastModified != req.LastModified {
				t.Errorf("validators lost on error: %q, %q", res.ETag, res.LastModified)
			}
		})
	}
}

func TestFetchSecretsRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/private" {
			http.Redirect(w, r, "/private", http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	host := strings.TrimPrefix(srv.URL, "http://")
	tests := []struct {
		name string
		url  string
	}{
		{"401 with user info", "http://alice:hunter2@" + host + "/feed?token=s3cr3t-tok"},
		{"redirect loop with user info", "http://alice:hunter2@" + host + "/private?api_key=s3cr3t-tok"},
		{"connection refused", strings.Replace(closedURL, "http://", "http://alice:hunter2@", 1) + "/feed?token=s3cr3t-tok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := NewFetcher(Options{Timeout: 5 * time.Second})
			defer f.CloseIdleConnections()
			_, err := f.Fetch(context.Background(), Request{URL: tt.url})
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			for _, secret := range []string{"hunter2", "alice", "s3cr3t-tok"} {
				if strings.Contains(msg, secret) {
					t.Errorf("error %q reveals %q", msg, secret)
				}
			}
			var herr *HTTPError
			if errors.As(err, &herr) && strings.Contains(herr.URL, "hunter2") {
				t.Errorf("HTTPError.URL %q reveals the password", herr.URL)
			}
		})
	}
}

func TestFetchRedirects(t *testing.T) {
	feed := []byte(`<rss version="2.0"><channel><title>Moved</title><item><title>x</title><link>relative/story</link></item></channel></rss>`)
	mux := http.NewServeMux()
	mux.HandleFunc("/loop-a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop-b", http.StatusFound) })
	mux.HandleFunc("/loop-b", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop-a", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/mid", http.StatusMovedPermanently) })
	mux.HandleFunc("/mid", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/new/feed.xml", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/new/feed.xml", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(feed) })
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tests := []struct {
		name         string
		path         string
		maxRedirects int
		wantErr      error
	}{
		{"loop", "/loop-a", 0, ErrTooManyRedirects},
		{"two hops within limit", "/old", 2, nil},
		{"two hops over limit", "/old", 1, ErrTooManyRedirects},
		{"redirect to file", "/to-file", 0, errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := NewFetcher(Options{MaxRedirects: tt.maxRedirects})
			defer f.CloseIdleConnections()
			res, err := f.Fetch(context.Background(), Request{URL: srv.URL + tt.path})
			if tt.wantErr != nil {
				if err == nil || (tt.wantErr != errAny && !errors.Is(err, tt.wantErr)) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if len(res.Items) != 1 {
				t.Fatalf("got %d items", len(res.Items))
			}
			it := res.Items[0]
			if it.Link != srv.URL+"/new/relative/story" {
				t.Errorf("Link = %q, want it resolved against the final URL", it.Link)
			}
			if it.FeedURL != srv.URL+tt.path {
				t.Errorf("FeedURL = %q, want the requested URL", it.FeedURL)
			}
		})
	}
}

func TestFetchCacheControlBeatsTTL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(readFixture(t, "rss2.xml"))
	}))
	defer srv.Close()
	f := NewFetcher(Options{})
	defer f.CloseIdleConnections()
	res, err := f.Fetch(context.Background(), Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if res.MaxAge != 5*time.Minute {
		t.Errorf("MaxAge = %v, want 5m from Cache-Control", res.MaxAge)
	}
}

func TestFetchDeadlines(t *testing.T) {
	trickle := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`<rss version="2.0"><channel><title>`))
		w.(http.Flusher).Flush()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-tick.C:
				if _, err := w.Write([]byte("a")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
		}
	})
	hang := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })

	tests := []struct {
		name    string
		handler http.Handler
		timeout time.Duration
		ctx     func() (context.Context, context.CancelFunc)
		wantErr error
	}{
		{"body trickles past the timeout", trickle, 300 * time.Millisecond, background, context.DeadlineExceeded},
		{"headers never come", hang, 300 * time.Millisecond, background, context.DeadlineExceeded},
		{"caller cancelled", hang, time.Minute, func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			f := NewFetcher(Options{Timeout: tt.timeout})
			defer f.CloseIdleConnections()
			ctx, cancel := tt.ctx()
			defer cancel()
			_, err := f.Fetch(ctx, Request{URL: srv.URL})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func background() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}

func TestFetchLocalFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "defence feed.xml")
	if err := os.WriteFile(path, readFixture(t, "rss2.xml"), 0o600); err != nil {
		t.Fatal(err)
	}
	jsonPath := filepath.Join(dir, "trade.json")
	if err := os.WriteFile(jsonPath, readFixture(t, "feed.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		url       string
		wantItems int
		wantErr   bool
	}{
		{"plain path", path, 3, false},
		{"file URL", "file://" + filepath.ToSlash(path), 3, false},
		{"JSON file", jsonPath, 2, false},
		{"missing", filepath.Join(dir, "missing.xml"), 0, true},
		{"directory", dir, 0, true},
		{"unsupported scheme", "ftp://files.example.com/feed.xml", 0, true},
	}
	f := NewFetcher(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := f.Fetch(context.Background(), Request{URL: tt.url})
			if tt.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				if !strings.HasPrefix(err.Error(), "feeds: fetch ") {
					t.Errorf("message %q lacks the prefix", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if res.Status != 0 || len(res.Items) != tt.wantItems || res.LastModified == "" {
				t.Fatalf("Status=%d items=%d LastModified=%q", res.Status, len(res.Items), res.LastModified)
			}
			if res.Items[0].FeedURL != tt.url {
				t.Errorf("FeedURL = %q", res.Items[0].FeedURL)
			}
			again, err := f.Fetch(context.Background(), Request{URL: tt.url, LastModified: res.LastModified})
			if err != nil {
				t.Fatal(err)
			}
			if !again.NotModified || again.Items != nil || again.LastModified != res.LastModified {
				t.Errorf("unchanged file: NotModified=%v items=%d", again.NotModified, len(again.Items))
			}
		})
	}
}

func TestFetchLocalFileTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.xml")
	if err := os.WriteFile(path, bytes.Repeat([]byte("x"), 4096), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := NewFetcher(Options{MaxBody: 1024}).Fetch(context.Background(), Request{URL: path})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func TestFetchUserAgentAndHeaders(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Write([]byte(`<rss version="2.0"><channel><title>t</title></channel></rss>`))
	}))
	defer srv.Close()
	f := NewFetcher(Options{Timeout: 5 * time.Second, UserAgent: "global/1.0"})
	tests := []struct {
		name    string
		req     Request
		wantUA  string
		headers map[string]string
	}{
		{"global", Request{URL: srv.URL}, "global/1.0", nil},
		{"per feed", Request{URL: srv.URL, UserAgent: "Mozilla/5.0 (compatible; newsbot; +mailto:ops@example.org)",
			Headers: map[string]string{"From": "ops@example.org", "Accept-Language": "en-IN", "X-Bad": "a\nb"}},
			"Mozilla/5.0 (compatible; newsbot; +mailto:ops@example.org)",
			map[string]string{"From": "ops@example.org", "Accept-Language": "en-IN", "X-Bad": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := f.Fetch(context.Background(), tt.req); err != nil {
				t.Fatal(err)
			}
			if ua := got.Get("User-Agent"); ua != tt.wantUA {
				t.Errorf("User-Agent = %q, want %q", ua, tt.wantUA)
			}
			for k, v := range tt.headers {
				if got.Get(k) != v {
					t.Errorf("%s = %q, want %q", k, got.Get(k), v)
				}
			}
		})
	}
}

func TestRequestDisplayName(t *testing.T) {
	tests := []struct {
		name  string
		r     Request
		title string
		want  string
	}{
		{"configured name first", Request{URL: "https://a.example/rss", Name: "Desk"}, "The Desk Feed", "Desk"},
		{"else the feed's title", Request{URL: "https://a.example/rss"}, "The Desk Feed", "The Desk Feed"},
		{"else the URL", Request{URL: "https://a.example/rss"}, "", "https://a.example/rss"},
		{"without credentials", Request{URL: "https://user:hunter2@a.example/rss"}, "", RedactURL("https://user:hunter2@a.example/rss")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.r.DisplayName(tt.title)
			if got != tt.want {
				t.Errorf("DisplayName = %q, want %q", got, tt.want)
			}
			if strings.Contains(got, "hunter2") {
				t.Errorf("DisplayName %q shows the password", got)
			}
		})
	}
}

// TestReadLimited checks the body cap with and without a size hint: a hint
// that is right, too small, too large or beyond the cap reads the same
// bytes, and a body over the cap fails with ErrTooLarge.
func TestReadLimited(t *testing.T) {
	body := strings.Repeat("x", 1000)
	tests := []struct {
		name    string
		limit   int64
		hint    int64
		want    int
		tooLong bool
	}{
		{name: "no hint", limit: 2000, hint: -1, want: 1000},
		{name: "exact hint", limit: 2000, hint: 1000, want: 1000},
		{name: "hint too small", limit: 2000, hint: 10, want: 1000},
		{name: "hint too large", limit: 2000, hint: 1900, want: 1000},
		{name: "hint beyond the cap", limit: 2000, hint: 1 << 40, want: 1000},
		{name: "over the cap, no hint", limit: 999, hint: -1, want: 999, tooLong: true},
		{name: "over the cap, lying hint", limit: 999, hint: 500, want: 999, tooLong: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readLimited(strings.NewReader(body), tt.limit, tt.hint)
			if tt.tooLong != errors.Is(err, ErrTooLarge) {
				t.Fatalf("err = %v, want ErrTooLarge: %v", err, tt.tooLong)
			}
			if !tt.tooLong && err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.want || strings.Trim(string(got), "x") != "" {
				t.Errorf("read %d bytes, want %d", len(got), tt.want)
			}
		})
	}
}
