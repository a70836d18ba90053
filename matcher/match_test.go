package matcher

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func compileYAML(t testing.TB, src string) *Matcher {
	t.Helper()
	specs, err := ParseProfiles("test.yaml", []byte(src))
	if err != nil {
		t.Fatalf("ParseProfiles:\n%v", err)
	}
	m, err := Compile(specs)
	if err != nil {
		t.Fatalf("Compile:\n%v", err)
	}
	return m
}

// one wraps a single rule's YAML lines into a profile file with profile "p".
func one(rule string) string {
	return "profiles:\n  - name: p\n    description: d\n    rules:\n" + rule
}

func TestMatchLanguage(t *testing.T) {
	tests := []struct {
		name    string
		profile string
		doc     Document
		want    bool
		terms   []string
	}{
		// Whole words, with Unicode boundaries.
		{"word", one("      - any: [trust]\n"), Document{Body: "We trust them."}, true, []string{"trust"}},
		{"not inside a longer word", one("      - any: [trust]\n"), Document{Body: "The trustee resigned."}, false, nil},
		{"Indus not in Industry", one("      - any: [Indus]\n"), Document{Body: "Industry and IndusInd Bank"}, false, nil},
		{"Devanagari word", one("      - any: [टैरिफ]\n"), Document{Body: "अमेरिका ने टैरिफ लगाया।"}, true, []string{"टैरिफ"}},
		{"matra continues a word", one("      - any: [{term: टैरिफ, exact: true}]\n"), Document{Body: "टैरिफों पर बात"}, false, nil},
		{"Devanagari prefix is not a word", one("      - any: [भारत]\n"), Document{Body: "भारतीय सेना"}, false, nil},
		{"nukta ignored", one("      - any: [टैरिफ]\n"), Document{Body: "नए टैरिफ़ लागू"}, true, []string{"टैरिफ"}},
		{"Hindi oblique plural", one("      - any: [शुल्क]\n"), Document{Body: "शुल्कों में कटौती"}, true, []string{"शुल्क"}},
		// Case.
		{"case-insensitive by default", one("      - any: [drdo]\n"), Document{Title: "DRDO tests missile"}, true, []string{"drdo"}},
		{"case-sensitive acronym", one("      - any: [{term: TRUST, case: true}]\n"), Document{Body: "public trust and Trust"}, false, nil},
		{"case-sensitive acronym hits", one("      - any: [{term: TRUST, case: true}]\n"), Document{Body: "the TRUST initiative"}, true, []string{"TRUST"}},
		{"Unicode case folding", one("      - any: [straße]\n"), Document{Body: "STRASSE closed"}, true, []string{"straße"}},
		{"NFKC fullwidth", one("      - any: [DRDO]\n"), Document{Body: "ＤＲＤＯ lab"}, true, []string{"DRDO"}},
		// Spelling variants.
		{"hyphen term, spaced text", one("      - any: [INDUS-X]\n"), Document{Body: "the INDUS X summit"}, true, []string{"INDUS-X"}},
		{"hyphen term, en dash text", one("      - any: [INDUS-X]\n"), Document{Body: "the Indus–X summit"}, true, []string{"INDUS-X"}},
		{"hyphen term, closed up text", one("      - any: [INDUS-X]\n"), Document{Body: "INDUSX summit"}, true, []string{"INDUS-X"}},
		{"hyphen term, NBSP text", one("      - any: [INDUS-X]\n"), Document{Body: "Indus\u00a0X"}, true, []string{"INDUS-X"}},
		{"dotted acronym", one("      - any: [{term: U.S., case: true}]\n"), Document{Body: "the US and India"}, true, []string{"U.S."}},
		{"dotted acronym keeps case", one("      - any: [{term: U.S., case: true}]\n"), Document{Body: "let us go"}, false, nil},
		// Dotted abbreviations: dotted or spaced in any case, closed up only in capitals.
		{"dotted abbreviation, capitals", one("      - any: [U.S.]\n"), Document{Body: "the US and India"}, true, []string{"U.S."}},
		{"dotted abbreviation, not the pronoun", one("      - any: [U.S.]\n"), Document{Body: "let us go"}, false, nil},
		{"dotted abbreviation, not Us", one("      - any: [U.S.]\n"), Document{Title: "Us and Them"}, false, nil},
		{"dotted abbreviation, dotted text", one("      - any: [U.S.]\n"), Document{Body: "U.S. exports"}, true, []string{"U.S."}},
		{"dotted abbreviation, lower-case dotted text", one("      - any: [U.S.]\n"), Document{Body: "u.s. exports"}, true, []string{"U.S."}},
		{"dotted abbreviation, spaced text", one("      - any: [U.S.]\n"), Document{Body: "U. S. exports"}, true, []string{"U.S."}},
		{"lower-case dotted term, capitals text", one("      - any: [u.s.]\n"), Document{Body: "US exports"}, true, []string{"u.s."}},
		{"lower-case dotted term, not the pronoun", one("      - any: [u.s.]\n"), Document{Body: "tell us"}, false, nil},
		{"U.N. is not Kim Jong Un", one("      - any: [U.N.]\n"), Document{Body: "Kim Jong Un said"}, false, nil},
		{"U.N. is UN", one("      - any: [U.N.]\n"), Document{Body: "the UN said"}, true, []string{"U.N."}},
		{"S.T.E.M. is not stem", one("      - any: [S.T.E.M.]\n"), Document{Body: "stem cells and Stem"}, false, nil},
		{"S.T.E.M. is STEM", one("      - any: [S.T.E.M.]\n"), Document{Body: "STEM jobs"}, true, []string{"S.T.E.M."}},
		{"S.T.E.M. spelled out", one("      - any: [S.T.E.M.]\n"), Document{Body: "S.T.E.M. jobs"}, true, []string{"S.T.E.M."}},
		{"S.T.E.M. never half closed", one("      - any: [S.T.E.M.]\n"), Document{Body: "ST E M"}, false, nil},
		{"Ph.D. as written", one("      - any: [Ph.D.]\n"), Document{Body: "a PhD student"}, true, []string{"Ph.D."}},
		{"Ph.D. in capitals", one("      - any: [Ph.D.]\n"), Document{Body: "a PHD student"}, true, []string{"Ph.D."}},
		{"Ph.D. not lower case closed up", one("      - any: [Ph.D.]\n"), Document{Body: "a phd student"}, false, nil},
		{"abbreviation inside a phrase", one("      - any: [U.S. tariff]\n"), Document{Body: "US tariffs rise; tariffs on us"}, true, []string{"U.S. tariff"}},
		{"abbreviation inside a phrase, not the pronoun", one("      - any: [U.S. tariff]\n"), Document{Body: "they put us tariffs"}, false, nil},
		{"decimal point is not closed up", one("      - any: [1.5 degree]\n"), Document{Body: "15 degrees"}, false, nil},
		{"decimal point", one("      - any: [1.5 degree]\n"), Document{Body: "1.5 degrees"}, true, []string{"1.5 degree"}},
		// Capitals are evidence only in text that is not all capitals.
		{"acronym in an all-capitals headline", one("      - any: [{term: TRUST, case: true}]\n"), Document{Title: "LET US BUILD TRUST"}, false, nil},
		{"closed-up abbreviation in an all-capitals headline", one("      - any: [U.S.]\n"), Document{Title: "TRUMP TELLS US TO WAIT"}, false, nil},
		{"dotted abbreviation in an all-capitals headline", one("      - any: [U.S.]\n"), Document{Title: "INDIA, U.S. BUILD TRUST"}, true, []string{"U.S."}},
		{"case-insensitive term in an all-capitals headline", one("      - any: [India]\n"), Document{Title: "INDIA, US BUILD TRUST"}, true, []string{"India"}},
		{"acronym alone", one("      - any: [{term: TRUST, case: true}]\n"), Document{Title: "TRUST"}, true, []string{"TRUST"}},
		{"acronym among acronyms in mixed text", one("      - any: [{term: DIU, case: true}]\n"), Document{Body: "with HAL, BEL, DRDO, ISRO and DIU"}, true, []string{"DIU"}},
		{"acronym in Hindi text", one("      - any: [{term: TRUST, case: true}]\n"), Document{Body: "भारत-अमेरिका TRUST पहल"}, true, []string{"TRUST"}},
		{"capitals title, mixed body", one("      - any: [{term: TRUST, case: true}]\n"), Document{Title: "INDIA, US BUILD TRUST", Body: "The TRUST initiative"}, true, []string{"TRUST"}},
		{"numbers do not make capitals", one("      - any: [{term: TRUST, case: true}]\n"), Document{Body: "2025 TRUST 10"}, true, []string{"TRUST"}},
		// One hit of one span is listed once, under the term written as the text.
		{"one span, two terms: US", one("      - any: [tariff]\n        near: [[U.S., {term: US, case: true}]]\n        within: 3\n"), Document{Body: "US tariffs"}, true, []string{"tariff", "US"}},
		{"one span, two terms: U.S.", one("      - any: [tariff]\n        near: [[{term: US, case: true}, U.S.]]\n        within: 3\n"), Document{Body: "U.S. tariffs"}, true, []string{"tariff", "U.S."}},
		{"one span, two terms: first in the profile", one("      - any: [tariff]\n        near: [[U.S., {term: US, case: true}]]\n        within: 3\n"), Document{Body: "U.S tariffs"}, true, []string{"tariff", "U.S."}},
		{"ampersand is and", one("      - any: [Research and Development]\n"), Document{Body: "Defence Research & Development"}, true, []string{"Research and Development"}},
		{"curly quotes", one("      - any: [India's tariffs]\n"), Document{Body: "India’s tariffs"}, true, []string{"India's tariffs"}},
		// Plurals.
		{"plural", one("      - any: [tariff]\n"), Document{Body: "new tariffs"}, true, []string{"tariff"}},
		{"y to ies", one("      - any: [duty]\n"), Document{Body: "import duties"}, true, []string{"duty"}},
		{"levies", one("      - any: [levy]\n"), Document{Body: "US levies"}, true, []string{"levy"}},
		{"singular of plural term", one("      - any: [reciprocal tariffs]\n"), Document{Body: "a reciprocal tariff"}, true, []string{"reciprocal tariffs"}},
		{"exact turns plurals off", one("      - any: [{term: tariff, exact: true}]\n"), Document{Body: "tariffs"}, false, nil},
		// any / all / none.
		{"all satisfied", one("      - any: [tariff]\n        all: [India, [US, America]]\n"), Document{Title: "tariff", Body: "India and America"}, true, []string{"tariff", "India", "America"}},
		{"all missing a group", one("      - any: [tariff]\n        all: [India, [US, America]]\n"), Document{Title: "tariff", Body: "India and China"}, false, nil},
		{"rule none vetoes", one("      - any: [tariff]\n        none: [electricity]\n"), Document{Body: "electricity tariff"}, false, nil},
		{"profile none vetoes", "profiles:\n  - name: p\n    none: [quiz]\n    rules:\n      - any: [DRDO]\n", Document{Title: "Quiz: DRDO"}, false, nil},
		{"ignore hides words", "profiles:\n  - name: p\n    ignore: [Press Trust of India]\n    rules:\n      - any: [trust]\n", Document{Body: "(Press Trust of India)"}, false, nil},
		{"ignore hides only its own span", "profiles:\n  - name: p\n    ignore: [Press Trust of India]\n    rules:\n      - any: [trust]\n", Document{Body: "Press Trust of India: trust falls"}, true, []string{"trust"}},
		// Proximity.
		{"near within", one("      - any: [JTG]\n        near: [DRDO]\n        within: 3\n"), Document{Body: "DRDO hosted the JTG"}, true, []string{"JTG", "DRDO"}},
		{"near too far", one("      - any: [JTG]\n        near: [DRDO]\n        within: 1\n"), Document{Body: "DRDO hosted the JTG"}, false, nil},
		{"near across title and body", one("      - any: [JTG]\n        near: [DRDO]\n        within: 2\n"), Document{Title: "JTG meets", Body: "DRDO said"}, true, []string{"JTG", "DRDO"}},
		{"near does not count the trigger itself", one("      - any: [TRUST initiative]\n        near: [initiative]\n        within: 5\n"), Document{Body: "TRUST initiative"}, false, nil},
		{"lists", "lists:\n  us: [US, America]\nprofiles:\n  - name: p\n    lists:\n      both: [$us, India]\n    rules:\n      - any: [tariff]\n        near: [$both]\n        within: 2\n", Document{Body: "America tariff"}, true, []string{"tariff", "America"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := compileYAML(t, tt.profile)
			hits := m.Match(tt.doc)
			if got := len(hits) == 1; got != tt.want {
				t.Fatalf("matched = %v (%+v), want %v", got, hits, tt.want)
			}
			if tt.want && !slices.Equal(hits[0].Terms, tt.terms) {
				t.Errorf("terms = %q, want %q", hits[0].Terms, tt.terms)
			}
		})
	}
}

