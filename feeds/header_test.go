package feeds

import (
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 4, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   string
		want time.Duration
	}{
		{"empty", "", 0},
		{"seconds", "120", 2 * time.Minute},
		{"seconds with spaces", " 5 ", 5 * time.Second},
		{"zero", "0", 0},
		{"negative", "-5", 0},
		{"huge", "99999999999999999", maxHint},
		{"HTTP date", "Tue, 04 Mar 2025 12:01:30 GMT", 90 * time.Second},
		{"past date", "Tue, 04 Mar 2025 11:00:00 GMT", 0},
		{"far date capped", "Tue, 01 Apr 2025 12:00:00 GMT", maxHint},
		{"garbage", "soon", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseRetryAfter(tt.in, now); got != tt.want {
				t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseMaxAge(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want time.Duration
	}{
		{"none", nil, 0},
		{"max-age", []string{"public, max-age=600"}, 10 * time.Minute},
		{"quoted and upper case", []string{`MAX-AGE="300"`}, 5 * time.Minute},
		{"s-maxage ignored", []string{"s-maxage=60"}, 0},
		{"second header", []string{"no-transform", "max-age=60"}, time.Minute},
		{"capped", []string{"max-age=31536000"}, maxHint},
		{"invalid", []string{"max-age=ten"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseMaxAge(tt.in); got != tt.want {
				t.Errorf("parseMaxAge(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
