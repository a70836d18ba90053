// Package config loads newsbot's configuration: one YAML file whose key names
// are a contract (documented in the README), with embedded defaults for
// everything, so newsbot runs with no file at all.
//
// Parse reads from an io.Reader and knows nothing of the file system; Load
// reads a path and resolves the store and profiles relative to it. Every
// problem is reported at once as "file:line:col: message". Unknown keys are
// errors. "${VAR}" in any value expands from the environment, and the settings
// listed in env.go (SLACK_BOT_TOKEN, NEWSBOT_STORE, …) come from their
// variables when the file leaves them out; secrets (the Slack
// tokens, webhook URL and signing secret) are held in Secret values that never print.
package config

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/net/http/httpguts"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/internal/yamlpos"
)

// MinRetention is the shortest retention accepted: pruning items younger
// than a week would forget items that feeds still serve.
const MinRetention = Duration(7 * 24 * time.Hour)

// DefaultPath is the configuration file used when --config is not given.
const DefaultPath = "newsbot.yaml"

// MaxErrors is how many problems of one file Parse and Load report; one last
// line counts the rest.
const MaxErrors = 100

// Config is newsbot's whole configuration. The YAML key of each field is a
// contract: scripts and documentation outside this repository use them.
type Config struct {
	// Timezone is the IANA zone the schedules and digest dates use.
	Timezone string   `yaml:"timezone"`
	Schedule Schedule `yaml:"schedule"`
	// Store is where newsbot keeps its state: a SQLite file path or a
	// postgres:// URL.
	Store StoreLocation `yaml:"store"`
	Feeds []Feed        `yaml:"feeds"`
	// Profiles is a profile file or a directory of them; empty means the
	// built-in profiles.
	Profiles string `yaml:"profiles"`
	Fetch    Fetch  `yaml:"fetch"`
	Slack    Slack  `yaml:"slack"`
	Digest   Digest `yaml:"digest"`
	HTTP     HTTP   `yaml:"http"`
	// LogFormat is how logs are written: "text" (the default, for a
	// terminal) or "json" (one object per line, for a log collector). The
	// --log-format flag overrides it.
	LogFormat string `yaml:"log_format"`
	// Retention is how long stored state is kept: items first seen longer
	// ago, with their matches, and finished journal entries and marks older
	// than that are pruned (daily by run, at the end of once). Pending
	// matches and their items are never pruned. Default 180d.
	Retention Duration `yaml:"retention"`

	// File is the file the configuration was read from ("" for the embedded
	// defaults). Relative paths in the file resolve against its directory.
	File string `yaml:"-"`
	// Location is Timezone, loaded.
	Location *time.Location `yaml:"-"`
	// root is the parsed document, kept to position later errors.
	root *yaml.Node
	// fromEnv names the environment variables that supplied settings the
	// file left out (see envVars); storeFromEnv is set when NEWSBOT_STORE
	// did, so the store is not resolved against the file's directory.
	fromEnv      []string
	storeFromEnv bool
}

// Schedule holds the two cron schedules, in standard five-field syntax.
type Schedule struct {
	Poll   string `yaml:"poll"`
	Digest string `yaml:"digest"`
}

// Feed is one feed to poll.
type Feed struct {
	// URL is an http(s) URL or a local file path.
	URL string `yaml:"url"`
	// Name is shown in digests; empty means the feed's own title.
	Name string `yaml:"name"`
	// FullText fetches each new item's article page once and matches on its
	// main text as well: for feeds that give only titles.
	FullText bool `yaml:"full_text"`
	// UserAgent replaces fetch.user_agent for this feed and its articles.
	UserAgent string `yaml:"user_agent"`
	// Headers are extra HTTP headers sent to this feed and its articles.
	Headers map[string]string `yaml:"headers"`
}

// Fetch bounds how feeds are fetched.
type Fetch struct {
	Concurrency int      `yaml:"concurrency"`
	PerHost     int      `yaml:"per_host"`
	Timeout     Duration `yaml:"timeout"`
	MaxBody     ByteSize `yaml:"max_body"`
	// UserAgent is sent to every feed and article page unless the feed
	// has its own; empty means newsbot's own ("newsbot/VERSION (+URL)").
	UserAgent string `yaml:"user_agent"`
}

// Slack says where digests go. With neither a token nor a webhook URL,
// digests are printed to standard output.
type Slack struct {
	Token      Secret `yaml:"token"`
	WebhookURL Secret `yaml:"webhook_url"`
	APIURL     string `yaml:"api_url"`
	Channel    string `yaml:"channel"`
	// AppToken (xapp-…) receives readers' feedback clicks over Socket Mode.
	AppToken Secret `yaml:"app_token"`
	// SigningSecret verifies feedback clicks posted to /slack/interactions.
	SigningSecret Secret `yaml:"signing_secret"`
}

