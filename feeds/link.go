package feeds

import (
	"net/url"
	"strings"
)

// trackingParams are query parameters that identify a campaign or a click,
// never the page. Parameters starting with "utm_" are removed as well.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true,
	"msclkid": true, "yclid": true, "twclid": true, "igshid": true,
	"mc_cid": true, "mc_eid": true, "ref_src": true, "ref_url": true,
	"_hsenc": true, "_hsmi": true, "mkt_tok": true, "_ga": true, "_gl": true,
	"wt_mc": true, "wt_zmc": true, "oly_enc_id": true, "oly_anon_id": true,
	"vero_id": true, "rb_clickid": true, "__twitter_impression": true,
}

// canonicalLink returns link as an absolute http(s) URL, resolved against
// base when relative, with scheme and host in lower case, the default port,
// credentials, fragment and tracking parameters removed, and an empty path
// written as "/". Any other scheme, such as javascript: or mailto:, yields "".
func canonicalLink(link, base string) string {
	link = strings.TrimSpace(link)
	if link == "" {
		return ""
	}
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	if !u.IsAbs() {
		b, err := url.Parse(base)
		if err != nil || !isHTTP(b) {
			return ""
		}
		u = b.ResolveReference(u)
	}
	if !isHTTP(u) || u.Host == "" {
		return ""
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	if port := u.Port(); (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		u.Host = strings.TrimSuffix(u.Host, ":"+port)
	}
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" && u.Opaque == "" {
		u.Path = "/"
	}
	u.RawQuery = stripTracking(u.RawQuery)
	u.ForceQuery = false
	return u.String()
}

// isHTTP reports whether u is an http or https URL.
func isHTTP(u *url.URL) bool {
	s := strings.ToLower(u.Scheme)
	return s == "http" || s == "https"
}

// stripTracking removes tracking parameters from a raw query, keeping the
// order and encoding of the others.
func stripTracking(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	parts := strings.Split(rawQuery, "&")
	kept := parts[:0]
	for _, p := range parts {
		if p == "" {
			continue
		}
		key, _, _ := strings.Cut(p, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		key = strings.ToLower(key)
		if strings.HasPrefix(key, "utm_") || trackingParams[key] {
			continue
		}
		kept = append(kept, p)
	}
	return strings.Join(kept, "&")
}
