package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHealth(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	// A port nothing listens on: a listener closed at once.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()

	tests := []struct {
		name     string
		listen   string
		status   int
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"healthy", srv.Listener.Addr().String(), http.StatusOK, 0, "ok: http://127.0.0.1:" + port + "/healthz", ""},
		{"any address probes loopback", ":" + port, http.StatusOK, 0, "ok: ", ""},
		{"unhealthy", srv.Listener.Addr().String(), http.StatusServiceUnavailable, 1, "", "503 Service Unavailable"},
		{"nothing listening", closed, http.StatusOK, 1, "", "connection refused"},
		{"no listen address", "", http.StatusOK, 1, "", "http.listen is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status = tt.status
			cfg := filepath.Join(t.TempDir(), "newsbot.yaml")
			body := fmt.Sprintf("store: %s\nhttp:\n  listen: %q\n", filepath.Join(t.TempDir(), "n.db"), tt.listen)
			if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			code := Main(context.Background(), []string{"--config", cfg, "health", "--timeout", "5s"}, &out, &errOut)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d; stderr %q", code, tt.wantCode, errOut.String())
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout %q lacks %q", out.String(), tt.wantOut)
			}
			if !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("stderr %q lacks %q", errOut.String(), tt.wantErr)
			}
		})
	}

	t.Run("bad configuration exits 1, not 2", func(t *testing.T) {
		var out, errOut bytes.Buffer
		code := Main(context.Background(), []string{"--config", filepath.Join(t.TempDir(), "missing.yaml"), "health"}, &out, &errOut)
		if code != 1 {
			t.Errorf("exit %d, want 1 (Docker reserves 2); stderr %q", code, errOut.String())
		}
	})
}