// Digest shapes the daily digest.
type Digest struct {
	// TopN is how many stories the main message of a profile's digest shows;
	// the rest go to a thread reply.
	TopN int `yaml:"top_n"`
	// Window is how old an item may be, when first seen, to count for the
	// next digest; older items count only through backfill. It stops the
	// first poll of a new feed from flooding the digest with its archive.
	Window Duration `yaml:"window"`
	// PostEmpty posts one short line to a channel on a day nothing matched
	// its profiles (at most once per channel per day), so the team knows
	// newsbot is alive.
	PostEmpty bool `yaml:"post_empty"`
	// RepeatAlerts repeats in the daily digest the entries an
	// `alert: immediate` profile already posted.
	RepeatAlerts bool `yaml:"repeat_alerts"`
	// AlertInterval is the least time between two alert messages to one
	// channel; matches in between wait for the next poll.
	AlertInterval Duration `yaml:"alert_interval"`
}

// HTTP configures the metrics and health endpoints of `newsbot run`, and
// its operator's console.
type HTTP struct {
	// Listen is the address to serve /metrics, /healthz and /readyz on;
	// empty (the default) disables the server, unless Console is set: then it is
	// DefaultConsoleListen. The image and deploy/ use
	// ":8417": not 9090, which is Prometheus's own port, nor 9091-9999,
	// its Pushgateway's, Alertmanager's and the exporters' range.
	Listen string `yaml:"listen"`
	// Console serves the operator's web console (internal/console) on
	// Listen, beside /metrics.
	Console bool `yaml:"console"`
	// AuthToken, when set, is the token every console page needs (a bearer
	// token or the console's login form). A console on an address other
	// than loopback must have one.
	AuthToken Secret `yaml:"auth_token"`
}

// DefaultConsoleListen is where the console listens when http.console is set
// and http.listen is not: loopback only.
const DefaultConsoleListen = "127.0.0.1:8417"

// Default returns the configuration used when no file is given: the embedded
// feeds and profiles, a SQLite file in the working directory, and digests
// printed to standard output until Slack is configured.
func Default() *Config {
	return &Config{
		Timezone: "UTC",
		Schedule: Schedule{Poll: "*/15 * * * *", Digest: "0 9 * * *"},
		Store:    NewStoreLocation("newsbot.db"),
		Feeds:    DefaultFeeds(),
		Fetch: Fetch{
			Concurrency: feeds.DefaultConcurrency,
			PerHost:     feeds.DefaultPerHost,
			Timeout:     Duration(feeds.DefaultTimeout),
			MaxBody:     feeds.DefaultMaxBody,
		},
		Slack:  Slack{APIURL: "https://slack.com/api/", Channel: "#india-us-watch"},
		Digest: Digest{TopN: digest.DefaultTopN, Window: Duration(48 * time.Hour), PostEmpty: true, AlertInterval: Duration(5 * time.Minute)},
		HTTP:   HTTP{Listen: ""},
		// Retention keeps half a year: far longer than any digest window
		// or usual backfill, and small enough to keep the store bounded.
		Retention: Duration(180 * 24 * time.Hour),
	}
}

// Parse reads a configuration from r, on top of the defaults. file names the
// source in error messages; getenv expands "${VAR}" (nil means os.LookupEnv).
// The error, if any, is a yamlpos.List holding every problem found.
func Parse(file string, r io.Reader, getenv func(string) (string, bool)) (*Config, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("config: read %s: %w", file, err)
	}
	cfg, errs := parse(file, data, getenv)
	if err := errs.Capped(MaxErrors).Err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// parse decodes and validates data on top of the defaults. It returns the
