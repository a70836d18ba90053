package matcher

import (
	"slices"
	"testing"
)

func TestDiff(t *testing.T) {
	prev := compileYAML(t, `profiles:
  - name: DRDO
    description: d
    rules:
      - any: [{term: DRDO, case: true}]
  - name: Tariffs
    description: d
    rules:
      - any: [tariff]
  - name: Agni
    description: d
    rules:
      - any: [Agni]
`)
	next := compileYAML(t, `profiles:
  - name: DRDO
    description: d
    none: [canteen]
    rules:
      - any: [{term: DRDO, case: true}, Agni]
  - name: Quad
    description: d
    rules:
      - any: [Quad]
`)
	profiles := func(hs []Hit) []string {
		var out []string
		for _, h := range hs {
			out = append(out, h.Profile)
		}
		return out
	}
	tests := []struct {
		name           string
		title          string
		added, dropped []string
	}{
		{"a term added", "Agni-5 test succeeds", []string{"DRDO"}, []string{"Agni"}},
		{"a veto added", "DRDO canteen reopens", nil, []string{"DRDO"}},
		{"matched before and after", "DRDO lab opens", nil, nil},
		{"a new profile", "Quad leaders meet", []string{"Quad"}, nil},
		{"a profile removed", "US raises tariffs", nil, []string{"Tariffs"}},
		{"dropped sorted by name", "Agni tariff talk", []string{"DRDO"}, []string{"Agni", "Tariffs"}},
		{"nothing matches", "Monsoon arrives early", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			added, dropped := Diff(prev, next, Document{Title: tt.title})
			if got := profiles(added); !slices.Equal(got, tt.added) {
				t.Errorf("added = %q, want %q", got, tt.added)
			}
			if got := profiles(dropped); !slices.Equal(got, tt.dropped) {
				t.Errorf("dropped = %q, want %q", got, tt.dropped)
			}
			for _, h := range append(added, dropped...) {
				if len(h.Terms) == 0 || len(h.Spans) == 0 {
					t.Errorf("%s: a hit without its terms and spans: %+v", h.Profile, h)
				}
			}
		})
	}
	// The same matcher on both sides changes nothing.
	if a, d := Diff(next, next, Document{Title: "Agni-5 test succeeds"}); a != nil || d != nil {
		t.Errorf("Diff of a matcher with itself = %v, %v", a, d)
	}
}
