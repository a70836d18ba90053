package feeds

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html/charset"
	"golang.org/x/sync/errgroup"
)

// ErrNoArticle means an article page had no main text that readability
// could find.
var ErrNoArticle = errors.New("no article text found")

// ErrAggregatorLink means a link leads to an aggregator's redirect page
// (news.google.com), which only a browser running its scripts can follow:
// newsbot never fetches it.
var ErrAggregatorLink = errors.New("aggregator redirect link not followed")

// isAggregatorHost reports whether host serves aggregator redirects that
// cannot be followed without JavaScript.
func isAggregatorHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return host == "news.google.com" || strings.HasSuffix(host, ".news.google.com")
}

// articleKey marks the context of an article request, whose redirects must
// not lead to an aggregator.
type articleKey struct{}

// articleAccept asks for a web page.
const articleAccept = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"

// Article fetches the web page at link and returns its main text as plain
// text, extracted with readability (the algorithm of Firefox's Reader View),
// capped at MaxTextBytes. It obeys the Fetcher's limits: the timeout for the
// whole fetch, MaxBody, the redirect limit; it sends no cookies, fetches only
// http(s), and never fetches an aggregator's redirect link. req supplies the
// User-Agent and extra headers of the feed the item came from.
func (f *Fetcher) Article(ctx context.Context, req Request, link string) (string, error) {
	shown := RedactURL(link)
	u, err := url.Parse(link)
	switch {
	case err != nil || !isHTTP(u) || u.Host == "":
		return "", fmt.Errorf("feeds: article %s: not an http(s) URL", shown)
	case isAggregatorHost(u.Hostname()):
		return "", fmt.Errorf("feeds: article %s: %w", shown, ErrAggregatorLink)
	}
	ctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	text, err := f.article(context.WithValue(ctx, articleKey{}, true), req, u)
	if err != nil {
		return "", fmt.Errorf("feeds: article %s: %w", shown, withCtxErr(ctx, err))
	}
	return text, nil
}

func (f *Fetcher) article(ctx context.Context, req Request, u *url.URL) (string, error) {
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", errors.New("invalid request")
	}
	f.setHeaders(hreq, req, articleAccept)
	resp, err := f.do(hreq)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
		return "", &HTTPError{URL: RedactURL(u.String()), Status: resp.StatusCode}
	}
	body, err := f.readBody(resp)
	if err != nil {
		return "", err
	}
	r, err := charset.NewReader(bytes.NewReader(body), resp.Header.Get("Content-Type"))
	if err != nil {
		return "", fmt.Errorf("charset: %w", err)
	}
	art, err := readability.FromReader(r, resp.Request.URL)
	if err != nil {
		return "", fmt.Errorf("readability: %w", err)
	}
	if art.Node == nil {
		return "", ErrNoArticle
	}
	var page strings.Builder
	if err := art.RenderHTML(&page); err != nil {
		return "", fmt.Errorf("readability: %w", err)
	}
	text := capText(plainText(page.String()))
	if text == "" {
		return "", ErrNoArticle
	}
	return text, nil
}

// ArticleResult is what FetchArticles did for one item.
type ArticleResult struct {
	// Index is the item's index in the slice given to FetchArticles.
	Index int
	// Err is why the item's article was not read; nil when it was.
	Err error
}

// FetchArticles fetches the article page of each item that has a link and
// adds its main text to the item's Text (read once where it repeats what
// the feed gave): at most PerHost pages per host at once across the Poller
// and at most PerHost in all, each in a goroutine of its own, returning
// when all are done. It returns one result per item tried, in no set
// order; an item whose article fails keeps what the feed gave. Items with
// no link are skipped; aggregator links fail with ErrAggregatorLink without
// a request.
func (p *Poller) FetchArticles(ctx context.Context, req Request, items []Item) []ArticleResult {
	var (
		mu  sync.Mutex
		out []ArticleResult
		g   errgroup.Group
	)
	g.SetLimit(p.perHost())
	for i := range items {
		if items[i].Link == "" {
			continue
		}
		g.Go(func() error {
			text, err := p.article(ctx, req, items[i].Link)
			if err == nil {
				items[i].Text = mergeText(items[i].Text, text)
			}
			mu.Lock()
			out = append(out, ArticleResult{Index: i, Err: err})
			mu.Unlock()
			return nil
		})
	}
	_ = g.Wait()
	return out
}

// article fetches one article once a slot on its host is free.
func (p *Poller) article(ctx context.Context, req Request, link string) (string, error) {
	host := p.hostLimit(hostKey(link))
	if err := host.Acquire(ctx, 1); err != nil {
		return "", fmt.Errorf("feeds: article %s: %w", RedactURL(link), err)
	}
	defer host.Release(1)
	return p.Fetcher.Article(ctx, req, link)
}
