package feeds

import "time"

// Item is one normalised entry of a feed: plain text, a canonical link and a
// stable identifier. Every string is safe to store but not to display as
// markup: escaping for an output format is the renderer's job.
type Item struct {
	// ID identifies the item stably across polls. It is derived from the feed
	// URL and the item's GUID, else its canonical link, else a hash of its
	// title and date, so the same entry polled twice has the same ID.
	ID string
	// FeedURL is the URL (or local path) of the feed the item came from.
	FeedURL string
	// Feed is the feed's display name: the configured name, else the feed's
	// own title, else the host of its URL.
	Feed string
	// Title is the item's title as plain text, entities decoded, whitespace
	// folded, and capped in length.
	Title string
	// Summary is the item's description or content as plain text, capped in
	// length.
	Summary string
	// Link is the canonical http(s) link with tracking parameters removed, or
	// empty when the item has no usable link.
	Link string
	// Published is when the item was published (or, failing that, updated),
	// in UTC; zero when the feed does not say.
	Published time.Time
}
