package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"
)

// runBaseline runs the bare worker pool in a child process (this program,
// re-executed with -baseline-child) against every feed, unconditionally, so
// that its wall time, peak RSS and CPU compare with newsbot's first cycle.
func runBaseline(ctx context.Context, o options, srv *feedServer) (cycleResult, error) {
	r := cycleResult{Name: "baseline: gofeed pool", Feeds: o.Feeds, Changed: o.Feeds, Bound: o.bound()}
	list := filepath.Join(o.Dir, "baseline-urls.txt")
	if err := os.WriteFile(list, []byte(strings.Join(srv.URLs(), "\n")+"\n"), 0o644); err != nil {
		return r, err
	}
	self, err := os.Executable()
	if err != nil {
		return r, err
	}
	cmd := exec.CommandContext(ctx, self, "-baseline-child", list, "-concurrency", fmt.Sprint(o.Concurrency))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	before := srv.Stats()
	start := time.Now()
	err = runSampled(cmd, &r)
	r.Wall = time.Since(start)
	r.Server = srv.Stats().sub(before)
	if err != nil {
		return r, fmt.Errorf("%w\n%s", err, tail(stderr.String(), 2000))
	}
	if _, err := fmt.Sscanf(stdout.String(), "items=%d failed=%d", &r.Items, &r.Failed); err != nil {
		return r, fmt.Errorf("baseline output %q: %w", stdout.String(), err)
	}
	return r, nil
}

// baselineChild fetches every URL listed in the file list with
// concurrency workers, parses each body with gofeed, and prints
// "items=N failed=M". It is what a bare feed poller costs: no store, no
// matching, no politeness beyond the pool size.
func baselineChild(ctx context.Context, list string, concurrency int, w io.Writer) error {
	data, err := os.ReadFile(list)
	if err != nil {
		return err
	}
	urls := strings.Fields(string(data))
	client := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        concurrency,
			MaxIdleConnsPerHost: concurrency,
		},
	}
	jobs := make(chan string)
	var (
		mu            sync.Mutex
		items, failed int
		wg            sync.WaitGroup
	)
	for range max(concurrency, 1) {
		wg.Go(func() {
			p := gofeed.NewParser()
			for u := range jobs {
				n, err := fetchParse(ctx, client, p, u)
				mu.Lock()
				items += n
				if err != nil {
					failed++
				}
				mu.Unlock()
			}
		})
	}
send:
	for _, u := range urls {
		select {
		case jobs <- u:
		case <-ctx.Done():
			break send
		}
	}
	close(jobs)
	wg.Wait()
	_, err = fmt.Fprintf(w, "items=%d failed=%d\n", items, failed)
	return err
}

func fetchParse(ctx context.Context, client *http.Client, p *gofeed.Parser, u string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s: %s", u, resp.Status)
	}
	f, err := p.Parse(resp.Body)
	if err != nil {
		return 0, err
	}
	return len(f.Items), nil
}
