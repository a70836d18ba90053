package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/newsbot/newsbot/config"
)

// options are the load test's knobs; see the flags in main.go.
type options struct {
	Feeds        int
	Items        int
	NewItems     int // items a changed feed gains per cycle
	SummaryBytes int
	ArticleWords int     // words of an article in content:encoded per item; 0 for none
	MatchShare   float64 // share of items on a topic that a built-in profile matches
	Latency      time.Duration
	Concurrency  int
	PerHost      int
	Ports        int
	Cycles       int
	Changed      float64
	Profiles     int // generated profiles added to the built-in ones
	Bin          string
	Dir          string // work directory (config, store); the caller owns it
	Baseline     bool
	Store        string // a store location (postgres://…) instead of a SQLite file in Dir
	Replicas     int    // newsbot processes run at once per cycle, sharing the store
	CPUProfile   string // write newsbot's CPU profile of cycle N to this path + ".N"
	MemProfile   string // write newsbot's allocation profile of cycle N to this path + ".N"
}

// cycleResult is one row of the table.
type cycleResult struct {
	Name     string
	Feeds    int
	Changed  int           // feeds the server changed before this cycle
	Wall     time.Duration // process start to exit
	Poll     time.Duration // newsbot's own "took" for the poll
	Bound    time.Duration // feeds × latency / concurrency
	Server   serverStats
	Items    int   // new items stored
	Matches  int   // new matches
	Failed   int   // feeds that failed
	Entries  int   // digest entries printed (JSON lines)
	MaxRSS   int64 // bytes, peak resident set
	CPU      time.Duration
	Measured bool // MaxRSS and CPU are known
}

// Ratio is the wall time over the latency bound.
func (r cycleResult) Ratio() float64 {
	if r.Bound <= 0 {
		return 0
	}
	return float64(r.Wall) / float64(r.Bound)
}

// bound is the time the fetches alone need: every feed waits latency, and
// at most concurrency wait at once.
func (o options) bound() time.Duration {
	c := max(min(o.Concurrency, o.PerHost*max(o.Ports, 1)), 1)
	return time.Duration(int64(o.Feeds) * int64(o.Latency) / int64(c))
}

func (o options) generator() *generator {
	return &generator{items: o.Items, newPerChange: max(o.NewItems, 1), summaryBytes: o.SummaryBytes, articleWords: o.ArticleWords, matchShare: o.MatchShare, start: time.Now()}
}

