package digest

import (
	"cmp"
	"hash/fnv"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
)

// Tuning of near-duplicate folding, chosen from the labelled set in
// testdata/neardup (see TestNearDuplicates, which reports a sweep).
const (
	// leadWords is how many words of an entry's summary take part.
	leadWords = 60
	// shingleSize is the number of words in a shingle.
	shingleSize = 3
	// minLeadShingles is the size below which a lead is too short to
	// compare; such entries are compared by title.
	minLeadShingles = 8
	// minTitleWords is the number of content words a title needs to fold
	// by title similarity.
	minTitleWords = 5
	// maxFoldGap is the largest gap between two entries' publication times
	// for them to fold as near-duplicates: agencies' copy runs within days.
	maxFoldGap = 72 * time.Hour
	// maxLeadSubstitutions is the number of content-word substitutions
	// (see substitutions) from which two leads tell different stories;
	// outlets' copy edits rarely make more than one.
	maxLeadSubstitutions = 2
)

// thresholds are the similarities from which two entries fold.
type thresholds struct {
	// lead is the overlap coefficient of two leads' shingles (shared
	// shingles over the smaller set).
	lead float64
	// title is the overlap coefficient of two titles' content words, for
	// entries without usable leads.
	title float64
	// unguarded turns the guards of conflicting off, to measure what they
	// prevent; Build never sets it.
	unguarded bool
}

// foldThresholds are the thresholds Build uses.
var foldThresholds = thresholds{lead: 0.7, title: 0.75}

// fold merges the entries of one digest into stories and ranks them as of
// now.
//
// Entries fold in two passes. First, unconditionally: the same ItemID or the
// same canonical link (see canonicalLink). Second, every pair of entries
// from different feeds is compared (pairwise, O(n²) over small sorted
// shingle sets; a digest has at most a few hundred entries). A pair is a
// candidate when the entries have the same normalised title of at least
// three words, or are similar (see similar and foldThresholds). Candidates
// are merged most similar first, and two groups merge only if no pair
// across them conflicts (see conflicting): numbers that disagree, named
// entities or words that were replaced or swapped, or publication times too
// far apart. So feeds' generic titles ("US Navy ship arrives for repairs")
// fold only when their leads agree.
func fold(entries []Entry, now time.Time) []Story {
	return foldWith(entries, now, foldThresholds)
}

// foldWith is fold with the given thresholds.
func foldWith(entries []Entry, now time.Time, th thresholds) []Story {
	uf := newUnionFind(len(entries))

	byID := map[string]int{}
	byLink := map[string]int{}
	for i, e := range entries {
		if j, ok := byID[e.ItemID]; ok {
			uf.union(i, j)
		} else {
			byID[e.ItemID] = i
		}
		if l := canonicalLink(e.Link); l != "" {
			if j, ok := byLink[l]; ok {
				uf.union(i, j)
			} else {
				byLink[l] = i
			}
		}
	}
	foldNear(entries, uf, th)

	members := map[int][]Entry{}
	var roots []int
	for i, e := range entries {
		r := uf.find(i)
		if _, ok := members[r]; !ok {
			roots = append(roots, r)
		}
		members[r] = append(members[r], e)
	}
	stories := make([]Story, 0, len(roots))
	for _, r := range roots {
		stories = append(stories, newStory(members[r]))
	}
	rankStories(stories, now)
	return stories
}

