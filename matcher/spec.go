package matcher

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

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
	Lists    yaml.Node `yaml:"lists"`
	Profiles yaml.Node `yaml:"profiles"`
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
	Rules       yaml.Node   `yaml:"rules"`
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
// yamlpos.List with every problem found (at most MaxFileErrors, then a count
// of the rest), each as "file:line:col: message". Problems that need all
// files at once (duplicate names, undefined lists, terms that cannot match)
// are Compile's. A file over MaxFileSize bytes, MaxFileValues YAML values
// or MaxFileTerms terms is refused.
func ParseProfiles(file string, data []byte) ([]Spec, error) {
	p := parser{file: file}
	if len(data) > MaxFileSize {
		p.errs.add(&yamlpos.Error{File: file, Line: 1, Col: 1, Msg: message.NewPrinter(language.English).Sprintf(
			"the file is larger than the %d MiB (%d bytes) a profile file may hold: split it into several files", MaxFileSize>>20, MaxFileSize)})
		return nil, p.errs.err()
	}
	if n := yamlValues(data); n > MaxFileValues {
		p.errs.add(&yamlpos.Error{File: file, Line: 1, Col: 1, Msg: message.NewPrinter(language.English).Sprintf(
			"the file holds up to %d YAML values (list items, keys and values), more than the %d a profile file may hold: split it into several files", n, MaxFileValues)})
		return nil, p.errs.err()
	}
	var doc fileDoc
	root, errs := p.decode(data, &doc)
	if p.errs.addAll(errs); p.errs.len() > 0 {
		return nil, p.errs.err()
	}
	if pn := &doc.Profiles; pn.Kind != 0 && pn.Kind != yaml.SequenceNode && pn.Tag != "!!null" {
		p.add(pn, "profiles: must be a list of profiles, not %s", kindName(pn))
		return nil, p.errs.err()
	}
	if root == nil || len(doc.Profiles.Content) == 0 {
		p.errs.add(&yamlpos.Error{File: file, Line: 1, Col: 1, Msg: "no profiles: the file needs a top-level profiles: list"})
		return nil, p.errs.err()
	}
	shared := p.lists(&doc.Lists)
	var specs []Spec
	for _, n := range doc.Profiles.Content {
		if s, ok := p.profile(n, shared); ok {
			specs = append(specs, s)
		}
	}
	if err := p.errs.err(); err != nil {
		return nil, err
	}
	return specs, nil
}

type parser struct {
	file   string
	errs   errorList
	nterms int // terms parsed so far, against MaxFileTerms
}

// decode decodes data into doc like yamlpos.Decode, but reports unknown
// top-level keys itself, counting those past MaxFileErrors instead of
// formatting each.
func (p *parser) decode(data []byte, doc *fileDoc) (*yaml.Node, yamlpos.List) {
	var top yaml.Node
	if err := yaml.Unmarshal(data, &top); err != nil {
		return yamlpos.Decode(p.file, data, doc) // for the error's position
	}
	if len(top.Content) == 0 {
		return nil, nil
	}
	root := top.Content[0]
	if root.Kind != yaml.MappingNode && root.Tag != "!!null" {
		p.add(root, "a profile file is a mapping with profiles: (and lists:), not %s", kindName(root))
		return nil, nil
	}
	if root.Kind == yaml.MappingNode {
		unknown := false
		for i := 0; i+1 < len(root.Content); i += 2 {
			if k := root.Content[i]; k.Value != "lists" && k.Value != "profiles" {
				p.add(k, "unknown key %q (known keys: lists, profiles)", k.Value)
				unknown = true
			}
		}
		if unknown {
			return nil, nil
		}
	}
	return root, yamlpos.DecodeNode(p.file, root, doc)
}

// decodeMapping decodes the mapping n into a T for p. When n is not a
// mapping it records the problem notMapping (a format whose one %s is n's
// kind); else it records the decoding problems. It reports whether the T
// holds n. The T is made only for a mapping, so that a file of many scalars
// allocates none.
func decodeMapping[T any](p *parser, n *yaml.Node, notMapping string) (T, bool) {
	if n.Kind != yaml.MappingNode {
		p.add(n, notMapping, kindName(n))
		var zero T
		return zero, false
	}
	var d T
	if errs := yamlpos.DecodeNode(p.file, n, &d); len(errs) > 0 {
		p.errs.addAll(errs)
		return d, false
	}
	return d, true
}

