package feeds

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxHint caps RetryAfter and MaxAge, so that a hostile or mistaken header
// cannot silence a feed for longer than a day.
const maxHint = 24 * time.Hour

// parseRetryAfter reads a Retry-After header, either delay-seconds or an
// HTTP-date, relative to now. Missing, invalid or past values give zero.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return clampHint(secs)
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	d := t.Sub(now)
	if d <= 0 {
		return 0
	}
	return min(d.Round(time.Second), maxHint)
}

// parseMaxAge returns the max-age directive of Cache-Control header values,
// or zero when there is none. s-maxage is for shared caches and ignored.
func parseMaxAge(values []string) time.Duration {
	for _, v := range values {
		for _, dir := range strings.Split(v, ",") {
			name, arg, ok := strings.Cut(strings.TrimSpace(dir), "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(name), "max-age") {
				continue
			}
			secs, err := strconv.ParseInt(strings.Trim(strings.TrimSpace(arg), `"`), 10, 64)
			if err != nil {
				continue
			}
			return clampHint(secs)
		}
	}
	return 0
}

// clampHint converts seconds to a duration within [0, maxHint].
func clampHint(secs int64) time.Duration {
	if secs <= 0 {
		return 0
	}
	if secs >= int64(maxHint/time.Second) {
		return maxHint
	}
	return time.Duration(secs) * time.Second
}
