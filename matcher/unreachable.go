package matcher

import (
	"encoding/binary"
	"fmt"
	"slices"
)

// A trigger that contains one of its profile's ignore: phrases never
// counts: wherever it occurs, the phrase occurs inside it and hides it. One
// that contains a none: term (the profile's or its rule's) never fires
// either: wherever it occurs, the veto occurs too. Compile finds these
// statically, from the terms' spellings: a profile none of whose rules can
// fire is an error (it can never match); a rule that can never fire, or a
// trigger that never counts, in a profile that can still match is a warning.
//
// Only blockers that match in any case count (not case-sensitive terms, not
// closed-up abbreviations), so a reported trigger is certainly dead; some
// dead triggers (hidden by a case-sensitive phrase) go unreported.

// blockSet holds the case-free spellings of some ignore: or none: terms, as
// word-id sequences.
type blockSet struct {
	kind string           // "ignore:" or "none:"
	src  []Term           // the terms as written, for positions
	keys map[string]int32 // word-id sequence -> blocking term
	lens []int            // the distinct lengths of keys, in words
}

// spellIDs is one spelling of a term as word ids; caseFree when it matches
// in any case (not case-sensitive, no closed-up abbreviation).
type spellIDs struct {
	ids      []int32
	caseFree bool
}

// spellingsOf returns the spellings of term t as word ids.
func (c *compiler) spellingsOf(t int32) []spellIDs {
	if sp, ok := c.spells[t]; ok {
		return sp
	}
	k := c.keys[t]
	var out []spellIDs
	for _, v := range spellings(Term{Text: k.text, Case: k.case_, Exact: k.exac}) {
		ids := make([]int32, len(v.words))
		for i, w := range v.words {
			ids[i] = c.m.vocab[w] // every word of a compiled term is in the vocabulary
		}
		out = append(out, spellIDs{ids: ids, caseFree: !k.case_ && len(v.caps) == 0})
	}
	if c.spells == nil {
		c.spells = map[int32][]spellIDs{}
	}
	c.spells[t] = out
	return out
}

func wordsKey(ids []int32) string {
	b := make([]byte, 0, 4*len(ids))
	for _, id := range ids {
		b = binary.LittleEndian.AppendUint32(b, uint32(id))
	}
	return string(b)
}

// blockers returns the set of the case-free spellings of terms.
func (c *compiler) blockers(kind string, src []Term, terms []int32) *blockSet {
	if len(terms) == 0 {
		return nil
	}
	b := &blockSet{kind: kind, src: src, keys: map[string]int32{}}
	for _, t := range terms {
		for _, sp := range c.spellingsOf(t) {
			if !sp.caseFree {
				continue
			}
			if _, ok := b.keys[wordsKey(sp.ids)]; !ok {
				b.keys[wordsKey(sp.ids)] = t
				if !slices.Contains(b.lens, len(sp.ids)) {
					b.lens = append(b.lens, len(sp.ids))
				}
			}
		}
	}
	return b
}

// blockedBy returns the term of b found inside the word sequence ids, or -1.
func (b *blockSet) blockedBy(ids []int32) int32 {
	for _, n := range b.lens {
		for i := 0; i+n <= len(ids); i++ {
			if t, ok := b.keys[wordsKey(ids[i:i+n])]; ok {
				return t
			}
		}
	}
	return -1
}

// deadReason says why trigger t can never count, or "" if it can: every
// spelling of t holds a term of one of the sets.
func (c *compiler) deadReason(t int32, sets ...*blockSet) string {
	for _, b := range sets {
		if b == nil {
			continue
		}
		blocker := int32(-1)
		for _, sp := range c.spellingsOf(t) {
			if blocker = b.blockedBy(sp.ids); blocker < 0 {
				break
			}
		}
		if blocker < 0 {
			continue
		}
		pos := c.termPos[blocker] // where the term was first written; better, where this list has it:
		for _, w := range b.src {
			if w.Ref == "" && w.Text == c.m.terms[blocker] {
				pos = w.pos
				break
			}
		}
		if b.kind == "ignore:" {
			return fmt.Sprintf("ignore: %q (%s) hides every occurrence of its trigger %q", c.m.terms[blocker], pos, c.m.terms[t])
		}
		return fmt.Sprintf("none: %q (%s) vetoes it wherever its trigger %q occurs", c.m.terms[blocker], pos, c.m.terms[t])
	}
	return ""
}

// checkReachable reports the triggers of p (compiled from s) that can never
// count, as an error when no rule of p can fire and as warnings otherwise.
func (c *compiler) checkReachable(s *Spec, p *profile) {
	if len(p.ignore) == 0 && len(p.none) == 0 && !slices.ContainsFunc(p.rules, func(r rule) bool { return len(r.none) > 0 }) {
		return
	}
	ign, none := c.blockers("ignore:", s.Ignore, p.ignore), c.blockers("none:", s.None, p.none)
	type finding struct {
		pos    Pos
		reason string
	}
	var warnings []finding
	var firstDead string
	live := 0
	for i, r := range p.rules {
		rnone := c.blockers("none:", s.Rules[i].None, r.none)
		var reasons []finding
		for _, t := range r.any {
			if why := c.deadReason(t, ign, none, rnone); why != "" {
				reasons = append(reasons, finding{c.anyPos(s, i, t), why})
			}
		}
		switch {
		case len(r.any) > 0 && len(reasons) == len(r.any):
			if firstDead == "" {
				firstDead = reasons[0].reason
			}
			warnings = append(warnings, finding{s.Rules[i].pos, "this rule can never fire: " + reasons[0].reason})
		default:
			live++
			for _, f := range reasons {
				warnings = append(warnings, finding{f.pos, "this trigger never counts: " + f.reason})
			}
		}
	}
	if live == 0 && firstDead != "" {
		c.errorf(s.pos, "profile %q can never match: %s", s.Name, firstDead)
		return
	}
	for _, w := range warnings {
		c.warnf(w.pos, "profile %q: %s", s.Name, w.reason)
	}
}

// anyPos returns the position of trigger t of rule i of s: the term as
// written when the rule lists it directly, else the rule's.
func (c *compiler) anyPos(s *Spec, i int, t int32) Pos {
	for _, w := range s.Rules[i].Any {
		if w.Ref == "" && w.Text == c.m.terms[t] {
			return w.pos
		}
	}
	return s.Rules[i].pos
}