// TestMatchOneSpanOnce checks that two terms hitting the same words make
// one listed term, one span and one score (issue 15: "matched: US, U.S.").
func TestMatchOneSpanOnce(t *testing.T) {
	m := compileYAML(t, one("      - any: [U.S., {term: US, case: true}, tariff]\n"))
	hits := m.Match(Document{Title: "US tariff"})
	if len(hits) != 1 {
		t.Fatalf("hits = %+v", hits)
	}
	h := hits[0]
	if want := []string{"US", "tariff"}; !slices.Equal(h.Terms, want) {
		t.Errorf("terms = %q, want %q", h.Terms, want)
	}
	if len(h.Spans) != 2 || h.Spans[0].Term != "US" {
		t.Errorf("spans = %+v, want one for US and one for tariff", h.Spans)
	}
	if h.Score != 6 {
		t.Errorf("score = %v, want 6 (two title hits at weight 3)", h.Score)
	}
}

func TestMatchSpans(t *testing.T) {
	m := compileYAML(t, one("      - any: [INDUS-X, {term: DRDO, case: true}]\n"))
	doc := Document{Title: "Ｉndus–X and DRDO", Body: "“INDUS X” — DRDO’s INDUSX"}
	hits := m.Match(doc)
	if len(hits) != 1 {
		t.Fatalf("hits = %+v", hits)
	}
	var got []string
	for _, s := range hits[0].Spans {
		field := doc.Title
		if s.Field == "body" {
			field = doc.Body
		}
		got = append(got, s.Field+":"+field[s.Start:s.End]+"="+s.Term)
	}
	want := []string{"title:Ｉndus–X=INDUS-X", "title:DRDO=DRDO", "body:INDUS X=INDUS-X", "body:DRDO=DRDO", "body:INDUSX=INDUS-X"}
	if !slices.Equal(got, want) {
		t.Errorf("spans = %q, want %q", got, want)
	}
}

