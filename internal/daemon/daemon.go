// Package daemon runs newsbot as a service (`newsbot run`): jobs on cron
// schedules, one job at a time; an HTTP listener that serves metrics, health
// and readiness, and to which other packages add their handlers; and profile
// reloads when the profile files change or on SIGHUP.
//
// A Daemon owns every goroutine it starts: the scheduler, the HTTP server,
// the profile watcher and the reload worker. Close stops them and returns
// only when all of them have stopped. Reloads run in their own goroutine, so
// a slow profile compile never holds up a shutdown's start.
//
// The command wires a Daemon from its configuration: it registers the jobs
// (Poll, Digest), the listener (Listen, Handle) and the profiles (Profiles),
// then calls Start, waits for its context and calls Close.
package daemon

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

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/robfig/cron/v3"
)

// Options configure a Daemon.
type Options struct {
	// Location is the timezone of the cron schedules (default UTC).
	Location *time.Location
	// Log receives the daemon's messages (required).
	Log *slog.Logger
	// Metrics are the series the jobs feed and /metrics serves, with the
	// Go runtime's and the process's; nil makes new ones (version "dev").
	// The command keeps them to feed what only it knows (pending entries,
	// failing feeds, Slack errors).
	Metrics *Metrics
}

// Daemon runs jobs on schedules, serves HTTP and reloads profiles. Register
// everything before Start; a Daemon runs once.
type Daemon struct {
	log     *slog.Logger
	metrics *Metrics
	// gatherer serves the metrics and the runtime's on /metrics.
	gatherer prometheus.Gatherer
	sched    *cron.Cron
	mux      *http.ServeMux

	// Registered before Start.
	poll   func(context.Context) error
	listen string
	watch  string
	reload func(context.Context) (int, error)

	// work lets one job run at a time: a poll and a digest never write
	// concurrently.
	work sync.Mutex
	// reloads asks the reload worker for a reload; it holds at most one
	// request, so requests made while one waits coalesce.
	reloads chan struct{}
	hup     chan os.Signal

	ctx    context.Context
	cancel context.CancelFunc
	srv    *http.Server
	wg     sync.WaitGroup

	mu        sync.Mutex // guards the fields below
	addr      net.Addr   // where the HTTP server listens
	started   bool       // Start was called
	scheduled bool       // the scheduler runs
	closing   bool       // Close was called

	closeOnce sync.Once
	closeErr  error
}

// New returns a Daemon with nothing registered.
func New(opts Options) *Daemon {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics("dev")
	}
	runtimeReg := prometheus.NewRegistry()
	runtimeReg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	logger := cronLogger{opts.Log}
	return &Daemon{
		log:      opts.Log,
		metrics:  opts.Metrics,
		gatherer: prometheus.Gatherers{opts.Metrics.reg, runtimeReg},
		sched: cron.New(
			cron.WithLocation(opts.Location),
			cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)),
			cron.WithLogger(logger),
		),
		mux:     http.NewServeMux(),
		reloads: make(chan struct{}, 1),
	}
}

// Start starts what was registered: the HTTP listener, the profile watcher
// and the reload worker; then, in the background, the first poll and, after
// it, the schedules, so that the first digest sees the first poll's results.
// Jobs run with a context derived from ctx; when ctx is done they abandon
// their work, and the caller must still call Close, which waits for them.
// Start fails if the listener cannot listen; the caller must call Close
// whether or not Start succeeded.
func (d *Daemon) Start(ctx context.Context) error {
	d.mu.Lock()
	if d.started || d.closing {
		d.mu.Unlock()
		return errors.New("daemon: started twice or after Close")
	}
	d.started = true
	d.ctx, d.cancel = context.WithCancel(ctx)
	d.mu.Unlock()

	if err := d.serve(); err != nil {
		return err
	}
	if d.reload != nil {
		d.hup = make(chan os.Signal, 1)
		signal.Notify(d.hup, syscall.SIGHUP)
		if err := d.watchProfiles(); err != nil {
			d.log.Warn("profiles will reload on SIGHUP only: cannot watch them", "error", err)
		}
		d.wg.Add(1)
		go d.reloadWorker()
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		// A fresh start polls at once rather than waiting for the first
		// tick, and before any digest tick.
		if d.poll != nil {
			d.runPoll()
		}
		d.mu.Lock()
		defer d.mu.Unlock()
		if !d.closing {
			d.sched.Start()
			d.scheduled = true
		}
	}()
	return nil
}

// Close stops the daemon: it cancels the jobs' context, stops the schedules
// and waits for the job in flight, shuts the HTTP server down (waiting up to
// five seconds for requests in flight), stops the watcher and the reload
// worker, and returns when every goroutine the daemon started has stopped. A
// reload in flight finishes first; the profiles it loads are not used. Close
// may be called more than once; later calls return the first one's result.
func (d *Daemon) Close() error {
	d.closeOnce.Do(func() { d.closeErr = d.close() })
	return d.closeErr
}

func (d *Daemon) close() error {
	d.mu.Lock()
	d.closing = true
	started, scheduled := d.started, d.scheduled
	d.mu.Unlock()
	if !started {
		return nil
	}
	d.log.Info("stopping: waiting for the job in flight")
	d.cancel()
	var err error
	if scheduled {
		<-d.sched.Stop().Done()
	}
	if d.srv != nil {
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if e := d.srv.Shutdown(shut); e != nil {
			err = fmt.Errorf("daemon: http shutdown: %w", e)
		}
		cancel()
	}
	d.wg.Wait()
	if d.hup != nil {
		signal.Stop(d.hup)
	}
	d.log.Info("stopped")
	return err
}

// job runs fn as the one job in flight, unless the daemon is stopping.
func (d *Daemon) job(fn func(ctx context.Context)) {
	d.work.Lock()
	defer d.work.Unlock()
	if d.ctx.Err() != nil {
		return
	}
	fn(d.ctx)
}

// cronLogger sends cron's messages to slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append([]any{"error", err}, kv...)...)
}
