package matcher

import (
	"cmp"
	"slices"
	"strings"
)

// Document is the text of one item: its title and its body (summary or
// content), as plain text.
type Document struct {
	Title, Body string
}

// Hit is one profile that matched a document.
type Hit struct {
	Profile string
	// Terms are the distinct terms that made the profile match — triggers
	// and the context they needed — as written in the profile, in the order
	// the profile first uses them. Words that several terms cover count as
	// one hit, listed and scored once under one term: the one written as
	// the text ("US" for "US", "U.S." for "U.S."), else the first the
	// profile uses.
	Terms []string
	// Score ranks hits: each distinct trigger term adds the profile's title
	// weight if it is in the title and its body weight if it is in the body;
	// each repeat in a field adds a tenth of that field's weight, up to five
	// repeats. Context terms add nothing.
	Score float64
	// Spans are where Terms hit, title first, then by offset.
	Spans []Span
}

// Span is where a term hit.
type Span struct {
	// Field is "title" or "body".
	Field string
	// Start and End are byte offsets into the original field; the hit is
	// field[Start:End], which always begins and ends on a UTF-8 boundary.
	Start, End int
	// Term is the profile term, as written.
	Term string
}

const (
	fieldTitle = 0
	fieldBody  = 1
)

var fieldNames = [2]string{"title", "body"}

// word is one word of a field, with its span in the original text.
type word struct {
	start, end int32
}

// occ is one occurrence of a term: words [ts, te) of a field.
type occ struct {
	term   int32
	field  int32
	ts, te int32
}

// slot records, for one Match call (gen), where a term's occurrences are.
type slot struct {
	gen      uint32
	first, n int32
}

// scratch is the per-call working memory of Match, pooled.
type scratch struct {
	sc       scanner
	words    [2][]word
	text     [2]string
	occs     []occ
	slots    []slot   // per term id
	seen     []uint32 // per profile id: gen when already a candidate
	gen      uint32
	cands    []int32
	ign      []occ
	pending  []int32 // indices into occs of case-dependent occurrences
	used     []int32 // indices into occs that a firing rule used
	trigUsed []int32
}

func (m *Matcher) newScratch() *scratch {
	return &scratch{slots: make([]slot, len(m.terms)), seen: make([]uint32, len(m.profiles))}
}

// Match returns the profiles that doc matches, in profile order, or nil.
// Its work is proportional to the length of the text and the number of term
// hits, not to the number of profiles.
func (m *Matcher) Match(doc Document) []Hit {
	s := m.pool.Get().(*scratch)
	defer m.pool.Put(s)
	s.gen++
	if s.gen == 0 { // wrapped: forget every stamp
		clear(s.slots)
		clear(s.seen)
		s.gen = 1
	}
	s.occs = s.occs[:0]
	s.text = [2]string{doc.Title, doc.Body}
	for f := range 2 {
		m.scan(s, int32(f))
	}
	if len(s.occs) == 0 {
		return nil
	}
	slices.SortFunc(s.occs, func(a, b occ) int {
		return cmp.Or(cmp.Compare(a.term, b.term), cmp.Compare(a.field, b.field), cmp.Compare(a.ts, b.ts), cmp.Compare(a.te, b.te))
	})
	s.occs = slices.Compact(s.occs)
	s.cands = s.cands[:0]
	for i := 0; i < len(s.occs); {
		t := s.occs[i].term
		j := i + 1
		for j < len(s.occs) && s.occs[j].term == t {
			j++
		}
		s.slots[t] = slot{gen: s.gen, first: int32(i), n: int32(j - i)}
		for _, p := range m.triggerOf[t] {
			if s.seen[p] != s.gen {
				s.seen[p] = s.gen
				s.cands = append(s.cands, p)
			}
		}
		i = j
	}
	slices.Sort(s.cands)
	var hits []Hit
	for _, p := range s.cands {
		if h, ok := m.eval(s, &m.profiles[p]); ok {
			hits = append(hits, h)
		}
	}
	return hits
}

