package main

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// feedServer serves n generated feeds on loopback at /feed/{i}.xml, after
// sleeping latency on every request. It answers If-None-Match with 304 when
// the feed has not changed, sends no Cache-Control and no <ttl>, and counts
// requests, 304s, body bytes and new connections. It may listen on several
// ports, each serving every feed; URL spreads the feeds across them.
type feedServer struct {
	gen     *generator
	latency time.Duration

	mu       sync.RWMutex
	versions []int
	bodies   [][]byte
	etags    []string
	modified []string
	cycle    int // Advance calls so far

	requests, notModified, bytes, conns atomic.Int64

	servers []*http.Server
	addrs   []string
	wg      sync.WaitGroup
}

// serverStats are the feed server's counters.
type serverStats struct {
	Requests, NotModified, Bytes, Conns int64
}

func (a serverStats) sub(b serverStats) serverStats {
	return serverStats{a.Requests - b.Requests, a.NotModified - b.NotModified, a.Bytes - b.Bytes, a.Conns - b.Conns}
}

// newFeedServer starts serving n feeds on ports loopback ports. The caller
// must Close it.
func newFeedServer(gen *generator, n, ports int, latency time.Duration) (*feedServer, error) {
	s := &feedServer{
		gen:      gen,
		latency:  latency,
		versions: make([]int, n),
		bodies:   make([][]byte, n),
		etags:    make([]string, n),
		modified: make([]string, n),
	}
	for i := range n {
		s.render(i)
	}
	for range max(ports, 1) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("loadtest: listen: %w", err)
		}
		hs := &http.Server{
			Handler:           s,
			ReadHeaderTimeout: 10 * time.Second,
			ConnState: func(_ net.Conn, st http.ConnState) {
				if st == http.StateNew {
					s.conns.Add(1)
				}
			},
		}
		s.servers = append(s.servers, hs)
		s.addrs = append(s.addrs, ln.Addr().String())
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			_ = hs.Serve(ln) // returns http.ErrServerClosed after Close
		}()
	}
	return s, nil
}

// render regenerates feed i's body and validators from its version.
func (s *feedServer) render(i int) {
	v := s.versions[i]
	s.bodies[i] = s.gen.feed(i, v)
	s.etags[i] = fmt.Sprintf(`"f%d-v%d"`, i, v)
	s.modified[i] = s.gen.start.Add(time.Duration(v) * time.Minute).UTC().Format(http.TimeFormat)
}

// URL returns the address of feed i.
func (s *feedServer) URL(i int) string {
	return fmt.Sprintf("http://%s/feed/%d.xml", s.addrs[i%len(s.addrs)], i)
}

// URLs returns the addresses of every feed.
func (s *feedServer) URLs() []string {
	out := make([]string, len(s.versions))
	for i := range out {
		out[i] = s.URL(i)
	}
	return out
}

// Advance starts the next cycle: share of the feeds (a different slice of
// them each time) get new items and a new ETag. It returns how many changed.
func (s *feedServer) Advance(share float64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.versions)
	k := min(int(share*float64(n)+0.5), n)
	first := s.cycle * k
	s.cycle++
	for j := range k {
		i := (first + j) % n
		s.versions[i]++
		s.render(i)
	}
	return k
}

// Stats returns the counters so far.
func (s *feedServer) Stats() serverStats {
	return serverStats{s.requests.Load(), s.notModified.Load(), s.bytes.Load(), s.conns.Load()}
}

// Close stops the listeners and closes every connection.
func (s *feedServer) Close() {
	for _, hs := range s.servers {
		hs.Close()
	}
	s.wg.Wait()
}

func (s *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if s.latency > 0 {
		t := time.NewTimer(s.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	name, ok := strings.CutPrefix(r.URL.Path, "/feed/")
	name, ok2 := strings.CutSuffix(name, ".xml")
	i, err := strconv.Atoi(name)
	s.mu.RLock()
	if !ok || !ok2 || err != nil || i < 0 || i >= len(s.bodies) {
		s.mu.RUnlock()
		http.NotFound(w, r)
		return
	}
	body, etag, modified := s.bodies[i], s.etags[i], s.modified[i]
	s.mu.RUnlock()

	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Last-Modified", modified)
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, etag) {
		s.notModified.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/rss+xml; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	n, _ := w.Write(body)
	s.bytes.Add(int64(n))
}

// etagMatches reports whether an If-None-Match header names etag.
func etagMatches(header, etag string) bool {
	for c := range strings.SplitSeq(header, ",") {
		c = strings.TrimPrefix(strings.TrimSpace(c), "W/")
		if c == "*" || c == etag {
			return true
		}
	}
	return false
}