// foldNear unites the near-duplicate entries in uf.
func foldNear(entries []Entry, uf *unionFind, th thresholds) {
	fs := make([]*features, len(entries))
	for i, e := range entries {
		fs[i] = newFeatures(e)
	}
	type pair struct {
		i, j int
		sim  float64
	}
	var pairs []pair
	candidatePairs(fs, func(i, j int) {
		if entries[i].Feed == entries[j].Feed || uf.find(i) == uf.find(j) {
			return
		}
		if fs[i].title != "" && fs[i].title == fs[j].title {
			pairs = append(pairs, pair{i, j, 2}) // the same title first
		} else if sim, ok := similar(fs[i], fs[j], th); ok {
			pairs = append(pairs, pair{i, j, sim})
		}
	})
	sort.SliceStable(pairs, func(a, b int) bool { return pairs[a].sim > pairs[b].sim })
	if len(fs) > pairwiseLimit {
		// In a large digest keep each entry's most similar pairs only:
		// copies of a story are each other's best matches, and the guards
		// below cost a comparison of leads per pair.
		kept := pairs[:0]
		count := make([]int, len(fs))
		for _, p := range pairs {
			if count[p.i] < maxPairsPerEntry || count[p.j] < maxPairsPerEntry {
				count[p.i]++
				count[p.j]++
				kept = append(kept, p)
			}
		}
		pairs = kept
	}

	type key struct{ i, j int }
	memo := map[key]bool{}
	conflict := func(i, j int) bool {
		k := key{min(i, j), max(i, j)}
		c, ok := memo[k]
		if !ok {
			c = !th.unguarded && conflicting(fs[i], fs[j])
			memo[k] = c
		}
		return c
	}
	// Groups only grow, so two groups that conflict keep conflicting until
	// one of them merges with a third: remember the failed merges by root.
	blocked := map[key]bool{}
	guarded := maxGuarded
	if len(fs) > pairwiseLimit {
		guarded = maxGuardedLarge
	}
	for _, p := range pairs {
		ri, rj := uf.find(p.i), uf.find(p.j)
		if ri == rj || blocked[key{min(ri, rj), max(ri, rj)}] {
			continue
		}
		ok := !conflict(p.i, p.j)
		for _, a := range sample(uf.members(ri), guarded) {
			if !ok {
				break
			}
			for _, b := range sample(uf.members(rj), guarded) {
				if conflict(a, b) {
					ok = false
					break
				}
			}
			if !ok {
				break
			}
		}
		if ok {
			uf.union(ri, rj)
		} else {
			blocked[key{min(ri, rj), max(ri, rj)}] = true
		}
	}
}

// Limits of candidate generation: up to pairwiseLimit entries every pair is
// compared; beyond, only pairs that share the same title, a title content
// word or a lead shingle, so that a digest of thousands of entries (a large
// backfill) folds in near-linear time. Among the entries sharing a word, all
// pairs are compared when they are at most maxPosting, and else each entry
// with the next only.
const (
	pairwiseLimit = 400
	maxPosting    = 64
)

// candidatePairs calls fn for each pair (i < j) of entries worth comparing,
// each pair once. Beyond pairwiseLimit entries it walks, for each entry, the
// entries after it that share a key (its title, a title content word, a lead
// shingle), remembering with one stamp per entry which it has offered
// already, so its memory is the index alone.
func candidatePairs(fs []*features, fn func(i, j int)) {
	if len(fs) <= pairwiseLimit {
		for i := range fs {
			for j := i + 1; j < len(fs); j++ {
				fn(i, j)
			}
		}
		return
	}
	words := map[string][]int{}
	shingled := map[uint64][]int{}
	for i, f := range fs {
		if f.title != "" {
			words["t\x00"+f.title] = append(words["t\x00"+f.title], i)
		}
		for _, w := range f.titleWords {
			words[w] = append(words[w], i)
		}
		for _, h := range f.lead {
			shingled[h] = append(shingled[h], i)
		}
	}
	stamp := make([]int, len(fs))
	for j := range stamp {
		stamp[j] = -1
	}
	// offer calls fn for the entries after i in list (sorted): all of them
	// when the list is short, else only the next, which chains a run of
	// copies through union-find at linear cost.
	offer := func(i int, list []int) {
		a, _ := slices.BinarySearch(list, i)
		rest := list[a+1:]
		if len(list) > maxPosting {
			rest = rest[:min(len(rest), 1)]
		}
		for _, j := range rest {
			if stamp[j] != i {
				stamp[j] = i
				fn(i, j)
			}
		}
	}
	for i, f := range fs {
		if f.title != "" {
			offer(i, words["t\x00"+f.title])
		}
		for _, w := range f.titleWords {
			offer(i, words[w])
		}
		for _, h := range f.lead {
			offer(i, shingled[h])
		}
	}
}

