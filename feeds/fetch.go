package feeds

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Defaults applied by NewFetcher to zero Options fields.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxBody      = 10 << 20
	DefaultUserAgent    = "newsbot/dev (+https://github.com/newsbot/newsbot)"
	DefaultMaxRedirects = 5
)

// acceptHeader prefers feed types but takes anything, since many servers
// label feeds text/html or application/octet-stream.
const acceptHeader = "application/rss+xml, application/atom+xml, application/feed+json, " +
	"application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"

// Options configures a Fetcher. The zero value of each field selects its
// default.
type Options struct {
	Timeout      time.Duration // deadline for the whole fetch, body included (default 30s)
	MaxBody      int64         // max bytes after decompression (default 10 MiB)
	UserAgent    string        // default "newsbot/dev (+https://github.com/newsbot/newsbot)"
	MaxRedirects int           // default 5; a negative value follows none
	// Now returns the current time; it turns a Retry-After date into a
	// delay. Nil means time.Now.
	Now func() time.Time
}

// Request names one feed to fetch and the validators from its previous
// successful fetch.
type Request struct {
	URL  string // http(s) URL, or a local file path / file:// URL
	Name string // configured display name, may be empty
	// UserAgent replaces Options.UserAgent for this feed and its articles
	// when not empty: some sites refuse a bot's User-Agent.
	UserAgent string
	// Headers are sent with every request for this feed and its articles,
	// after newsbot's own (so they may replace Accept, not the validators).
	Headers map[string]string
	// FullText asks the caller to fetch each new item's article page
	// (Poller.FetchArticles) and match on its main text.
	FullText     bool
	ETag         string // from the previous successful fetch
	LastModified string
}

// DisplayName is how the feed is shown to people: its configured Name, else
// title (the feed's own title, as last fetched; may be empty), else its URL
// without credentials.
func (r Request) DisplayName(title string) string {
	switch {
	case r.Name != "":
		return r.Name
	case title != "":
		return title
	}
	return RedactURL(r.URL)
}

// Result is what one fetch learned. Fetch never returns a nil Result; on
// error it still carries the status, RetryAfter and the request's
// validators, so a caller may store ETag and LastModified unconditionally.
type Result struct {
	NotModified  bool          // 304: nothing parsed
	Status       int           // HTTP status (0 for files)
	ETag         string        // to send next time (keep the old one on 304)
	LastModified string        // likewise; for files, the modification time
	Title        string        // the feed's own title
	Items        []Item        // normalised items, in feed order
	RetryAfter   time.Duration // from Retry-After on 429/503 (also set on the error path)
	MaxAge       time.Duration // hint for the next poll: Cache-Control max-age, else RSS <ttl>, else 0
	Bytes        int64         // body bytes read, after decompression
}

// Fetcher downloads and parses feeds. It owns an http.Client that honours
// the proxy environment variables (HTTPS_PROXY, NO_PROXY; never for
// loopback), decompresses gzip itself so that MaxBody applies to
// decompressed bytes, and follows at most MaxRedirects redirects. A Fetcher
// is safe for concurrent use.
type Fetcher struct {
	opts   Options
	client *http.Client
}

// NewFetcher returns a Fetcher with opts, zero fields set to their
// defaults.
func NewFetcher(opts Options) *Fetcher {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent
	}
	if opts.MaxRedirects == 0 {
		opts.MaxRedirects = DefaultMaxRedirects
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	dialTimeout := min(opts.Timeout, 10*time.Second)
	transport := &http.Transport{
		Proxy: http.ProxyFromEnvironment, // HTTPS_PROXY/NO_PROXY, as operators expect; never for loopback
		DialContext: (&net.Dialer{
			Timeout:   dialTimeout,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           256,
		MaxIdleConnsPerHost:    64, // keep up with per_host; idle ones close after IdleConnTimeout
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    dialTimeout,
		ExpectContinueTimeout:  time.Second,
		ResponseHeaderTimeout:  opts.Timeout,
		MaxResponseHeaderBytes: 1 << 20,
		DisableCompression:     true, // we ask for gzip and cap what it inflates to
	}
	maxRedirects := max(opts.MaxRedirects, 0)
	client := &http.Client{
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return fmt.Errorf("%w (more than %d)", ErrTooManyRedirects, maxRedirects)
			}
			if !isHTTP(req.URL) {
				return fmt.Errorf("redirect to unsupported scheme %q", req.URL.Scheme)
			}
			if req.Context().Value(articleKey{}) != nil && isAggregatorHost(req.URL.Hostname()) {
				return ErrAggregatorLink
			}
			return nil
		},
	}
	return &Fetcher{opts: opts, client: client}
}

