package digest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
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
// bot token. It satisfies Poster.
type SlackPoster struct {
	api *slack.Client
}

var _ Poster = (*SlackPoster)(nil)

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
	return &SlackPoster{api: slack.New(token, opts...)}
}

// Post posts m to channel, in the thread of threadTS when it is not empty,
// with link and media unfurling off and m.Text as the fallback text. It
// returns the accepted message's ref as "channel:ts". threadTS may be such a
// ref or a bare ts.
func (p *SlackPoster) Post(ctx context.Context, channel string, m Message, threadTS string) (string, error) {
	opts := []slack.MsgOption{
		slack.MsgOptionText(m.Text, false),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
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
	return ch + ":" + ts, nil
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
		return "", fmt.Errorf("slack: webhook: %w", redactURL(err, p.url))
	}
	return WebhookRef, nil
}

// redactedURL replaces a secret URL in errors.
const redactedURL = "<webhook>"

// redactURL returns err without secret in its message or in any *url.Error it
// wraps, keeping the errors that Retry inspects reachable with errors.As.
func redactURL(err error, secret string) error {
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
		return &url.Error{Op: ue.Op, URL: redactedURL, Err: redactError(ue.Err, secret)}
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
			msg = strings.ReplaceAll(msg, s, redactedURL)
			leaked = true
		}
	}
	if !leaked {
		return err
	}
	return errors.New(msg)
}