// configuration and every problem found: one bad value does not hide the
// others. The configuration is only usable when there are no problems.
func parse(file string, data []byte, getenv func(string) (string, bool)) (*Config, yamlpos.List) {
	if getenv == nil {
		getenv = os.LookupEnv
	}
	cfg := Default()
	cfg.File = file
	var root *yaml.Node
	var errs yamlpos.List
	if len(bytes.TrimSpace(data)) > 0 {
		root, errs = yamlpos.Parse(file, data)
		if len(errs) > 0 {
			return cfg, errs
		}
	}
	if root != nil {
		expandEnv(file, root, getenv, &errs)
		// Decode into a zero feed list so a file's feeds replace the
		// defaults rather than being appended to them.
		if feeds := findNode(root, "feeds"); feeds != nil {
			cfg.Feeds = nil
			if feeds.Kind == yaml.AliasNode && feeds.Alias != nil {
				feeds = feeds.Alias
			}
			if feeds.ShortTag() == "!!null" {
				errs.Add(file, feeds, "feeds has no value; list feeds under it, write feeds: [] to poll none, or remove the key to poll the built-in feeds")
			}
		}
		if p := findNode(root, "profiles"); p != nil && p.ShortTag() == "!!null" {
			errs.Add(file, p, "profiles has no value; name a profile file or directory, or remove the key to use the built-in profiles")
		}
		errs = append(errs, yamlpos.DecodeNode(file, root, cfg)...)
		cfg.root = root
	}
	cfg.applyEnv(getenv)
	switch err := cfg.validate().(type) {
	case nil:
	case yamlpos.List:
		errs = append(errs, err...)
	default:
		errs.Add(file, cfg.node(), "%v", err)
	}
	errs = append(errs, cfg.checkListen()...)
	return cfg, errs
}

// Load reads the configuration file at path. When path is DefaultPath and no
// such file exists, it returns the embedded defaults, so newsbot runs out of
// the box; any other missing file is an error. Besides what Parse checks, a
// profiles path that does not exist, or a profiles directory with no profile
// file, is an error at the profiles key.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) && path == DefaultPath {
			cfg := Default()
			cfg.applyEnv(os.LookupEnv)
			if err := cfg.validate(); err != nil {
				return nil, err
			}
			return cfg, nil
		}
		return nil, fmt.Errorf("config: %w (pass --config FILE or set NEWSBOT_CONFIG)", err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("config: read %s: %w", path, err)
	}
	cfg, errs := parse(path, data, nil)
	errs = append(errs, cfg.checkProfilesPath()...)
	if err := errs.Capped(MaxErrors).Err(); err != nil {
		return nil, err
	}
	cfg.resolveStore()
	return cfg, nil
}

// resolveStore makes a relative SQLite path in the file relative to the
// file's directory, as every other path is. A PostgreSQL URL, an absolute
// path, a path from NEWSBOT_STORE (relative to the working directory, as
// the shell that set it sees it) and the default (newsbot.db in the
// working directory, when the file has no store key) are left as they are.
func (c *Config) resolveStore() {
	if c.storeFromEnv || findNode(c.root, "store") == nil {
		return
	}
	c.Store = NewStoreLocation(c.Resolve(c.Store.Value()))
}

// Resolve returns p relative to the configuration file's directory, unless p
// is absolute, a URL, or the configuration came from no file.
func (c *Config) Resolve(p string) string {
	if p == "" || c.File == "" || filepath.IsAbs(p) || strings.Contains(p, "://") {
		return p
	}
	return filepath.Join(filepath.Dir(c.File), p)
}

// expandEnv replaces "${VAR}" in every scalar with the variable's value. An
// unset variable expands to the empty string. "$$" stands for a literal "$".
func expandEnv(file string, n *yaml.Node, getenv func(string) (string, bool), errs *yamlpos.List) {
	if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "$") {
		var out strings.Builder
		s := n.Value
		for {
			i := strings.IndexByte(s, '$')
			if i < 0 {
				out.WriteString(s)
				break
			}
			out.WriteString(s[:i])
			s = s[i:]
			switch {
			case strings.HasPrefix(s, "$$"):
				out.WriteByte('$')
				s = s[2:]
			case strings.HasPrefix(s, "${"):
				end := strings.IndexByte(s, '}')
				if end < 0 {
					errs.Add(file, n, "unterminated ${ in value; write ${NAME}, or $$ for a literal $")
					return
				}
				v, _ := getenv(s[2:end])
				out.WriteString(v)
				s = s[end+1:]
			default:
				out.WriteByte('$')
				s = s[1:]
			}
		}
		n.Value = out.String()
	}
	for _, c := range n.Content {
		expandEnv(file, c, getenv, errs)
	}
}

// findNode returns the value node at the given key path, or nil. Aliases
// on the way are followed; the node returned may be an alias.
func findNode(n *yaml.Node, path ...string) *yaml.Node {
	for _, key := range path {
		if n != nil && n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return n
}

// node returns the node at the key path of the file the configuration came
// from, or a node at 1:1 when the file has no such key.
func (c *Config) node(path ...string) *yaml.Node {
	if n := findNode(c.root, path...); n != nil {
		return n
	}
	return &yaml.Node{Line: 1, Column: 1}
}

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

func sortedHeaderNames(h map[string]string) []string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

func (c *Config) fileName() string {
	if c.File == "" {
		return "<defaults>"
	}
	return c.File
}
