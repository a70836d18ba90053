package matcher

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/internal/yamlpos"
)

// TestInvalidProfiles checks one fixture per kind of error: ParseProfiles's
// and, when parsing succeeds, Compile's, with exact positions.
func TestInvalidProfiles(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"syntax.yaml", []string{`syntax.yaml:3:1: invalid YAML: did not find expected ',' or ']'`}},
		{"unknown-key.yaml", []string{`unknown-key.yaml:4:5: unknown key "rule" (known keys: alert, channel, description, ignore, lists, name, none, rules, weights)`}},
		{"bad-term.yaml", []string{
			`bad-term.yaml:6:14: unknown key "text" (known keys: case, exact, term)`,
			`bad-term.yaml:7:13: a term is a string or a mapping {term: ..., case: true, exact: true}`,
			`bad-term.yaml:8:13: term: is missing or empty`,
			`bad-term.yaml:9:13: empty term`,
		}},
		{"bad-alert.yaml", []string{
			`bad-alert.yaml:3:12: alert must be "" or "immediate", not "urgent"`,
			`bad-alert.yaml:4:14: weights must not be negative`,
		}},
		{"near-without-within.yaml", []string{
			`near-without-within.yaml:4:9: near: needs within: (a window in words, at least 1)`,
			`near-without-within.yaml:7:17: within: without near:`,
		}},
		{"rule-without-any.yaml", []string{`rule-without-any.yaml:4:9: rule without any: it needs at least one trigger term`}},
		{"no-profiles.yaml", []string{`no-profiles.yaml:1:1: no profiles: the file needs a top-level profiles: list`}},
		{"empty-profile.yaml", []string{`empty-profile.yaml:2:11: profile "TRUST" has no rules: it can never match`}},
		{"duplicate-name.yaml", []string{`duplicate-name.yaml:5:11: duplicate profile name "DRDO" (first defined at duplicate-name.yaml:2:11)`}},
		{"never-matches.yaml", []string{
			`never-matches.yaml:4:24: term "—" can never match: it has no letters or digits`,
			`never-matches.yaml:4:29: term "“ ”" can never match: it has no letters or digits`,
		}},
		{"undefined-list.yaml", []string{`undefined-list.yaml:7:24: list $usa is not defined (defined: $india)`}},
		{"ignore-hides-trigger.yaml", []string{
			`ignore-hides-trigger.yaml:2:11: profile "TRUST" can never match: ignore: "trust" (ignore-hides-trigger.yaml:3:14) hides every occurrence of its trigger "TRUST"`,
			`ignore-hides-trigger.yaml:6:11: profile "same-term" can never match: ignore: "trust" (ignore-hides-trigger.yaml:7:14) hides every occurrence of its trigger "trust"`,
		}},
		{"none-vetoes-trigger.yaml", []string{
			`none-vetoes-trigger.yaml:2:11: profile "quiz" can never match: none: "quiz" (none-vetoes-trigger.yaml:3:12) vetoes it wherever its trigger "DRDO quiz" occurs`,
			`none-vetoes-trigger.yaml:6:11: profile "rule-none" can never match: none: "war" (none-vetoes-trigger.yaml:9:16) vetoes it wherever its trigger "tariff war" occurs`,
		}},
		{"circular-list.yaml", []string{`circular-list.yaml:3:13: list $a refers to itself (via a -> b)`}},
		{"not-mappings.yaml", []string{
			`not-mappings.yaml:2:5: a profile is a mapping (name:, rules: ...), not a string`,
			`not-mappings.yaml:5:9: a rule is a mapping (any:, near: ...), not a string`,
			`not-mappings.yaml:6:9: a rule is a mapping (any:, near: ...), not a list`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "invalid", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			specs, err := ParseProfiles(tt.file, data)
			if err == nil {
				_, err = Compile(specs)
			}
			var list yamlpos.List
			if !errors.As(err, &list) {
				t.Fatalf("error %v (%T), want a yamlpos.List", err, err)
			}
			if got := err.Error(); got != strings.Join(tt.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", got, strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestCompileDuplicateAcrossFiles(t *testing.T) {
	a, err := ParseProfiles("a.yaml", []byte("profiles:\n  - name: DRDO\n    rules:\n      - any: [DRDO]\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseProfiles("b.yaml", []byte("profiles:\n  - name: JTG\n    rules:\n      - any: [JTG]\n  - name: DRDO\n    rules:\n      - any: [DRDO]\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(append(a, b...))
	want := `b.yaml:5:11: duplicate profile name "DRDO" (first defined at a.yaml:2:11)`
	if err == nil || err.Error() != want {
		t.Errorf("Compile error = %v, want %s", err, want)
	}
}

func TestParseProfiles(t *testing.T) {
	specs, err := ParseProfiles("p.yaml", []byte(`lists:
  india: [India]
profiles:
  - name: a
    description: " first "
    channel: "#defence"
    alert: immediate
    weights: {body: 2}
    lists:
      us: [US]
    rules:
      - any: [x, {term: "$5", case: true}]
        near: [$india, [$us, America]]
        within: 4
  - name: b
    rules:
      - any: [y]
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 2 {
		t.Fatalf("%d specs, want 2", len(specs))
	}
	a, b := specs[0], specs[1]
	tests := []struct {
		name      string
		got, want any
	}{
		{"name", a.Name, "a"},
		{"description trimmed", a.Description, "first"},
		{"channel", a.Channel, "#defence"},
		{"alert", a.Alert, "immediate"},
		{"weights default title", a.Weights, Weights{Title: 3, Body: 2}},
		{"default weights", b.Weights, DefaultWeights},
		{"lists merged", len(a.Lists), 2},
		{"top-level list only", len(b.Lists), 1},
		{"literal dollar term", a.Rules[0].Any[1].Text + "/" + a.Rules[0].Any[1].Ref, "$5/"},
		{"case flag", a.Rules[0].Any[1].Case, true},
		{"near groups", len(a.Rules[0].Near), 2},
		{"ref", a.Rules[0].Near[0][0].Ref, "india"},
		{"inline group", len(a.Rules[0].Near[1]), 2},
		{"within", a.Rules[0].Within, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
	m, err := Compile(specs)
	if err != nil {
		t.Fatal(err)
	}
	if hits := m.Match(Document{Body: "India x America"}); len(hits) != 1 || hits[0].Profile != "a" {
		t.Errorf("hits = %+v, want profile a", hits)
	}
	info := m.Profiles()
	if len(info) != 2 || info[0] != (ProfileInfo{Name: "a", Description: "first", Channel: "#defence", Alert: "immediate"}) {
		t.Errorf("Profiles() = %+v", info)
	}
}

// TestWarnings checks the triggers and rules that can never count in a
// profile that can still match: warnings with positions, not errors.
func TestWarnings(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"none", one("      - any: [DRDO]\n"), nil},
		{"ignore inside the trigger is fine", "profiles:\n  - name: p\n    ignore: [Press Trust of India]\n    rules:\n      - any: [trust]\n", nil},
		{"case-sensitive ignore is not certain", "profiles:\n  - name: p\n    ignore: [{term: TRUST, case: true}]\n    rules:\n      - any: [trust]\n", nil},
		{"one dead trigger", "profiles:\n  - name: p\n    ignore: [public trust]\n    rules:\n      - any: [DRDO, public trusts]\n",
			[]string{`test.yaml:5:21: profile "p": this trigger never counts: ignore: "public trust" (test.yaml:3:14) hides every occurrence of its trigger "public trusts"`}},
		{"one dead rule", "profiles:\n  - name: p\n    rules:\n      - any: [DRDO]\n      - any: [tariff war]\n        none: [war]\n",
			[]string{`test.yaml:5:9: profile "p": this rule can never fire: none: "war" (test.yaml:6:16) vetoes it wherever its trigger "tariff war" occurs`}},
		{"only some spellings hidden", "profiles:\n  - name: p\n    ignore: [{term: INDUSX, exact: true}]\n    rules:\n      - any: [INDUS-X]\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := compileYAML(t, tt.src)
			var got []string
			for _, w := range m.Warnings() {
				got = append(got, w.Error())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("warnings = %q, want %q", got, tt.want)
			}
		})
	}
}
