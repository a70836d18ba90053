package matcher

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/newsbot/newsbot/internal/yamlpos"
)

// Matcher matches documents against every compiled profile at once. It is
// immutable after Compile and safe for concurrent use.
type Matcher struct {
	vocab     map[string]int32 // folded word -> word id
	ac        *automaton
	patRefs   [][]patRef // per pattern: the terms it is a spelling of
	terms     []string   // per term id: the term as written
	triggerOf [][]int32  // per term id: the profiles it can trigger, ascending
	profiles  []profile
	warnings  yamlpos.List
	pool      sync.Pool // of *scratch
}

// Warnings returns what Compile found suspicious but not wrong, each as
// "file:line:col: message": rules that can never fire and triggers that
// never count in a profile that can still match (see checkReachable). The
// caller shows them (newsbot validate prints them); they do not stop
// loading.
func (m *Matcher) Warnings() yamlpos.List { return m.warnings }

// patRef ties an automaton pattern to a term. Case-sensitive terms compare
// the matched words' case forms with caseForm; closed-up dotted
// abbreviations compare single words (see spellings).
type patRef struct {
	term     int32
	caseSens bool
	caseForm string
	// caps lists the words closed up from a dotted abbreviation, which must
	// be in capitals.
	caps []capsWord
}

// needsCase reports whether the reference's hits depend on the text's
// capitals.
func (r *patRef) needsCase() bool { return r.caseSens || len(r.caps) > 0 }

type profile struct {
	info   ProfileInfo
	w      Weights
	rank   map[int32]int32 // term id -> order of first use in the profile
	ignore []int32
	none   []int32
	rules  []rule
}

type rule struct {
	any, none []int32
	all, near [][]int32
	within    int32
}

// ProfileInfo describes a compiled profile.
type ProfileInfo struct {
	Name, Description, Channel, Alert string
}

// termKey identifies a term across profiles: same spelling, same flags.
type termKey struct {
	text        string
	case_, exac bool
}

type compiler struct {
	m        *Matcher
	errs     errorList
	warns    errorList
	seenErr  map[string]bool
	termIDs  map[termKey]int32
	patIDs   map[string]int32
	patterns [][]int32
	// mark[id] == stamp when term id is already in the list being resolved:
	// a set that costs nothing to clear.
	mark  []uint32
	stamp uint32
	// Per term id: its key and where it was first written. Spellings as
	// word ids are computed again, and cached in spells, only for the
	// profiles checkReachable looks at.
	keys    []termKey
	termPos []Pos
	spells  map[int32][]spellIDs
}

// Compile builds one Matcher from the profiles of one or more files, in the
// order given; Match reports hits in that order. Every problem — a profile
// without rules, a name used twice, a term that can never match, a "$list"
// that is not defined — comes back at once as a yamlpos.List.
func Compile(specs []Spec) (*Matcher, error) {
	c := &compiler{
		m:       &Matcher{vocab: map[string]int32{}},
		seenErr: map[string]bool{},
		termIDs: map[termKey]int32{},
		patIDs:  map[string]int32{},
	}
	names := map[string]Pos{}
	for i := range specs {
		s := &specs[i]
		if first, dup := names[s.Name]; dup {
			c.errorf(s.pos, "duplicate profile name %q (first defined at %s)", s.Name, first)
		} else {
			names[s.Name] = s.pos
		}
		c.profile(s)
	}
	if err := c.errs.err(); err != nil {
		return nil, err
	}
	if err := c.warns.err(); err != nil {
		c.m.warnings = err.(yamlpos.List)
	}
	m := c.m // not c: the pool must not keep the compiler's tables alive
	m.pool.New = func() any { return m.newScratch() }
	c.m.ac = buildAutomaton(c.patterns, len(c.m.vocab))
	c.m.triggerOf = make([][]int32, len(c.m.terms))
	for pi, p := range c.m.profiles {
		for _, r := range p.rules {
			for _, t := range r.any {
				tp := c.m.triggerOf[t]
				if len(tp) == 0 || tp[len(tp)-1] != int32(pi) {
					c.m.triggerOf[t] = append(tp, int32(pi))
				}
			}
		}
	}
	return c.m, nil
}

// String formats a position as file:line:col.
func (p Pos) String() string {
	file := p.File
	if file == "" {
		file = "<input>"
	}
	return file + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
}

// warnf records a warning: something that works but is surely not meant.
func (c *compiler) warnf(p Pos, format string, args ...any) {
	c.warns.add(&yamlpos.Error{File: p.File, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...)})
}

func (c *compiler) errorf(p Pos, format string, args ...any) {
	e := &yamlpos.Error{File: p.File, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...)}
	if k := e.Error(); !c.seenErr[k] {
		c.seenErr[k] = true
		c.errs.add(e)
	}
}

