package pipeline

import (
	"context"
	"errors"
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
// any profile of that channel. It changes nothing in the store (a preview
// must not): it returns the dropped entries as held, which a real delivery
// settles with settleMuted so that they leave the pending set.
func (p *Pipeline) dropMuted(ctx context.Context, entries []digest.Entry) (kept []digest.Entry, held []mutedCopy, err error) {
	if len(entries) == 0 {
		return entries, nil, nil
	}
	muted, err := p.Store.Muted(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("muted stories: %w", err)
	}
	if len(muted) == 0 {
		return entries, nil, nil
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
	// drop maps each entry to hold back to the muted item of its story.
	drop := map[key]map[string]string{}
	for _, k := range keys {
		probe := probes[k]
		for _, m := range byChannel[k.channel] {
			m.Profile = k.profile
			probe = append(probe, m)
		}
		drop[k] = map[string]string{}
		for _, d := range digest.Build(probe, digest.Options{Now: p.Now}) {
			for _, s := range d.Stories {
				story := ""
				for _, id := range s.ItemIDs {
					if strings.HasPrefix(id, mutedPrefix) || mutedIDs[k.channel][id] {
						story = strings.TrimPrefix(id, mutedPrefix)
						break
					}
				}
				if story != "" {
					for _, id := range s.ItemIDs {
						drop[k][id] = story
					}
				}
			}
		}
	}
	kept = entries[:0:0]
	for _, e := range entries {
		if story, ok := drop[key{e.Profile, e.Channel}][e.ItemID]; ok {
			held = append(held, mutedCopy{profile: e.Profile, itemID: e.ItemID, story: story})
			continue
		}
		kept = append(kept, e)
	}
	if len(held) > 0 && p.Log != nil {
		p.Log.Debug("muted stories held back", "entries", len(held))
	}
	return kept, held, nil
}

// mutedCopy is a pending entry that dropMuted held back: profile's match of
// itemID, folded into the story of the muted item story.
type mutedCopy struct {
	profile, itemID, story string
}

// settleMuted marks the held-back copies of muted stories settled
// (store.MarkMuted), so that they leave the pending set; only a real
// delivery calls it, never a preview.
func (p *Pipeline) settleMuted(ctx context.Context, held []mutedCopy) error {
	type key struct{ profile, story string }
	ids := map[key][]string{}
	var keys []key
	for _, h := range held {
		k := key{h.profile, h.story}
		if _, ok := ids[k]; !ok {
			keys = append(keys, k)
		}
		ids[k] = append(ids[k], h.itemID)
	}
	now := p.Now()
	var errs []error
	for _, k := range keys {
		if err := p.Store.MarkMuted(ctx, k.profile, ids[k], k.story, now); err != nil {
			errs = append(errs, fmt.Errorf("settling the copies of a muted story: %w", err))
		}
	}
	if len(held) > 0 && p.Log != nil {
		p.Log.Info("copies of muted stories settled without a post", "entries", len(held))
	}
	return errors.Join(errs...)
}