// CloseIdleConnections closes the connections the Fetcher keeps open for
// reuse. Call it when the Fetcher is no longer needed.
func (f *Fetcher) CloseIdleConnections() {
	f.client.CloseIdleConnections()
}

// Fetch downloads the feed req names and parses it. Over HTTP it sends the
// request's validators, so an unchanged feed comes back as NotModified with
// no items. A local path or file:// URL is read from disk; its modification
// time serves as LastModified.
//
// The whole fetch, body included, must finish within Options.Timeout and
// before ctx is done. Errors are wrapped with the redacted URL: a status
// other than 2xx or 304 yields an *HTTPError, a body over MaxBody
// ErrTooLarge, and a body that is no feed ErrNotAFeed.
func (f *Fetcher) Fetch(ctx context.Context, req Request) (*Result, error) {
	res := &Result{ETag: req.ETag, LastModified: req.LastModified}
	shown := RedactURL(req.URL)
	u, err := url.Parse(req.URL)
	if err != nil {
		return res, fmt.Errorf("feeds: fetch %s: invalid URL", shown)
	}
	ctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()

	switch {
	case isHTTP(u):
		err = f.fetchHTTP(ctx, req, u, res)
	case u.Scheme == "file":
		err = f.fetchFile(ctx, req, u.Path, res)
	case u.Scheme == "" || filepath.VolumeName(req.URL) != "":
		err = f.fetchFile(ctx, req, req.URL, res)
	default:
		err = fmt.Errorf("unsupported URL scheme %q", u.Scheme)
	}
	if err != nil {
		return res, fmt.Errorf("feeds: fetch %s: %w", shown, withCtxErr(ctx, err))
	}
	return res, nil
}

// withCtxErr wraps err with ctx's error when ctx is done and err does not
// already say so, so that a timeout or cancellation is always visible to
// errors.Is.
func withCtxErr(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("%w: %w", ctxErr, err)
	}
	return err
}

// fetchHTTP fetches an http(s) feed into res.
func (f *Fetcher) fetchHTTP(ctx context.Context, req Request, u *url.URL, res *Result) error {
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return errors.New("invalid request")
	}
	f.setHeaders(hreq, req, acceptHeader)
	if v := req.ETag; v != "" && validHeaderValue(v) {
		hreq.Header.Set("If-None-Match", v)
	}
	if v := req.LastModified; v != "" && validHeaderValue(v) {
		hreq.Header.Set("If-Modified-Since", v)
	}

	resp, err := f.do(hreq)
	if err != nil {
		return err
	}
	defer resp.Body.Close()

	res.Status = resp.StatusCode
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		res.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), f.opts.Now())
	}
	res.MaxAge = parseMaxAge(resp.Header.Values("Cache-Control"))

	switch {
	case resp.StatusCode == http.StatusNotModified:
		res.NotModified = true
		if v := resp.Header.Get("ETag"); v != "" {
			res.ETag = v
		}
		if v := resp.Header.Get("Last-Modified"); v != "" {
			res.LastModified = v
		}
		return nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		// Drain a little so the connection can be reused.
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
		return &HTTPError{URL: RedactURL(req.URL), Status: resp.StatusCode, RetryAfter: res.RetryAfter}
	}

	body, err := f.readBody(resp)
	res.Bytes = int64(len(body))
	if err != nil {
		return err
	}
	pf, err := parse(body, resp.Header.Get("Content-Type"), req.URL, resp.Request.URL.String(), req.Name)
	if err != nil {
		return err
	}
	res.ETag = resp.Header.Get("ETag")
	res.LastModified = resp.Header.Get("Last-Modified")
	res.Title, res.Items = pf.title, pf.items
	if res.MaxAge == 0 {
		res.MaxAge = pf.ttl
	}
	return nil
}