// maxGuarded is how many members of each of two groups about to merge are
// checked against each other for conflicts. Real stories have a handful of
// copies, all checked; a group of hundreds (templated items in a large
// backfill) is checked through its first members, which keeps the cost
// linear.
const maxGuarded = 16

// maxPairsPerEntry bounds the similar pairs kept per entry in a digest
// beyond pairwiseLimit entries.
const maxPairsPerEntry = 4

// maxGuardedLarge replaces maxGuarded in digests beyond pairwiseLimit
// entries.
const maxGuardedLarge = 4

// sample returns at most n members of a group.
func sample(members []int, n int) []int {
	return members[:min(len(members), n)]
}

// similar reports whether two entries are similar enough to fold, and how
// similar they are. Entries that both have a lead compare leads: the
// overlap coefficient of their shingles must reach th.lead. Others compare
// titles: the overlap coefficient of their content words must reach
// th.title, and the titles may differ only by words added, dropped or
// moved, never by a word replaced ("critical minerals" for
// "semiconductors").
func similar(a, b *features, th thresholds) (float64, bool) {
	if len(a.lead) >= minLeadShingles && len(b.lead) >= minLeadShingles {
		sim := overlap(a.lead, b.lead)
		return sim, sim >= th.lead
	}
	if len(a.titleWords) < minTitleWords || len(b.titleWords) < minTitleWords {
		return 0, false
	}
	sim := overlap(a.titleWords, b.titleWords)
	if sim < th.title {
		return sim, false
	}
	if entity, content := substitutions(a.titleToks, b.titleToks, a.vocab, b.vocab); entity > 0 || content > 0 {
		return sim, false
	}
	return sim, true
}

// conflicting reports whether two entries must not fold, even by way of
// others, because they tell different stories:
//   - they were published more than maxFoldGap apart;
//   - both carry numbers and neither's numbers include the other's ("23rd"
//     and "24th" plenary, "$3.99 billion" and "$45.7 million"); when both
//     have leads only the leads' numbers count, since outlets add numbers
//     such as the year to their titles;
//   - two named entities swapped places around the same words, in the
//     titles or the leads ("US raises tariffs on India" and "India raises
//     tariffs on US");
//   - both have leads, and a named entity or number of one was replaced by
//     another ("Agni-5" and "Agni-Prime", "Monday" and "Wednesday",
//     "first" and "second"), or content words were replaced in
//     maxLeadSubstitutions places or more.
//
// Titles alone never conflict by replaced words: outlets re-title agency
// copy freely, so titles of true copies differ in names and words.
func conflicting(a, b *features) bool {
	if tooFarApart(a.published, b.published) {
		return true
	}
	leads := len(a.lead) >= minLeadShingles && len(b.lead) >= minLeadShingles
	da, db := a.digits, b.digits
	if leads {
		da, db = a.leadDigits, b.leadDigits
	}
	if len(da) > 0 && len(db) > 0 && !subset(da, db) && !subset(db, da) {
		return true
	}
	if swapped(a.titleToks, b.titleToks) || swapped(a.leadToks, b.leadToks) {
		return true
	}
	if leads {
		entity, content := substitutions(a.leadToks, b.leadToks, a.vocab, b.vocab)
		return entity > 0 || content >= maxLeadSubstitutions
	}
	return false
}

// tooFarApart reports whether two publication times are known and more
// than maxFoldGap apart.
func tooFarApart(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return false
	}
	gap := a.Sub(b)
	return gap > maxFoldGap || gap < -maxFoldGap
}

// features are what near-duplicate detection compares of one entry.
type features struct {
	published  time.Time
	title      string // the normalised title (see normTitle)
	titleToks  []token
	leadToks   []token
	titleWords []string // the title's content words, sorted, unique
	lead       []uint64 // the lead's shingle hashes, sorted, unique
	digits     wordSet  // the runs of digits in the title and lead
	leadDigits wordSet  // the runs of digits in the lead
	vocab      wordSet  // every token of the title and lead
}

// token is one normalised word; entity marks names, acronyms and numbers.
type token struct {
	word   string
	entity bool
}

