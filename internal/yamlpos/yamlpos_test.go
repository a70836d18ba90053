package yamlpos

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type inner struct {
	Name  string `yaml:"name"`
	Count int    `yaml:"count"`
}

type outer struct {
	Title string           `yaml:"title"`
	Items []inner          `yaml:"items"`
	Map   map[string]inner `yaml:"map"`
	Odd   odd              `yaml:"odd"`
}

// odd accepts only the value "odd", failing with a ValueError otherwise.
type odd string

func (o *odd) UnmarshalYAML(n *yaml.Node) error {
	if n.Value != "odd" {
		return ValueError(n, "want odd, got %q", n.Value)
	}
	*o = odd(n.Value)
	return nil
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
			"f.yaml:2:1: unknown key \"titel\" (known keys: items, map, odd, title)",
			"f.yaml:5:5: unknown key \"cnt\" (known keys: count, name)",
		}},
		{"type error", "items:\n  - name: a\n    count: abc\n", []string{"f.yaml:3:12: cannot use a str `abc` into int"}},
		{"syntax", "title: [x\n", []string{"f.yaml:1:1: invalid YAML: did not find"}},
		{"duplicate", "title: a\ntitle: b\n", []string{"f.yaml:2:1: duplicate key \"title\""}},
		{"map values", "map:\n  k:\n    nme: a\n", []string{"f.yaml:3:5: unknown key \"nme\""}},
		{"duplicate map key", "map:\n  k: {name: a}\n  k: {name: b}\n", []string{"f.yaml:3:3: duplicate key \"k\""}},
		{"duplicate then bad value", "title: a\ntitle: b\nitems:\n  - count: x\n", []string{
			"f.yaml:2:1: duplicate key \"title\"",
			"f.yaml:4:12: cannot use a str `x` into int",
		}},
		{"unknown key and bad value", "titel: x\nitems: [{count: many}]\n", []string{
			"f.yaml:1:1: unknown key \"titel\"",
			"f.yaml:2:17: cannot use a str `many` into int",
		}},
		{"fraction", "items:\n  - count: 2.5\n", []string{"f.yaml:2:12: expected a whole number, got 2.5"}},
		{"exponent", "items:\n  - count: 1e3\n", []string{"f.yaml:2:12: expected a whole number, got 1e3"}},
		{"value errors all reported", "odd: even\nitems: [{count: x}]\n", []string{
			"f.yaml:1:6: want odd, got \"even\"",
			"f.yaml:2:17: cannot use a str `x` into int",
		}},
		{"second document", "title: a\n---\ntitle: b\n", []string{"f.yaml:3:1: a second YAML document starts here"}},
		{"second document scalar", "title: a\n--- x\n", []string{"f.yaml:2:5: a second YAML document starts here"}},
		{"second document broken", "title: a\n---\n[\n", []string{"f.yaml:3:1: invalid YAML"}},
		{"trailing document marker", "title: a\n---\n", nil},
		{"leading document marker", "---\ntitle: a\n...\n", nil},
		{"invalid UTF-8", "title: a\nitems:\n  - name: \"caf\xe9\"\n", []string{"f.yaml:3:15: invalid YAML: invalid UTF-8 (byte 0xe9)"}},
		{"invalid UTF-8 after multibyte", "title: \"é\xff\"\n", []string{"f.yaml:1:10: invalid YAML: invalid UTF-8 (byte 0xff)"}},
		{"control character", "title: a\n\ntitle2: \x01\n", []string{"f.yaml:3:9: invalid YAML: control character U+0001"}},
		{"BOM", "\uFEFFtitle: a\n", nil},
		{"line break in a quoted value", "items: \"a\\nb\"\n", []string{"f.yaml:1:8: cannot use a str `a\\nb` into []yamlpos.inner"}},
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

func TestListCapped(t *testing.T) {
	var l List
	for i := range 1334 {
		l = append(l, &Error{File: "f.yaml", Line: 1334 - i, Col: 1, Msg: "bad"})
	}
	short := l[:3].Capped(3)
	if len(short) != 3 || short[0].Line != 1332 {
		t.Errorf("a list within the cap changed: %v", short)
	}
	lines := strings.Split(l.Capped(100).Error(), "\n")
	if len(lines) != 101 {
		t.Fatalf("printed %d lines, want 101", len(lines))
	}
	if lines[0] != "f.yaml:1:1: bad" || lines[99] != "f.yaml:100:1: bad" {
		t.Errorf("first and last shown = %q, %q; want the first 100 by position", lines[0], lines[99])
	}
	if want := "f.yaml:101:1: … and 1,234 more problems in this file (only the first 100 are shown)"; lines[100] != want {
		t.Errorf("last line = %q, want %q", lines[100], want)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1048570: "1,048,570"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestLineCol(t *testing.T) {
	data := []byte("ab\nçd\r\nxyz")
	for _, tt := range []struct{ off, line, col int }{{0, 1, 1}, {3, 2, 1}, {5, 2, 2}, {9, 3, 2}} {
		if l, c := lineCol(data, tt.off); l != tt.line || c != tt.col {
			t.Errorf("lineCol(%d) = %d:%d, want %d:%d", tt.off, l, c, tt.line, tt.col)
		}
	}
}
