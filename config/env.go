package config

import (
	"fmt"
	"strings"
)

// envVar is a setting the environment supplies when the configuration file
// does not: key is its YAML key path, and set stores a value into it.
type envVar struct {
	name string
	key  []string
	set  func(c *Config, v string)
	// isSet reports whether the configuration already has a value.
	isSet func(c *Config) bool
}

// envVars are the settings the environment supplies when the configuration
// file leaves them out or empty: the file first, the environment second, the
// built-in default third. To add one, add a line here and to the README's
// Environment section.
var envVars = []envVar{
	{"SLACK_BOT_TOKEN", []string{"slack", "token"},
		func(c *Config, v string) { c.Slack.Token = NewSecret(v) },
		func(c *Config) bool { return c.Slack.Token.Value() != "" || c.Slack.WebhookURL.Value() != "" }},
	{"SLACK_WEBHOOK_URL", []string{"slack", "webhook_url"},
		func(c *Config, v string) { c.Slack.WebhookURL = NewSecret(v) },
		func(c *Config) bool { return c.Slack.Token.Value() != "" || c.Slack.WebhookURL.Value() != "" }},
	{"SLACK_APP_TOKEN", []string{"slack", "app_token"},
		func(c *Config, v string) { c.Slack.AppToken = NewSecret(v) },
		func(c *Config) bool { return c.Slack.AppToken.Value() != "" }},
	{"NEWSBOT_STORE", []string{"store"},
		func(c *Config, v string) { c.Store = NewStoreLocation(v); c.storeFromEnv = true },
		func(c *Config) bool { return findNode(c.root, "store") != nil }},
}

// applyEnv fills the settings the file left out from the environment. A
// Slack destination in the file (token or webhook URL) makes both Slack
// variables ignored, so the file's choice stands. All lookups happen before
// any value is set, so one variable never hides another.
func (c *Config) applyEnv(getenv func(string) (string, bool)) {
	type pending struct {
		e envVar
		v string
	}
	var todo []pending
	for _, e := range envVars {
		v, ok := getenv(e.name)
		v = strings.TrimSpace(v)
		if !ok || v == "" || e.isSet(c) {
			continue
		}
		todo = append(todo, pending{e, v})
	}
	for _, p := range todo {
		p.e.set(c, p.v)
		c.fromEnv = append(c.fromEnv, p.e.name)
	}
}

// FromEnv returns the names of the environment variables whose values the
// configuration took, for the start-up log (names only: values may be
// secrets).
func (c *Config) FromEnv() []string { return c.fromEnv }

// envKey names where a setting came from, for error messages: the variable
// when the environment supplied it, else the key.
func (c *Config) envKey(path ...string) string {
	key := strings.Join(path, ".")
	for _, e := range envVars {
		if strings.Join(e.key, ".") == key {
			for _, n := range c.fromEnv {
				if n == e.name {
					return fmt.Sprintf("%s (from %s)", key, n)
				}
			}
		}
	}
	return key
}
