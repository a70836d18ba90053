package digest

import (
	"net/url"
	"strings"
)

// ignoredParams are query parameters that linkKey ignores because they only
// track a click. The list is wider than the one feeds strips from stored
// links ("ref", "src", "from"): a key only compares links and never
// replaces one, so ignoring a parameter that names the page at worst folds
// two entries that a reader sees side by side.
var ignoredParams = map[string]bool{
	"fbclid": true, "gclid": true, "mc_cid": true, "mc_eid": true, "cmpid": true, "ncid": true,
	"ref": true, "ref_src": true, "src": true, "from": true, "ito": true, "taid": true, "smid": true,
}

// linkKey returns the key under which links to the same page compare equal,
// for folding; it is never shown or followed. For an http(s) link it drops
// the scheme, "www.", default ports, the fragment, trailing slashes and
// tracking parameters (utm_*, ignoredParams) and sorts the other
// parameters. Other links are their own key, and "" stays "".
func linkKey(link string) string {
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
		if strings.HasPrefix(strings.ToLower(k), "utm_") || ignoredParams[strings.ToLower(k)] {
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
