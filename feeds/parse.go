package feeds

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
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

// rawItem is what normalise needs of one entry, whatever the format.
type rawItem struct {
	title, description, content string
	link                        string
	links                       []string
	guid                        string
	published                   *time.Time
	source, sourceURL           string
}

// detectPeek is how much of a document feed type detection looks at, as
// gofeed's own parser does.
const detectPeek = 4096

// parse does the work of Parse. base resolves relative links; it is the
// final URL after redirects when fetched over HTTP. Errors carry no prefix.
//
// RSS and Atom are read with gofeed's format parsers directly, not its
// universal parser: its translation to a universal item searches every
// item's HTML for an image, which newsbot never shows. JSON Feed goes through
// the universal parser, whose date parsing it needs.
func parse(data []byte, contentType, feedURL, base, feedName string) (*parsedFeed, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%w: empty body", ErrNotAFeed)
	}
	doc := toUTF8(data, contentType)
	var (
		pf   parsedFeed
		site string
		raws []rawItem
		err  error
	)
	switch gofeed.DetectFeedType(bytes.NewReader(doc[:min(len(doc), detectPeek)])) {
	case gofeed.FeedTypeRSS:
		site, raws, err = parseRSS(doc, &pf)
	case gofeed.FeedTypeAtom:
		site, raws, err = parseAtom(doc, &pf)
	case gofeed.FeedTypeJSON:
		site, raws, err = parseJSON(doc, &pf)
	default:
		if looksLikeHTML(doc) {
			return nil, fmt.Errorf("%w: got an HTML page", ErrNotAFeed)
		}
		return nil, fmt.Errorf("%w: no RSS, Atom or JSON feed found", ErrNotAFeed)
	}
	if err != nil {
		return nil, err
	}
	if u, err := url.Parse(base); err != nil || !isHTTP(u) {
		base = site // a local file: resolve against the site instead
	}
	display := displayName(feedName, pf.title, feedURL)
	pf.items = make([]Item, 0, len(raws))
	for i := range raws {
		pf.items = append(pf.items, normalise(&raws[i], feedURL, base, display))
	}
	return &pf, nil
}

// parseRSS reads an RSS 0.9x, 1.0 (RDF) or 2.0 document.
func parseRSS(doc []byte, pf *parsedFeed) (site string, raws []rawItem, err error) {
	f, err := (&rss.Parser{}).Parse(bytes.NewReader(doc))
	if err != nil {
		return "", nil, fmt.Errorf("%w: %w", ErrNotAFeed, err)
	}
	pf.title = f.Title
	if pf.title == "" && f.DublinCoreExt != nil {
		pf.title = firstOf(f.DublinCoreExt.Title)
	}
	pf.title = titleText(pf.title)
	if m, err := strconv.Atoi(strings.TrimSpace(f.TTL)); err == nil && m > 0 {
		pf.ttl = min(time.Duration(m)*time.Minute, maxHint)
	}
	site = f.Link
	raws = make([]rawItem, 0, len(f.Items))
	for _, it := range f.Items {
		if it == nil {
			continue
		}
		r := rawItem{
			title:       it.Title,
			description: it.Description,
			content:     it.Content,
			link:        it.Link,
			links:       it.Links,
			published:   it.PubDateParsed,
		}
		if dc := it.DublinCoreExt; dc != nil {
			if r.title == "" {
				r.title = firstOf(dc.Title)
			}
			if r.description == "" {
				r.description = firstOf(dc.Description)
			}
			if r.published == nil {
				r.published = parseW3CDate(firstOf(dc.Date))
			}
		}
		if r.description == "" && it.ITunesExt != nil {
			r.description = it.ITunesExt.Summary
		}
		if it.GUID != nil {
			r.guid = it.GUID.Value
		}
		if it.Source != nil {
			r.source, r.sourceURL = it.Source.Title, it.Source.URL
		}
		raws = append(raws, r)
	}
	return site, raws, nil
}