// scan tokenises one field and runs the automaton over its words, recording
// every term occurrence.
func (m *Matcher) scan(s *scratch, f int32) {
	text := s.text[f]
	ws := s.words[f][:0]
	state := int32(0)
	first := len(s.occs)
	s.pending = s.pending[:0]
	s.sc.words(text, func(start, end int, w []byte) {
		id, ok := m.vocab[string(w)]
		if !ok {
			id = -1
		}
		ws = append(ws, word{int32(start), int32(end)})
		state = m.ac.next(state, id)
		te := int32(len(ws))
		for st := state; st != 0; st = m.ac.outLink[st] {
			for _, p := range m.ac.own(st) {
				ts := te - m.ac.patLen[p]
				for i := range m.patRefs[p] {
					ref := &m.patRefs[p][i]
					if ref.caseSens && caseFormAt(text, ws[ts:te]) != ref.caseForm {
						continue
					}
					if !capsOK(text, ws[ts:te], ref.caps) {
						continue
					}
					if ref.needsCase() {
						s.pending = append(s.pending, int32(len(s.occs)))
					}
					s.occs = append(s.occs, occ{term: ref.term, field: f, ts: ts, te: te})
				}
			}
		}
	})
	s.words[f] = ws
	// Capitals are evidence only where lower case was possible: drop the
	// case-dependent occurrences that sit in text written in capitals.
	if len(s.pending) == 0 {
		return
	}
	for _, i := range s.pending {
		if o := &s.occs[i]; inCapitals(text, ws, o.ts, o.te) {
			o.term = -1
		}
	}
	kept := s.occs[:first]
	for _, o := range s.occs[first:] {
		if o.term >= 0 {
			kept = append(kept, o)
		}
	}
	s.occs = kept
}

// occsOf returns the occurrences of term t in this call.
func (s *scratch) occsOf(t int32) []occ {
	lo, hi := s.span(t)
	return s.occs[lo:hi]
}

// span returns the indices [lo, hi) into occs of term t's occurrences in
// this call; lo == hi when t did not occur.
func (s *scratch) span(t int32) (lo, hi int32) {
	sl := s.slots[t]
	if sl.gen != s.gen {
		return 0, 0
	}
	return sl.first, sl.first + sl.n
}

// masked reports whether o overlaps one of the profile's ignored phrases.
func (s *scratch) masked(o occ) bool {
	for _, g := range s.ign {
		if g.field == o.field && g.ts < o.te && o.ts < g.te {
			return true
		}
	}
	return false
}

// hasHit reports whether any term of ts has an unmasked occurrence.
func (s *scratch) hasHit(ts []int32) bool {
	for _, t := range ts {
		for _, o := range s.occsOf(t) {
			if !s.masked(o) {
				return true
			}
		}
	}
	return false
}

// eval applies one profile's rules, in the order the package comment gives.
func (m *Matcher) eval(s *scratch, p *profile) (Hit, bool) {
	s.ign = s.ign[:0]
	for _, t := range p.ignore {
		s.ign = append(s.ign, s.occsOf(t)...)
	}
	if s.hasHit(p.none) {
		return Hit{}, false
	}
	s.used = s.used[:0]
	s.trigUsed = s.trigUsed[:0]
	fired := false
	for i := range p.rules {
		if m.rule(s, &p.rules[i]) {
			fired = true
		}
	}
	if !fired {
		return Hit{}, false
	}
	return m.hit(s, p), true
}

// rule reports whether r fires, recording the occurrences it used.
func (m *Matcher) rule(s *scratch, r *rule) bool {
	if !s.hasHit(r.any) || s.hasHit(r.none) {
		return false
	}
	for _, g := range r.all {
		if !s.hasHit(g) {
			return false
		}
	}
	mark := len(s.used)
	markTrig := len(s.trigUsed)
	fired := false
	for _, t := range r.any {
		lo, hi := s.span(t)
		for i := lo; i < hi; i++ {
			o := s.occs[i]
			if s.masked(o) {
				continue
			}
			if len(r.near) > 0 && !s.near(o, r, true) {
				continue
			}
			fired = true
			s.trigUsed = append(s.trigUsed, i)
		}
	}
	if !fired {
		s.used = s.used[:mark]
		s.trigUsed = s.trigUsed[:markTrig]
		return false
	}
	for _, g := range r.all {
		for _, t := range g {
			lo, hi := s.span(t)
			for i := lo; i < hi; i++ {
				if !s.masked(s.occs[i]) {
					s.used = append(s.used, i)
				}
			}
		}
	}
	return true
}

// offset is the position of field f's first word in the item's word
// sequence: the title, then the body.
func (s *scratch) offset(f int32) int32 {
	if f == fieldBody {
		return int32(len(s.words[fieldTitle]))
	}
	return 0
}

