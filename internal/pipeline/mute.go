package pipeline

import (
	"context"
	"fmt"
	"strings"

	"github.com/newsbot/newsbot/digest"
)

// mutedPrefix marks the item IDs of muted stories among the entries that
// dropMuted folds, so they cannot be taken for pending items.
const mutedPrefix = "\x00muted:"

// dropMuted leaves out of entries the later copies of stories that readers
// muted: an entry is dropped when its item was muted, or when digest.Build
// would fold it into one story with a muted item of the same channel, for
// any profile of that channel. Dropped entries stay pending (nothing is
// marked delivered, so a preview changes nothing) and are dropped again at
// every cycle.
func (p *Pipeline) dropMuted(ctx context.Context, entries []digest.Entry) ([]digest.Entry, error) {
	if len(entries) == 0 {
		return entries, nil
	}
	muted, err := p.Store.Muted(ctx)
	if err != nil {
		return nil, fmt.Errorf("muted stories: %w", err)
	}
	if len(muted) == 0 {
		return entries, nil
	}
	mutedIDs := map[string]map[string]bool{} // channel → muted item IDs
	byChannel := map[string][]digest.Entry{}
	for _, m := range muted {
		if mutedIDs[m.Channel] == nil {
			mutedIDs[m.Channel] = map[string]bool{}
		}
		if mutedIDs[m.Channel][m.ItemID] {
			continue
		}
		mutedIDs[m.Channel][m.ItemID] = true
		byChannel[m.Channel] = append(byChannel[m.Channel], digest.Entry{
			Channel:   m.Channel,
			ItemID:    mutedPrefix + m.ItemID,
			Title:     m.Item.Title,
			Link:      m.Item.Link,
			Feed:      m.Item.Feed,
			Published: m.Item.Published,
			Summary:   lead(m.Item.Summary),
		})
	}

	// Fold each profile's pending entries of a channel with the channel's
	// muted stories, and drop what lands in a story with a muted item.
	type key struct{ profile, channel string }
	probes := map[key][]digest.Entry{}
	var keys []key
	for _, e := range entries {
		if len(byChannel[e.Channel]) == 0 {
			continue
		}
		k := key{e.Profile, e.Channel}
		if _, ok := probes[k]; !ok {
			keys = append(keys, k)
		}
		probes[k] = append(probes[k], e)
	}
	drop := map[key]map[string]bool{}
	for _, k := range keys {
		probe := probes[k]
		for _, m := range byChannel[k.channel] {
			m.Profile = k.profile
			probe = append(probe, m)
		}
		drop[k] = map[string]bool{}
		for _, d := range digest.Build(probe, digest.Options{Now: p.Now}) {
			for _, s := range d.Stories {
				hit := false
				for _, id := range s.ItemIDs {
					if strings.HasPrefix(id, mutedPrefix) || mutedIDs[k.channel][id] {
						hit = true
						break
					}
				}
				if hit {
					for _, id := range s.ItemIDs {
						drop[k][id] = true
					}
				}
			}
		}
	}
	kept := entries[:0:0]
	dropped := 0
	for _, e := range entries {
		if drop[key{e.Profile, e.Channel}][e.ItemID] {
			dropped++
			continue
		}
		kept = append(kept, e)
	}
	if dropped > 0 && p.Log != nil {
		p.Log.Debug("muted stories held back", "entries", dropped)
	}
	return kept, nil
}