// runLoad serves the feeds, runs o.Cycles cycles of newsbot once against
// them, and then, with o.Baseline, the bare worker pool.
func runLoad(ctx context.Context, o options, progress io.Writer) ([]cycleResult, error) {
	srv, err := newFeedServer(o.generator(), o.Feeds, o.Ports, o.Latency)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	cfg, err := writeConfig(o, srv.URLs(), "*/15 * * * *")
	if err != nil {
		return nil, err
	}
	var rows []cycleResult
	for c := 1; c <= o.Cycles; c++ {
		changed := o.Feeds
		if c > 1 {
			changed = srv.Advance(o.Changed)
		}
		fmt.Fprintf(progress, "cycle %d: %d feeds, %d changed…\n", c, o.Feeds, changed)
		r, err := runCycle(ctx, o, srv, cfg, c)
		if err != nil {
			return rows, fmt.Errorf("loadtest: cycle %d: %w", c, err)
		}
		r.Name = fmt.Sprintf("newsbot once #%d", c)
		r.Changed = changed
		rows = append(rows, r)
	}
	if o.Baseline {
		fmt.Fprintf(progress, "baseline: bare worker pool with gofeed…\n")
		r, err := runBaseline(ctx, o, srv)
		if err != nil {
			return rows, fmt.Errorf("loadtest: baseline: %w", err)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// writeConfig writes newsbot.yaml (and the generated profiles, if any) in
// o.Dir and returns its path.
func writeConfig(o options, urls []string, poll string) (string, error) {
	var b strings.Builder
	store := filepath.Join(o.Dir, "newsbot.db")
	if o.Store != "" {
		store = o.Store
	}
	fmt.Fprintf(&b, "store: %s\n", strconv.Quote(store))
	fmt.Fprintf(&b, "schedule: {poll: %q, digest: \"0 9 * * *\"}\n", poll)
	fmt.Fprintf(&b, "fetch: {concurrency: %d, per_host: %d, timeout: 30s}\n", o.Concurrency, o.PerHost)
	b.WriteString("digest: {window: 48h}\n")
	if o.Profiles > 0 {
		dir := filepath.Join(o.Dir, "profiles")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", fmt.Errorf("loadtest: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dir, "0-builtin.yaml"), config.BuiltinProfiles(), 0o644); err != nil {
			return "", fmt.Errorf("loadtest: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dir, "1-generated.yaml"), genProfiles(o.Profiles), 0o644); err != nil {
			return "", fmt.Errorf("loadtest: %w", err)
		}
		b.WriteString("profiles: profiles\n")
	}
	b.WriteString("feeds:\n")
	for _, u := range urls {
		fmt.Fprintf(&b, "  - url: %s\n", u)
	}
	path := filepath.Join(o.Dir, "newsbot.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return "", fmt.Errorf("loadtest: %w", err)
	}
	return path, nil
}

// genProfiles returns n generated profiles whose terms the generated feeds
// never contain, so they cost matching time but add no matches.
func genProfiles(n int) []byte {
	words := strings.Fields(`solar wind battery grid hydrogen reactor lithium cobalt copper cement
freight metro airport aviation satellite rocket sonar frigate turbine helicopter cyber ransomware
privacy cloud foundry wafer spectrum broadband vaccine pharma pension rupee inflation subsidy wheat
sugar cotton monsoon cyclone glacier ballot verdict tribunal ordinance treaty coalition unicorn
merger buyback dividend quota licence embargo photonics robotics hypersonic propulsion genome`)
	r := rand.New(rand.NewPCG(7, uint64(n)))
	w := func() string { return words[r.IntN(len(words))] }
	var b strings.Builder
	b.WriteString("profiles:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - name: gen-%d\n    description: generated profile %d\n    rules:\n", i, i)
		fmt.Fprintf(&b, "      - any: [\"%s %s\", \"%s %s %s\", {term: GX%d, case: true}]\n", w(), w(), w(), w(), w(), i)
		fmt.Fprintf(&b, "        near: [[%s, %s]]\n        within: 10\n", w(), w())
	}
	return []byte(b.String())
}

// runCycle runs `newsbot once --dry-run --format json` (Replicas processes
// of it at once, sharing the store) and measures it.
func runCycle(ctx context.Context, o options, srv *feedServer, cfg string, cycle int) (cycleResult, error) {
	r := cycleResult{Feeds: o.Feeds, Bound: o.bound()}
	n := max(o.Replicas, 1)
	type run struct {
		r      cycleResult
		stdout lineCounter
		stderr bytes.Buffer
		err    error
	}
	runs := make([]*run, n)
	before := srv.Stats()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range runs {
		ru := &run{}
		runs[i] = ru
		cmd := exec.CommandContext(ctx, o.Bin, "--config", cfg, "once", "--dry-run", "--format", "json")
		cmd.Stdout, cmd.Stderr = &ru.stdout, &ru.stderr
		cmd.Dir = o.Dir
		if i == 0 && (o.CPUProfile != "" || o.MemProfile != "") {
			cmd.Env = os.Environ()
			if o.CPUProfile != "" {
				cmd.Env = append(cmd.Env, fmt.Sprintf("NEWSBOT_CPUPROFILE=%s.%d", o.CPUProfile, cycle))
			}
			if o.MemProfile != "" {
				cmd.Env = append(cmd.Env, fmt.Sprintf("NEWSBOT_MEMPROFILE=%s.%d", o.MemProfile, cycle))
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ru.err = runSampled(cmd, &ru.r)
		}()
	}
	wg.Wait()
	r.Wall = time.Since(start)
	r.Server = srv.Stats().sub(before)
	for _, ru := range runs {
		if ru.err != nil {
			return r, fmt.Errorf("%s: %w\n%s", o.Bin, ru.err, tail(ru.stderr.String(), 2000))
		}
		fields, ok := pollDone(ru.stderr.String())
		if !ok {
			return r, fmt.Errorf("no \"poll done\" line in newsbot's log:\n%s", tail(ru.stderr.String(), 2000))
		}
		r.Entries = max(r.Entries, ru.stdout.n)
		r.Items += atoi(fields["new_items"])
		r.Matches += atoi(fields["new_matches"])
		r.Failed += atoi(fields["failed"])
		took, _ := time.ParseDuration(fields["took"])
		r.Poll = max(r.Poll, took)
		r.MaxRSS = max(r.MaxRSS, ru.r.MaxRSS)
		r.CPU += ru.r.CPU
		r.Measured = ru.r.Measured
	}
	return r, nil
}

// runSampled runs cmd and records its CPU time and peak RSS in r.
//
// The peak comes from sampling VmHWM in /proc/PID/status every 10 ms, not
// from the rusage of wait4: Linux carries the RSS high-water mark of the
// forking process (this harness, which holds every feed body) across exec
// into the child's ru_maxrss, so that figure is never below the harness's
// own RSS. VmHWM belongs to the child's own address space. The last few
// milliseconds before exit may go unsampled; the rusage value bounds the
// peak from above and is used when no sample was taken.
func runSampled(cmd *exec.Cmd, r *cycleResult) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	sampled := make(chan int64, 1)
	go func() {
		var peak int64
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if _, hwm, err := procMemory(cmd.Process.Pid); err == nil {
				peak = max(peak, hwm)
			}
			select {
			case <-done:
				sampled <- peak
				return
			case <-t.C:
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	peak := <-sampled
	if cmd.ProcessState != nil {
		fillUsage(r, cmd.ProcessState)
		if peak > 0 {
			r.MaxRSS = peak
		}
	}
	return err
}

// fillUsage copies the peak RSS and CPU time of an exited process from its
// rusage (see runSampled for why that peak is only an upper bound).
func fillUsage(r *cycleResult, ps *os.ProcessState) {
	r.CPU = ps.UserTime() + ps.SystemTime()
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		r.MaxRSS = ru.Maxrss * 1024 // KiB on Linux
	}
	r.Measured = true
}

var logField = regexp.MustCompile(`(\w+)=("(?:[^"\\]|\\.)*"|\S+)`)

// pollDone finds the last `msg="poll done"` line of a slog text log and
// returns its fields.
func pollDone(log string) (map[string]string, bool) {
	var found map[string]string
	sc := bufio.NewScanner(strings.NewReader(log))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.Contains(line, `msg="poll done"`) {
			continue
		}
		found = map[string]string{}
		for _, m := range logField.FindAllStringSubmatch(line, -1) {
			found[m[1]] = m[2]
		}
	}
	return found, found != nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// lineCounter is an io.Writer that counts newlines and keeps nothing.
type lineCounter struct{ n int }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.n += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}

// buildNewsbot builds ./cmd/newsbot into dir and returns the binary's path.
func buildNewsbot(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "newsbot")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/newsbot/newsbot/cmd/newsbot")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("loadtest: go build: %w\n%s", err, out)
	}
	return bin, nil
}
