package config

import "net/url"

// googleNews returns the RSS URL of a Google News search, in Indian English.
// In Google's syntax terms are ANDed and OR binds tighter than AND, so
// `A OR B C` means (A OR B) AND C; the queries below also parenthesise each
// alternative so that they read the same either way.
func googleNews(query string) string {
	return "https://news.google.com/rss/search?" + url.Values{
		"q": {query}, "hl": {"en-IN"}, "gl": {"IN"}, "ceid": {"IN:en"},
	}.Encode()
}

// federalRegister returns the RSS URL of the Federal Register's newest
// documents of one agency, of the given document types (all when none).
func federalRegister(agency string, types ...string) string {
	v := url.Values{"conditions[agencies][]": {agency}, "order": {"newest"}}
	for _, t := range types {
		v.Add("conditions[type][]", t)
	}
	return "https://www.federalregister.gov/api/v1/documents.rss?" + v.Encode()
}

// browserUserAgent is sent to official sites that refuse a bot's
// User-Agent (the README lists them); operators may replace it per feed.
const browserUserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"

// DefaultFeeds returns the built-in feeds: public RSS feeds of official
// sources and outlets that cover India–US defence technology and trade, and a
// news search per built-in profile. The README lists them with where each URL
// comes from and its quirks; a feed that stops working shows in `newsbot
// feeds` and costs only its own items.
func DefaultFeeds() []Feed {
	return []Feed{
		// Official sources.
		// PIB's English releases from Delhi: without &reg=3 the URL
		// redirects to the Hindi feed. Items have a title and a link only
		// (no date, no description), hence full_text.
		{URL: "https://pib.gov.in/RssMain.aspx?ModId=6&Lang=1&Regid=3&reg=3", Name: "PIB (Press Information Bureau)",
			FullText: true, UserAgent: browserUserAgent},
		// defense.gov redirects to war.gov; ContentType=9 is releases
		// (1 is news stories), 400 is the daily contract announcements.
		{URL: "https://www.war.gov/DesktopModules/ArticleCS/RSS.ashx?ContentType=9&Site=945&max=20", Name: "U.S. Department of War releases",
			UserAgent: browserUserAgent},
		{URL: "https://www.war.gov/DesktopModules/ArticleCS/RSS.ashx?ContentType=400&Site=945&max=10", Name: "U.S. Department of War contracts",
			UserAgent: browserUserAgent},
		{URL: federalRegister("industry-and-security-bureau", "RULE", "PRORULE"), Name: "Federal Register: BIS rules"},
		{URL: federalRegister("trade-representative-office-of-united-states"), Name: "Federal Register: USTR"},
		// Defence and national outlets.
		{URL: "https://www.defensenews.com/arc/outboundfeeds/rss/?outputType=xml", Name: "Defense News"},
		{URL: "https://breakingdefense.com/feed/", Name: "Breaking Defense"},
		{URL: "https://www.defenseone.com/rss/all/", Name: "Defense One"},
		{URL: "https://www.thehindu.com/news/national/feeder/default.rss", Name: "The Hindu — National"},
		{URL: "https://economictimes.indiatimes.com/news/defence/rssfeeds/46687796.cms", Name: "The Economic Times — Defence"},
		// Trade and economy outlets.
		{URL: "https://www.livemint.com/rss/economy", Name: "Mint — Economy"},
		{URL: "https://www.thehindubusinessline.com/economy/feeder/default.rss", Name: "BusinessLine — Economy"},
		// News searches, one per built-in profile.
		{URL: googleNews(`("TRUST initiative" OR iCET OR "Initiative on Critical and Emerging Technology") (India OR Indian)`), Name: "News search: TRUST"},
		{URL: googleNews(`("INDUS-X" OR "INDUS X") (defence OR defense)`), Name: "News search: INDUS-X"},
		{URL: googleNews(`"Joint Technical Group" (DRDO OR India)`), Name: "News search: JTG"},
		{URL: googleNews(`DRDO`), Name: "News search: DRDO"},
		{URL: googleNews(`India (US OR "United States" OR Trump) (tariff OR tariffs OR "trade deal" OR "trade agreement")`), Name: "News search: tariffs"},
		{URL: "https://news.google.com/rss/search?q=%E0%A4%A1%E0%A5%80%E0%A4%86%E0%A4%B0%E0%A4%A1%E0%A5%80%E0%A4%93&hl=hi&gl=IN&ceid=IN:hi", Name: "News search: डीआरडीओ (Hindi)"},
	}
}
