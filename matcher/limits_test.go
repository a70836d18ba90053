package matcher

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/newsbot/newsbot/internal/yamlpos"
)

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.TotalAlloc
	f()
	runtime.ReadMemStats(&ms)
	return ms.TotalAlloc - before
}

// plainTerms returns a profile file with one rule of n plain terms.
func plainTerms(n int) string {
	var b strings.Builder
	b.WriteString("profiles:\n  - name: big\n    rules:\n      - any:\n")
	for i := range n {
		fmt.Fprintf(&b, "          - %s term %d\n", benchWords[i%len(benchWords)], i)
	}
	return b.String()
}

// keys returns a mapping of n distinct keys with empty values.
func keys(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "k%d:\n", i)
	}
	return b.String()
}

// TestParseProfilesLimits checks the limits on one profile file: refused
// before parsing when too large, a bounded number of error lines, bounded
// memory (allocation measured, not time).
func TestParseProfilesLimits(t *testing.T) {
	flow := func(n int) string { return "profiles: [" + strings.Repeat("x,", n) + "x]\n" }
	tests := []struct {
		name     string
		data     string
		lines    int    // lines of the error, 0: no error
		want     string // in the error's first line
		last     string // in the error's last line
		maxAlloc uint64 // bytes ParseProfiles may allocate, with room for -race (about +25%)
	}{
		{"2 MB flow sequence refused before parsing", flow(1_000_000), 1, "test.yaml:1:1: the file holds up to 2,000,005 YAML values", "", 1 << 20},
		{"over 4 MiB refused before parsing", "# " + strings.Repeat("x", MaxFileSize) + "\nprofiles: []\n", 1, "test.yaml:1:1: the file is larger than the 4 MiB (4,194,304 bytes) a profile file may hold", "", 1 << 20},
		{"flow sequence under the value limit: errors capped", flow(200_000), MaxFileErrors + 1, "test.yaml:1:12: a profile is a mapping (name:, rules: ...), not a string", "test.yaml:1:212: … and 199,901 more problems in this file (only the first 100 are shown)", 120 << 20},
		{"unknown keys just under the value limit", keys(MaxFileValues/2 - 2), MaxFileErrors + 1, `test.yaml:1:1: unknown key "k0"`, "… and 249,898 more problems", 200 << 20},
		{"too many terms", plainTerms(MaxFileTerms + 5), 1, fmt.Sprintf("test.yaml:%d:13: more than 100,000 terms in one file", 4+MaxFileTerms+1), "", 150 << 20},
		{"at the term limit", plainTerms(MaxFileTerms), 0, "", "", 150 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			data := []byte(tt.data)
			alloc := allocated(func() { _, err = ParseProfiles("test.yaml", data) })
			t.Logf("%d bytes of YAML: %.1f MB allocated", len(tt.data), float64(alloc)/(1<<20))
			if alloc > tt.maxAlloc {
				t.Errorf("allocated %d MB, want at most %d MB", alloc>>20, tt.maxAlloc>>20)
			}
			if tt.lines == 0 {
				if err != nil {
					t.Fatalf("error: %.300v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			var list yamlpos.List
			if !errors.As(err, &list) {
				t.Fatalf("error %T is not a yamlpos.List", err)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != tt.lines {
				t.Errorf("%d lines, want %d: %.500v", len(lines), tt.lines, err)
			}
			if !strings.Contains(lines[0], tt.want) {
				t.Errorf("first line %q does not contain %q", lines[0], tt.want)
			}
			if !strings.Contains(lines[len(lines)-1], tt.last) {
				t.Errorf("last line %q does not contain %q", lines[len(lines)-1], tt.last)
			}
		})
	}
}

func TestYAMLValuesIsAnUpperBound(t *testing.T) {
	docs := []string{
		"profiles: [x, y]",
		"{a, b, c}",
		"[[[[x]]]]",
		"a:\nb:\nc:\n",
		"- - - -\n-\n",
		"? a\n? b\n",
		"[a: b, c: d]",
		`{"a":1,"b":[1,2,{"c":3}]}`,
		"x",
		"",
		"a: &x [1, 2]\nb: *x\nc: {<<: *x}\n",
		"- |\n  text: with - indicators, [inside]\n",
	}
	for _, d := range docs {
		t.Run(d, func(t *testing.T) {
			var count func(*yaml.Node) int
			count = func(n *yaml.Node) int {
				c := 1
				for _, k := range n.Content {
					c += count(k)
				}
				return c
			}
			var root yaml.Node
			if err := yaml.Unmarshal([]byte(d), &root); err != nil {
				t.Skipf("not YAML: %v", err)
			}
			if got, bound := count(&root), yamlValues([]byte(d)); got > bound {
				t.Errorf("%d values, bound %d", got, bound)
			}
		})
	}
}

// TestErrorsOneLineEach checks that every problem stays on one line, even
// when the YAML decoder quotes a value with line breaks.
func TestErrorsOneLineEach(t *testing.T) {
	for _, src := range []string{
		"profiles:\n  - name: a\n    weights: {title: \"x\\ny\"}\n    rules: [{any: [a]}]\n",
		"00\n\n0",
		"profiles:\n  - name: a\n    rules:\n      - any: [a]\n        within: \"1\\n2\"\n",
	} {
		_, err := ParseProfiles("t.yaml", []byte(src))
		if err == nil {
			t.Fatalf("%q: no error", src)
		}
		for _, l := range strings.Split(err.Error(), "\n") {
			if !strings.HasPrefix(l, "t.yaml:") {
				t.Errorf("%q: error line %q without a position", src, l)
			}
		}
	}
}
