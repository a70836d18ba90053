package matcher

import (
	"slices"
	"strings"
	"testing"
)

func TestSpellings(t *testing.T) {
	tests := []struct {
		name string
		term Term
		want []string
	}{
		{"hyphen joins or splits", Term{Text: "INDUS-X", Case: true}, []string{"indus x", "indusx"}},
		{"space only splits", Term{Text: "Joint Technical Group", Exact: true}, []string{"joint technical group"}},
		{"plural of last word", Term{Text: "trade deal"}, []string{"trade deal", "trade deals"}},
		{"y to ies", Term{Text: "duty"}, []string{"duty", "duties"}},
		{"ies to y", Term{Text: "levies"}, []string{"levies", "levy"}},
		{"sibilant", Term{Text: "tax"}, []string{"tax", "taxes"}},
		{"us is not a plural", Term{Text: "Indus"}, []string{"indus"}},
		{"short words stay", Term{Text: "US"}, []string{"us"}},
		{"Hindi oblique plural", Term{Text: "टैरिफ"}, []string{"टैरिफ", "टैरिफों"}},
		{"dots", Term{Text: "U.S.", Case: true}, []string{"u s", "US"}},
		{"dotted abbreviation closes up in capitals", Term{Text: "U.S."}, []string{"u s", "US"}},
		{"lower-case dotted abbreviation too", Term{Text: "u.s."}, []string{"u s", "US"}},
		{"mixed case kept as written", Term{Text: "Ph.D."}, []string{"ph d", "PhD"}},
		{"all dots close up together", Term{Text: "U.S.A."}, []string{"u s a", "USA"}},
		{"no plural of a closed-up abbreviation", Term{Text: "S.T.E.M."}, []string{"s t e m", "STEM"}},
		{"more than maxJoins dots", Term{Text: "A.B.C.D.E.F."}, []string{"a b c d e f", "ABCDEF"}},
		{"abbreviation in a phrase", Term{Text: "U.N. council"}, []string{"u n council", "u n councils", "UN council", "UN councils"}},
		{"decimal point", Term{Text: "1.5 degree"}, []string{"1 5 degree", "1 5 degrees"}},
		{"one character, two words", Term{Text: "½.5"}, []string{"1 2 5"}},
		{"nothing", Term{Text: "—"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, v := range spellings(tt.term) {
				ws := slices.Clone(v.words)
				for _, c := range v.caps {
					ws[c.i] = c.written // shown in the capitals it needs
				}
				got = append(got, strings.Join(ws, " "))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("spellings(%q) = %q, want %q", tt.term.Text, got, tt.want)
			}
		})
	}
}

func TestCompileSharesTerms(t *testing.T) {
	m := compileYAML(t, `profiles:
  - name: a
    rules:
      - any: [tariff]
  - name: b
    rules:
      - any: [tariff, duty]
`)
	if len(m.terms) != 2 {
		t.Errorf("%d terms, want 2 shared between profiles", len(m.terms))
	}
	if got := profileNames(m.Match(Document{Body: "tariffs"})); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("profiles = %v, want [a b]", got)
	}
}

// TestCompileLinear checks that compiling a rule of many terms costs memory
// in proportion to the terms (issue 11: 200,000 terms took 17 s and 400,000
// 800 MB). Time is measured by BenchmarkCompileLargeRule; the allocations
// here are deterministic.
func TestCompileLinear(t *testing.T) {
	perTerm := map[int]float64{}
	for _, n := range []int{25_000, 50_000} {
		specs := bigRule(n)
		var err error
		alloc := allocated(func() { _, err = Compile(specs) })
		if err != nil {
			t.Fatal(err)
		}
		perTerm[n] = float64(alloc) / float64(n)
		t.Logf("%d terms: %.1f MB, %.0f B/term", n, float64(alloc)/(1<<20), perTerm[n])
		if perTerm[n] > 3<<10 {
			t.Errorf("%d terms: %.0f bytes per term, want at most 3 KiB", n, perTerm[n])
		}
	}
	if r := perTerm[50_000] / perTerm[25_000]; r > 1.3 {
		t.Errorf("bytes per term grow %.2f× from 25,000 to 50,000 terms, want linear", r)
	}
}
