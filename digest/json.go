package digest

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// jsonStory is the JSON Lines form of one story.
type jsonStory struct {
	Profile    string   `json:"profile"`
	Channel    string   `json:"channel"`
	Title      string   `json:"title"`
	Link       string   `json:"link"`
	Published  *string  `json:"published"`
	Feed       string   `json:"feed"`
	Source     string   `json:"source"`
	Matched    []string `json:"matched"`
	Duplicates []string `json:"duplicates"`
	Also       []string `json:"also"`
	Score      float64  `json:"score"`
	ItemIDs    []string `json:"item_ids"`
}

// WriteJSON writes digests as JSON Lines, one object per story, in digest and
// rank order, with the fields profile, channel, title, link, published (RFC
// 3339 in UTC, null when unknown), feed (the feed that carried it), source
// (the publisher an aggregator credits, else the feed's name), matched,
// duplicates, also (the other outlets), score and item_ids. The list fields are always arrays, [] when empty.
func WriteJSON(w io.Writer, ds []Digest) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, d := range ds {
		for _, s := range d.Stories {
			js := jsonStory{
				Profile:    d.Profile,
				Channel:    d.Channel,
				Title:      s.Title,
				Link:       s.Link,
				Feed:       s.Feed,
				Source:     s.Outlet(),
				Matched:    nonNil(s.Matched),
				Duplicates: nonNil(s.Duplicates),
				Also:       nonNil(s.AlsoIn),
				Score:      s.Score,
				ItemIDs:    nonNil(s.ItemIDs),
			}
			if !s.Published.IsZero() {
				p := s.Published.UTC().Format(time.RFC3339)
				js.Published = &p
			}
			if err := enc.Encode(js); err != nil {
				return fmt.Errorf("digest: write json: %w", err)
			}
		}
	}
	return nil
}

// nonNil returns ss, or an empty slice when ss is nil, so that it encodes as [].
func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}
