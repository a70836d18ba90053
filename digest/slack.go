package digest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// DefaultHTTPTimeout bounds each request to Slack when the caller's client
// sets no timeout (slack-go's default client has none).
const DefaultHTTPTimeout = 30 * time.Second

// httpClient returns client, or a copy of it with DefaultHTTPTimeout when it
// has no timeout; a nil client becomes a new client with that timeout.
func httpClient(client *http.Client) *http.Client {
	if client == nil {
		return &http.Client{Timeout: DefaultHTTPTimeout}
	}
	if client.Timeout == 0 {
		c := *client
		c.Timeout = DefaultHTTPTimeout
		return &c
	}
	return client
}

// SlackPoster posts messages with Slack's Web API (chat.postMessage) using a
// bot token, and finds them again (conversations.history and
// conversations.replies). It satisfies Poster and Finder.
type SlackPoster struct {
	api *slack.Client

	mu sync.Mutex
	// ids maps channel names to the IDs Slack answered posts to them with.
	ids map[string]string
}

var (
	_ Poster = (*SlackPoster)(nil)
	_ Finder = (*SlackPoster)(nil)
)

// NewSlackPoster returns a poster that calls Slack's Web API at apiURL (empty
// for Slack's own, "https://slack.com/api/"; it must end with "/") with the
// bot token. A nil client, or one without a timeout, is replaced by one with
// DefaultHTTPTimeout. The token never appears in the poster's errors.
func NewSlackPoster(token, apiURL string, client *http.Client) *SlackPoster {
	opts := []slack.Option{slack.OptionHTTPClient(httpClient(client))}
	if apiURL != "" {
		if !strings.HasSuffix(apiURL, "/") {
			apiURL += "/"
		}
		opts = append(opts, slack.OptionAPIURL(apiURL))
	}
	return &SlackPoster{api: slack.New(token, opts...), ids: map[string]string{}}
}

// Post posts m to channel, in the thread of threadTS when it is not empty,
// with link and media unfurling off and m.Text as the fallback text, tagged,
// when m.ID is set, with message metadata of type MetadataEventType that
// carries m.ID so that Find can recognise it. It
// returns the accepted message's ref as "channel:ts". threadTS may be such a
// ref or a bare ts.
func (p *SlackPoster) Post(ctx context.Context, channel string, m Message, threadTS string) (string, error) {
	opts := []slack.MsgOption{
		slack.MsgOptionText(m.Text, false),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
	}
	if m.ID != "" {
		opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{
			EventType:    MetadataEventType,
			EventPayload: map[string]any{"message_id": m.ID},
		}))
	}
	if len(m.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(m.Blocks...))
	}
	if threadTS != "" {
		if i := strings.LastIndexByte(threadTS, ':'); i >= 0 {
			threadTS = threadTS[i+1:]
		}
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	ch, ts, err := p.api.PostMessageContext(ctx, channel, opts...)
	if err != nil {
		return "", fmt.Errorf("slack: chat.postMessage: %w", err)
	}
	if ch != "" && ch != channel {
		p.mu.Lock()
		p.ids[channel] = ch
		p.mu.Unlock()
	}
	return ch + ":" + ts, nil
}

// The limits of Find's search.
const (
	// findPageSize is the number of messages Find asks for per page.
	findPageSize = 200
	// findMaxPages caps the pages Find reads in one conversation; a search
	// that would need more is an error.
	findMaxPages = 50
	// findClockSkew widens the search for clocks that disagree: since is
	// newsbot's clock, message timestamps are Slack's.
	findClockSkew = 5 * time.Minute
)

// Find looks for the message with messageID that Post posted to channel at or
// after since: with conversations.history among the channel's top-level
// messages when threadTS is empty, else with conversations.replies among the
// replies in the thread of threadTS (conversations.history does not list
// replies). It returns the message's ref as "channel:ts". It needs the
// channels:history or groups:history scope, and channels:read or
// groups:read when channel is a name (such as "#news") that no earlier Post
// in this process resolved. Any failure, such as missing_scope or
// not_in_channel, is an error: only a complete search reports found false
// with a nil error.
func (p *SlackPoster) Find(ctx context.Context, channel, threadTS, messageID string, since time.Time) (string, bool, error) {
	id, err := p.channelID(ctx, channel)
	if err != nil {
		return "", false, err
	}
	oldest := slackTS(since.Add(-findClockSkew))
	if threadTS != "" {
		return p.findReply(ctx, id, threadTS, messageID, oldest)
	}
	cursor := ""
	for page := 0; page < findMaxPages; page++ {
		resp, err := p.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: id, Cursor: cursor, Oldest: oldest, Limit: findPageSize, IncludeAllMetadata: true,
		})
		if err != nil {
			return "", false, fmt.Errorf("slack: conversations.history: %w", err)
		}
		ts, found, past := findIn(resp.Messages, messageID, oldest)
		if found {
			return id + ":" + ts, true, nil
		}
		cursor = resp.ResponseMetaData.NextCursor
		if past || !resp.HasMore || cursor == "" {
			return "", false, nil
		}
	}
	return "", false, fmt.Errorf("slack: conversations.history: more than %d messages since %s", findMaxPages*findPageSize, since.UTC().Format(time.RFC3339))
}

