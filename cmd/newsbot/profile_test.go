package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestStartProfiles checks that NEWSBOT_CPUPROFILE and NEWSBOT_MEMPROFILE
// write profiles (gzipped protocol buffers, as pprof reads them), that nothing is written without them,
// and that an unwritable path neither panics nor stops the caller.
func TestStartProfiles(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name     string
		cpu, mem string
		want     []string // files that must hold a profile
	}{
		{name: "none"},
		{name: "both", cpu: filepath.Join(dir, "cpu.out"), mem: filepath.Join(dir, "mem.out"),
			want: []string{filepath.Join(dir, "cpu.out"), filepath.Join(dir, "mem.out")}},
		{name: "unwritable", cpu: filepath.Join(dir, "no", "cpu.out"), mem: filepath.Join(dir, "no", "mem.out")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"NEWSBOT_CPUPROFILE": tt.cpu, "NEWSBOT_MEMPROFILE": tt.mem}
			stop := startProfiles(func(k string) string { return env[k] })
			_ = make([]byte, 1<<20)
			stop()
			for _, f := range tt.want {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				if len(data) < 20 || !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
					t.Errorf("%s: %d bytes, not a gzipped profile", f, len(data))
				}
			}
			if tt.want == nil {
				if ents, _ := os.ReadDir(dir); len(ents) > 0 && tt.name == "none" {
					t.Errorf("wrote %d files with no profile asked for", len(ents))
				}
			}
		})
	}
}
