package matcher

import (
	"slices"
	"testing"
)

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
