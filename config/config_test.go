package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestParseFull(t *testing.T) {
	data, err := os.ReadFile("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse("testdata/full.yaml", bytes.NewReader(data), env(map[string]string{"SLACK_BOT_TOKEN": "xoxb-test-secret"}))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if cfg.Location.String() != "Asia/Kolkata" {
		t.Errorf("location = %v", cfg.Location)
	}
	if got := cfg.Slack.Token.Value(); got != "xoxb-test-secret" {
		t.Errorf("token not expanded: %q", got)
	}
	if cfg.Slack.WebhookURL.Value() != "" {
		t.Errorf("unset variable should expand to empty")
	}
	if len(cfg.Feeds) != 2 || cfg.Feeds[0].Name != "Example" {
		t.Errorf("feeds = %+v (file feeds must replace the defaults)", cfg.Feeds)
	}
	if cfg.Fetch.MaxBody != 10<<20 || time.Duration(cfg.Fetch.Timeout) != 30*time.Second {
		t.Errorf("fetch = %+v", cfg.Fetch)
	}
	if time.Duration(cfg.Digest.Window) != 48*time.Hour || cfg.Digest.TopN != 5 {
		t.Errorf("digest = %+v", cfg.Digest)
	}
	if got := cfg.Resolve(cfg.Profiles); got != filepath.Join("testdata", "profiles.yaml") {
		t.Errorf("profiles resolve to %q", got)
	}
}

func TestParseErrors(t *testing.T) {
	data, err := os.ReadFile("testdata/invalid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse("testdata/invalid.yaml", bytes.NewReader(data), env(nil))
	if err == nil {
		t.Fatal("Parse accepted an invalid file")
	}
	// Unknown keys and bad values are reported together, with positions.
	want := []string{
		"testdata/invalid.yaml:1:11: unknown timezone \"Mars/Olympus\"",
		"testdata/invalid.yaml:3:9: schedule.poll \"every minute\"",
		"testdata/invalid.yaml:4:3: unknown key \"digets\"",
		"testdata/invalid.yaml:7:10: feed url \"ftp://example.org/feed\"",
		"testdata/invalid.yaml:8:5: feed has no url",
		"testdata/invalid.yaml:9:34: invalid duration \"soon\"",
		"testdata/invalid.yaml:9:22: fetch.concurrency must be at least 1",
		"testdata/invalid.yaml:11:12: slack.api_url \"not a url\"",
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("errors lack %q:\n%v", w, err)
		}
	}
}

func TestValidateErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"timezone", "timezone: Mars/Olympus\n", []string{"f.yaml:1:11: unknown timezone \"Mars/Olympus\""}},
		{"schedule", "schedule:\n  poll: every minute\n", []string{"f.yaml:2:9: schedule.poll \"every minute\""}},
		{"feed scheme", "feeds:\n  - url: ftp://example.org/feed\n", []string{"f.yaml:2:10: feed url \"ftp://example.org/feed\" is not an http(s) URL"}},
		{"feed no url", "feeds:\n  - name: x\n", []string{"f.yaml:2:5: feed has no url"}},
		{"feed twice", "feeds:\n  - url: a.xml\n  - url: a.xml\n", []string{"f.yaml:3:10: feed \"a.xml\" is listed twice"}},
		{"duration", "fetch: {timeout: soon}\n", []string{"f.yaml:1:18: invalid duration \"soon\""}},
		{"size", "fetch: {max_body: lots}\n", []string{"f.yaml:1:19: invalid size \"lots\""}},
		{"several at once", "fetch: {concurrency: 0, per_host: 0}\ntimezone: Nowhere\n", []string{
			"f.yaml:1:22: fetch.concurrency must be at least 1",
			"f.yaml:1:35: fetch.per_host must be at least 1",
			"f.yaml:2:11: unknown timezone",
		}},
		{"api url", "slack: {api_url: 'nope'}\n", []string{"f.yaml:1:18: slack.api_url \"nope\""}},
		{"both slack", "slack: {token: a, webhook_url: 'https://hooks.example/x'}\n", []string{"both set"}},
		{"bot token as app token", "slack: {app_token: xoxb-1}\n", []string{"f.yaml:1:20: slack.app_token is not an app-level token"}},
		{"signing secret without listen", "slack: {signing_secret: s3cret}\n", []string{"f.yaml:1:25: slack.signing_secret needs http.listen"}},
		{"syntax", "feeds: [\n", []string{"f.yaml:1:1: invalid YAML"}},
		{"wrong type", "fetch: {concurrency: many}\n", []string{"f.yaml:1:22: cannot use a str `many` into int"}},
		{"unterminated env", "store: ${NOPE\n", []string{"f.yaml:1:8: unterminated ${"}},
		{"retention too short", "retention: 2d\n", []string{"f.yaml:1:12: retention must be at least 7d"}},
		{"retention under two windows", "retention: 10d\ndigest: {window: 6d}\n", []string{"f.yaml:1:12: retention must be at least 7d and at least twice digest.window"}},
		{"retention not a duration", "retention: forever\n", []string{"f.yaml:1:12: invalid duration \"forever\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f.yaml", strings.NewReader(tt.in), env(nil))
			if err == nil {
				t.Fatal("Parse accepted it")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("errors lack %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	cfg, err := Parse("empty.yaml", strings.NewReader(""), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Schedule.Poll != "*/15 * * * *" || cfg.Schedule.Digest != "0 9 * * *" {
		t.Errorf("schedule = %+v", cfg.Schedule)
	}
	if len(cfg.Feeds) == 0 {
		t.Error("no built-in feeds")
	}
	if got := time.Duration(cfg.Retention); got != 180*24*time.Hour {
		t.Errorf("retention = %v, want 180d", got)
	}
	cfg, err = Parse("r.yaml", strings.NewReader("retention: 30d\n"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := time.Duration(cfg.Retention); got != 30*24*time.Hour {
		t.Errorf("retention: 30d parsed as %v", got)
	}
	if _, err := cfg.LoadProfiles(); err != nil {
		t.Fatalf("built-in profiles: %v", err)
	}
}

func TestLoadMissing(t *testing.T) {
	t.Chdir(t.TempDir())
	if _, err := Load(DefaultPath); err != nil {
		t.Errorf("Load(default) without a file should give the defaults: %v", err)
	}
	if _, err := Load("other.yaml"); err == nil || !strings.Contains(err.Error(), "--config") {
		t.Errorf("Load(missing named file) = %v, want an error that says what to do", err)
	}
}

func TestSecretNeverPrints(t *testing.T) {
	const token, password = "xoxb-very-secret-token", "pg-s3cret"
	storeURL := "postgres://newsbot:" + password + "@db.internal/newsbot?sslmode=require"
	cfg, err := Parse("f.yaml", strings.NewReader("store: ${DB}\nslack:\n  token: ${T}\n"), env(map[string]string{"T": token, "DB": storeURL}))
	if err != nil {
		t.Fatal(err)
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	printed := []string{
		fmt.Sprint(cfg.Slack), fmt.Sprintf("%v %+v %#v %s %q", cfg.Slack.Token, cfg.Slack, cfg.Slack, cfg.Slack.Token, cfg.Slack.Token),
		fmt.Sprint(cfg), fmt.Sprintf("%v %+v %#v %s %q", cfg.Store, cfg, cfg, cfg.Store, cfg.Store),
		string(out), string(js),
	}
	for _, p := range printed {
		for _, secret := range []string{token, password} {
			if strings.Contains(p, secret) {
				t.Fatalf("a secret printed: %s", p)
			}
		}
	}
	if !strings.Contains(string(out), "store: postgres://<secret>@db.internal/newsbot?sslmode=require") {
		t.Errorf("the store URL does not print as itself with <secret> for its credentials:\n%s", out)
	}
	if cfg.Slack.Token.Value() != token || cfg.Store.Value() != storeURL {
		t.Fatal("Value lost the secret")
	}
	if got := fmt.Sprint(Default().Store); got != "newsbot.db" {
		t.Errorf("a store path prints as %q, want it as it is", got)
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"7d", 7 * 24 * time.Hour, false},
		{"1.5d", 36 * time.Hour, false},
		{"2d12h", 60 * time.Hour, false},
		{"36h", 36 * time.Hour, false},
		{"15m", 15 * time.Minute, false},
		{"d", 0, true},
		{"-1d", 0, true},
		{"week", 0, true},
		{"NaNd", 0, true},
		{"Infd", 0, true},
		{"106751d", 106751 * 24 * time.Hour, false},
		{"106752d", 0, true},
		{"106751d24h", 0, true},
		{"1d-5h", 0, true},
		{"9999999999h", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if (err != nil) != tt.err || got != tt.want {
				t.Errorf("ParseDuration(%q) = %v, %v", tt.in, got, err)
			}
		})
	}
}

func TestReadProfilesDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.yaml"), BuiltinProfiles(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("ignored"), 0o644); err != nil {
		t.Fatal(err)
	}
	specs, err := ReadProfiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 5 {
		t.Errorf("got %d profiles from the directory, want 5", len(specs))
	}
	if _, err := ReadProfiles(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing profiles path must be an error")
	}
}