// newFeatures extracts an entry's features.
func newFeatures(e Entry) *features {
	f := &features{
		published: e.Published,
		title:     normTitle(e.Title),
		titleToks: tokens(stripOutlet(e.Title, e.Feed), true),
		leadToks:  tokens(stripDateline(e.Summary), false),
	}
	if len(f.leadToks) > leadWords {
		f.leadToks = f.leadToks[:leadWords]
	}
	for k, toks := range [][]token{f.titleToks, f.leadToks} {
		for _, t := range toks {
			f.vocab = append(f.vocab, t.word)
			for _, run := range digitRuns(t.word) {
				f.digits = append(f.digits, run)
				if k == 1 {
					f.leadDigits = append(f.leadDigits, run)
				}
			}
		}
	}
	f.vocab, f.digits, f.leadDigits = newWordSet(f.vocab), newWordSet(f.digits), newWordSet(f.leadDigits)
	f.titleWords = contentWords(f.titleToks)
	f.lead = shingles(f.leadToks)
	return f
}

// agencies are the wire services whose names outlets add to copy; they are
// dropped before comparing.
var agencies = map[string]bool{
	"pti": true, "ani": true, "ians": true, "uni": true, "reuters": true, "afp": true, "ap": true,
}

// stopwords are words too common to tell stories apart.
var stopwords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "of": true, "to": true, "in": true,
	"on": true, "for": true, "with": true, "at": true, "by": true, "from": true, "as": true, "is": true,
	"are": true, "was": true, "were": true, "be": true, "been": true, "its": true, "it": true, "this": true,
	"that": true, "after": true, "over": true, "into": true, "amid": true, "says": true, "said": true,
	"say": true, "report": true, "reports": true, "news": true, "s": true, "will": true, "has": true,
	"have": true, "new": true, "more": true, "up": true, "out": true, "about": true,
}

// datelineRE matches a wire dateline at the start of a lead, such as
// "NEW DELHI (Reuters) -", "New Delhi, Mar 2 (PTI):", "New Delhi [India],
// March 1 (ANI):" or "WASHINGTON —".
var datelineRE = regexp.MustCompile(`^\s*(?:[A-Z][\p{L}.' ]{1,40}?(?:\s*\[[\p{L} ]{1,30}\])?(?:,\s*[\p{L}]{3,9}\.?\s*\d{1,2})?\s*\((?:PTI|ANI|IANS|UNI|Reuters|AFP|AP)\)|[A-Z][A-Z.' ]{2,40})\s*[:\-–—]+\s*`)

// stripDateline removes a wire dateline from the start of a lead.
func stripDateline(s string) string {
	return datelineRE.ReplaceAllString(s, "")
}

// stripOutlet removes a trailing " - Outlet" or " | Outlet" from a title
// when it names the entry's feed or a wire service.
func stripOutlet(title, feed string) string {
	for _, sep := range []string{" | ", " - ", " – ", " — "} {
		i := strings.LastIndex(title, sep)
		if i < 0 {
			continue
		}
		tail := strings.ToLower(strings.TrimSpace(title[i+len(sep):]))
		if tail != "" && (tail == strings.ToLower(strings.TrimSpace(feed)) || agencies[tail]) {
			return title[:i]
		}
	}
	return title
}

// tokens splits text into lowercase words, dropping wire-service names and
// possessive endings. A word is an entity when it has a digit, is an
// acronym, or is capitalised inside a sentence; in a title written in title
// case, capitals mean nothing and only digits and acronyms count.
func tokens(text string, title bool) []token {
	type word struct {
		s          string
		sentStart  bool
		upperFirst bool
		allUpper   bool
	}
	var words []word
	start := true
	var cur []rune
	flush := func() {
		if len(cur) == 0 {
			return
		}
		s := string(cur)
		upper, lower := 0, 0
		for _, r := range cur {
			if unicode.IsUpper(r) {
				upper++
			} else if unicode.IsLower(r) {
				lower++
			}
		}
		words = append(words, word{
			s:          strings.ToLower(s),
			sentStart:  start,
			upperFirst: unicode.IsUpper(cur[0]),
			allUpper:   upper >= 2 && upper > lower,
		})
		cur = cur[:0]
		start = false
	}
	for _, r := range spelling.Replace(text) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			cur = append(cur, r)
			continue
		}
		flush()
		switch r {
		case '.', '!', '?', ':', '"', '“', '‘':
			start = true
		}
	}
	flush()

	titleCase := false
	if title {
		caps, n := 0, 0
		for _, w := range words {
			if stopwords[w.s] || hasDigit(w.s) {
				continue
			}
			n++
			if w.upperFirst {
				caps++
			}
		}
		titleCase = n >= 3 && caps*10 >= n*7
	}
	out := make([]token, 0, len(words))
	for _, w := range words {
		if agencies[w.s] {
			continue
		}
		entity := isNumber(w.s) || w.allUpper && len(w.s) >= 2
		if !entity && w.upperFirst && !w.sentStart && !titleCase && !stopwords[w.s] {
			entity = true
		}
		out = append(out, token{w.s, entity})
	}
	return out
}

