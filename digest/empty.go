package digest

import (
	"fmt"
	"time"

	"github.com/slack-go/slack"
)

// maxEmptyProfiles caps the profile names in a quiet day's line.
const maxEmptyProfiles = 500

// RenderEmpty renders the single short line that tells a channel on a quiet
// day that newsbot is running but nothing matched: "No new matches for
// TRUST, JTG today (Mon 2 Mar) — newsbot is running." The profiles are the
// channel's in Options.ChannelProfiles, else those of Options.Order; the
// date (Options.Now when zero) is shown in Options.Location. The message
// carries no items. Callers post it only when Options.PostEmpty is set, and
// at most once per channel per day.
func RenderEmpty(channel string, date time.Time, opts Options) Message {
	opts = opts.withDefaults()
	if date.IsZero() {
		date = opts.Now()
	}
	profiles := opts.ChannelProfiles[channel]
	if len(profiles) == 0 {
		profiles = opts.Order
	}
	day := date.In(opts.Location).Format("Mon 2 Jan")
	line := fmt.Sprintf("No new matches today (%s) — newsbot is running.", day)
	if names := cleanJoin(profiles); names != "" {
		line = fmt.Sprintf("No new matches for %s today (%s) — newsbot is running.", escapeClip(names, maxEmptyProfiles), day)
	}
	return Message{
		Text:    line,
		Blocks:  []slack.Block{slack.NewContextBlock("", mrkdwn(line))},
		Channel: channel,
	}
}
