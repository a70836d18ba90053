package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// idleResult is what the idle check measured of `newsbot run`.
type idleResult struct {
	Feeds     int
	Poll      time.Duration // newsbot's "took" for its first poll
	FirstPoll time.Duration // process start to "poll done"
	VmRSS     int64         // bytes, after the wait
	VmHWM     int64         // bytes, peak so far
	Stop      time.Duration // SIGTERM to exit
	ExitCode  int
	Items     int
	Exited    bool // the process exited on its own within the limit
}

// runIdle starts `newsbot run` with o.Feeds feeds, waits for its first poll
// to finish and then for wait more, reads its memory from /proc, and stops
// it with SIGTERM, which it must obey within stopLimit.
func runIdle(ctx context.Context, o options, wait, stopLimit time.Duration) (idleResult, error) {
	r := idleResult{Feeds: o.Feeds}
	srv, err := newFeedServer(o.generator(), o.Feeds, o.Ports, o.Latency)
	if err != nil {
		return r, err
	}
	defer srv.Close()
	cfg, err := writeConfig(o, srv.URLs(), "*/15 * * * *")
	if err != nil {
		return r, err
	}
	cmd := exec.Command(o.Bin, "--config", cfg, "run")
	cmd.Dir = o.Dir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return r, err
	}
	cmd.Stdout = io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return r, err
	}
	exited := make(chan error, 1)
	polled := make(chan map[string]string, 1)
	var logTail strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if logTail.Len() < 64<<10 {
				logTail.WriteString(line + "\n")
			}
			if f, ok := pollDone(line); ok {
				select {
				case polled <- f:
				default:
				}
			}
		}
		exited <- cmd.Wait()
	}()
	kill := func() {
		_ = cmd.Process.Kill()
		<-exited
	}

	select {
	case f := <-polled:
		r.FirstPoll = time.Since(start)
		r.Poll, _ = time.ParseDuration(f["took"])
		r.Items = atoi(f["new_items"])
	case err := <-exited:
		return r, fmt.Errorf("newsbot run exited before its first poll: %v\n%s", err, tail(logTail.String(), 2000))
	case <-ctx.Done():
		kill()
		return r, ctx.Err()
	}
	select {
	case <-time.After(wait):
	case <-ctx.Done():
		kill()
		return r, ctx.Err()
	}
	r.VmRSS, r.VmHWM, err = procMemory(cmd.Process.Pid)
	if err != nil {
		kill()
		return r, err
	}

	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		kill()
		return r, err
	}
	select {
	case err := <-exited:
		r.Stop = time.Since(sent)
		r.Exited = true
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			r.ExitCode = ee.ExitCode()
		} else if err != nil {
			return r, err
		}
	case <-time.After(stopLimit):
		kill()
		r.Stop = time.Since(sent)
		r.ExitCode = -1
	}
	return r, nil
}

// procMemory reads VmRSS and VmHWM of process pid, in bytes.
func procMemory(pid int) (rss, hwm int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, fmt.Errorf("loadtest: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var kb int64
		switch line := sc.Text(); {
		case strings.HasPrefix(line, "VmRSS:"):
			fmt.Sscanf(strings.TrimPrefix(line, "VmRSS:"), "%d", &kb)
			rss = kb * 1024
		case strings.HasPrefix(line, "VmHWM:"):
			fmt.Sscanf(strings.TrimPrefix(line, "VmHWM:"), "%d", &kb)
			hwm = kb * 1024
		}
	}
	return rss, hwm, sc.Err()
}