// contentWords returns the sorted, unique words of toks that are not
// stopwords.
func contentWords(toks []token) []string {
	var out []string
	for _, t := range toks {
		if !stopwords[t.word] {
			out = append(out, t.word)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// numberWords are the words that count as numbers: ordinals and small
// cardinals ("first" and "second" tranche, "third" and "fourth" engine).
var numberWords = map[string]bool{
	"two": true, "three": true, "four": true, "five": true, "six": true, "seven": true, "eight": true,
	"nine": true, "ten": true, "eleven": true, "twelve": true, "first": true, "second": true, "third": true,
	"fourth": true, "fifth": true, "sixth": true, "seventh": true, "eighth": true, "ninth": true, "tenth": true,
}

// isNumber reports whether a word is a number: it has a digit or is a
// number word.
func isNumber(s string) bool {
	return numberWords[s] || strings.IndexFunc(s, unicode.IsDigit) >= 0
}

// spelling evens out the variants that outlets' copy editing introduces, so
// that they compare equal: possessives, "U.S." and "United States",
// "per cent" and "%", British and American spellings.
var spelling = strings.NewReplacer(
	"’s", "", "'s", "",
	"U.S.", "US", "U.S", "US", "United States", "US", "U.K.", "UK",
	" per cent", " percent", "%", " percent",
	"defense", "defence", "Defense", "Defence", "organization", "organisation", "Organization", "Organisation",
	"programme", "program", "Programme", "Program",
)

// digitRuns returns the runs of digits in a word: "23rd" has "23", "FY25"
// has "25", "M982A1" has "982" and "1".
func digitRuns(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsDigit(r) })
}

// hasDigit reports whether s contains a decimal digit.
func hasDigit(s string) bool {
	return strings.IndexFunc(s, unicode.IsDigit) >= 0
}

// shingles returns the sorted, unique hashes of the word shingles of toks;
// a text shorter than a shingle has none.
func shingles(toks []token) []uint64 {
	if len(toks) < shingleSize {
		return nil
	}
	out := make([]uint64, 0, len(toks)-shingleSize+1)
	h := fnv.New64a()
	for i := 0; i+shingleSize <= len(toks); i++ {
		h.Reset()
		for _, t := range toks[i : i+shingleSize] {
			h.Write([]byte(t.word))
			h.Write([]byte{0})
		}
		out = append(out, h.Sum64())
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// intersect counts the elements two sorted, unique slices share.
func intersect[T cmp.Ordered](a, b []T) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// overlap is the overlap coefficient of two sorted, unique sets: shared
// elements over the size of the smaller set.
func overlap[T cmp.Ordered](a, b []T) float64 {
	m := min(len(a), len(b))
	if m == 0 {
		return 0
	}
	return float64(intersect(a, b)) / float64(m)
}

// jaccard is the Jaccard similarity of two sorted, unique sets.
func jaccard[T cmp.Ordered](a, b []T) float64 {
	n := intersect(a, b)
	u := len(a) + len(b) - n
	if u == 0 {
		return 0
	}
	return float64(n) / float64(u)
}

// subset reports whether every key of a is in b.
func subset(a, b wordSet) bool {
	for _, k := range a {
		if !b.has(k) {
			return false
		}
	}
	return true
}

// wordSet is a sorted set of words: smaller than a map for the few dozen
// words of an entry, of which a large digest holds thousands.
type wordSet []string

// newWordSet sorts words and drops repeats, in place.
func newWordSet(words []string) wordSet {
	slices.Sort(words)
	return slices.Clip(slices.Compact(words))
}

func (s wordSet) has(w string) bool {
	_, ok := slices.BinarySearch(s, w)
	return ok
}

// substitutions counts the replacements that turn a's words into b's: the
// differences, found by a longest common subsequence of the words, where
// each side brings a word that the other text lacks altogether. entity
// counts those in which both sides bring a named entity or number
// ("Agni-5" for "Agni-Prime", "Monday" for "Wednesday", "first" for
// "second"); content those in which both bring a content word ("extended"
// for "ended", "semiconductors" for "critical minerals"). Pure insertions
// and deletions (a wire prefix, a trimmed lead, an outlet's extra word) and
// words that merely moved do not count.
// lcsTables recycles the tables of substitutions, which run for every pair
// of entries a fold guards.
var lcsTables = sync.Pool{New: func() any { return new([]int32) }}

func substitutions(a, b []token, vocabA, vocabB wordSet) (entity, content int) {
	n, m := len(a), len(b)
	// lcs(i, j) is the length of the longest common subsequence of a[i:]
	// and b[j:], in one flat table.
	w := m + 1
	buf := lcsTables.Get().(*[]int32)
	defer lcsTables.Put(buf)
	if cap(*buf) < (n+1)*w {
		*buf = make([]int32, (n+1)*w)
	}
	table := (*buf)[:(n+1)*w]
	clear(table)
	lcs := func(i, j int) int32 { return table[i*w+j] }
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i].word == b[j].word {
				table[i*w+j] = table[(i+1)*w+j+1] + 1
			} else {
				table[i*w+j] = max(table[(i+1)*w+j], table[i*w+j+1])
			}
		}
	}
	var entA, entB, conA, conB bool // what the current difference brings
	endHunk := func() {
		if entA && entB {
			entity++
		}
		if conA && conB {
			content++
		}
		entA, entB, conA, conB = false, false, false, false
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i].word == b[j].word:
			endHunk()
			i++
			j++
		case j >= m || i < n && lcs(i+1, j) >= lcs(i, j+1):
			if t := a[i]; !vocabB.has(t.word) {
				entA = entA || t.entity
				conA = conA || !stopwords[t.word]
			}
			i++
		default:
			if t := b[j]; !vocabA.has(t.word) {
				entB = entB || t.entity
				conB = conB || !stopwords[t.word]
			}
			j++
		}
	}
	endHunk()
	return entity, content
}

