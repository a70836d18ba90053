package feeds

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// ErrNotAFeed reports a body that is not a feed: an HTML page, an empty body
// or a document gofeed cannot parse. It is always wrapped; test for it with
// errors.Is.
var ErrNotAFeed = errors.New("not a feed")

// ErrTooLarge reports a body larger than Options.MaxBody once decompressed.
// It is always wrapped; test for it with errors.Is.
var ErrTooLarge = errors.New("body too large")

// ErrTooManyRedirects reports a fetch that was redirected more than
// Options.MaxRedirects times, such as a redirect loop. It is always wrapped.
var ErrTooManyRedirects = errors.New("too many redirects")

// HTTPError reports a response whose status is neither 2xx nor 304. Fetch
// returns it wrapped; use errors.As to read it.
type HTTPError struct {
	// URL is the requested URL with credentials redacted.
	URL string
	// Status is the HTTP status code, such as 404 or 503.
	Status int
	// RetryAfter is the delay the server asked for in its Retry-After header
	// on a 429 or 503 response, or zero.
	RetryAfter time.Duration
}

// Error returns the status line, such as "HTTP 404 Not Found". The URL is
// not repeated: Fetch wraps the error with it.
func (e *HTTPError) Error() string {
	if text := http.StatusText(e.Status); text != "" {
		return fmt.Sprintf("HTTP %d %s", e.Status, text)
	}
	return fmt.Sprintf("HTTP %d", e.Status)
}
