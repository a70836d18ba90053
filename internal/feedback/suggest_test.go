package feedback

import (
	"fmt"
	"strings"
	"testing"
)

func entries(matched string, titles ...string) []Entry {
	var es []Entry
	for i, t := range titles {
		es = append(es, Entry{ItemID: fmt.Sprint(i), Title: t, Matched: strings.Split(matched, ",")})
	}
	return es
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		name    string
		flagged []Entry
		kept    []Entry
		want    []string // "kind:term" that must be suggested, with flagged/kept removed
		counts  map[string][2]int
		notWant []string // "kind:term" that must not be suggested
	}{
		{
			name: "a word the flagged entries share",
			flagged: entries("India",
				"India beat Australia at cricket in Perth",
				"Cricket: India squad named for the tour",
				"India cricket board names new coach"),
			kept: entries("India",
				"India and US sign semiconductor supply pact",
				"India semiconductor fab gets US backing",
				"US chip firms eye India semiconductor plants",
				"India tariffs on US goods to fall"),
			want:    []string{"none:cricket"},
			counts:  map[string][2]int{"none:cricket": {3, 0}},
			notWant: []string{"none:semiconductor", "none:india", "none:australia"},
		},
		{
			name: "a phrase around the trigger",
			flagged: entries("trust",
				"Press Trust reports monsoon arrival",
				"Floods in Assam, says Press Trust",
				"Press Trust: markets close higher"),
			kept: entries("trust",
				"TRUST initiative expands to quantum computing",
				"US and India review the trust framework for critical technology",
				"Trust deficit narrows in critical technology talks"),
			want:    []string{"ignore:press trust"},
			counts:  map[string][2]int{"ignore:press trust": {3, 0}},
			notWant: []string{"none:trust", "none:critical"},
		},
		{
			name: "context the kept entries have",
			flagged: entries("tariff",
				"Electricity tariff revised for Mumbai homes",
				"Water tariff to rise next month in Pune",
				"Toll tariff on expressways goes up"),
			kept: entries("tariff",
				"Washington threatens tariff on Indian steel",
				"Washington and Delhi near tariff truce",
				"Tariff talks resume in Washington"),
			want:   []string{"near:washington"},
			counts: map[string][2]int{"near:washington": {3, 0}},
		},
		{
			name:    "nothing shared",
			flagged: entries("x", "Alpha beta gamma", "Delta epsilon zeta"),
			kept:    entries("x", "Eta theta iota"),
			notWant: []string{"none:alpha", "none:delta"},
		},
		{
			name:    "one flagged entry is an anecdote",
			flagged: entries("India", "India cricket win"),
			kept:    entries("India", "India chips"),
			notWant: []string{"none:cricket"},
		},
		{
			name:    "no flagged entries",
			kept:    entries("India", "India chips", "India chips again"),
			notWant: []string{"none:chips"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]Suggestion{}
			for _, s := range Suggest(tt.flagged, tt.kept) {
				got[s.Kind+":"+s.Term] = s
				if s.Flagged <= s.Kept || s.Edit == "" {
					t.Errorf("suggestion %+v removes no more flagged than kept entries, or has no edit", s)
				}
			}
			for _, w := range tt.want {
				s, ok := got[w]
				if !ok {
					t.Errorf("missing %s; got %v", w, keys(got))
					continue
				}
				if c, ok := tt.counts[w]; ok && (s.Flagged != c[0] || s.Kept != c[1]) {
					t.Errorf("%s removes %d flagged and %d kept, want %d and %d", w, s.Flagged, s.Kept, c[0], c[1])
				}
			}
			for _, w := range tt.notWant {
				if _, ok := got[w]; ok {
					t.Errorf("suggested %s, which kept entries share or too few flagged ones have", w)
				}
			}
		})
	}
}

func keys(m map[string]Suggestion) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