// parseAtom reads an Atom 0.3 or 1.0 document.
func parseAtom(doc []byte, pf *parsedFeed) (site string, raws []rawItem, err error) {
	f, err := (&atom.Parser{}).Parse(bytes.NewReader(doc))
	if err != nil {
		return "", nil, fmt.Errorf("%w: %w", ErrNotAFeed, err)
	}
	pf.title = titleText(f.Title)
	if l := atomLink(f.Links); l != "" {
		site = l
	}
	raws = make([]rawItem, 0, len(f.Entries))
	for _, e := range f.Entries {
		if e == nil {
			continue
		}
		r := rawItem{
			title:       e.Title,
			description: e.Summary,
			link:        atomLink(e.Links),
			guid:        e.ID,
			published:   e.PublishedParsed,
		}
		if r.published == nil {
			r.published = e.UpdatedParsed
		}
		if e.Content != nil {
			r.content = e.Content.Value
		}
		for _, l := range e.Links {
			if l != nil && (l.Rel == "" || l.Rel == "alternate" || l.Rel == "self") {
				r.links = append(r.links, l.Href)
			}
		}
		if s := e.Source; s != nil && s.Title != "" {
			r.source, r.sourceURL = s.Title, atomLink(s.Links)
		}
		raws = append(raws, r)
	}
	return site, raws, nil
}

// atomLink returns the first alternate link, or "".
func atomLink(links []*atom.Link) string {
	for _, l := range links {
		if l != nil && (l.Rel == "alternate" || l.Rel == "") {
			return l.Href
		}
	}
	return ""
}

// parseJSON reads a JSON Feed.
func parseJSON(doc []byte, pf *parsedFeed) (site string, raws []rawItem, err error) {
	f, err := gofeed.NewParser().Parse(bytes.NewReader(doc))
	if err != nil {
		return "", nil, fmt.Errorf("%w: %w", ErrNotAFeed, err)
	}
	if f.FeedVersion == "" {
		return "", nil, fmt.Errorf("%w: JSON without a JSON Feed version", ErrNotAFeed)
	}
	pf.title = titleText(f.Title)
	raws = make([]rawItem, 0, len(f.Items))
	for _, it := range f.Items {
		if it == nil {
			continue
		}
		r := rawItem{
			title:       it.Title,
			description: it.Description,
			content:     it.Content, // content_html, else content_text
			link:        it.Link,
			links:       it.Links,
			guid:        it.GUID,
			published:   it.PublishedParsed,
		}
		if r.published == nil {
			r.published = it.UpdatedParsed
		}
		raws = append(raws, r)
	}
	return f.Link, raws, nil
}

// w3cLayouts are the forms of a W3C date-time (ISO 8601 profile) that
// Dublin Core dates take.
var w3cLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02", "2006-01", "2006"}

// parseW3CDate parses a dc:date, or returns nil.
func parseW3CDate(s string) *time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	for _, layout := range w3cLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return &t
		}
	}
	return nil
}

func firstOf(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	return ss[0]
}

// normalise turns one raw entry into an Item.
func normalise(it *rawItem, feedURL, base, display string) Item {
	desc := plainText(it.description)
	var content string
	if it.content != "" && it.content != it.description {
		content = plainText(it.content)
	}
	item := Item{
		FeedURL: feedURL,
		Feed:    display,
		Title:   titleText(it.title),
		Source:  titleText(it.source),
	}
	if item.Source != "" {
		item.SourceURL = canonicalLink(it.sourceURL, base)
	}
	fullTitle := item.Title
	item.Title, item.Source = publisherSuffix(item.Title, item.Source, desc)
	if echoesTitle(desc, fullTitle, item.Title, item.Source) {
		// A Google News description is the title and the publisher
		// again: nothing to show or to match.
		desc = ""
	}
	item.Summary = truncate(desc, maxSummaryRunes)
	if item.Summary == "" {
		item.Summary = truncate(content, maxSummaryRunes)
	}
	item.Text = mergeText(desc, content)
	item.Link = canonicalLink(it.link, base)
	for _, l := range it.links {
		if item.Link != "" {
			break
		}
		item.Link = canonicalLink(l, base)
	}
	guid := strings.TrimSpace(it.guid)
	if item.Link == "" && (strings.HasPrefix(guid, "http://") || strings.HasPrefix(guid, "https://")) {
		item.Link = canonicalLink(guid, base)
	}
	if it.published != nil {
		item.Published = it.published.UTC()
	}
	key := guid
	if key == "" {
		key = item.Link
	}
	if key == "" {
		// Neither GUID nor link: the title alone would make two stories
		// under one headline (a daily "Press release") one item.
		key = item.Title + "|" + item.Published.Format(time.RFC3339) + "|" + item.Text
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
