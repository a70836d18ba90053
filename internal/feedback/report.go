package feedback

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/store"
)

// ReportStore is what Reports needs from the store.
type ReportStore interface {
	DeliveredSince(ctx context.Context, since time.Time) ([]store.Pending, error)
	FeedbackSince(ctx context.Context, since time.Time) ([]store.Feedback, error)
	MatchEntry(ctx context.Context, profile, itemID string) (store.Pending, error)
}

var _ ReportStore = (*store.Store)(nil)

// Report is what readers said about one profile's entries over a period.
// Its JSON keys profile, delivered, not_relevant, relevant, muted, precision
// and suggestions are a contract.
type Report struct {
	Profile string `json:"profile"`
	// Delivered counts the entries delivered in the period.
	Delivered int `json:"delivered"`
	// NotRelevant and Relevant count the entries whose latest judgement by
	// a reader, in the period, was "not relevant" or "relevant".
	NotRelevant int `json:"not_relevant"`
	Relevant    int `json:"relevant"`
	// Muted counts the stories readers muted in the period.
	Muted int `json:"muted"`
	// Precision is the reader-judged precision: the share of the entries
	// looked at (delivered in the period, or judged in it) that no reader
	// marked not relevant, 1 − not_relevant / entries; nil when there were
	// none.
	Precision *float64 `json:"precision"`
	// Flagged lists the entries marked not relevant, with the terms that
	// matched them.
	Flagged []Entry `json:"flagged"`
	// Suggestions are proposed edits of the profile (see Suggest).
	Suggestions []Suggestion `json:"suggestions"`
}

// Reports builds a report per profile from the deliveries and feedback
// recorded at or after since: for the profiles in order first (listed even
// when nothing happened to them), then any others with deliveries or
// feedback, alphabetically. When only is not empty, it reports on that
// profile alone.
func Reports(ctx context.Context, st ReportStore, since time.Time, order []string, only string) ([]Report, error) {
	delivered, err := st.DeliveredSince(ctx, since)
	if err != nil {
		return nil, fmt.Errorf("feedback: report: %w", err)
	}
	fbs, err := st.FeedbackSince(ctx, since)
	if err != nil {
		return nil, fmt.Errorf("feedback: report: %w", err)
	}

	type key struct{ profile, item string }
	entries := map[key]store.Pending{}
	byProfile := map[string][]string{} // profile → item IDs delivered or judged
	deliveredN := map[string]int{}     // profile → entries delivered
	for _, p := range delivered {
		k := key{p.Profile, p.ItemID}
		entries[k] = p
		byProfile[p.Profile] = append(byProfile[p.Profile], p.ItemID)
		deliveredN[p.Profile]++
	}
	// The latest relevance judgement of each entry, and the muted stories.
	type judged struct {
		action string
		at     time.Time
	}
	latest := map[key]judged{}
	muted := map[string]map[string]bool{}
	for _, f := range fbs { // oldest first
		k := key{f.Profile, f.ItemID}
		switch f.Action {
		case digest.ActionMute:
			if muted[f.Profile] == nil {
				muted[f.Profile] = map[string]bool{}
			}
			muted[f.Profile][f.StoryID] = true
			continue
		case digest.ActionNotRelevant, digest.ActionRelevant:
		default:
			continue
		}
		if j, ok := latest[k]; !ok || !f.At.Before(j.at) {
			latest[k] = judged{f.Action, f.At}
		}
		if _, ok := entries[k]; !ok {
			// Judged in the period, delivered before it.
			p, err := st.MatchEntry(ctx, f.Profile, f.ItemID)
			if err != nil {
				return nil, fmt.Errorf("feedback: report: %w", err)
			}
			entries[k] = p
			byProfile[f.Profile] = append(byProfile[f.Profile], f.ItemID)
		}
	}
	for p := range muted {
		if _, ok := byProfile[p]; !ok {
			byProfile[p] = nil
		}
	}

	var names []string
	for _, p := range order {
		if !slices.Contains(names, p) {
			names = append(names, p)
		}
	}
	var others []string
	for p := range byProfile {
		if !slices.Contains(names, p) {
			others = append(others, p)
		}
	}
	slices.Sort(others)
	names = append(names, others...)

	var reports []Report
	for _, name := range names {
		if only != "" && name != only {
			continue
		}
		r := Report{Profile: name, Delivered: deliveredN[name], Muted: len(muted[name]), Flagged: []Entry{}, Suggestions: []Suggestion{}}
		var kept []Entry
		for _, id := range byProfile[name] {
			p := entries[key{name, id}]
			e := Entry{ItemID: id, Title: p.Item.Title, Link: p.Item.Link, Summary: p.Item.Summary, Matched: p.Terms}
			if e.Matched == nil {
				e.Matched = []string{}
			}
			switch latest[key{name, id}].action {
			case digest.ActionNotRelevant:
				r.NotRelevant++
				r.Flagged = append(r.Flagged, e)
			case digest.ActionRelevant:
				r.Relevant++
				kept = append(kept, e)
			default:
				kept = append(kept, e)
			}
		}
		if n := len(byProfile[name]); n > 0 {
			p := 1 - float64(r.NotRelevant)/float64(n)
			r.Precision = &p
		}
		slices.SortFunc(r.Flagged, func(a, b Entry) int { return cmp.Compare(a.ItemID, b.ItemID) })
		if s := Suggest(r.Flagged, kept); s != nil {
			r.Suggestions = s
		}
		reports = append(reports, r)
	}
	return reports, nil
}
