// Command loadtest measures newsbot against a loopback feed server: it
// serves N generated RSS feeds with a fixed latency per request, runs
// `newsbot once --dry-run` against them for a number of cycles (changing a
// share of the feeds between cycles), and prints one table: wall time and
// its ratio to the latency bound (feeds × latency / concurrency), requests,
// 304s, bytes, items, matches, peak RSS and CPU seconds per cycle.
//
//	go run ./cmd/loadtest -feeds 2000 -items 20 -latency 100ms -concurrency 32 -per-host 32
//	go run ./cmd/loadtest -feeds 2000 -cycles 3 -changed 0.1 -baseline
//	go run ./cmd/loadtest -feeds 2000 -article-words 900 -baseline
//	go run ./cmd/loadtest -feeds 10000 -cycles 1 -baseline -match 0.1 -cpuprofile /tmp/cpu
//	go run ./cmd/loadtest -idle 200
//
// -match sets the share of items on a topic that a built-in profile matches
// (default 0.1); -cpuprofile and -memprofile have newsbot write pprof
// profiles of each cycle.
//
// With -idle N it instead starts `newsbot run` with N feeds, waits for its
// first poll, reports its resident memory and checks that SIGTERM stops it.
// Results and how to read them are in docs/performance.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"text/tabwriter"
	"time"
)

func main() { os.Exit(run()) }

