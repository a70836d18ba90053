package yamlpos

import (
	"strings"
	"testing"
)

type inner struct {
	Name  string `yaml:"name"`
	Count int    `yaml:"count"`
}

type outer struct {
	Title string           `yaml:"title"`
	Items []inner          `yaml:"items"`
	Map   map[string]inner `yaml:"map"`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"ok", "title: x\nitems:\n  - name: a\n    count: 2\n", nil},
		{"empty", "", nil},
		{"unknown keys", "title: x\ntitel: y\nitems:\n  - name: a\n    cnt: 2\n", []string{
			"f.yaml:2:1: unknown key \"titel\" (known keys: items, map, title)",
			"f.yaml:5:5: unknown key \"cnt\" (known keys: count, name)",
		}},
		{"type error", "items:\n  - name: a\n    count: abc\n", []string{"f.yaml:3:12: cannot use a str `abc` into int"}},
		{"syntax", "title: [x\n", []string{"f.yaml:1:1: invalid YAML: did not find"}},
		{"duplicate", "title: a\ntitle: b\n", []string{"f.yaml:2:1: duplicate key \"title\""}},
		{"map values", "map:\n  k:\n    nme: a\n", []string{"f.yaml:3:5: unknown key \"nme\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o outer
			_, errs := Decode("f.yaml", []byte(tt.in), &o)
			if len(errs) != len(tt.want) {
				t.Fatalf("got %d errors %v, want %d", len(errs), errs, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(errs[i].Error(), w) {
					t.Errorf("error %d = %q, want prefix %q", i, errs[i].Error(), w)
				}
			}
		})
	}
}
