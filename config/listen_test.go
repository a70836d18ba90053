package config

import (
	"strings"
	"testing"
)

func TestCheckListen(t *testing.T) {
	tests := []struct {
		addr string
		err  string
	}{
		{":9090", ""},
		{":0", ""},
		{"127.0.0.1:9090", ""},
		{"[::1]:9090", ""},
		{"localhost:80", ""},
		{"metrics.internal.:9090", ""},
		{"not an address", "missing port"},
		{"127.0.0.1", "missing port"},
		{"::1:9090", "too many colons"},
		{":99999", "not a number from 0 to 65535"},
		{":-1", "not a number from 0 to 65535"},
		{":http", "not a number from 0 to 65535"},
		{"bad host:9090", "neither an IP address nor a host name"},
		{"-bad:9090", "neither an IP address nor a host name"},
		{"a..b:9090", "neither an IP address nor a host name"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			err := checkListen(tt.addr)
			if tt.err == "" {
				if err != nil {
					t.Fatalf("checkListen(%q): %v", tt.addr, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("checkListen(%q) = %v, want an error containing %q", tt.addr, err, tt.err)
			}
		})
	}
}
