package matcher

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// builtin compiles the built-in profile file, config/profiles.yaml.
func builtin(t testing.TB) *Matcher {
	t.Helper()
	const file = "../config/profiles.yaml"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	specs, err := ParseProfiles(file, data)
	if err != nil {
		t.Fatalf("ParseProfiles:\n%v", err)
	}
	m, err := Compile(specs)
	if err != nil {
		t.Fatalf("Compile:\n%v", err)
	}
	return m
}

// readSeed reads a seed article: the first line is the title, the rest the body.
func readSeed(t testing.TB, path string) Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	title, body, _ := strings.Cut(string(data), "\n")
	return Document{Title: title, Body: body}
}

func profileNames(hits []Hit) []string {
	var names []string
	for _, h := range hits {
		names = append(names, h.Profile)
	}
	return names
}

func TestBuiltinProfiles(t *testing.T) {
	m := builtin(t)
	var got []string
	for _, p := range m.Profiles() {
		got = append(got, p.Name)
		if p.Description == "" {
			t.Errorf("profile %s has no description", p.Name)
		}
	}
	if w := m.Warnings(); len(w) > 0 {
		t.Errorf("warnings:\n%v", w)
	}
	want := []string{"TRUST", "INDUS-X", "JTG", "DRDO", "tariffs"}
	if !slices.Equal(got, want) {
		t.Fatalf("profiles = %v, want %v", got, want)
	}
}

// TestSeeds matches the seed articles (copies of /work/shared/seeds) whole,
// in the two shapes feeds give them: the first line as the title and the
// rest as the body, and the first line as the title with the whole article,
// title included, as the body (full text in the description). Each must
// match exactly its listed profiles (issue 10).
func TestSeeds(t *testing.T) {
	m := builtin(t)
	tests := []struct {
		file string
		want []string
	}{
		{"000_9c189d6de6c82f6a.txt", []string{"JTG", "DRDO"}},
		{"001_3463cb10d5ae2763.txt", []string{"TRUST", "INDUS-X"}},
		{"002_55c0f999e37307db.txt", nil},
		{"003_0075319dba9525c9.txt", []string{"TRUST", "INDUS-X", "tariffs"}},
		{"004_4b6f9d08118d5a8f.txt", []string{"TRUST"}},
	}
	for _, tt := range tests {
		path := filepath.Join("testdata", "seeds", tt.file)
		split := readSeed(t, path)
		whole := Document{Title: strings.TrimSpace(split.Title), Body: split.Title + "\n" + split.Body}
		for _, shape := range []struct {
			name string
			doc  Document
		}{{"title+body", split}, {"title+whole", whole}} {
			t.Run(tt.file+"/"+shape.name, func(t *testing.T) {
				hits := m.Match(shape.doc)
				if got := profileNames(hits); !slices.Equal(got, tt.want) {
					t.Errorf("profiles = %v, want %v", got, tt.want)
				}
				for _, h := range hits {
					t.Logf("%s %.1f %q", h.Profile, h.Score, h.Terms)
					if len(h.Terms) == 0 || len(h.Spans) == 0 || h.Score <= 0 {
						t.Errorf("%s: hit without terms, spans or score: %+v", h.Profile, h)
					}
				}
			})
		}
	}
	// Seed 003 tells INDUS-X and the tariffs only after character 2,000:
	// matching its first 2,000 characters alone misses them.
	d := readSeed(t, filepath.Join("testdata", "seeds", tests[3].file))
	if got := profileNames(m.Match(Document{Title: d.Title, Body: firstRunes(d.Body, 2000)})); slices.Equal(got, tests[3].want) {
		t.Errorf("seed 003's first 2,000 characters already match %v: the test does not need the whole text", got)
	}
}

// TestBuiltinUsIsNotUS checks the built-in profiles on the pronoun "us" and
// on text in capitals (issue 10): "us"/"Us" is never the United States, and
// in an all-capitals headline "US" and "TRUST" are ambiguous ("LET US BUILD
// TRUST" against "INDIA, US BUILD TRUST"), so capitals alone decide nothing
// there; a mixed-case body does.
func TestBuiltinUsIsNotUS(t *testing.T) {
	m := builtin(t)
	tests := []struct {
		name string
		doc  Document
		want []string
	}{
		{"pronoun with TRUST and India", Document{Title: "Let us all build TRUST with India"}, nil},
		{"pronoun next to tariffs", Document{Title: "Tariffs on Chinese solar panels will protect us as Indian makers say"}, nil},
		{"Us in a title-case headline", Document{Title: "Tariffs Will Protect Us, Say Indian Solar Makers"}, nil},
		{"all capitals, pronoun", Document{Title: "LET US ALL BUILD TRUST WITH INDIA"}, nil},
		{"all capitals, ambiguous", Document{Title: "INDIA, US BUILD TRUST"}, nil},
		{"all capitals title, mixed-case body", Document{Title: "INDIA, US BUILD TRUST", Body: "New Delhi and Washington reviewed the TRUST initiative on Tuesday."}, []string{"TRUST"}},
		{"mixed case: capitals are the evidence", Document{Title: "India, US build TRUST in chips"}, []string{"TRUST"}},
		{"US in capitals", Document{Title: "US tariffs on Indian shrimp to rise"}, []string{"tariffs"}},
		{"U.S. dotted", Document{Title: "U.S. tariffs on Indian shrimp to rise"}, []string{"tariffs"}},
		{"pronoun and country", Document{Title: "Tell us why India pays a 50% US tariff"}, []string{"tariffs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := m.Match(tt.doc)
			if got := profileNames(hits); !slices.Equal(got, tt.want) {
				t.Errorf("profiles = %v, want %v (hits %+v)", got, tt.want, hits)
			}
		})
	}
}
