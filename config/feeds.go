package config

import "net/url"

// googleNews returns the RSS URL of a Google News search, in Indian English.
func googleNews(query string) string {
	return "https://news.google.com/rss/search?" + url.Values{
		"q": {query}, "hl": {"en-IN"}, "gl": {"IN"}, "ceid": {"IN:en"},
	}.Encode()
}

// DefaultFeeds returns the built-in feeds: public RSS feeds of official
// sources and outlets that cover India–US defence technology and trade, and a
// news search per built-in profile. The README lists them; a feed that stops
// working shows in `newsbot feeds` and costs only its own items.
func DefaultFeeds() []Feed {
	return []Feed{
		// Official sources.
		{URL: "https://pib.gov.in/RssMain.aspx?ModId=6&Lang=1&Regid=3", Name: "PIB (Press Information Bureau)"},
		{URL: "https://www.defense.gov/DesktopModules/ArticleCS/RSS.ashx?ContentType=1&Site=945&max=10", Name: "U.S. Department of Defense releases"},
		// Defence and national outlets.
		{URL: "https://www.defensenews.com/arc/outboundfeeds/rss/?outputType=xml", Name: "Defense News"},
		{URL: "https://breakingdefense.com/feed/", Name: "Breaking Defense"},
		{URL: "https://www.defenseone.com/rss/all/", Name: "Defense One"},
		{URL: "https://www.thehindu.com/news/national/feeder/default.rss", Name: "The Hindu — National"},
		// News searches, one per built-in profile.
		{URL: googleNews(`"TRUST initiative" India US OR iCET`), Name: "News search: TRUST"},
		{URL: googleNews(`INDUS-X OR "INDUS X" defence`), Name: "News search: INDUS-X"},
		{URL: googleNews(`"Joint Technical Group" DRDO`), Name: "News search: JTG"},
		{URL: googleNews(`DRDO`), Name: "News search: DRDO"},
		{URL: googleNews(`India US tariffs trade deal`), Name: "News search: tariffs"},
		{URL: "https://news.google.com/rss/search?q=%E0%A4%A1%E0%A5%80%E0%A4%86%E0%A4%B0%E0%A4%A1%E0%A5%80%E0%A4%93&hl=hi&gl=IN&ceid=IN:hi", Name: "News search: डीआरडीओ (Hindi)"},
	}
}
