package pipeline

import (
	"cmp"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/newsbot/newsbot/digest"
)

// slackHold remembers how long Slack asked this process to wait, with a 429's
// Retry-After, so that no delivery (digest, alert or quiet-day line) calls it
// before then: Slack is unavailable for the rest of the run, or until the
// wait is over for the daemon. The zero value holds nothing.
type slackHold struct {
	until atomic.Int64 // unix milliseconds; 0 when nothing is held
}

// note records the wait that err asks for, if it is a rate limit with a
// Retry-After, from now on. A shorter wait never shortens a longer one.
func (h *slackHold) note(err error, now time.Time) {
	after, down := digest.Unavailable(err)
	if !down || after <= 0 {
		return
	}
	until := now.Add(after).UnixMilli()
	for {
		cur := h.until.Load()
		if cur >= until || h.until.CompareAndSwap(cur, until) {
			return
		}
	}
}

// check returns an error while Slack's wait runs at now, and nil after it;
// the error gives the wait's end in loc (nil means UTC).
func (h *slackHold) check(now time.Time, loc *time.Location) error {
	until := h.until.Load()
	if until == 0 || now.UnixMilli() >= until {
		return nil
	}
	return fmt.Errorf("pipeline: Slack rate-limited newsbot until %s (Retry-After): everything stays pending until then",
		time.UnixMilli(until).In(cmp.Or(loc, time.UTC)).Format(time.RFC3339))
}
