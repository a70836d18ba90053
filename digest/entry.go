package digest

import "time"

// Entry is one matched item as the store hands it over: an item that matched
// a profile and waits to be delivered to the profile's channel.
type Entry struct {
	// Profile is the name of the profile the item matched.
	Profile string
	// Channel is the Slack channel the profile's digest goes to.
	Channel string
	// ItemID identifies the item stably; Deliver hands it back to the Marker.
	ItemID string
	// Title is the item's title as plain text, not yet escaped.
	Title string
	// Summary is the plain-text lead of the item (its first paragraph or
	// description); it may be empty. Build compares the first words of
	// summaries to fold syndicated copies; it is never rendered.
	Summary string
	// Link is the item's canonical http(s) link; it may be empty.
	Link string
	// Feed is the display name of the feed that carried the item.
	Feed string
	// Source is the publisher an aggregator (a Google News search) credits
	// the item to; empty when the feed is the publisher. See Outlet.
	Source string
	// Published is when the item was published; zero when unknown.
	Published time.Time
	// Matched lists the profile terms that hit.
	Matched []string
	// Score ranks the entry against the others of its profile; higher is better.
	Score float64
}

// Outlet returns who published the entry: its Source, else its Feed. Digests
// show it as the entry's source, and folding treats copies from different
// outlets as different reports even when one search feed carried them all.
func (e Entry) Outlet() string {
	if e.Source != "" {
		return e.Source
	}
	return e.Feed
}
