package digest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"
)

// Reader feedback: with Options.Feedback set, every story of a digest or an
// alert carries one overflow menu as the accessory of its section block, so
// readers can say what they think of it where they read it. The menu adds no
// block. A click comes back to newsbot (Socket Mode or the request URL) as a
// block_actions payload whose action has FeedbackActionID and whose selected
// option's value is a FeedbackValue.

// FeedbackActionID is the action_id of the feedback menu.
const FeedbackActionID = "newsbot-feedback"

// The feedback actions a reader can choose.
const (
	// ActionNotRelevant says the story should not have matched the profile.
	ActionNotRelevant = "not_relevant"
	// ActionMute says later copies of the story should not be posted again,
	// for any profile of the channel.
	ActionMute = "mute"
	// ActionRelevant confirms that the story belongs in the profile.
	ActionRelevant = "relevant"
)

// Block Kit limits of the feedback menu.
const (
	MaxOptionValue = 150 // characters in an option's value
	MaxOptionText  = 75  // characters in an option's plain_text
)

// actionCodes are the one-letter codes of the actions in a FeedbackValue.
var actionCodes = map[string]string{ActionNotRelevant: "n", ActionMute: "m", ActionRelevant: "r"}

// maxValueProfile is the longest profile name a FeedbackValue carries as it
// is; longer names are carried as "~" and a hash (see ProfileKey).
const maxValueProfile = 100

// FeedbackValue encodes a feedback action on the story whose representative
// item is itemID, in profile's digest, as an option value of at most
// MaxOptionValue characters: "<code>|<itemID>|<profile key>".
func FeedbackValue(action, profile, itemID string) string {
	return actionCodes[action] + "|" + itemID + "|" + ProfileKey(profile)
}

// ProfileKey is how a FeedbackValue names a profile: the name itself when it
// has at most 100 bytes and does not start with "~", else "~" and the first
// 16 hex digits of the name's SHA-256. MatchesProfileKey recognises it.
func ProfileKey(profile string) string {
	if len(profile) <= maxValueProfile && !strings.HasPrefix(profile, "~") {
		return profile
	}
	sum := sha256.Sum256([]byte(profile))
	return "~" + hex.EncodeToString(sum[:8])
}

// MatchesProfileKey reports whether key, from a FeedbackValue, names profile.
func MatchesProfileKey(key, profile string) bool { return ProfileKey(profile) == key }

// ErrBadFeedbackValue means an option value is not a FeedbackValue.
var ErrBadFeedbackValue = errors.New("digest: not a feedback value")

// ParseFeedbackValue decodes a FeedbackValue into its action, profile key
// (see ProfileKey) and item ID. A value it cannot decode is an error wrapping
// ErrBadFeedbackValue.
func ParseFeedbackValue(v string) (action, profileKey, itemID string, err error) {
	code, rest, ok1 := strings.Cut(v, "|")
	itemID, profileKey, ok2 := strings.Cut(rest, "|")
	if !ok1 || !ok2 || itemID == "" || profileKey == "" || len(v) > MaxOptionValue*4 {
		return "", "", "", fmt.Errorf("%w: %q", ErrBadFeedbackValue, clip(v, 40))
	}
	for a, c := range actionCodes {
		if c == code {
			return a, profileKey, itemID, nil
		}
	}
	return "", "", "", fmt.Errorf("%w: unknown action %q", ErrBadFeedbackValue, clip(code, 10))
}

// feedbackAccessory returns the feedback menu for story s of profile, or nil
// when feedback is off.
func feedbackAccessory(on bool, profile string, s Story) *slack.Accessory {
	if !on || s.ItemID == "" {
		return nil
	}
	name := clip(clean(profile), MaxOptionText-len("Not relevant to "))
	opt := func(action, text string) *slack.OptionBlockObject {
		return slack.NewOptionBlockObject(FeedbackValue(action, profile, s.ItemID),
			slack.NewTextBlockObject(slack.PlainTextType, text, true, false), nil)
	}
	return slack.NewAccessory(slack.NewOverflowBlockElement(FeedbackActionID,
		opt(ActionNotRelevant, "Not relevant to "+name),
		opt(ActionMute, "Mute this story"),
		opt(ActionRelevant, "Relevant"),
	))
}
