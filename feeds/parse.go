package feeds

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/rss"
)

// Parse decodes a feed body and returns the feed's own title and its items,
// normalised. contentType is the HTTP Content-Type, or "" when unknown; its
// charset is used only when data is not valid UTF-8. feedURL identifies the
// feed (it seeds every Item.ID and resolves relative links) and feedName is
// the configured display name, which may be empty.
//
// An HTML page, an empty body or a document that is no RSS, Atom or JSON
// feed yields an error wrapping ErrNotAFeed. Parse is safe for concurrent
// use and never reads anything but data: entity declarations are ignored.
func Parse(data []byte, contentType, feedURL, feedName string) (title string, items []Item, err error) {
	pf, err := parse(data, contentType, feedURL, feedURL, feedName)
	if err != nil {
		return "", nil, fmt.Errorf("feeds: parse %s: %w", RedactURL(feedURL), err)
	}
	return pf.title, pf.items, nil
}

// parsedFeed is what parse learns from a body.
type parsedFeed struct {
	title string
	items []Item
	ttl   time.Duration // RSS <ttl>, zero when absent
}

// parse does the work of Parse. base resolves relative links; it is the
// final URL after redirects when fetched over HTTP. Errors carry no prefix.
func parse(data []byte, contentType, feedURL, base, feedName string) (*parsedFeed, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%w: empty body", ErrNotAFeed)
	}
	doc := toUTF8(data, contentType)
	p := gofeed.NewParser()
	p.KeepOriginalFeed = true
	f, err := p.Parse(bytes.NewReader(doc))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			if looksLikeHTML(doc) {
				return nil, fmt.Errorf("%w: got an HTML page", ErrNotAFeed)
			}
			return nil, fmt.Errorf("%w: no RSS, Atom or JSON feed found", ErrNotAFeed)
		}
		return nil, fmt.Errorf("%w: %w", ErrNotAFeed, err)
	}
	if f.FeedType == "json" && f.FeedVersion == "" {
		return nil, fmt.Errorf("%w: JSON without a JSON Feed version", ErrNotAFeed)
	}

	pf := &parsedFeed{title: titleText(f.Title)}
	if r, ok := f.OriginalFeed().(*rss.Feed); ok {
		if m, err := strconv.Atoi(strings.TrimSpace(r.TTL)); err == nil && m > 0 {
			pf.ttl = min(time.Duration(m)*time.Minute, maxHint)
		}
	}
	if u, err := url.Parse(base); err != nil || !isHTTP(u) {
		base = f.Link // a local file: resolve against the site instead
	}
	display := displayName(feedName, pf.title, feedURL)
	pf.items = make([]Item, 0, len(f.Items))
	for _, it := range f.Items {
		if it == nil {
			continue
		}
		pf.items = append(pf.items, normalise(it, feedURL, base, display))
	}
	return pf, nil
}

// normalise turns one gofeed item into an Item.
func normalise(it *gofeed.Item, feedURL, base, display string) Item {
	item := Item{
		FeedURL: feedURL,
		Feed:    display,
		Title:   titleText(it.Title),
		Summary: summaryText(it.Description),
	}
	if item.Summary == "" {
		item.Summary = summaryText(it.Content)
	}
	item.Link = canonicalLink(it.Link, base)
	for _, l := range it.Links {
		if item.Link != "" {
			break
		}
		item.Link = canonicalLink(l, base)
	}
	guid := strings.TrimSpace(it.GUID)
	if item.Link == "" && (strings.HasPrefix(guid, "http://") || strings.HasPrefix(guid, "https://")) {
		item.Link = canonicalLink(guid, base)
	}
	switch {
	case it.PublishedParsed != nil:
		item.Published = it.PublishedParsed.UTC()
	case it.UpdatedParsed != nil:
		item.Published = it.UpdatedParsed.UTC()
	}
	key := guid
	if key == "" {
		key = item.Link
	}
	if key == "" {
		key = item.Title + "|" + item.Published.Format(time.RFC3339)
	}
	item.ID = itemID(feedURL, key)
	return item
}

// itemID returns the first 32 hex digits of sha256(feedURL NUL key).
func itemID(feedURL, key string) string {
	sum := sha256.Sum256([]byte(feedURL + "\x00" + key))
	return hex.EncodeToString(sum[:16])
}

// displayName picks the name shown for a feed: the configured name, else
// the feed's title, else the host of its URL (the file name for a path).
func displayName(name, title, feedURL string) string {
	if name = strings.TrimSpace(name); name != "" {
		return name
	}
	if title != "" {
		return title
	}
	if u, err := url.Parse(feedURL); err == nil && u.Host != "" {
		return strings.ToLower(u.Hostname())
	}
	return filepath.Base(feedURL)
}

// looksLikeHTML reports whether a document that is no feed is a web page.
func looksLikeHTML(doc []byte) bool {
	head := bytes.ToLower(doc[:min(len(doc), 1024)])
	return bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<!doctype html")) ||
		bytes.Contains(head, []byte("<head")) || bytes.Contains(head, []byte("<body"))
}