func TestHTTPConsole(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantListen string
		wantErr    string
	}{
		{"off by default", "", "", ""},
		{"console defaults to loopback", "http: {console: true}\n", DefaultConsoleListen, ""},
		{"explicit loopback", "http: {console: true, listen: '[::1]:8080'}\n", "[::1]:8080", ""},
		{"localhost", "http: {console: true, listen: 'localhost:8080'}\n", "localhost:8080", ""},
		{"all interfaces with a token", "http: {console: true, listen: ':9090', auth_token: '${TOK}'}\n", ":9090", ""},
		{"all interfaces without a token", "http:\n  console: true\n  listen: ':9090'\n", "", `f.yaml:3:11: http.console on ":9090", which is not a loopback address, needs http.auth_token`},
		{"token from an unset variable", "http: {console: true, listen: '0.0.0.0:80', auth_token: '${NOPE}'}\n", "", "needs http.auth_token"},
		{"metrics alone anywhere", "http: {listen: ':9090'}\n", ":9090", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("f.yaml", strings.NewReader(tt.in), env(map[string]string{"TOK": "console-secret"}))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.HTTP.Listen != tt.wantListen {
				t.Errorf("listen = %q, want %q", cfg.HTTP.Listen, tt.wantListen)
			}
		})
	}
	cfg, err := Parse("f.yaml", strings.NewReader("http: {console: true, auth_token: '${TOK}'}\n"), env(map[string]string{"TOK": "console-secret"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTP.AuthToken.Value() != "console-secret" {
		t.Errorf("auth_token not expanded")
	}
	if out, _ := yaml.Marshal(cfg); strings.Contains(string(out), "console-secret") {
		t.Errorf("auth_token printed:\n%s", out)
	}
}

func TestFeedbackSecretsExpandAndNeverPrint(t *testing.T) {
	const app, signing = "xapp-1-A0-very-secret", "0123-signing-secret"
	cfg, err := Parse("f.yaml", strings.NewReader("http: {listen: '127.0.0.1:0'}\nslack:\n  app_token: ${SLACK_APP_TOKEN}\n  signing_secret: ${SLACK_SIGNING_SECRET}\n"),
		env(map[string]string{"SLACK_APP_TOKEN": app, "SLACK_SIGNING_SECRET": signing}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Slack.AppToken.Value() != app || cfg.Slack.SigningSecret.Value() != signing {
		t.Fatal("the secrets did not expand")
	}
	out, _ := yaml.Marshal(cfg)
	for _, p := range []string{fmt.Sprintf("%v %+v %#v", cfg.Slack, cfg.Slack, cfg.Slack), string(out)} {
		if strings.Contains(p, app) || strings.Contains(p, signing) {
			t.Fatalf("a secret printed: %s", p)
		}
	}
}

func TestParseFeedFetchOptions(t *testing.T) {
	const good = `fetch:
  user_agent: "newsbot (+mailto:ops@example.org)"
feeds:
  - url: https://pib.example.gov.in/rss
    full_text: true
    user_agent: "Mozilla/5.0 (compatible; newsbot)"
    headers:
      From: ops@example.org
      Accept-Language: en-IN
  - url: https://news.example.com/rss
`
	cfg, err := Parse("newsbot.yaml", strings.NewReader(good), env(nil))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if cfg.Fetch.UserAgent != "newsbot (+mailto:ops@example.org)" {
		t.Errorf("fetch.user_agent = %q", cfg.Fetch.UserAgent)
	}
	f := cfg.Feeds[0]
	if !f.FullText || f.UserAgent != "Mozilla/5.0 (compatible; newsbot)" || f.Headers["From"] != "ops@example.org" || f.Headers["Accept-Language"] != "en-IN" {
		t.Errorf("feed 0 = %+v", f)
	}
	if g := cfg.Feeds[1]; g.FullText || g.UserAgent != "" || g.Headers != nil {
		t.Errorf("feed 1 = %+v, want the defaults", g)
	}

	tests := []struct {
		name, yaml, want string
	}{
		{"full_text not a boolean", "feeds:\n  - url: https://a.example/rss\n    full_text: maybe\n", "newsbot.yaml:3:16"},
		{"headers not a map", "feeds:\n  - url: https://a.example/rss\n    headers: [From]\n", "newsbot.yaml:3:5"},
		{"bad header name", "feeds:\n  - url: https://a.example/rss\n    headers:\n      \"Bad Name\": x\n", `newsbot.yaml:4:7: header "Bad Name": not a valid header name`},
		{"cookie refused", "feeds:\n  - url: https://a.example/rss\n    headers:\n      Cookie: session=1\n", `newsbot.yaml:4:7: header "Cookie": newsbot sets this header itself`},
		{"control character in user_agent", "feeds:\n  - url: https://a.example/rss\n    user_agent: \"a\\nb\"\n", "newsbot.yaml:3:17: user_agent holds a control character"},
		{"control character in fetch.user_agent", "fetch:\n  user_agent: \"a\\u0007\"\n", "newsbot.yaml:2:15: fetch.user_agent holds a control character"},
		{"unknown feed key", "feeds:\n  - url: https://a.example/rss\n    fulltext: true\n", "newsbot.yaml:3:5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("newsbot.yaml", strings.NewReader(tt.yaml), env(nil))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestDefaultFeeds(t *testing.T) {
	fs := DefaultFeeds()
	byName := map[string]Feed{}
	for _, f := range fs {
		byName[f.Name] = f
	}
	pib := byName["PIB (Press Information Bureau)"]
	if !strings.Contains(pib.URL, "Lang=1") || !strings.HasSuffix(pib.URL, "&reg=3") || !pib.FullText {
		t.Errorf("PIB = %+v, want the English feed (&reg=3) with full_text", pib)
	}
	if u := byName["U.S. Department of War releases"].URL; !strings.HasPrefix(u, "https://www.war.gov/") || !strings.Contains(u, "ContentType=9&") {
		t.Errorf("US releases URL = %q, want war.gov with ContentType=9", u)
	}
	for _, name := range []string{"The Economic Times — Defence", "Mint — Economy", "BusinessLine — Economy", "Federal Register: BIS rules", "Federal Register: USTR"} {
		if _, ok := byName[name]; !ok {
			t.Errorf("no built-in feed %q", name)
		}
	}
	queries := map[string][]string{
		"News search: TRUST":   {`("TRUST initiative" OR iCET`, ") (India OR Indian)"},
		"News search: INDUS-X": {`(defence OR defense)`},
		"News search: tariffs": {`(tariff OR tariffs OR "trade deal" OR "trade agreement")`},
	}
	for name, wants := range queries {
		u, err := url.Parse(byName[name].URL)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query().Get("q")
		for _, w := range wants {
			if !strings.Contains(q, w) {
				t.Errorf("%s: query %q lacks %q", name, q, w)
			}
		}
		if strings.Count(q, "(") != strings.Count(q, ")") {
			t.Errorf("%s: unbalanced parentheses in %q", name, q)
		}
	}
	if err := Default().validate(); err != nil {
		t.Errorf("built-in configuration invalid: %v", err)
	}
}
