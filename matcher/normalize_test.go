package matcher

import (
	"path/filepath"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"case folding", "DRDO Tests", "drdo tests"},
		{"dashes and hyphens separate", "INDUS-X Indus–X Indus—X", "indus x indus x indus x"},
		{"curly and straight quotes", "India’s “TRUST” 'x'", "india s trust x"},
		{"spaces of every kind", "a\u00a0b\u2009c\u3000d\te\n", "a b c d e"},
		{"ampersand", "R&D", "r and d"},
		{"NFKC", "ＤＲＤＯ ﬁle ①", "drdo file 1"},
		{"full case folding", "Straße ΣΑΣ", "strasse σασ"},
		{"Devanagari matras stay in the word", "टैरिफ़ों, भारत।", "टैरिफों भारत"},
		{"zero-width joiners dropped", "क्\u200dष", "क्ष"},
		{"compatibility splits", "½", "1 2"},
		{"nothing", " —“” ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzNormalize(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "seeds", "*.txt"))
	for _, file := range files {
		d := readSeed(f, file)
		f.Add(d.Title)
	}
	for _, s := range []string{"INDUS–X", "टैरिफ़ों", "ﬁ½①", "Straße", "\u200d\u093c", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if nn := Normalize(n); nn != n {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, n, nn)
		}
	})
}
