package feeds

import (
	"net/url"
	"strings"
)

// redacted replaces secrets in URLs shown in errors, as config.Secret
// prints.
const redacted = "<secret>"

// secretParamHints mark query parameters whose values are redacted.
var secretParamHints = []string{"token", "key", "secret", "pass", "auth", "sig", "session", "credential"}

// RedactURL returns raw fit for an error message or a log: user information and the
// values of query parameters that look like credentials are replaced. A
// string that is not a URL is replaced entirely unless it looks like a
// plain path.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<invalid URL>"
	}
	hadUser := u.User != nil
	u.User = nil
	if u.RawQuery != "" {
		parts := strings.Split(u.RawQuery, "&")
		for i, p := range parts {
			key, _, hasValue := strings.Cut(p, "=")
			if hasValue && looksSecret(key) {
				parts[i] = key + "=" + redacted
			}
		}
		u.RawQuery = strings.Join(parts, "&")
	}
	if hadUser {
		// Written here, since url.URL would escape the placeholder.
		return strings.Replace(u.String(), "//", "//"+redacted+"@", 1)
	}
	return u.String()
}

// looksSecret reports whether a query parameter name suggests a credential.
func looksSecret(key string) bool {
	key = strings.ToLower(key)
	for _, h := range secretParamHints {
		if strings.Contains(key, h) {
			return true
		}
	}
	return false
}
