package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnvFillsWhatTheFileLeavesOut(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		env       map[string]string
		token     string
		webhook   string
		appToken  string
		store     string
		fromEnv   string
		wantError string
	}{
		{name: "no file settings: the environment applies",
			env:   map[string]string{"SLACK_BOT_TOKEN": "xoxb-env", "NEWSBOT_STORE": "/data/env.db"},
			token: "xoxb-env", store: "/data/env.db", fromEnv: "SLACK_BOT_TOKEN,NEWSBOT_STORE"},
		{name: "webhook from the environment",
			env:     map[string]string{"SLACK_WEBHOOK_URL": "https://hooks.example.org/T/B/x"},
			webhook: "https://hooks.example.org/T/B/x", store: "newsbot.db", fromEnv: "SLACK_WEBHOOK_URL"},
		{name: "the file wins over the environment",
			file:  "store: /data/file.db\nslack: {token: xoxb-file}\n",
			env:   map[string]string{"SLACK_BOT_TOKEN": "xoxb-env", "NEWSBOT_STORE": "/data/env.db"},
			token: "xoxb-file", store: "/data/file.db"},
		{name: "a webhook in the file makes SLACK_BOT_TOKEN ignored",
			file:    "slack: {webhook_url: \"https://hooks.example.org/T/B/file\"}\n",
			env:     map[string]string{"SLACK_BOT_TOKEN": "xoxb-env"},
			webhook: "https://hooks.example.org/T/B/file", store: "newsbot.db"},
		{name: "an empty value in the file counts as unset",
			file:  "slack: {token: \"${UNSET_TOKEN}\"}\n",
			env:   map[string]string{"SLACK_BOT_TOKEN": "xoxb-env"},
			token: "xoxb-env", store: "newsbot.db", fromEnv: "SLACK_BOT_TOKEN"},
		{name: "app token from the environment, beside the file's bot token",
			file:  "slack: {token: xoxb-file}\n",
			env:   map[string]string{"SLACK_BOT_TOKEN": "xoxb-env", "SLACK_APP_TOKEN": "xapp-env"},
			token: "xoxb-file", appToken: "xapp-env", store: "newsbot.db", fromEnv: "SLACK_APP_TOKEN"},
		{name: "the file's app token wins",
			file:  "slack: {token: xoxb-file, app_token: xapp-file}\n",
			env:   map[string]string{"SLACK_APP_TOKEN": "xapp-env"},
			token: "xoxb-file", appToken: "xapp-file", store: "newsbot.db"},
		{name: "empty variables are ignored",
			env:   map[string]string{"SLACK_BOT_TOKEN": " ", "NEWSBOT_STORE": ""},
			store: "newsbot.db"},
		{name: "both Slack variables: an error naming both",
			env:       map[string]string{"SLACK_BOT_TOKEN": "xoxb-env", "SLACK_WEBHOOK_URL": "https://hooks.example.org/T/B/x"},
			wantError: "slack.token (from SLACK_BOT_TOKEN) and slack.webhook_url (from SLACK_WEBHOOK_URL) are both set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("newsbot.yaml", strings.NewReader(tt.file), env(tt.env))
			if tt.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantError) {
					t.Fatalf("error = %v, want %q", err, tt.wantError)
				}
				if strings.Contains(err.Error(), "xoxb-env") || strings.Contains(err.Error(), "hooks.example.org") {
					t.Errorf("error shows a secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Slack.Token.Value(); got != tt.token {
				t.Errorf("token = %q, want %q", got, tt.token)
			}
			if got := cfg.Slack.WebhookURL.Value(); got != tt.webhook {
				t.Errorf("webhook = %q, want %q", got, tt.webhook)
			}
			if got := cfg.Slack.AppToken.Value(); got != tt.appToken {
				t.Errorf("app token = %q, want %q", got, tt.appToken)
			}
			if got := cfg.Store.Value(); got != tt.store {
				t.Errorf("store = %q, want %q", got, tt.store)
			}
			if got := strings.Join(cfg.FromEnv(), ","); got != tt.fromEnv {
				t.Errorf("FromEnv = %q, want %q", got, tt.fromEnv)
			}
		})
	}
}

func TestEnvVarsNamesTheContract(t *testing.T) {
	names := make([]string, len(envVars))
	for i, e := range envVars {
		names[i] = e.name
	}
	got := strings.Join(names, ",")
	for _, name := range []string{"SLACK_BOT_TOKEN", "SLACK_WEBHOOK_URL", "SLACK_APP_TOKEN", "NEWSBOT_STORE"} {
		if !strings.Contains(got, name) {
			t.Errorf("envVars = %s, lacks %s", got, name)
		}
	}
}

func TestLoadResolvesStore(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		store string // the store line of the file; "" for none
		env   string // NEWSBOT_STORE
		want  string
	}{
		{"relative to the file's directory", "store: state/newsbot.db", "", filepath.Join(dir, "state", "newsbot.db")},
		{"absolute as it is", "store: /var/lib/newsbot/newsbot.db", "", "/var/lib/newsbot/newsbot.db"},
		{"a URL as it is", "store: postgres://u@db:5432/n", "", "postgres://u@db:5432/n"},
		{"no key: the default in the working directory", "", "", "newsbot.db"},
		{"NEWSBOT_STORE relative to the working directory", "", "env.db", "env.db"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("NEWSBOT_STORE", tt.env)
			path := filepath.Join(dir, "c"+string(rune('a'+i))+".yaml")
			if err := os.WriteFile(path, []byte("timezone: UTC\n"+tt.store+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Store.Value(); got != tt.want {
				t.Errorf("store = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLoadWithoutFileTakesEnvironment checks the image's case: no
// configuration file at all, the token and the store from the environment.
func TestLoadWithoutFileTakesEnvironment(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-from-env")
	t.Setenv("SLACK_WEBHOOK_URL", "")
	t.Setenv("NEWSBOT_STORE", "/data/newsbot.db")
	cfg, err := Load(DefaultPath)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Slack.Token.Value() != "xoxb-from-env" || cfg.Store.Value() != "/data/newsbot.db" {
		t.Errorf("token %q, store %q: the environment was not applied", cfg.Slack.Token, cfg.Store.Value())
	}
}
