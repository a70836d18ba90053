package matcher

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// evalItem is one labelled item of the evaluation set.
type evalItem struct {
	ID    string   `yaml:"id"`
	Lang  string   `yaml:"lang"`
	Want  []string `yaml:"want"`
	Title string   `yaml:"title"`
	Body  string   `yaml:"body"`
}

func loadEval(t *testing.T, split string) []evalItem {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "eval", split+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Items []evalItem `yaml:"items"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Items
}

// counts are the confusion counts of one profile.
type counts struct{ tp, fp, fn int }

func (c counts) precision() float64 {
	if c.tp+c.fp == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fp)
}

func (c counts) recall() float64 {
	if c.tp+c.fn == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fn)
}

// TestEval measures per-profile precision and recall of the built-in
// profiles on the labelled evaluation set, per split and language.
func TestEval(t *testing.T) {
	const floor = 0.95
	m := builtin(t)
	var names []string
	for _, p := range m.Profiles() {
		names = append(names, p.Name)
	}
	for _, split := range []string{"tune", "heldout"} {
		t.Run(split, func(t *testing.T) {
			items := loadEval(t, split)
			byLang := map[string]map[string]*counts{}
			n := map[string]int{}
			ids := map[string]bool{}
			for _, it := range items {
				if ids[it.ID] {
					t.Fatalf("duplicate id %s", it.ID)
				}
				ids[it.ID] = true
				if it.Lang != "en" && it.Lang != "hi" {
					t.Fatalf("%s: lang %q", it.ID, it.Lang)
				}
				for _, w := range it.Want {
					if !slices.Contains(names, w) {
						t.Fatalf("%s: unknown profile %q", it.ID, w)
					}
				}
				n[it.Lang]++
				if byLang[it.Lang] == nil {
					byLang[it.Lang] = map[string]*counts{}
					for _, p := range names {
						byLang[it.Lang][p] = &counts{}
					}
				}
				got := profileNames(m.Match(Document{Title: it.Title, Body: it.Body}))
				for _, p := range names {
					c := byLang[it.Lang][p]
					g, w := slices.Contains(got, p), slices.Contains(it.Want, p)
					switch {
					case g && w:
						c.tp++
					case g:
						c.fp++
						t.Logf("false positive %s: %s %q", p, it.ID, it.Title)
					case w:
						c.fn++
						t.Logf("false negative %s: %s %q", p, it.ID, it.Title)
					}
				}
			}
			var b strings.Builder
			fmt.Fprintf(&b, "\n%-5s %-8s %4s %4s %4s %9s %6s\n", "lang", "profile", "tp", "fp", "fn", "precision", "recall")
			for _, lang := range []string{"en", "hi"} {
				for _, p := range names {
					c := byLang[lang][p]
					if c == nil {
						continue
					}
					fmt.Fprintf(&b, "%-5s %-8s %4d %4d %4d %9.3f %6.3f\n", lang, p, c.tp, c.fp, c.fn, c.precision(), c.recall())
					if c.precision() < floor || c.recall() < floor {
						t.Errorf("%s %s %s: precision %.3f recall %.3f, want both >= %.2f", split, lang, p, c.precision(), c.recall(), floor)
					}
				}
			}
			t.Logf("%s: %d English and %d Hindi items%s", split, n["en"], n["hi"], b.String())
		})
	}
}
