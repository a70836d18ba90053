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
