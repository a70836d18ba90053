package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Listen makes Start serve HTTP on addr (host:port; "" serves nothing):
// /metrics, /healthz, /readyz, and the handlers registered with Handle.
// ready reports whether the daemon can work (the store answers); /readyz
// answers 503 while it fails. Call it before Start.
func (d *Daemon) Listen(addr string, ready func(context.Context) error) {
	d.listen = addr
	d.mux.Handle("GET /metrics", promhttp.HandlerFor(d.gatherer, promhttp.HandlerOpts{}))
	d.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	d.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if ready != nil {
			if err := ready(r.Context()); err != nil {
				http.Error(w, "not ready", http.StatusServiceUnavailable)
				return
			}
		}
		fmt.Fprintln(w, "ok")
	})
}

// Handle registers h for pattern on the daemon's HTTP listener, beside
// /metrics, /healthz and /readyz; pattern is a net/http.ServeMux pattern,
// such as "POST /slack/interactions", "GET /feeds" or "/" (what no other
// pattern takes). Like ServeMux.Handle it panics when pattern conflicts with
// one registered already. Handlers serve only when Listen set an address;
// they run on the server's goroutines, which Close waits for, and should
// use the request's context.
func (d *Daemon) Handle(pattern string, h http.Handler) {
	d.mux.Handle(pattern, h)
}

// Registerer is where other packages register their Prometheus metrics, to
// be served on /metrics with the daemon's.
func (d *Daemon) Registerer() prometheus.Registerer { return d.metrics.reg }

// Addr returns the address the HTTP server listens on, once Start has
// started it; nil before, or when no address was set.
func (d *Daemon) Addr() net.Addr {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.addr
}

// serve starts the HTTP server when an address was set.
func (d *Daemon) serve() error {
	if d.listen == "" {
		return nil
	}
	ln, err := net.Listen("tcp", d.listen)
	if err != nil {
		return fmt.Errorf("daemon: http.listen %s: %w", d.listen, err)
	}
	d.srv = &http.Server{
		Handler:           d.mux,
		ReadHeaderTimeout: 5 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return d.ctx },
	}
	d.mu.Lock()
	d.addr = ln.Addr()
	d.mu.Unlock()
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		if err := d.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.log.Error("http server stopped", "error", err)
		}
	}()
	d.log.Info("serving HTTP", "addr", ln.Addr().String())
	return nil
}
