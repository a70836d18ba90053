package config

import (
	"strings"
	"testing"
)

func TestParseByteSize(t *testing.T) {
	tests := []struct {
		in   string
		want ByteSize
		err  string
	}{
		{"512", 512, ""},
		{"10MiB", 10 << 20, ""},
		{"1 GiB", 1 << 30, ""},
		{"10MB", 10_000_000, ""},
		{"8589934591GiB", 8589934591 << 30, ""},
		{"8589934592GiB", 0, "too large"},
		{"18014398509481985KiB", 0, "too large"},
		{"99999999999999999999", 0, "too large"},
		{"-1KiB", 0, "invalid size"},
		{"lots", 0, "invalid size"},
		{"1.5MiB", 0, "invalid size"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseByteSize(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseByteSize(%q) = %d, %v; want an error containing %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseByteSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}
