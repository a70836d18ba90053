package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// healthCmd asks the local daemon whether it is alive, for a container's
// HEALTHCHECK or a systemd watchdog script: exit 0 when GET /healthz on
// http.listen answers 200, 1 otherwise (never 2, which Docker reserves).
type healthCmd struct {
	Timeout time.Duration `help:"How long to wait for the answer." default:"5s"`
}

// Run probes http://<http.listen>/healthz. An unspecified listen host
// (":8417", "0.0.0.0:8417", "[::]:8417") is probed on the loopback address.
func (c *healthCmd) Run(ctx context.Context, e *env) error {
	fail := func(err error) error { return &exitError{code: exitFailed, err: fmt.Errorf("health: %w", err)} }
	cfg, err := e.loadConfig()
	if err != nil {
		return fail(err)
	}
	url, err := healthURL(cfg.HTTP.Listen)
	if err != nil {
		return fail(err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fail(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fail(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fail(fmt.Errorf("GET %s: %s", url, resp.Status))
	}
	fmt.Fprintf(e.stdout, "ok: %s\n", url)
	return nil
}

// healthURL returns the /healthz URL of a daemon listening on listen.
func healthURL(listen string) (string, error) {
	if listen == "" {
		return "", errors.New("http.listen is empty in the configuration: nothing serves /healthz; set it, such as \":8417\"")
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("http.listen %q: %w", listen, err)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}