func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var (
		o        options
		keep     bool
		idle     int
		idleWait time.Duration
		child    string
	)
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.IntVar(&o.Feeds, "feeds", 2000, "number of feeds served")
	fs.IntVar(&o.Items, "items", 20, "items per feed")
	fs.IntVar(&o.NewItems, "new-items", 5, "items a changed feed gains per cycle")
	fs.IntVar(&o.SummaryBytes, "summary", 1500, "approximate bytes of each item's summary")
	fs.IntVar(&o.ArticleWords, "article-words", 0, "give each item a realistic article of about this many words in content:encoded, its topic two thirds in (e.g. 900); the description is then a one-line excerpt")
	fs.Float64Var(&o.MatchShare, "match", 0.1, "share of items on a topic that a built-in profile matches (0.33 was the harness's fixed share before issue #10)")
	fs.DurationVar(&o.Latency, "latency", 100*time.Millisecond, "latency of every feed request")
	fs.IntVar(&o.Concurrency, "concurrency", 32, "newsbot fetch.concurrency")
	fs.IntVar(&o.PerHost, "per-host", 32, "newsbot fetch.per_host")
	fs.IntVar(&o.Ports, "ports", 1, "loopback ports to spread the feeds over (each port is one host to newsbot)")
	fs.IntVar(&o.Cycles, "cycles", 2, "poll cycles (newsbot once runs) against the same store")
	fs.Float64Var(&o.Changed, "changed", 0, "share of feeds whose content changes before each cycle after the first")
	fs.IntVar(&o.Profiles, "profiles", 0, "generated profiles to add to the five built-in ones")
	fs.StringVar(&o.Bin, "bin", "", "newsbot binary to test (default: go build ./cmd/newsbot into the temp dir)")
	fs.BoolVar(&keep, "keep", false, "keep the temp dir (config, store, binary)")
	fs.BoolVar(&o.Baseline, "baseline", false, "also run a bare worker pool with gofeed over every feed")
	fs.StringVar(&o.Store, "store", "", "store for newsbot (e.g. a postgres:// URL of an empty database); default a SQLite file in the temp dir")
	fs.IntVar(&o.Replicas, "replicas", 1, "newsbot processes per cycle sharing the store (use with a PostgreSQL -store)")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of newsbot's cycle N to `PATH`.N (go tool pprof -top BIN PATH.N)")
	fs.StringVar(&o.MemProfile, "memprofile", "", "write an allocation profile of newsbot's cycle N to `PATH`.N")
	fs.IntVar(&idle, "idle", 0, "instead of cycles: run `newsbot run` with this many feeds and report its idle memory")
	fs.DurationVar(&idleWait, "idle-wait", 5*time.Second, "how long -idle waits after the first poll before reading memory")
	fs.StringVar(&child, "baseline-child", "", "internal: run the baseline pool over the URLs in this file")
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if child != "" {
		if err := baselineChild(ctx, child, o.Concurrency, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "loadtest: baseline:", err)
			return 1
		}
		return 0
	}
	if o.Feeds < 1 || o.Items < 1 || o.Concurrency < 1 || o.PerHost < 1 || o.Cycles < 1 || o.Changed < 0 || o.Changed > 1 || o.MatchShare < 0 || o.MatchShare > 1 {
		fmt.Fprintln(os.Stderr, "loadtest: -feeds, -items, -concurrency, -per-host and -cycles must be positive, -changed and -match within [0, 1]")
		return 2
	}

	dir, err := os.MkdirTemp("", "newsbot-loadtest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		return 1
	}
	if keep {
		fmt.Fprintln(os.Stderr, "loadtest: keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	o.Dir = dir
	if o.Bin == "" {
		fmt.Fprintln(os.Stderr, "loadtest: building ./cmd/newsbot…")
		if o.Bin, err = buildNewsbot(ctx, dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}

	if idle > 0 {
		o.Feeds = idle
		r, err := runIdle(ctx, o, idleWait, 10*time.Second)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadtest: idle:", err)
			return 1
		}
		printIdle(os.Stdout, o, r, idleWait)
		return 0
	}

	fmt.Printf("feeds=%d items=%d article_words=%d match=%.2f latency=%s concurrency=%d per_host=%d ports=%d changed=%.2f profiles=%d+5 bound=%s\n",
		o.Feeds, o.Items, o.ArticleWords, o.MatchShare, o.Latency, o.Concurrency, o.PerHost, o.Ports, o.Changed, o.Profiles, o.bound().Round(time.Millisecond))
	rows, err := runLoad(ctx, o, os.Stderr)
	printTable(os.Stdout, rows)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// printTable writes one aligned row per cycle.
func printTable(w io.Writer, rows []cycleResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run\tfeeds\tchanged\twall\tpoll\tbound\tratio\trequests\t304s\tconns\tMiB in\titems\tmatches\tentries\tfailed\tpeak RSS MiB\tCPU s\t")
	for _, r := range rows {
		rss, cpu := "-", "-"
		if r.Measured {
			rss = fmt.Sprintf("%.1f", float64(r.MaxRSS)/(1<<20))
			cpu = fmt.Sprintf("%.2f", r.CPU.Seconds())
		}
		poll := "-"
		if r.Poll > 0 {
			poll = fmt.Sprintf("%.2fs", r.Poll.Seconds())
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.2fs\t%s\t%.2fs\t%.2f×\t%d\t%d\t%d\t%.1f\t%d\t%d\t%d\t%d\t%s\t%s\t\n",
			r.Name, r.Feeds, r.Changed, r.Wall.Seconds(), poll, r.Bound.Seconds(), r.Ratio(),
			r.Server.Requests, r.Server.NotModified, r.Server.Conns, float64(r.Server.Bytes)/(1<<20),
			r.Items, r.Matches, r.Entries, r.Failed, rss, cpu)
	}
	tw.Flush()
}

// printIdle writes the idle check's one row.
func printIdle(w io.Writer, o options, r idleResult, wait time.Duration) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "newsbot run\tfeeds\titems\tfirst poll\tpoll\tVmRSS MiB\tVmHWM MiB\tSIGTERM→exit\texit code\t")
	stop := fmt.Sprintf("%.2fs", r.Stop.Seconds())
	if !r.Exited {
		stop = "killed after " + stop
	}
	fmt.Fprintf(tw, "idle %s after poll\t%d\t%d\t%.2fs\t%.2fs\t%.1f\t%.1f\t%s\t%d\t\n",
		wait, r.Feeds, r.Items, r.FirstPoll.Seconds(), r.Poll.Seconds(),
		float64(r.VmRSS)/(1<<20), float64(r.VmHWM)/(1<<20), stop, r.ExitCode)
	tw.Flush()
}
