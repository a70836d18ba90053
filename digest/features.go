package digest

import (
	"hash/fnv"
	"slices"
	"time"
)

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
		titleToks: tokens(stripOutlet(e.Title, e.Outlet()), true),
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
