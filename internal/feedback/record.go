package feedback

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/store"
)

// Store is what a Recorder needs from the store.
type Store interface {
	SaveFeedback(ctx context.Context, f store.Feedback) (fresh bool, err error)
	MatchProfiles(ctx context.Context, itemID string) ([]string, error)
}

var _ Store = (*store.Store)(nil)

// Click is one choice a reader made in a feedback menu.
type Click struct {
	// Action is digest.ActionNotRelevant, digest.ActionMute or
	// digest.ActionRelevant.
	Action string
	// ProfileKey names the profile (see digest.ProfileKey).
	ProfileKey string
	// ItemID is the representative item of the story clicked.
	ItemID string
	// UserID is the Slack user who clicked.
	UserID string
	// Channel is the Slack channel ID of the message.
	Channel string
	// ActionTS is Slack's timestamp of the click.
	ActionTS string
}

// ErrNotFeedback means a payload holds no feedback click: another kind of
// interaction, or an action of another app's element.
var ErrNotFeedback = errors.New("feedback: not a feedback click")

// Clicks returns the feedback clicks of a block_actions interaction. A
// payload of another type, or without a feedback action, is an error
// wrapping ErrNotFeedback; a feedback action whose value does not decode is
// an error wrapping digest.ErrBadFeedbackValue.
func Clicks(cb *slack.InteractionCallback) ([]Click, error) {
	if cb.Type != slack.InteractionTypeBlockActions {
		return nil, fmt.Errorf("%w: interaction type %q", ErrNotFeedback, cb.Type)
	}
	channel := cb.Container.ChannelID
	if channel == "" {
		channel = cb.Channel.ID
	}
	var clicks []Click
	for _, a := range cb.ActionCallback.BlockActions {
		if a == nil || a.ActionID != digest.FeedbackActionID {
			continue
		}
		action, key, item, err := digest.ParseFeedbackValue(a.SelectedOption.Value)
		if err != nil {
			return nil, fmt.Errorf("feedback: %w", err)
		}
		ts := a.ActionTs
		if ts == "" {
			ts = cb.ActionTs
		}
		clicks = append(clicks, Click{Action: action, ProfileKey: key, ItemID: item,
			UserID: cb.User.ID, Channel: channel, ActionTS: ts})
	}
	if len(clicks) == 0 {
		return nil, fmt.Errorf("%w: no %s action", ErrNotFeedback, digest.FeedbackActionID)
	}
	if cb.User.ID == "" {
		return nil, fmt.Errorf("feedback: click without a user")
	}
	return clicks, nil
}

// ErrUnknownEntry means a click names a profile and item that never matched:
// the store has no such entry.
var ErrUnknownEntry = errors.New("feedback: no such entry")

// Recorder records clicks in the store and answers readers. Store is
// required; the other fields have defaults. Call Close to wait for the
// answers in flight.
type Recorder struct {
	Store Store
	// Now stamps records (default time.Now).
	Now func() time.Time
	// Client posts the answers to Slack's response_url (default: a client
	// with a 10-second timeout).
	Client *http.Client
	// OnRecorded, when set, is called once for each click recorded for the
	// first time, for a metric.
	OnRecorded func(profile, action string)
	// OnAnswerError, when set, is told about answers that could not be
	// posted, for the log of the caller's loop; the error never holds the
	// response URL.
	OnAnswerError func(err error)

	wg sync.WaitGroup
}

// Result is what became of one click.
type Result struct {
	Click
	// Profile is the profile's name.
	Profile string
	// Fresh says the click was recorded now, not before (a retry).
	Fresh bool
}

// Record records each click once (see store.SaveFeedback): the profile
// named by its key must have matched its item, or the click is refused with
// ErrUnknownEntry and nothing is recorded for it. It returns the results of
// the clicks recorded and the errors of the others, joined.
func (r *Recorder) Record(ctx context.Context, clicks []Click) ([]Result, error) {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	var (
		results []Result
		errs    []error
	)
	for _, c := range clicks {
		profiles, err := r.Store.MatchProfiles(ctx, c.ItemID)
		if err != nil {
			errs = append(errs, fmt.Errorf("feedback: record: %w", err))
			continue
		}
		i := slices.IndexFunc(profiles, func(p string) bool { return digest.MatchesProfileKey(c.ProfileKey, p) })
		if i < 0 {
			errs = append(errs, fmt.Errorf("%w: profile %q, item %q", ErrUnknownEntry, c.ProfileKey, c.ItemID))
			continue
		}
		profile := profiles[i]
		fresh, err := r.Store.SaveFeedback(ctx, store.Feedback{
			Profile: profile, ItemID: c.ItemID, StoryID: c.ItemID, UserID: c.UserID,
			Action: c.Action, Channel: c.Channel, ActionTS: c.ActionTS, At: now(),
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("feedback: record: %w", err))
			continue
		}
		if fresh && r.OnRecorded != nil {
			r.OnRecorded(profile, c.Action)
		}
		results = append(results, Result{Click: c, Profile: profile, Fresh: fresh})
	}
	return results, errors.Join(errs...)
}

// Handle records the clicks of a block_actions interaction and answers the
// reader in the background (see Answer). It returns what Record returns.
func (r *Recorder) Handle(ctx context.Context, cb *slack.InteractionCallback) ([]Result, error) {
	clicks, err := Clicks(cb)
	if err != nil {
		return nil, err
	}
	results, err := r.Record(ctx, clicks)
	r.Answer(cb.ResponseURL, results)
	return results, err
}

// answerTimeout bounds the post of one answer.
const answerTimeout = 10 * time.Second

// Answer posts an ephemeral message, seen by the clicking reader only, to
// responseURL in the background: "noted" for recorded clicks, or that the
// click could not be recorded (no result). A responseURL that is empty or
// not http(s) is ignored. Close waits for the answers in flight.
func (r *Recorder) Answer(responseURL string, results []Result) {
	u, err := url.Parse(responseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return
	}
	text := answerText(results)
	client := r.Client
	if client == nil {
		client = &http.Client{Timeout: answerTimeout}
	}
	r.wg.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), answerTimeout)
		defer cancel()
		err := slack.PostWebhookCustomHTTPContext(ctx, responseURL, client, &slack.WebhookMessage{
			Text:            text,
			ResponseType:    slack.ResponseTypeEphemeral,
			ReplaceOriginal: false,
		})
		if err != nil && r.OnAnswerError != nil {
			r.OnAnswerError(fmt.Errorf("feedback: answer the reader: %w", redact(err, responseURL)))
		}
	})
}

// answerText is the ephemeral answer to a reader's click: about the first
// click recorded, or an apology when none was.
func answerText(results []Result) string {
	if len(results) == 0 {
		return "Sorry, newsbot could not record that; please try again later."
	}
	r := results[0]
	name := digest.Escape(r.Profile)
	switch r.Action {
	case digest.ActionNotRelevant:
		return "Noted: not relevant to *" + name + "*. Thank you — operators use this to tune the profile."
	case digest.ActionMute:
		return "Noted: this story is muted; later copies will not be posted to this channel."
	default:
		return "Noted: relevant to *" + name + "*. Thank you."
	}
}

// Close waits for the answers in flight.
func (r *Recorder) Close() { r.wg.Wait() }