// add records a problem at node n.
func (p *parser) add(n *yaml.Node, format string, args ...any) {
	e := yamlpos.NodeError(n, format, args...)
	e.File = p.file
	p.errs.add(e)
}

func (p *parser) profile(n *yaml.Node, shared map[string]List) (Spec, bool) {
	d, ok := decodeMapping[profileDoc](p, n, "a profile is a mapping (name:, rules: ...), not %s")
	if !ok {
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
		p.add(n, "profile without a name")
	}
	if s.Alert != "" && s.Alert != "immediate" {
		p.add(valueOf(n, "alert"), "alert must be \"\" or \"immediate\", not %q", s.Alert)
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
			p.add(wn, "weights must not be negative")
		}
	}
	s.Lists = map[string]List{}
	for k, v := range shared {
		s.Lists[k] = v
	}
	ln := &d.Lists
	for k, v := range p.lists(ln) {
		if _, dup := shared[k]; dup {
			p.add(keyOf(ln, k), "list %q is already defined at the top of the file", k)
			continue
		}
		s.Lists[k] = v
	}
	s.Ignore = p.terms(&d.Ignore, false)
	s.None = p.terms(&d.None, true)
	switch d.Rules.Kind {
	case 0:
	case yaml.SequenceNode:
		for _, rn := range d.Rules.Content {
			if r, ok := p.rule(rn); ok {
				s.Rules = append(s.Rules, r)
			}
		}
	default:
		p.add(&d.Rules, "rules: must be a list of rules, not %s", kindName(&d.Rules))
	}
	return s, true
}

func (p *parser) rule(n *yaml.Node) (Rule, bool) {
	d, ok := decodeMapping[ruleDoc](p, n, "a rule is a mapping (any:, near: ...), not %s")
	if !ok {
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
		p.add(n, "rule without any: it needs at least one trigger term")
	}
	if len(r.Near) > 0 && r.Within <= 0 {
		p.add(valueOrNode(n, "within"), "near: needs within: (a window in words, at least 1)")
	}
	if len(r.Near) == 0 && r.Within != 0 {
		p.add(valueOf(n, "within"), "within: without near:")
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
		p.add(n, "lists must be a mapping of names to term lists")
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !listName.MatchString(k.Value) {
			p.add(k, "list name %q: use letters, digits, _ and -", k.Value)
			continue
		}
		if _, dup := out[k.Value]; dup {
			p.add(k, "duplicate list %q", k.Value)
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
		p.add(n, "expected a list of terms")
		return nil
	}
	if len(n.Content) == 0 {
		p.add(n, "empty list of terms")
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
	if p.nterms++; p.nterms > MaxFileTerms {
		if p.nterms == MaxFileTerms+1 {
			p.add(n, "more than %s terms in one file: split it into several files", message.NewPrinter(language.English).Sprint(MaxFileTerms))
		}
		return Term{}, false
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			p.add(n, "empty term")
			return Term{}, false
		}
		t := Term{Text: n.Value, pos: posOf(p.file, n)}
		if name, ok := strings.CutPrefix(n.Value, "$"); ok {
			if !refs {
				p.add(n, "%q: ignore: takes phrases, not lists (write {term: %q} for a literal $)", n.Value, n.Value)
				return Term{}, false
			}
			t.Ref = name
		}
		return t, true
	case yaml.MappingNode:
		var d termDoc
		if errs := yamlpos.DecodeNode(p.file, n, &d); len(errs) > 0 {
			p.errs.addAll(errs)
			return Term{}, false
		}
		if d.Term == "" {
			p.add(n, "term: is missing or empty")
			return Term{}, false
		}
		return Term{Text: d.Term, Case: d.Case, Exact: d.Exact, pos: posOf(p.file, valueOf(n, "term"))}, true
	default:
		p.add(n, "a term is a string or a mapping {term: ..., case: true, exact: true}")
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
		p.add(n, "expected a list of terms, $lists or [inline, lists]")
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

// kindName names the kind of node n for messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a string"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		return "an alias"
	}
	return "empty"
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
