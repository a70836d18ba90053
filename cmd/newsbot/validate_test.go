package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestValidateReportsEverything runs `newsbot validate` on files with several
// problems and checks each is printed on its own line as file:line:col.
func TestValidateReportsEverything(t *testing.T) {
	tests := []struct {
		fixture string
		lines   int
	}{
		{"bad-many-errors.yaml", 8},
		{"bad-schedule-tz.yaml", 1},
		{"bad-utf8.yaml", 1},
		{"bad-profiles-missing.yaml", 1},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			path := filepath.Join("..", "..", "config", "testdata", tt.fixture)
			var out, errOut bytes.Buffer
			code := Main(context.Background(), []string{"--config", path, "validate"}, &out, &errOut)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
			if len(lines) != tt.lines {
				t.Errorf("printed %d lines, want %d:\n%s", len(lines), tt.lines, errOut.String())
			}
			pos := regexp.MustCompile(`^(newsbot: )?` + regexp.QuoteMeta(path) + `:\d+:\d+: \S`)
			for _, l := range lines {
				if !pos.MatchString(l) {
					t.Errorf("line %q is not file:line:col: message", l)
				}
			}
		})
	}
}