// swapped reports whether two named entities that both texts carry appear
// in opposite orders with mostly the same words between them (a Jaccard
// similarity of at least one half), as in "US raises tariffs on India" and
// "India raises tariffs on US". Lists such as "India, US" and "US, India"
// have no words between and do not count.
func swapped(a, b []token) bool {
	posB := map[string]int{}
	for j, t := range b {
		if _, ok := posB[t.word]; !ok {
			posB[t.word] = j
		}
	}
	type ent struct{ i, j int }
	var common []ent
	seen := map[string]bool{}
	for i, t := range a {
		if seen[t.word] {
			continue
		}
		seen[t.word] = true
		if j, ok := posB[t.word]; ok && (t.entity || b[j].entity) {
			common = append(common, ent{i, j})
		}
	}
	for x := range common {
		for y := x + 1; y < len(common); y++ {
			p, q := common[x], common[y]
			if q.j >= p.j { // the same order in b
				continue
			}
			if jaccard(contentWords(a[p.i+1:q.i]), contentWords(b[q.j+1:p.j])) >= 0.5 {
				return true
			}
		}
	}
	return false
}

// trackingParams are query parameters that only track a click.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "mc_cid": true, "mc_eid": true, "cmpid": true, "ncid": true,
	"ref": true, "ref_src": true, "src": true, "from": true, "ito": true, "taid": true, "smid": true,
}

