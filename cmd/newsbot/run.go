package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/robfig/cron/v3"

	"github.com/newsbot/newsbot/internal/pipeline"
)

type runCmd struct{}

// Run is the daemon: it polls and delivers on the configured schedules until
// ctx is cancelled (SIGINT or SIGTERM), then finishes or abandons the work in
// flight without losing any of it, and returns.
func (c *runCmd) Run(ctx context.Context, e *env) error {
	a, err := e.openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	m := newMetrics()

	// One job at a time: a poll and a digest never write concurrently, and
	// a slow cycle is skipped rather than stacked.
	var work sync.Mutex
	poll := func() {
		work.Lock()
		defer work.Unlock()
		if ctx.Err() != nil {
			return
		}
		start := e.now()
		stats, err := a.pipeline.Poll(ctx, pipeline.PollOptions{})
		m.polls.Inc()
		m.feedFailures.Add(float64(stats.Failed))
		m.newItems.Add(float64(stats.NewItems))
		m.newMatches.Add(float64(stats.Matches))
		m.articles.WithLabelValues("ok").Add(float64(stats.Articles - stats.ArticlesFailed))
		m.articles.WithLabelValues("failed").Add(float64(stats.ArticlesFailed))
		if err != nil {
			if ctx.Err() == nil {
				e.log.Error("poll failed", "error", err)
			}
			return
		}
		m.lastPollOK.SetToCurrentTime()
		e.logPoll(stats, e.now().Sub(start))
		if err := a.deliverAlerts(ctx); err != nil && ctx.Err() == nil {
			e.log.Error("alerts", "error", err)
		}
	}
	deliver := func() {
		work.Lock()
		defer work.Unlock()
		if ctx.Err() != nil {
			return
		}
		if err := a.deliverPending(ctx, false, "text"); err != nil {
			m.digestRuns.WithLabelValues("failed").Inc()
			if ctx.Err() == nil {
				e.log.Error("digest cycle failed", "error", err)
			}
			return
		}
		m.digestRuns.WithLabelValues("ok").Inc()
		m.lastDigestOK.SetToCurrentTime()
	}

	if spec, err := cron.ParseStandard(a.cfg.Schedule.Poll); err == nil {
		next := spec.Next(e.now())
		a.pipeline.Interval = spec.Next(next).Sub(next)
	}
	logger := cronLogger{e.log}
	sched := cron.New(
		cron.WithLocation(a.cfg.Location),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)),
		cron.WithLogger(logger),
	)
	if _, err := sched.AddFunc(a.cfg.Schedule.Poll, poll); err != nil {
		return usageError(fmt.Errorf("schedule.poll: %w", err))
	}
	if _, err := sched.AddFunc(a.cfg.Schedule.Digest, deliver); err != nil {
		return usageError(fmt.Errorf("schedule.digest: %w", err))
	}

	var srv *http.Server
	if a.cfg.HTTP.Listen != "" {
		ln, err := net.Listen("tcp", a.cfg.HTTP.Listen)
		if err != nil {
			return fmt.Errorf("http.listen %s: %w", a.cfg.HTTP.Listen, err)
		}
		srv = &http.Server{Handler: a.httpHandler(m), ReadHeaderTimeout: 5 * time.Second}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				e.log.Error("http server stopped", "error", err)
			}
		}()
		e.log.Info("serving /metrics, /healthz and /readyz", "addr", ln.Addr().String())
	}

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reloads := make(chan struct{}, 1)
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	watched, err := a.watchProfiles(watchCtx, func() {
		select {
		case reloads <- struct{}{}:
		default:
		}
	})
	if err != nil {
		e.log.Warn("profiles will reload on SIGHUP only: cannot watch them", "error", err)
		watched = nil
	}

	e.log.Info("newsbot running", "feeds", len(a.pipeline.Feeds), "profiles", len(a.matcher.Load().Profiles()),
		"poll", a.cfg.Schedule.Poll, "digest", a.cfg.Schedule.Digest, "timezone", a.cfg.Location.String())
	// A fresh start polls at once rather than waiting for the first tick,
	// and before any digest tick, so the first digest sees its results.
	poll()
	sched.Start()

	for done := false; !done; {
		select {
		case <-ctx.Done():
			done = true
		case <-hup:
			a.reloadProfiles(m)
		case <-reloads:
			a.reloadProfiles(m)
		}
	}
	stopWatch()
	if watched != nil {
		<-watched
	}
	e.log.Info("stopping: waiting for the job in flight")
	stopped := sched.Stop()
	if srv != nil {
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = srv.Shutdown(shut)
		cancel()
	}
	<-stopped.Done()
	e.log.Info("stopped")
	return nil
}

func (a *app) httpHandler(m *metrics) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if _, err := a.store.CountItems(r.Context()); err != nil {
			http.Error(w, "store unavailable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	return mux
}

// cronLogger sends cron's messages to slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append([]any{"error", err}, kv...)...)
}
