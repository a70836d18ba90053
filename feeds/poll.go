package feeds

import (
	"context"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/sync/semaphore"
)

// Default limits of a Poller whose fields are zero.
const (
	DefaultConcurrency = 16
	DefaultPerHost     = 4
)

// Poller fetches many feeds at once, politely: never more than Concurrency
// fetches in flight overall, nor more than PerHost against one host (host
// and port; all local files count as one host).
type Poller struct {
	Fetcher     *Fetcher // required
	Concurrency int      // fetches in flight overall; DefaultConcurrency when zero
	PerHost     int      // fetches in flight per host; DefaultPerHost when zero

	mu    sync.Mutex
	hosts map[string]*semaphore.Weighted // per-host limits, feeds and articles alike
}

// perHost returns the per-host limit in force.
func (p *Poller) perHost() int {
	if p.PerHost <= 0 {
		return DefaultPerHost
	}
	return p.PerHost
}

// hostLimit returns the semaphore that bounds fetches from host h, shared
// by every Poll and FetchArticles of p.
func (p *Poller) hostLimit(h string) *semaphore.Weighted {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.hosts == nil {
		p.hosts = map[string]*semaphore.Weighted{}
	}
	s, ok := p.hosts[h]
	if !ok {
		s = semaphore.NewWeighted(int64(p.perHost()))
		p.hosts[h] = s
	}
	return s
}

// Poll fetches every request and calls fn once per request with its
// result, or with the error that stopped it. fn is called from worker
// goroutines, possibly concurrently and in any order, so it must be safe
// for concurrent use; Poll waits for every call to return. One feed's
// failure never stops the others.
//
// Poll returns when all requests are done, or soon after ctx is done: the
// fetches in flight then fail with an error wrapping ctx.Err() and the
// requests not yet started get ctx.Err() itself. The Result passed to fn is
// never nil.
func (p *Poller) Poll(ctx context.Context, reqs []Request, fn func(Request, *Result, error)) {
	if len(reqs) == 0 {
		return
	}
	workers := p.Concurrency
	if workers <= 0 {
		workers = DefaultConcurrency
	}
	workers = min(workers, len(reqs))

	byHost := make(map[string][]int)
	var order []string
	for i, r := range reqs {
		h := hostKey(r.URL)
		if _, ok := byHost[h]; !ok {
			order = append(order, h)
		}
		byHost[h] = append(byHost[h], i)
	}

	// Interleave hosts so that workers rarely wait on one busy host while
	// others sit idle.
	queue := make(chan int, len(reqs))
	for round := 0; len(queue) < len(reqs); round++ {
		for _, h := range order {
			if idx := byHost[h]; round < len(idx) {
				queue <- idx[round]
			}
		}
	}
	close(queue)

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range queue {
				req := reqs[i]
				res, err := p.fetchOne(ctx, p.hostLimit(hostKey(req.URL)), req)
				fn(req, res, err)
			}
		}()
	}
	wg.Wait()
}

// fetchOne fetches req once a slot on its host is free.
func (p *Poller) fetchOne(ctx context.Context, host *semaphore.Weighted, req Request) (*Result, error) {
	cancelled := func(err error) (*Result, error) {
		return &Result{ETag: req.ETag, LastModified: req.LastModified}, err
	}
	if err := ctx.Err(); err != nil {
		return cancelled(err)
	}
	if err := host.Acquire(ctx, 1); err != nil {
		return cancelled(err)
	}
	defer host.Release(1)
	return p.Fetcher.Fetch(ctx, req)
}

// hostKey returns the politeness group of a feed URL: its lower-cased
// host and port, or "" for local files and unparseable URLs.
func hostKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || !isHTTP(u) {
		return ""
	}
	return strings.ToLower(u.Host)
}
