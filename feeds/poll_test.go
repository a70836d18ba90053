package feeds

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gauge tracks how many requests are in flight and the most ever seen.
type gauge struct {
	mu       sync.Mutex
	now, max int
}

func (g *gauge) enter() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.now++
	g.max = max(g.max, g.now)
}

func (g *gauge) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.now--
}

func (g *gauge) peak() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.max
}

// calls records what Poll passed to fn.
type calls struct {
	mu   sync.Mutex
	errs map[string][]error
}

func (c *calls) record(req Request, res *Result, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.errs == nil {
		c.errs = make(map[string][]error)
	}
	if res == nil {
		err = errors.Join(err, errors.New("nil Result"))
	}
	c.errs[req.URL] = append(c.errs[req.URL], err)
}

func TestPollLimits(t *testing.T) {
	feed := readFixture(t, "rss2.xml")
	var overall gauge
	newHost := func(g *gauge) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			overall.enter()
			g.enter()
			defer overall.leave()
			defer g.leave()
			time.Sleep(20 * time.Millisecond) // let requests overlap
			if r.URL.Path == "/broken" {
				http.NotFound(w, r)
				return
			}
			_, _ = w.Write(feed)
		}))
	}
	tests := []struct {
		name        string
		concurrency int
		perHost     int
		perServer   int
	}{
		{"per-host limit binds", 8, 2, 10},
		{"overall limit binds", 3, 4, 10},
		{"one at a time", 1, 1, 3},
		{"defaults", 0, 0, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			overall = gauge{}
			var ga, gb gauge
			a, b := newHost(&ga), newHost(&gb)
			defer a.Close()
			defer b.Close()
			var reqs []Request
			for i := range tt.perServer {
				reqs = append(reqs, Request{URL: fmt.Sprintf("%s/feed-%d", a.URL, i)})
				reqs = append(reqs, Request{URL: fmt.Sprintf("%s/feed-%d", b.URL, i)})
			}
			reqs = append(reqs, Request{URL: a.URL + "/broken"})

			f := NewFetcher(Options{})
			defer f.CloseIdleConnections()
			p := &Poller{Fetcher: f, Concurrency: tt.concurrency, PerHost: tt.perHost}
			var got calls
			p.Poll(context.Background(), reqs, got.record)

			wantPerHost, wantOverall := tt.perHost, tt.concurrency
			if wantPerHost == 0 {
				wantPerHost = DefaultPerHost
			}
			if wantOverall == 0 {
				wantOverall = DefaultConcurrency
			}
			if ga.peak() > wantPerHost || gb.peak() > wantPerHost {
				t.Errorf("per-host peaks %d and %d, limit %d", ga.peak(), gb.peak(), wantPerHost)
			}
			if overall.peak() > wantOverall {
				t.Errorf("overall peak %d, limit %d", overall.peak(), wantOverall)
			}
			if len(got.errs) != len(reqs) {
				t.Fatalf("fn saw %d feeds, want %d", len(got.errs), len(reqs))
			}
			for _, r := range reqs {
				errs := got.errs[r.URL]
				if len(errs) != 1 {
					t.Errorf("%s: fn called %d times", r.URL, len(errs))
					continue
				}
				var herr *HTTPError
				switch {
				case r.URL == a.URL+"/broken":
					if !errors.As(errs[0], &herr) || herr.Status != http.StatusNotFound {
						t.Errorf("%s: err = %v, want HTTP 404", r.URL, errs[0])
					}
				case errs[0] != nil:
					t.Errorf("%s: %v", r.URL, errs[0])
				}
			}
		})
	}
}

func TestPollCancelled(t *testing.T) {
	var served atomic.Int32
	started := make(chan struct{}, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		started <- struct{}{}
		<-r.Context().Done()
	}))
	defer srv.Close()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		started <- struct{}{}
		<-r.Context().Done()
	}))
	defer other.Close()

	var reqs []Request
	for i := range 10 {
		reqs = append(reqs, Request{URL: fmt.Sprintf("%s/%d", srv.URL, i)}, Request{URL: fmt.Sprintf("%s/%d", other.URL, i)})
	}
	tests := []struct {
		name       string
		run        func(ctx context.Context, cancel context.CancelFunc, poll func(context.Context))
		wantServed func(n int32) bool
	}{
		{
			name: "before Poll",
			run: func(ctx context.Context, cancel context.CancelFunc, poll func(context.Context)) {
				cancel()
				poll(ctx)
			},
			wantServed: func(n int32) bool { return n == 0 },
		},
		{
			name: "while fetching",
			run: func(ctx context.Context, cancel context.CancelFunc, poll func(context.Context)) {
				go func() {
					<-started
					cancel()
				}()
				poll(ctx)
			},
			wantServed: func(n int32) bool { return n >= 1 && n <= 4 },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			served.Store(0)
			for len(started) > 0 {
				<-started
			}
			f := NewFetcher(Options{})
			defer f.CloseIdleConnections()
			p := &Poller{Fetcher: f, Concurrency: 4, PerHost: 2}
			var got calls
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			tt.run(ctx, cancel, func(ctx context.Context) { p.Poll(ctx, reqs, got.record) })

			if !tt.wantServed(served.Load()) {
				t.Errorf("server saw %d requests", served.Load())
			}
			if len(got.errs) != len(reqs) {
				t.Fatalf("fn saw %d feeds, want %d", len(got.errs), len(reqs))
			}
			for url, errs := range got.errs {
				if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
					t.Errorf("%s: errors %v, want one wrapping context.Canceled", url, errs)
				}
			}
		})
	}
}

func TestPollNothing(t *testing.T) {
	p := &Poller{Fetcher: NewFetcher(Options{})}
	called := false
	p.Poll(context.Background(), nil, func(Request, *Result, error) { called = true })
	if called {
		t.Error("fn called without requests")
	}
}

func TestHostKey(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"https://News.Example.com/feed", "news.example.com"},
		{"https://news.example.com:8443/feed", "news.example.com:8443"},
		{"http://news.example.com/a", "news.example.com"},
		{"/var/feeds/a.xml", ""},
		{"file:///var/feeds/a.xml", ""},
		{"://bad", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := hostKey(tt.in); got != tt.want {
				t.Errorf("hostKey(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
