package digest

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/slack-go/slack"
)

// The retry policy's constants, for posts to Slack.
const (
	// PostBackoffBase is the wait after the first failed attempt for 5xx and
	// network errors; it doubles with every attempt.
	PostBackoffBase = 2 * time.Second
	// PostBackoffCap caps the exponential backoff.
	PostBackoffCap = 2 * time.Minute
	// MinRateLimitWait is the wait after a 429 that names no Retry-After.
	MinRateLimitWait = time.Second
	// MaxRetryAfter is the longest Retry-After that Retry waits for; a longer
	// one gives up, leaving the items pending for the next digest run rather
	// than posting before Slack allows it.
	MaxRetryAfter = 10 * time.Minute
)

// transientSlackErrors are the ok:false error codes of chat.postMessage that
// say "try again later" rather than "this request is wrong".
var transientSlackErrors = map[string]bool{
	"ratelimited":         true,
	"rate_limited":        true,
	"internal_error":      true,
	"fatal_error":         true,
	"service_unavailable": true,
	"request_timeout":     true,
}

// Retry decides what to do after attempt (counted from 1) failed with err:
// wait and retry, or give up. A 429 waits for its Retry-After (giving up when
// that is longer than MaxRetryAfter); 5xx responses, network errors, timeouts
// and the few ok:false codes that mean "try later" (such as ratelimited or
// internal_error) back off exponentially from PostBackoffBase, capped at
// PostBackoffCap. Other ok:false errors (channel_not_found, not_in_channel,
// invalid_auth, invalid_blocks, …), other 4xx responses and a cancelled
// context are permanent. Retry does not count attempts against a maximum:
// the caller does.
func Retry(err error, attempt int) (wait time.Duration, retry bool) {
	if err == nil || errors.Is(err, context.Canceled) {
		return 0, false
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		switch {
		case rl.RetryAfter > MaxRetryAfter:
			return 0, false
		case rl.RetryAfter < MinRateLimitWait:
			return MinRateLimitWait, true
		}
		return rl.RetryAfter, true
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		if transientSlackErrors[se.Err] {
			return backoff(attempt), true
		}
		return 0, false
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		switch {
		case sc.Code == http.StatusTooManyRequests:
			return max(backoff(attempt), MinRateLimitWait), true
		case sc.Code >= 500:
			return backoff(attempt), true
		}
		return 0, false
	}
	var pe *PermanentError
	if errors.As(err, &pe) {
		return 0, false
	}
	// Anything else is a network error, a timeout or an unreadable response.
	return backoff(attempt), true
}

// Unavailable reports whether err says that Slack cannot take any message for
// now, whatever the message: a rate limit (429, with or without Retry-After,
// also one longer than Retry waits for), a 5xx response, a network error or
// timeout, or one of the ok:false codes that mean "try later". after is the
// wait Slack asked for with Retry-After, zero when it named none. A caller
// with more messages to post stops at such an error, leaving them pending:
// they would only meet it too. Permanent errors (channel_not_found,
// invalid_blocks, …) and a cancelled context concern one message, or none,
// and are not unavailability.
func Unavailable(err error) (after time.Duration, unavailable bool) {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return max(rl.RetryAfter, 0), true
	}
	_, retry := Retry(err, 1)
	return 0, retry
}

// backoff is the exponential wait after the given attempt.
func backoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	wait := PostBackoffBase
	for i := 1; i < attempt; i++ {
		wait *= 2
		if wait >= PostBackoffCap {
			return PostBackoffCap
		}
	}
	return wait
}

// PermanentError marks an error that retrying cannot fix, such as a message
// that cannot be encoded. Posters wrap such errors in it.
type PermanentError struct{ Err error }

// Error returns the wrapped error's message.
func (e *PermanentError) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *PermanentError) Unwrap() error { return e.Err }
