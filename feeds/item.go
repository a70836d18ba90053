package feeds

import "time"

// MaxTextBytes caps Item.Text: the text an item is matched on. It is
// generous (a long article is 30–60 KiB of text) so that matching sees the
// whole of what a feed publishes; only what lies beyond it is not matched.
const MaxTextBytes = 256 << 10

// Item is one normalised entry of a feed: plain text, a canonical link and a
// stable identifier. Every string is safe to store but not to display as
// markup: escaping for an output format is the renderer's job.
type Item struct {
	// ID identifies the item stably across polls. It is derived from the feed
	// URL and the item's GUID, else its canonical link, else a hash of its
	// title, date and text, so the same entry polled twice has the same ID
	// and two stories under one headline do not.
	ID string
	// FeedURL is the URL (or local path) of the feed the item came from.
	FeedURL string
	// Feed is the feed's display name: the configured name, else the feed's
	// own title, else the host of its URL.
	Feed string
	// Title is the item's title as plain text, entities decoded, whitespace
	// folded, bidirectional controls removed, and capped in length. An
	// aggregator's " - Publisher" suffix is removed when the feed names that
	// publisher (see Source).
	Title string
	// Summary is the item's lead to show: its description, else its content,
	// as plain text capped at 2,000 runes.
	Summary string
	// Text is everything the feed published about the item, to match on:
	// the description and the content (content:encoded, Atom content, JSON
	// Feed content_html or content_text) as plain text, read once when one
	// repeats the other, and, for feeds with full_text, the main text of the
	// article page. It is capped at MaxTextBytes and excludes the title.
	Text string
	// Source is the publisher an aggregator credits the item to (RSS
	// <source>, Atom <source>, or a Google News title suffix matching the
	// description's publisher); empty when the feed names none.
	Source string
	// SourceURL is the publisher's http(s) URL as the feed gives it; it may
	// be empty.
	SourceURL string
	// Link is the canonical http(s) link with tracking parameters removed, or
	// empty when the item has no usable link.
	Link string
	// Published is when the item was published (or, failing that, updated),
	// in UTC; zero when the feed does not say.
	Published time.Time
}

// Body returns the text to match the item on besides its title: Text, or
// Summary for an item that has none (one built by hand, or stored before
// newsbot kept whole texts).
func (it Item) Body() string {
	if it.Text != "" {
		return it.Text
	}
	return it.Summary
}