// canonicalLink returns the form of an http(s) link under which the same
// page compares equal: scheme, "www." and default ports, the fragment,
// trailing slashes and tracking parameters (utm_*, fbclid, ref and the
// like) ignored; other parameters sorted. Other links are returned as they
// are, and "" stays "".
func canonicalLink(link string) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || u.Host == "" {
		return link
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return link
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if p := u.Port(); p != "" && p != "80" && p != "443" {
		host += ":" + p
	}
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(strings.ToLower(k), "utm_") || trackingParams[strings.ToLower(k)] {
			q.Del(k)
		}
	}
	out := "//" + host + strings.TrimRight(u.EscapedPath(), "/")
	if len(q) > 0 {
		out += "?" + q.Encode() // Encode sorts by key
	}
	return out
}

// newStory folds the entries of one story; it sorts them in place. The
// representative is the best-scored entry (the earliest published on ties);
// the story's link is the representative's when it is a safe http(s) link,
// else the shortest safe link of the others.
func newStory(es []Entry) Story {
	sort.SliceStable(es, func(i, j int) bool { return representsBefore(es[i], es[j]) })
	rep := es[0]
	if _, ok := safeLink(rep.Link); !ok {
		best := ""
		for _, e := range es[1:] {
			if _, ok := safeLink(e.Link); ok && (best == "" || len(e.Link) < len(best)) {
				best = e.Link
			}
		}
		if best != "" {
			rep.Link = best
		}
	}
	s := Story{Entry: rep}
	s.Matched = nil
	seenID := map[string]bool{}
	seenTerm := map[string]bool{}
	seenLink := map[string]bool{canonicalLink(rep.Link): true, "": true}
	seenFeed := map[string]bool{rep.Feed: true, "": true}
	for _, e := range es {
		if !seenID[e.ItemID] {
			seenID[e.ItemID] = true
			s.ItemIDs = append(s.ItemIDs, e.ItemID)
		}
		for _, t := range e.Matched {
			if !seenTerm[t] {
				seenTerm[t] = true
				s.Matched = append(s.Matched, t)
			}
		}
		if l := canonicalLink(e.Link); !seenLink[l] {
			seenLink[l] = true
			s.Duplicates = append(s.Duplicates, e.Link)
		}
		if !seenFeed[e.Feed] {
			seenFeed[e.Feed] = true
			s.AlsoIn = append(s.AlsoIn, e.Feed)
		}
	}
	return s
}

// representsBefore orders the entries of one story: best score first, then
// the earliest published (unknown dates last), then by item ID.
func representsBefore(a, b Entry) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if !a.Published.Equal(b.Published) {
		switch {
		case a.Published.IsZero():
			return false
		case b.Published.IsZero():
			return true
		}
		return a.Published.Before(b.Published)
	}
	return a.ItemID < b.ItemID
}

// normTitle lowercases a title and keeps only its words, so that titles that
// differ in case, punctuation or spacing compare equal. Titles of fewer than
// three words return "" and never fold.
func normTitle(title string) string {
	words := strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) < 3 {
		return ""
	}
	return strings.Join(words, " ")
}

// unionFind is a disjoint-set forest over entry indexes that also keeps
// each set's members.
type unionFind struct {
	parent []int
	sets   map[int][]int
}

func newUnionFind(n int) *unionFind {
	uf := &unionFind{parent: make([]int, n), sets: make(map[int][]int, n)}
	for i := range uf.parent {
		uf.parent[i] = i
		uf.sets[i] = []int{i}
	}
	return uf
}

// find returns the root of i's set.
func (uf *unionFind) find(i int) int {
	for uf.parent[i] != i {
		uf.parent[i] = uf.parent[uf.parent[i]]
		i = uf.parent[i]
	}
	return i
}

// union merges the sets of i and j; the smaller root index becomes the root.
func (uf *unionFind) union(i, j int) {
	ri, rj := uf.find(i), uf.find(j)
	if ri == rj {
		return
	}
	lo, hi := min(ri, rj), max(ri, rj)
	uf.parent[hi] = lo
	uf.sets[lo] = append(uf.sets[lo], uf.sets[hi]...)
	delete(uf.sets, hi)
}

// members returns the entries in the set whose root is root.
func (uf *unionFind) members(root int) []int {
	return uf.sets[root]
}