func (c *compiler) profile(s *Spec) {
	p := profile{
		info: ProfileInfo{Name: s.Name, Description: s.Description, Channel: s.Channel, Alert: s.Alert},
		w:    s.Weights,
		rank: map[int32]int32{},
	}
	if s.Weights == (Weights{}) {
		p.w = DefaultWeights
	}
	if s.Name == "" {
		c.errorf(s.pos, "profile without a name")
	}
	if s.Alert != "" && s.Alert != "immediate" {
		c.errorf(s.pos, "profile %q: alert must be \"\" or \"immediate\", not %q", s.Name, s.Alert)
	}
	if len(s.Rules) == 0 {
		c.errorf(s.pos, "profile %q has no rules: it can never match", s.Name)
	}
	use := func(ids []int32) []int32 {
		for _, id := range ids {
			if _, ok := p.rank[id]; !ok {
				p.rank[id] = int32(len(p.rank))
			}
		}
		return ids
	}
	for _, r := range s.Rules {
		cr := rule{within: int32(r.Within)}
		cr.any = use(c.terms(s, r.Any))
		if len(r.Any) == 0 {
			c.errorf(r.pos, "profile %q: rule without any: it needs at least one trigger term", s.Name)
		}
		for _, g := range r.All {
			cr.all = append(cr.all, use(c.terms(s, g)))
		}
		for _, g := range r.Near {
			cr.near = append(cr.near, use(c.terms(s, g)))
		}
		if len(r.Near) > 0 && r.Within <= 0 {
			c.errorf(r.pos, "profile %q: near: needs within: (a window in words, at least 1)", s.Name)
		}
		cr.none = c.terms(s, r.None)
		p.rules = append(p.rules, cr)
	}
	p.ignore = c.terms(s, s.Ignore)
	p.none = c.terms(s, s.None)
	c.checkReachable(s, &p)
	c.m.profiles = append(c.m.profiles, p)
}

// terms resolves list references and returns the term ids, without
// duplicates, in order.
func (c *compiler) terms(s *Spec, ts []Term) []int32 {
	var out []int32
	c.stamp++
	c.resolve(s, ts, &out, nil)
	return out
}

// resolve appends the ids of ts to out, expanding lists; via holds the lists
// being expanded, to report cycles.
func (c *compiler) resolve(s *Spec, ts []Term, out *[]int32, via []string) {
	for _, t := range ts {
		if t.Ref == "" {
			if id, ok := c.term(t); ok && c.mark[id] != c.stamp {
				c.mark[id] = c.stamp
				*out = append(*out, id)
			}
			continue
		}
		l, ok := s.Lists[t.Ref]
		switch {
		case !ok:
			c.errorf(t.pos, "list $%s is not defined (defined: %s)", t.Ref, listNames(s.Lists))
		case slices.Contains(via, t.Ref):
			c.errorf(t.pos, "list $%s refers to itself (via %s)", t.Ref, strings.Join(via, " -> "))
		default:
			c.resolve(s, l.Terms, out, append(via, t.Ref))
		}
	}
}

func listNames(l map[string]List) string {
	if len(l) == 0 {
		return "none"
	}
	names := make([]string, 0, len(l))
	for k := range l {
		names = append(names, "$"+k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// term interns t and its spellings, returning its id.
func (c *compiler) term(t Term) (int32, bool) {
	k := termKey{t.Text, t.Case, t.Exact}
	if id, ok := c.termIDs[k]; ok {
		return id, id >= 0
	}
	vs := spellings(t)
	if len(vs) == 0 {
		c.termIDs[k] = -1
		c.errorf(t.pos, "term %q can never match: it has no letters or digits", t.Text)
		return -1, false
	}
	id := int32(len(c.m.terms))
	c.termIDs[k] = id
	c.m.terms = append(c.m.terms, t.Text)
	c.mark = append(c.mark, 0)
	c.termPos = append(c.termPos, t.pos)
	c.keys = append(c.keys, k)
	cf := ""
	if t.Case {
		cf = caseFormOf(t.Text)
	}
	for _, v := range vs {
		ids := make([]int32, len(v.words))
		var key strings.Builder
		for i, w := range v.words {
			wid, ok := c.m.vocab[w]
			if !ok {
				wid = int32(len(c.m.vocab))
				c.m.vocab[w] = wid
			}
			ids[i] = wid
			key.WriteString(strconv.Itoa(int(wid)))
			key.WriteByte(' ')
		}
		pid, ok := c.patIDs[key.String()]
		if !ok {
			pid = int32(len(c.patterns))
			c.patIDs[key.String()] = pid
			c.patterns = append(c.patterns, ids)
			c.m.patRefs = append(c.m.patRefs, nil)
		}
		// A term's spellings are distinct word sequences, so (pattern, term)
		// pairs never repeat.
		c.m.patRefs[pid] = append(c.m.patRefs[pid], patRef{term: id, caseSens: t.Case, caseForm: cf, caps: v.caps})
	}
	return id, true
}

// caseFormOf returns the concatenated case forms of the words of s, the
// string a case-sensitive match must reproduce.
func caseFormOf(s string) string {
	var b strings.Builder
	var sc scanner
	last := -1
	sc.words(s, func(start, end int, _ []byte) {
		if start != last {
			b.WriteString(caseForm(s[start:end]))
			last = start
		}
	})
	return b.String()
}

// Profiles describes the compiled profiles, in Compile's order.
func (m *Matcher) Profiles() []ProfileInfo {
	out := make([]ProfileInfo, len(m.profiles))
	for i, p := range m.profiles {
		out[i] = p.info
	}
	return out
}
