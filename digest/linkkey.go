package digest

import (
	"net/url"
	"strings"
)

// trackingParams are query parameters that only track a click.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "mc_cid": true, "mc_eid": true, "cmpid": true, "ncid": true,
	"ref": true, "ref_src": true, "src": true, "from": true, "ito": true, "taid": true, "smid": true,
}

// canonicalLink returns the form of an http(s) link under which the same
// page compares equal: scheme, "www." and default ports, the fragment,
// trailing slashes and tracking parameters (utm_*, fbclid, ref and the
// like) ignored; other parameters sorted. Other links are returned as they
// are, and "" stays "".
func canonicalLink(link string) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || u.Host == "" {
		return link
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return link
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if p := u.Port(); p != "" && p != "80" && p != "443" {
		host += ":" + p
	}
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(strings.ToLower(k), "utm_") || trackingParams[strings.ToLower(k)] {
			q.Del(k)
		}
	}
	out := "//" + host + strings.TrimRight(u.EscapedPath(), "/")
	if len(q) > 0 {
		out += "?" + q.Encode() // Encode sorts by key
	}
	return out
}

// isAggregatorLink reports whether link is an aggregator's redirect
// (news.google.com), which leads to the publisher only through a script.
func isAggregatorLink(link string) bool {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return h == "news.google.com" || strings.HasSuffix(h, ".news.google.com")
}
