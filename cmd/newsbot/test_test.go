package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProfileTest(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "newsbot.yaml")
	os.WriteFile(cfgPath, []byte("store: "+filepath.Join(dir, "x.db")+"\n"), 0o644)
	old := filepath.Join(dir, "old.yaml")
	os.WriteFile(old, []byte(`profiles:
  - name: DRDO
    description: test
    rules:
      - any: [{term: DRDO, case: true}]
`), 0o644)
	edited := filepath.Join(dir, "new.yaml")
	os.WriteFile(edited, []byte(`profiles:
  - name: DRDO
    description: test
    none: [canteen]
    rules:
      - any: [{term: DRDO, case: true}, Agni]
`), 0o644)
	seed := filepath.Join("..", "..", "matcher", "testdata", "seeds", "000_9c189d6de6c82f6a.txt")

	tests := []struct {
		name    string
		args    []string
		want    []string
		notWant []string
	}{
		{"text", []string{"test", "--text", "DRDO flight-tests glide bomb\nThe Defence Research and Development Organisation said"},
			[]string{"DRDO     «DRDO» flight-tests", "«Defence Research and Development Organisation» said", "1 of 1 items matched"}, nil},
		{"no match", []string{"test", "--text", "Public trust in institutions falls"}, []string{"0 of 1 items matched"}, []string{"TRUST "}},
		{"text with commas is one item", []string{"test", "--text", "India, US, Japan hold talks, DRDO says\nThe Defence Research and Development Organisation, in Delhi, said"},
			[]string{"India, US, Japan hold talks, «DRDO» says", "1 of 1 items matched"}, []string{"of 2 items", "of 4 items"}},
		{"file", []string{"test", "--file", seed}, []string{"JTG", "DRDO", "1 of 1 items matched"}, []string{"tariffs", "INDUS-X"}},
		{"one profile", []string{"test", "--profile", "JTG", "--file", seed}, []string{"JTG"}, []string{"  DRDO "}},
		{"diff", []string{"test", "--profiles", edited, "--diff", old,
			"--text", "Agni-5 test succeeds", "--text", "DRDO canteen reopens", "--text", "DRDO lab opens"},
			[]string{"+ DRDO     «Agni»-5", "- DRDO     «DRDO» canteen", "adds 1 and drops 1"}, []string{"lab opens"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Main(context.Background(), append([]string{"--config", cfgPath}, tt.args...), &out, &errOut)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, errOut.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out.String(), w) {
					t.Errorf("output has %q:\n%s", w, out.String())
				}
			}
		})
	}
}

func TestProfileTestStoredItemsJSON(t *testing.T) {
	h := newHarness(t, "")
	if code, _, errOut := h.run("once", "--dry-run"); code != 0 {
		t.Fatalf("once: %s", errOut)
	}
	code, out, errOut := h.run("test", "--days", "7", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	profiles := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct {
			Profile string   `json:"profile"`
			Title   string   `json:"title"`
			Matched []string `json:"matched"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("not JSON Lines: %v: %q", err, line)
		}
		if len(r.Matched) == 0 {
			t.Errorf("no matched terms: %q", line)
		}
		profiles[r.Profile] = true
	}
	for _, p := range []string{"TRUST", "INDUS-X", "JTG", "DRDO", "tariffs"} {
		if !profiles[p] {
			t.Errorf("stored items did not match %s", p)
		}
	}
}

func TestProfileTestErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("profiles:\n  - name: X\n    rules: [{any: []}]\n"), 0o644)
	var out, errOut bytes.Buffer
	code := Main(context.Background(), []string{"--config", filepath.Join(dir, "none.yaml"), "test", "--profiles", bad, "--text", "x"}, &out, &errOut)
	if code != 2 {
		t.Errorf("exit %d, want 2 (missing config)", code)
	}
	cfg := filepath.Join(dir, "c.yaml")
	os.WriteFile(cfg, []byte("store: "+filepath.Join(dir, "x.db")+"\n"), 0o644)
	errOut.Reset()
	code = Main(context.Background(), []string{"--config", cfg, "test", "--profiles", bad, "--text", "x"}, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), bad+":") {
		t.Errorf("exit %d, want 2 with a positioned error:\n%s", code, errOut.String())
	}
}
