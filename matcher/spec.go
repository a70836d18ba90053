package matcher

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/newsbot/newsbot/internal/yamlpos"
)

// Spec is one profile as written in a profile file. ParseProfiles returns
// them; Compile turns them into a Matcher. Specs built in code work too, but
// their Compile errors carry no position.
type Spec struct {
	Name        string
	Description string
	// Channel is the Slack channel for the profile's digest; empty means the
	// default channel.
	Channel string
	// Alert is "" (digest only) or "immediate".
	Alert   string
	Weights Weights
	// Lists are the named term lists the profile's rules may use as "$name":
	// the file's top-level lists and the profile's own.
	Lists map[string]List
	// Ignore lists phrases whose words never count as hits for this profile.
	Ignore []Term
	// None vetoes the whole profile when any of its terms hits.
	None []Term
	// Rules: the profile matches when any rule matches.
	Rules []Rule

	pos Pos
}

// Weights scores hits by field.
type Weights struct {
	Title, Body float64
}

// DefaultWeights are the weights of a profile that sets none.
var DefaultWeights = Weights{Title: 3, Body: 1}

// List is a named list of terms.
type List struct {
	Terms []Term
	pos   Pos
}

// Term is one term as written. A Text starting with "$" written as a plain
// string refers to a list; the mapping form ({term: ...}) is always literal.
type Term struct {
	Text string
	// Case makes the term case-sensitive (for acronyms such as TRUST).
	Case bool
	// Exact turns off plural and singular variants.
	Exact bool
	// Ref is the name of the list the entry refers to, or "".
	Ref string

	pos Pos
}

// Rule is one way for a profile to match.
type Rule struct {
	// Any: the rule needs a hit on at least one of these (its triggers).
	Any []Term
	// All: every group needs a hit somewhere in the item.
	All []Group
	// Near: every group needs a hit within Within words of a trigger (the
	// title reads as the words just before the body).
	Near   []Group
	Within int
	// None: a hit on any of these anywhere in the item vetoes the rule.
	None []Term

	pos Pos
}

// Group is one requirement of All or Near: satisfied by a hit on any of its
// terms (a single term, an inline list, or a "$list").
type Group []Term

// Pos is a position in a profile file.
type Pos struct {
	File      string
	Line, Col int
}

func posOf(file string, n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: file}
	}
	return Pos{File: file, Line: n.Line, Col: n.Column}
}

// The documents as decoded; term lists stay nodes so that every bad term is
// reported, not only the first.
type fileDoc struct {
	Lists    yaml.Node   `yaml:"lists"`
	Profiles []yaml.Node `yaml:"profiles"`
}

type profileDoc struct {
	Name        string      `yaml:"name"`
	Description string      `yaml:"description"`
	Channel     string      `yaml:"channel"`
	Alert       string      `yaml:"alert"`
	Weights     *weightsDoc `yaml:"weights"`
	Lists       yaml.Node   `yaml:"lists"`
	Ignore      yaml.Node   `yaml:"ignore"`
	None        yaml.Node   `yaml:"none"`
	Rules       []yaml.Node `yaml:"rules"`
}

type weightsDoc struct {
	Title *float64 `yaml:"title"`
	Body  *float64 `yaml:"body"`
}

type ruleDoc struct {
	Any    yaml.Node `yaml:"any"`
	All    yaml.Node `yaml:"all"`
	Near   yaml.Node `yaml:"near"`
	Within int       `yaml:"within"`
	None   yaml.Node `yaml:"none"`
}

type termDoc struct {
	Term  string `yaml:"term"`
	Case  bool   `yaml:"case"`
	Exact bool   `yaml:"exact"`
}

var listName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// ParseProfiles parses one profile file. The error, if any, is a
// yamlpos.List with every problem found, each as "file:line:col: message".
// Problems that need all files at once (duplicate names, undefined lists,
// terms that cannot match) are Compile's.
func ParseProfiles(file string, data []byte) ([]Spec, error) {
	var doc fileDoc
	root, errs := yamlpos.Decode(file, data, &doc)
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	p := parser{file: file}
	if root == nil || len(doc.Profiles) == 0 {
		p.errs = append(p.errs, &yamlpos.Error{File: file, Line: 1, Col: 1, Msg: "no profiles: the file needs a top-level profiles: list"})
		return nil, p.errs.Err()
	}
	shared := p.lists(&doc.Lists)
	var specs []Spec
	for i := range doc.Profiles {
		if s, ok := p.profile(&doc.Profiles[i], shared); ok {
			specs = append(specs, s)
		}
	}
	if err := p.errs.Err(); err != nil {
		return nil, err
	}
	return specs, nil
}

type parser struct {
	file string
	errs yamlpos.List
}