// do sends hreq. Its error is the cause alone, not the *url.Error around
// it, whose URL may hold credentials or a redirect target.
func (f *Fetcher) do(hreq *http.Request) (*http.Response, error) {
	resp, err := f.client.Do(hreq)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, err
	}
	return resp, nil
}

// setHeaders sets the headers every request carries: User-Agent (the
// feed's own, else the Fetcher's), Accept, Accept-Encoding, then the feed's
// extra headers.
func (f *Fetcher) setHeaders(hreq *http.Request, req Request, accept string) {
	ua := f.opts.UserAgent
	if req.UserAgent != "" {
		ua = req.UserAgent
	}
	hreq.Header.Set("User-Agent", ua)
	hreq.Header.Set("Accept", accept)
	hreq.Header.Set("Accept-Encoding", "gzip")
	for k, v := range req.Headers {
		if validHeaderValue(v) {
			hreq.Header.Set(k, v)
		}
	}
}

// readBody reads the response body, inflating gzip (declared, or sniffed
// when undeclared), up to MaxBody decompressed bytes. An uncompressed body
// whose Content-Length is over MaxBody fails at once, unread.
func (f *Fetcher) readBody(resp *http.Response) ([]byte, error) {
	if resp.ContentLength > f.opts.MaxBody && resp.Header.Get("Content-Encoding") == "" {
		return nil, fmt.Errorf("%w: Content-Length %d exceeds %d bytes", ErrTooLarge, resp.ContentLength, f.opts.MaxBody)
	}
	br := bufio.NewReader(resp.Body)
	var r io.Reader = br
	// The declared length of an uncompressed body sizes the buffer, so
	// that reading it allocates once instead of doubling its way up.
	hint := resp.ContentLength
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		r, hint = zr, -1
	case "", "identity":
		if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
			zr, err := gzip.NewReader(br)
			if err != nil {
				return nil, fmt.Errorf("gzip: %w", err)
			}
			defer zr.Close()
			r, hint = zr, -1
		}
	default:
		return nil, fmt.Errorf("unsupported Content-Encoding %q", enc)
	}
	return readLimited(r, f.opts.MaxBody, hint)
}

// fetchFile reads a local feed into res.
func (f *Fetcher) fetchFile(ctx context.Context, req Request, path string, res *Result) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open: %w", pathErr(err))
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return fmt.Errorf("stat: %w", pathErr(err))
	}
	if !info.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	modified := info.ModTime().UTC().Format(http.TimeFormat)
	if req.LastModified == modified {
		res.NotModified = true
		return nil
	}
	body, err := readLimited(file, f.opts.MaxBody, -1)
	res.Bytes = int64(len(body))
	if err != nil {
		return err
	}
	contentType := ""
	if strings.EqualFold(filepath.Ext(path), ".json") {
		contentType = "application/feed+json"
	}
	pf, err := parse(body, contentType, req.URL, req.URL, req.Name)
	if err != nil {
		return err
	}
	res.ETag = ""
	res.LastModified = modified
	res.Title, res.Items = pf.title, pf.items
	res.MaxAge = pf.ttl
	return nil
}

// pathErr drops the path from an *fs.PathError, which the caller's message
// already names.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readLimited reads r to the end, failing with ErrTooLarge as soon as it
// yields more than limit bytes, so memory stays bounded. A size hint
// within the limit (a Content-Length; negative when unknown) is the
// buffer's first size; a wrong hint costs only a regrowth.
func readLimited(r io.Reader, limit, hint int64) ([]byte, error) {
	lr := io.LimitReader(r, limit+1)
	var body []byte
	var err error
	if hint > 0 && hint <= limit {
		buf := bytes.NewBuffer(make([]byte, 0, hint+bytes.MinRead))
		_, err = buf.ReadFrom(lr)
		body = buf.Bytes()
	} else {
		body, err = io.ReadAll(lr)
	}
	if err != nil {
		return body, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > limit {
		return body[:limit], fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return body, nil
}

// validHeaderValue reports whether v can be sent as a header value; a
// stored validator with control characters is not sent.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
