package config

import (
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/net/http/httpguts"

	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/internal/yamlpos"
)

// validate checks values that parse but cannot work, with positions.
func (c *Config) validate() error {
	var errs yamlpos.List
	bad := func(format string, args []any, path ...string) {
		n := findNode(c.root, path...)
		if n == nil {
			n = &yaml.Node{Line: 1, Column: 1}
		}
		file := c.File
		if file == "" {
			file = "<defaults>"
		}
		errs.Add(file, n, format, args...)
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil || c.Timezone == "" {
		bad("unknown timezone %q; use an IANA name such as Asia/Kolkata or UTC", []any{c.Timezone}, "timezone")
	} else {
		c.Location = loc
	}
	for _, s := range []struct{ key, spec string }{{"poll", c.Schedule.Poll}, {"digest", c.Schedule.Digest}} {
		if _, err := ParseSchedule(s.spec, c.Location, time.Now()); err != nil {
			bad("schedule.%s %q: %v", []any{s.key, s.spec, err}, "schedule", s.key)
		}
	}
	if c.Store.Value() == "" {
		bad("store is empty; give a SQLite file path such as /var/lib/newsbot/newsbot.db", nil, "store")
	}
	feedsNode := findNode(c.root, "feeds")
	if feedsNode != nil && feedsNode.Kind == yaml.AliasNode {
		feedsNode = feedsNode.Alias
	}
	seen := map[string]bool{}
	for i, f := range c.Feeds {
		pos := func(format string, args ...any) {
			n := &yaml.Node{Line: 1, Column: 1}
			if feedsNode != nil && i < len(feedsNode.Content) {
				n = feedsNode.Content[i]
				if u := findNode(n, "url"); u != nil {
					n = u
				}
			}
			errs.Add(c.fileName(), n, format, args...)
		}
		switch {
		case strings.TrimSpace(f.URL) == "":
			pos("feed has no url")
		case strings.Contains(f.URL, "://"):
			u, err := url.Parse(f.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "file") || (u.Scheme != "file" && u.Host == "") {
				pos("feed url %q is not an http(s) URL or a file path", feeds.RedactURL(f.URL))
			}
		}
		if seen[f.URL] {
			pos("feed %q is listed twice", feeds.RedactURL(f.URL))
		}
		seen[f.URL] = true
		at := func(key string, format string, args ...any) {
			if feedsNode != nil && i < len(feedsNode.Content) {
				if n := findNode(feedsNode.Content[i], key); n != nil {
					errs.Add(c.fileName(), n, format, args...)
					return
				}
			}
			pos(format, args...)
		}
		if !validHeaderValue(f.UserAgent) {
			at("user_agent", "user_agent holds a control character")
		}
		for _, name := range sortedHeaderNames(f.Headers) {
			if msg := checkHeader(name, f.Headers[name]); msg != "" {
				at("headers", "header %q: %s", name, msg)
			}
		}
	}
	if !validHeaderValue(c.Fetch.UserAgent) {
		bad("fetch.user_agent holds a control character", nil, "fetch", "user_agent")
	}
	if c.Fetch.Concurrency < 1 {
		bad("fetch.concurrency must be at least 1", nil, "fetch", "concurrency")
	}
	if c.Fetch.PerHost < 1 {
		bad("fetch.per_host must be at least 1", nil, "fetch", "per_host")
	}
	if c.Fetch.Timeout <= 0 {
		bad("fetch.timeout must be positive, such as 30s", nil, "fetch", "timeout")
	}
	if c.Fetch.MaxBody <= 0 {
		bad("fetch.max_body must be positive, such as 10MiB", nil, "fetch", "max_body")
	}
	if u, err := url.Parse(c.Slack.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("slack.api_url %q is not an http(s) URL", []any{c.Slack.APIURL}, "slack", "api_url")
	} else if !strings.HasSuffix(c.Slack.APIURL, "/") {
		c.Slack.APIURL += "/"
	}
	if w := c.Slack.WebhookURL.Value(); w != "" {
		if u, err := url.Parse(w); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("slack.webhook_url is not an http(s) URL", nil, "slack", "webhook_url")
		}
	}
	if c.Slack.Token.Value() != "" && c.Slack.WebhookURL.Value() != "" {
		bad("%s and %s are both set; choose one", []any{c.envKey("slack", "token"), c.envKey("slack", "webhook_url")}, "slack", "webhook_url")
	}
	if c.Slack.Token.Value() != "" && strings.TrimSpace(c.Slack.Channel) == "" {
		bad("slack.channel is empty; name the default channel, such as \"#india-us-watch\"", nil, "slack", "channel")
	}
	if t := c.Slack.AppToken.Value(); t != "" && !strings.HasPrefix(t, "xapp-") {
		bad("slack.app_token is not an app-level token (xapp-…)", nil, "slack", "app_token")
	}
	if c.Slack.SigningSecret.Value() != "" && c.HTTP.Listen == "" {
		bad("slack.signing_secret needs http.listen, where /slack/interactions is served", nil, "slack", "signing_secret")
	}
	if c.Digest.TopN < 1 {
		bad("digest.top_n must be at least 1", nil, "digest", "top_n")
	}
	if c.Digest.Window <= 0 {
		bad("digest.window must be positive, such as 48h", nil, "digest", "window")
	}
	if c.Digest.AlertInterval < 0 {
		bad("digest.alert_interval must not be negative", nil, "digest", "alert_interval")
	}
	if c.LogFormat != "" && c.LogFormat != "text" && c.LogFormat != "json" {
		bad("log_format %q is not text or json", []any{c.LogFormat}, "log_format")
	}
	if c.Retention < MinRetention || c.Retention < 2*c.Digest.Window {
		bad("retention must be at least 7d and at least twice digest.window, such as 180d", nil, "retention")
	}
	if c.HTTP.Console && c.HTTP.Listen == "" {
		c.HTTP.Listen = DefaultConsoleListen
	}
	if c.HTTP.Console && c.HTTP.AuthToken.Value() == "" && !loopback(c.HTTP.Listen) {
		bad("http.console on %q, which is not a loopback address, needs http.auth_token (such as ${NEWSBOT_CONSOLE_TOKEN})", []any{c.HTTP.Listen}, "http", "listen")
	}
	return errs.Err()
}

// loopback reports whether the listen address addr binds loopback only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// reservedHeaders are set by newsbot itself: a feed's headers may not
// replace them (Cookie: newsbot sends no cookies).
var reservedHeaders = map[string]bool{
	"Host": true, "Cookie": true, "Accept-Encoding": true, "Content-Length": true,
	"If-None-Match": true, "If-Modified-Since": true, "Connection": true, "Transfer-Encoding": true,
}

// checkHeader returns what is wrong with a feed's extra header, or "".
func checkHeader(name, value string) string {
	switch {
	case !httpguts.ValidHeaderFieldName(name):
		return "not a valid header name"
	case reservedHeaders[http.CanonicalHeaderKey(name)]:
		return "newsbot sets this header itself"
	case !validHeaderValue(value):
		return "value holds a control character"
	}
	return ""
}

// validHeaderValue reports whether v can be sent in a header.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// sortedHeaderNames returns the names of h in order.
func sortedHeaderNames(h map[string]string) []string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// fileName names the file the configuration came from in errors.
func (c *Config) fileName() string {
	if c.File == "" {
		return "<defaults>"
	}
	return c.File
}