func (p *parser) profile(n *yaml.Node, shared map[string]List) (Spec, bool) {
	var d profileDoc
	if errs := yamlpos.DecodeNode(p.file, n, &d); len(errs) > 0 {
		p.errs = append(p.errs, errs...)
		return Spec{}, false
	}
	s := Spec{
		Name:        strings.TrimSpace(d.Name),
		Description: strings.TrimSpace(d.Description),
		Channel:     strings.TrimSpace(d.Channel),
		Alert:       d.Alert,
		Weights:     DefaultWeights,
		pos:         posOf(p.file, n),
	}
	if nn := valueOf(n, "name"); nn != nil {
		s.pos = posOf(p.file, nn)
	}
	if s.Name == "" {
		p.errs.Add(p.file, n, "profile without a name")
	}
	if s.Alert != "" && s.Alert != "immediate" {
		p.errs.Add(p.file, valueOf(n, "alert"), "alert must be \"\" or \"immediate\", not %q", s.Alert)
	}
	if w := d.Weights; w != nil {
		wn := valueOf(n, "weights")
		if w.Title != nil {
			s.Weights.Title = *w.Title
		}
		if w.Body != nil {
			s.Weights.Body = *w.Body
		}
		if s.Weights.Title < 0 || s.Weights.Body < 0 {
			p.errs.Add(p.file, wn, "weights must not be negative")
		}
	}
	s.Lists = map[string]List{}
	for k, v := range shared {
		s.Lists[k] = v
	}
	ln := &d.Lists
	for k, v := range p.lists(ln) {
		if _, dup := shared[k]; dup {
			p.errs.Add(p.file, keyOf(ln, k), "list %q is already defined at the top of the file", k)
			continue
		}
		s.Lists[k] = v
	}
	s.Ignore = p.terms(&d.Ignore, false)
	s.None = p.terms(&d.None, true)
	for i := range d.Rules {
		if r, ok := p.rule(&d.Rules[i]); ok {
			s.Rules = append(s.Rules, r)
		}
	}
	return s, true
}

func (p *parser) rule(n *yaml.Node) (Rule, bool) {
	var d ruleDoc
	if errs := yamlpos.DecodeNode(p.file, n, &d); len(errs) > 0 {
		p.errs = append(p.errs, errs...)
		return Rule{}, false
	}
	r := Rule{
		Any:    p.terms(&d.Any, true),
		All:    p.groups(&d.All),
		Near:   p.groups(&d.Near),
		Within: d.Within,
		None:   p.terms(&d.None, true),
		pos:    posOf(p.file, n),
	}
	if d.Any.Kind == 0 {
		p.errs.Add(p.file, n, "rule without any: it needs at least one trigger term")
	}
	if len(r.Near) > 0 && r.Within <= 0 {
		p.errs.Add(p.file, valueOrNode(n, "within"), "near: needs within: (a window in words, at least 1)")
	}
	if len(r.Near) == 0 && r.Within != 0 {
		p.errs.Add(p.file, valueOf(n, "within"), "within: without near:")
	}
	return r, true
}

// lists parses a mapping of list names to term lists.
func (p *parser) lists(n *yaml.Node) map[string]List {
	out := map[string]List{}
	if n.Kind == 0 {
		return out
	}
	if n.Kind != yaml.MappingNode {
		p.errs.Add(p.file, n, "lists must be a mapping of names to term lists")
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !listName.MatchString(k.Value) {
			p.errs.Add(p.file, k, "list name %q: use letters, digits, _ and -", k.Value)
			continue
		}
		if _, dup := out[k.Value]; dup {
			p.errs.Add(p.file, k, "duplicate list %q", k.Value)
			continue
		}
		out[k.Value] = List{Terms: p.terms(v, true), pos: posOf(p.file, k)}
	}
	return out
}

// terms parses a term list; refs says whether "$name" entries are allowed.
func (p *parser) terms(n *yaml.Node, refs bool) []Term {
	if n.Kind == 0 {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.errs.Add(p.file, n, "expected a list of terms")
		return nil
	}
	if len(n.Content) == 0 {
		p.errs.Add(p.file, n, "empty list of terms")
		return nil
	}
	var out []Term
	for _, c := range n.Content {
		if t, ok := p.term(c, refs); ok {
			out = append(out, t)
		}
	}
	return out
}

func (p *parser) term(n *yaml.Node, refs bool) (Term, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			p.errs.Add(p.file, n, "empty term")
			return Term{}, false
		}
		t := Term{Text: n.Value, pos: posOf(p.file, n)}
		if name, ok := strings.CutPrefix(n.Value, "$"); ok {
			if !refs {
				p.errs.Add(p.file, n, "%q: ignore: takes phrases, not lists (write {term: %q} for a literal $)", n.Value, n.Value)
				return Term{}, false
			}
			t.Ref = name
		}
		return t, true
	case yaml.MappingNode:
		var d termDoc
		if errs := yamlpos.DecodeNode(p.file, n, &d); len(errs) > 0 {
			p.errs = append(p.errs, errs...)
			return Term{}, false
		}
		if d.Term == "" {
			p.errs.Add(p.file, n, "term: is missing or empty")
			return Term{}, false
		}
		return Term{Text: d.Term, Case: d.Case, Exact: d.Exact, pos: posOf(p.file, valueOf(n, "term"))}, true
	default:
		p.errs.Add(p.file, n, "a term is a string or a mapping {term: ..., case: true, exact: true}")
		return Term{}, false
	}
}

// groups parses the entries of all: or near:, each a term, a "$list" or an
// inline list of terms.
func (p *parser) groups(n *yaml.Node) []Group {
	if n.Kind == 0 {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.errs.Add(p.file, n, "expected a list of terms, $lists or [inline, lists]")
		return nil
	}
	var out []Group
	for _, c := range n.Content {
		if c.Kind == yaml.SequenceNode {
			if g := p.terms(c, true); len(g) > 0 {
				out = append(out, g)
			}
			continue
		}
		if t, ok := p.term(c, true); ok {
			out = append(out, Group{t})
		}
	}
	return out
}

// valueOf returns the value node of key in mapping n, or nil.
func valueOf(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// keyOf returns the key node of key in mapping n, or n.
func keyOf(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return n
}

func valueOrNode(n *yaml.Node, key string) *yaml.Node {
	if v := valueOf(n, key); v != nil {
		return v
	}
	return n
}
