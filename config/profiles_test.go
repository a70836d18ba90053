package config

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/internal/yamlpos"
	"github.com/newsbot/newsbot/matcher"
)

// TestReadProfilesLimits checks that an oversized profile file is refused
// with its position, and that ReadProfiles does not read all of it.
func TestReadProfilesLimits(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse 1 GiB file: reading it whole would be the failure.
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = ReadProfiles(big)
	var list yamlpos.List
	if !errors.As(err, &list) || len(list) != 1 {
		t.Fatalf("error %v, want one positioned problem", err)
	}
	if want := big + ":1:1: the file is larger than the 4 MiB"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want it to start with %q", err, want)
	}
}

// errLine is one line of a profile error: file:line:col: message.
var errLine = regexp.MustCompile(`^(.+):(\d+):(\d+): \S`)

// FuzzLoadProfiles feeds arbitrary YAML to the profile loader: it returns
// profiles or an error, never panics, and every error line carries a
// position and its count is capped. Time stays bounded because the loader
// refuses files over its limits before parsing them.
func FuzzLoadProfiles(f *testing.F) {
	f.Add(BuiltinProfiles())
	invalid, _ := filepath.Glob(filepath.Join("..", "matcher", "testdata", "invalid", "*.yaml"))
	for _, file := range invalid {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		"profiles: [x,x,x,x]",
		"profiles: [{name: a, rules: [{any: [U.S.]}]}]",
		"profiles:\n  - name: a\n    ignore: [trust]\n    rules:\n      - any: [trust]\n",
		"profiles:\n  - name: a\n    none: [US]\n    rules:\n      - any: [{term: US, case: true}]\n",
		"a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nprofiles: [*c]\n",
		"lists: {a: [$b], b: [$a]}\nprofiles: [{name: p, rules: [{any: [$a]}]}]\n",
		"profiles:\n- name: p\n  rules:\n  - any: [S.T.E.M., 1.5, \"\\u00bd\"]\n    near: [[x]]\n    within: 1\n",
		"profiles: x",
		"profiles:\n  - name: p\n    rules: x\n",
		"\xff\xfeprofiles:",
		"--- \n...\n---\nprofiles: []",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "p.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c := &Config{Profiles: path}
		m, err := c.LoadProfiles()
		if err != nil {
			if m != nil {
				t.Fatal("a matcher and an error")
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) > matcher.MaxFileErrors+1 {
				t.Fatalf("%d error lines, want at most %d", len(lines), matcher.MaxFileErrors+1)
			}
			for _, l := range lines {
				if mm := errLine.FindStringSubmatch(l); mm == nil || mm[1] != path {
					t.Fatalf("error line %q without file:line:col", l)
				}
			}
			return
		}
		if m == nil || len(m.Profiles()) == 0 {
			t.Fatal("no matcher and no error")
		}
		text := string(data)
		m.Match(matcher.Document{Title: text[:min(len(text), 200)], Body: text})
	})
}