// findReply looks for the message with messageID among the replies in the
// thread of threadTS (a ref or a bare ts) in the channel with ID id.
func (p *SlackPoster) findReply(ctx context.Context, id, threadTS, messageID, oldest string) (string, bool, error) {
	if i := strings.LastIndexByte(threadTS, ':'); i >= 0 {
		threadTS = threadTS[i+1:]
	}
	cursor := ""
	for page := 0; page < findMaxPages; page++ {
		msgs, more, next, err := p.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
			ChannelID: id, Timestamp: threadTS, Cursor: cursor, Oldest: oldest, Limit: findPageSize, IncludeAllMetadata: true,
		})
		if err != nil {
			return "", false, fmt.Errorf("slack: conversations.replies: %w", err)
		}
		if ts, found, _ := findIn(msgs, messageID, ""); found {
			return id + ":" + ts, true, nil
		}
		if !more || next == "" {
			return "", false, nil
		}
		cursor = next
	}
	return "", false, fmt.Errorf("slack: conversations.replies: more than %d replies", findMaxPages*findPageSize)
}

// findIn returns the ts of the message tagged with messageID among msgs, and
// whether msgs (newest first) reach back before oldest, when it is not empty.
func findIn(msgs []slack.Message, messageID, oldest string) (ts string, found, past bool) {
	for _, m := range msgs {
		md := m.Metadata
		if md.EventType == MetadataEventType && md.EventPayload["message_id"] == messageID {
			return m.Timestamp, true, false
		}
		if oldest != "" && tsBefore(m.Timestamp, oldest) {
			past = true
		}
	}
	return "", false, past
}

// slackTS formats t as a Slack timestamp ("seconds.micros").
func slackTS(t time.Time) string {
	return fmt.Sprintf("%d.%06d", t.Unix(), t.Nanosecond()/1000)
}

// tsBefore reports whether Slack timestamp a is before b; timestamps that do
// not parse are never before.
func tsBefore(a, b string) bool {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	return errA == nil && errB == nil && x < y
}

// channelID returns the ID of channel: channel itself when it looks like an
// ID, the ID an earlier Post to it was answered with, or the ID found by
// name with conversations.list.
func (p *SlackPoster) channelID(ctx context.Context, channel string) (string, error) {
	name, isName := strings.CutPrefix(channel, "#")
	if !isName && looksLikeChannelID(channel) {
		return channel, nil
	}
	p.mu.Lock()
	id, ok := p.ids[channel]
	p.mu.Unlock()
	if ok {
		return id, nil
	}
	params := &slack.GetConversationsParameters{
		ExcludeArchived: true, Limit: 1000, Types: []string{"public_channel", "private_channel"},
	}
	for page := 0; page < findMaxPages; page++ {
		chans, next, err := p.api.GetConversationsContext(ctx, params)
		if err != nil {
			return "", fmt.Errorf("slack: conversations.list: %w", err)
		}
		for _, c := range chans {
			if c.Name == name {
				p.mu.Lock()
				p.ids[channel] = c.ID
				p.mu.Unlock()
				return c.ID, nil
			}
		}
		if next == "" {
			break
		}
		params.Cursor = next
	}
	return "", fmt.Errorf("slack: conversations.list: no channel named %q", channel)
}

// looksLikeChannelID reports whether s has the shape of a Slack conversation
// ID: C, G or D and then upper-case letters and digits.
func looksLikeChannelID(s string) bool {
	if len(s) < 2 || !strings.ContainsRune("CGD", rune(s[0])) {
		return false
	}
	for _, r := range s[1:] {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// WebhookPoster posts messages to a Slack incoming webhook. Webhooks have no
// threads: Reply messages are posted as follow-ups, and the channel is the
// webhook's own. It satisfies Poster.
type WebhookPoster struct {
	url    string
	client *http.Client
}

var _ Poster = (*WebhookPoster)(nil)

// WebhookRef is the ref WebhookPoster returns: webhooks do not say which
// message they created.
const WebhookRef = "webhook"

// NewWebhookPoster returns a poster for the incoming webhook at url. A nil
// client, or one without a timeout, is replaced by one with
// DefaultHTTPTimeout. The URL is a secret: it never appears in the poster's
// errors.
func NewWebhookPoster(url string, client *http.Client) *WebhookPoster {
	return &WebhookPoster{url: url, client: httpClient(client)}
}

// Post posts m to the webhook; channel and threadTS are ignored. It returns
// WebhookRef.
func (p *WebhookPoster) Post(ctx context.Context, channel string, m Message, threadTS string) (string, error) {
	off := false
	msg := &slack.WebhookMessage{
		Text:        m.Text,
		UnfurlLinks: &off,
		UnfurlMedia: &off,
	}
	if len(m.Blocks) > 0 {
		msg.Blocks = &slack.Blocks{BlockSet: m.Blocks}
	}
	if err := slack.PostWebhookCustomHTTPContext(ctx, p.url, p.client, msg); err != nil {
		return "", fmt.Errorf("slack: webhook: %w", redactWebhook(err, p.url))
	}
	return WebhookRef, nil
}

// redacted stands for a secret in errors, as config.Secret prints.
const redacted = "<secret>"

// redactWebhook returns err without the webhook URL secret in its message
// or in any *url.Error it wraps, keeping the errors that Retry inspects
// reachable with errors.As.
func redactWebhook(err error, secret string) error {
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return sc
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return rl
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: redacted, Err: redactError(ue.Err, secret)}
	}
	return redactError(err, secret)
}

// redactError returns err, or an opaque error with secret replaced when err's
// message contains it.
func redactError(err error, secret string) error {
	if err == nil {
		return nil
	}
	secrets := []string{secret}
	if u, perr := url.Parse(secret); perr == nil && len(u.EscapedPath()) > 1 {
		secrets = append(secrets, u.EscapedPath(), u.Path) // the path is the webhook's secret part
	}
	msg := err.Error()
	leaked := false
	for _, s := range secrets {
		if s != "" && strings.Contains(msg, s) {
			msg = strings.ReplaceAll(msg, s, redacted)
			leaked = true
		}
	}
	if !leaked {
		return err
	}
	return errors.New(msg)
}
