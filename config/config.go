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
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

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