func TestMatchScoreAndOrder(t *testing.T) {
	m := compileYAML(t, `profiles:
  - name: first
    weights: {title: 5, body: 1}
    rules:
      - any: [alpha, beta]
  - name: second
    rules:
      - any: [gamma]
`)
	tests := []struct {
		name string
		doc  Document
		want map[string]float64
	}{
		{"title beats body", Document{Title: "alpha"}, map[string]float64{"first": 5}},
		{"body", Document{Body: "alpha"}, map[string]float64{"first": 1}},
		{"repeats add a tenth", Document{Body: "alpha alpha alpha"}, map[string]float64{"first": 1.2}},
		{"distinct terms add more than repeats", Document{Body: "alpha beta"}, map[string]float64{"first": 2}},
		{"title and body", Document{Title: "alpha", Body: "alpha"}, map[string]float64{"first": 6}},
		{"default weights, profile order", Document{Title: "gamma", Body: "beta"}, map[string]float64{"first": 1, "second": 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := m.Match(tt.doc)
			if len(hits) != len(tt.want) {
				t.Fatalf("hits = %+v, want %v", hits, tt.want)
			}
			for i, h := range hits {
				if w, ok := tt.want[h.Profile]; !ok || abs(h.Score-w) > 1e-9 {
					t.Errorf("%s score = %v, want %v", h.Profile, h.Score, w)
				}
				if i > 0 && hits[i-1].Profile != "first" {
					t.Errorf("hits out of profile order: %+v", hits)
				}
			}
		})
	}
	if hits := m.Match(Document{Title: "nothing", Body: "here"}); hits != nil {
		t.Errorf("no match: got %+v, want nil", hits)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestMatchConcurrent(t *testing.T) {
	m := builtin(t)
	docs := benchItems(t)
	want := make([][]string, len(docs))
	for i, d := range docs {
		want[i] = profileNames(m.Match(d))
	}
	done := make(chan struct{})
	for g := 0; g < 4; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i, d := range docs {
				if got := profileNames(m.Match(d)); !slices.Equal(got, want[i]) {
					t.Errorf("doc %d: %v, want %v", i, got, want[i])
				}
			}
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}

func FuzzMatch(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "seeds", "*.txt"))
	for _, file := range files {
		d := readSeed(f, file)
		f.Add(d.Title, d.Body[:min(len(d.Body), 2000)])
	}
	f.Add("Indus–X", "डीआरडीओ टैरिफ़ भारत अमेरिका ½ ﬁ \u200d")
	f.Add("\xff\xfe", "INDUS-\x80X")
	m := builtin(f)
	f.Fuzz(func(t *testing.T, title, body string) {
		for _, h := range m.Match(Document{Title: title, Body: body}) {
			if len(h.Terms) == 0 || len(h.Spans) == 0 {
				t.Fatalf("hit without terms or spans: %+v", h)
			}
			for _, s := range h.Spans {
				field := title
				if s.Field == "body" {
					field = body
				} else if s.Field != "title" {
					t.Fatalf("field %q", s.Field)
				}
				if s.Start < 0 || s.End > len(field) || s.Start >= s.End {
					t.Fatalf("span %+v out of bounds of %d bytes", s, len(field))
				}
				// A span starts with a whole first character and ends with a
				// whole last character, even in text with invalid bytes.
				if r, _ := utf8.DecodeRuneInString(field[s.Start:]); r == utf8.RuneError {
					t.Fatalf("span %+v does not start on a character in %q", s, field)
				}
				if r, _ := utf8.DecodeLastRuneInString(field[:s.End]); r == utf8.RuneError {
					t.Fatalf("span %+v does not end on a character in %q", s, field)
				}
				if utf8.ValidString(field) && s.End < len(field) && !utf8.RuneStart(field[s.End]) {
					t.Fatalf("span %+v not on rune boundaries in %q", s, field)
				}
				if !slices.Contains(h.Terms, s.Term) {
					t.Fatalf("span term %q not in %q", s.Term, h.Terms)
				}
				if strings.TrimSpace(field[s.Start:s.End]) == "" {
					t.Fatalf("empty span %+v", s)
				}
			}
		}
	})
}
