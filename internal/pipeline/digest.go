package pipeline

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/store"
)

// Digests builds the digests of every pending match, one per profile and
// channel, in profile order. It changes nothing in the store, so a preview
// may call it.
func (p *Pipeline) Digests(ctx context.Context, opts digest.Options) ([]digest.Digest, error) {
	ds, _, err := p.digests(ctx, opts)
	return ds, err
}

// digests is Digests, also returning the copies of muted stories it held
// back, for a delivery to settle.
func (p *Pipeline) digests(ctx context.Context, opts digest.Options) ([]digest.Digest, []mutedCopy, error) {
	entries, held, err := p.pending(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("pipeline: digests: %w", err)
	}
	return digest.Build(entries, p.DigestOptions(opts)), held, nil
}

// alerts returns the pending matches of the given profiles, for an
// immediate alert, and the copies of muted stories it held back, for a
// delivery to settle. It changes nothing in the store.
func (p *Pipeline) alerts(ctx context.Context, profiles map[string]bool) ([]digest.Entry, []mutedCopy, error) {
	entries, held, err := p.pending(ctx, profiles)
	if err != nil {
		return nil, nil, fmt.Errorf("pipeline: alerts: %w", err)
	}
	return entries, held, nil
}

// pending returns the undelivered matches as digest entries, of only the
// given profiles unless that is nil, without the copies of muted stories,
// which it returns as held (see dropMuted).
func (p *Pipeline) pending(ctx context.Context, profiles map[string]bool) (entries []digest.Entry, held []mutedCopy, err error) {
	pending, err := p.Store.Pending(ctx)
	if err != nil {
		return nil, nil, err
	}
	entries = make([]digest.Entry, 0, len(pending))
	for _, pm := range pending {
		if profiles != nil && !profiles[pm.Profile] {
			continue
		}
		entries = append(entries, entryOf(pm.Match, pm.Item))
	}
	return p.dropMuted(ctx, entries) // mute.go
}

// entryOf returns match m of item it as a digest entry.
func entryOf(m store.Match, it feeds.Item) digest.Entry {
	return digest.Entry{
		Profile:   m.Profile,
		Channel:   m.Channel,
		ItemID:    m.ItemID,
		Title:     it.Title,
		Link:      it.Link,
		Feed:      it.Feed,
		Source:    it.Source,
		Published: it.Published,
		Summary:   lead(it.Summary),
		Matched:   m.Terms,
		Score:     m.Score,
	}
}

// leadBytes is how much of an item's summary a digest keeps: enough for
// near-duplicate detection, which reads the first 60 words.
const leadBytes = 800

// lead returns the start of a summary as a string of its own, so the rest
// can be freed while a large digest is built.
func lead(summary string) string {
	if len(summary) <= leadBytes {
		return summary
	}
	cut := leadBytes
	for cut > 0 && !utf8.RuneStart(summary[cut]) {
		cut--
	}
	return strings.Clone(summary[:cut])
}

// DigestOptions completes opts from the profiles in force: descriptions,
// profile order and each channel's profiles.
func (p *Pipeline) DigestOptions(opts digest.Options) digest.Options {
	profiles := p.Matcher().Profiles()
	if opts.Descriptions == nil {
		opts.Descriptions = map[string]string{}
		for _, pi := range profiles {
			opts.Descriptions[pi.Name] = pi.Description
		}
	}
	if opts.Order == nil {
		for _, pi := range profiles {
			opts.Order = append(opts.Order, pi.Name)
		}
	}
	if opts.ChannelProfiles == nil {
		opts.ChannelProfiles = map[string][]string{}
		channels := p.channels(p.Matcher())
		for _, pi := range profiles {
			ch := channels[pi.Name]
			opts.ChannelProfiles[ch] = append(opts.ChannelProfiles[ch], pi.Name)
		}
	}
	return opts
}

// FailingFeeds describes the configured feeds that have been failing for
// more than a day (or have never worked after several tries), for a digest
// footer; "" when there are none.
func (p *Pipeline) FailingFeeds(ctx context.Context) (string, error) {
	states, err := p.Store.FeedStates(ctx)
	if err != nil {
		return "", fmt.Errorf("pipeline: failing feeds: %w", err)
	}
	configured := map[string]string{}
	for _, f := range p.Feeds {
		configured[f.URL] = f.Name
	}
	now := p.Now()
	var names []string
	for _, st := range states {
		name, ok := configured[st.URL]
		if !ok || st.ConsecutiveFailures == 0 {
			continue
		}
		if name == "" {
			name = feedLabel(st)
		}
		switch {
		case !st.LastSuccess.IsZero() && now.Sub(st.LastSuccess) > 24*time.Hour:
			names = append(names, fmt.Sprintf("%s (last worked %s)", name, p.in(st.LastSuccess).Format("2 Jan")))
		case st.LastSuccess.IsZero() && st.ConsecutiveFailures >= neverWorkedAfter:
			names = append(names, name+" (never worked)")
		}
	}
	if len(names) == 0 {
		return "", nil
	}
	sort.Strings(names)
	return "Feeds failing for more than a day: " + strings.Join(names, ", ") + " — see `newsbot feeds`.", nil
}

// neverWorkedAfter is how many consecutive failures of a feed that never
// worked make it worth a footer: with back-off, about a day.
const neverWorkedAfter = 9