// near reports whether every near group of r has an unmasked occurrence with
// at most r.within words between it and o (and not overlapping o), counting
// the title as the words just before the body. With record, the occurrences
// found are added to used.
func (s *scratch) near(o occ, r *rule, record bool) bool {
	mark := len(s.used)
	for _, g := range r.near {
		found := false
		for _, t := range g {
			lo, hi := s.span(t)
			for i := lo; i < hi; i++ {
				q := s.occs[i]
				if s.masked(q) {
					continue
				}
				// The title reads as the words just before the body.
				ots, ote := o.ts+s.offset(o.field), o.te+s.offset(o.field)
				qts, qte := q.ts+s.offset(q.field), q.te+s.offset(q.field)
				var gap int32
				switch {
				case qts >= ote:
					gap = qts - ote
				case ots >= qte:
					gap = ots - qte
				default:
					continue // overlaps the trigger
				}
				if gap <= r.within {
					found = true
					if record {
						s.used = append(s.used, i)
					}
				}
			}
		}
		if !found {
			s.used = s.used[:mark]
			return false
		}
	}
	return true
}

// onePerSpan keeps, of the occurrences idx (ascending indices into occs)
// that cover the same words, one: the term written exactly as the text
// ("US" for the text "US", not "U.S."), else the one written like it but
// for case, else the one the profile uses first. One hit is listed, and
// scored, once.
func (m *Matcher) onePerSpan(s *scratch, p *profile, idx []int32) []int32 {
	type spanKey struct{ field, ts, te int32 }
	best := make(map[spanKey]int32, len(idx))
	better := func(a, b int32) bool { // is occurrence a a better name for its span than b?
		oa, ob := s.occs[a], s.occs[b]
		w := s.words[oa.field]
		text := s.text[oa.field][w[oa.ts].start:w[oa.te-1].end]
		ta, tb := m.terms[oa.term], m.terms[ob.term]
		if (ta == text) != (tb == text) {
			return ta == text
		}
		if ea, eb := strings.EqualFold(ta, text), strings.EqualFold(tb, text); ea != eb {
			return ea
		}
		return p.rank[oa.term] < p.rank[ob.term]
	}
	for _, i := range idx {
		o := s.occs[i]
		k := spanKey{o.field, o.ts, o.te}
		if j, ok := best[k]; !ok || better(i, j) {
			best[k] = i
		}
	}
	if len(best) == len(idx) {
		return idx
	}
	return slices.DeleteFunc(idx, func(i int32) bool {
		o := s.occs[i]
		return best[spanKey{o.field, o.ts, o.te}] != i
	})
}

// hit builds the Hit from the occurrences the firing rules used.
func (m *Matcher) hit(s *scratch, p *profile) Hit {
	all := append(s.used, s.trigUsed...)
	slices.Sort(all)
	all = slices.Compact(all)
	all = m.onePerSpan(s, p, all)
	trig := s.trigUsed
	slices.Sort(trig)
	trig = slices.Compact(trig)
	trig = m.onePerSpan(s, p, trig) // a span scores once, whichever term names it

	h := Hit{Profile: p.info.Name}
	var terms []int32
	for _, i := range all {
		o := s.occs[i]
		if !slices.Contains(terms, o.term) {
			terms = append(terms, o.term)
		}
		w := s.words[o.field]
		h.Spans = append(h.Spans, Span{
			Field: fieldNames[o.field],
			Start: int(w[o.ts].start),
			End:   int(w[o.te-1].end),
			Term:  m.terms[o.term],
		})
	}
	slices.SortStableFunc(terms, func(a, b int32) int { return cmp.Compare(p.rank[a], p.rank[b]) })
	for _, t := range terms {
		if !slices.Contains(h.Terms, m.terms[t]) {
			h.Terms = append(h.Terms, m.terms[t])
		}
	}
	slices.SortFunc(h.Spans, func(a, b Span) int {
		return cmp.Or(cmp.Compare(b.Field, a.Field), cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End), cmp.Compare(a.Term, b.Term))
	})
	h.Spans = slices.Compact(h.Spans)

	// Score: per distinct trigger term and field, the field's weight plus a
	// tenth of it per repeat, at most five repeats.
	weight := [2]float64{p.w.Title, p.w.Body}
	for k := 0; k < len(trig); {
		o := s.occs[trig[k]]
		n := 0
		for k < len(trig) && s.occs[trig[k]].term == o.term && s.occs[trig[k]].field == o.field {
			n++
			k++
		}
		h.Score += weight[o.field] * (1 + 0.1*float64(min(n-1, 5)))
	}
	return h
}
