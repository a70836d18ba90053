package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// A feed's content is a pure function of its index and version: version v
// of feed i lists the items with sequence numbers v*newPerChange up to
// v*newPerChange+items-1, newest first, so each change brings newPerChange
// items with new GUIDs and drops as many old ones. An item's text depends
// only on (feed, sequence), so the same item reads the same in every version.

// topic is one kind of story: a title template and a lead sentence that
// makes a built-in profile match (or none, for the neutral topics).
type topic struct {
	weight int // out of 100
	titles []string
	leads  []string
}

// topics about India–US defence and trade: the first five each make a
// built-in profile match (DRDO, tariffs, INDUS-X, TRUST, JTG), the last one
// none. Their weights give the mix among matching topics; the share of items
// on a matching topic at all is the generator's matchShare (by default a
// tenth, as issue #10 measures; -match 0.33 gives the weights' own third).
var topics = []topic{
	{weight: 10, titles: []string{
		"DRDO successfully flight-tests %s off the Odisha coast",
		"DRDO hands over %s technology to Indian industry",
		"Defence Research and Development Organisation clears %s for user trials",
	}, leads: []string{
		"The Defence Research and Development Organisation (DRDO) said the trial of the %s met all mission objectives, with telemetry tracked from ranges along the coast.",
		"DRDO laboratories in Hyderabad and Bengaluru will transfer the %s design to private manufacturers under the ministry's licensing scheme.",
	}},
	{weight: 10, titles: []string{
		"US weighs new tariffs on Indian %s as trade talks stall",
		"India and US close in on trade deal covering %s",
		"Washington's reciprocal tariff hits Indian exporters of %s",
	}, leads: []string{
		"Officials in New Delhi said the United States had signalled higher tariffs on Indian %s unless the bilateral trade agreement is signed this quarter.",
		"Indian exporters of %s fear the reciprocal tariff announced in Washington will erase their margins; the commerce ministry said trade talks with the US continue.",
	}},
	{weight: 5, titles: []string{
		"INDUS-X summit picks start-ups working on %s",
		"INDUS-X challenge opens for %s proposals",
	}, leads: []string{
		"The INDUS-X Defense Acceleration Ecosystem named a dozen Indian and American start-ups developing %s for joint funding.",
		"Under INDUS-X, the India-US Defense Acceleration Ecosystem, teams from both countries will prototype %s within eighteen months.",
	}},
	{weight: 5, titles: []string{
		"TRUST initiative adds %s to India-US technology agenda",
		"India and US review iCET successor's work on %s",
	}, leads: []string{
		"Under the TRUST initiative, India and the United States agreed to co-develop %s and to ease export controls on related components.",
		"Transforming the Relationship Utilizing Strategic Technology, the successor to iCET, now lists %s among its priorities, officials said.",
	}},
	{weight: 3, titles: []string{
		"Indo-US Joint Technical Group meets on %s",
	}, leads: []string{
		"The Joint Technical Group of DRDO and the US Office of the Under Secretary of Defense for Research and Engineering discussed %s at its latest plenary.",
	}},
	{weight: 67, titles: []string{
		"Navies rehearse %s in the Bay of Bengal",
		"Analysts see growing demand for %s across Asia",
		"Start-ups court investors with plans for %s",
		"Parliamentary panel asks for report on %s",
		"Experts debate the cost of %s at Delhi forum",
		"Ministry publishes roadmap for %s",
	}, leads: []string{
		"Officers from several navies spent the week rehearsing %s, with ships and aircraft operating from ports on both coasts.",
		"A report released on Monday estimates that spending on %s will double over the next five years as governments modernise their forces.",
		"Founders pitching %s told a crowded hall that procurement cycles remain the biggest obstacle to scale.",
	}},
}

var subjects = []string{
	"an air-launched cruise missile", "a long-range surface-to-air missile", "jet engines",
	"maritime patrol drones", "underwater domain awareness sensors", "semiconductor packaging",
	"steel and aluminium", "shrimp and seafood", "generic medicines", "textiles and garments",
	"space situational awareness", "quantum communication links", "counter-drone systems",
	"armoured vehicles", "a hypersonic glide vehicle", "undersea cables", "critical minerals",
	"artillery ammunition", "autonomous surface vessels", "night-vision equipment",
}

// filler is neutral reporting: it mentions no profile term, so a match
// comes only from a topic's title and lead.
var filler = []string{
	"The announcement followed months of meetings between officials, industry groups and independent analysts.",
	"Several companies said they would wait for detailed guidelines before committing new capital.",
	"Opposition lawmakers asked for the full text of the agreement to be placed before the house.",
	"Industry estimates suggest that the programme could support thousands of skilled jobs within a decade.",
	"Observers noted that similar efforts in the past had been slowed by procurement rules and shifting budgets.",
	"A spokesperson declined to give a timeline but said consultations with state governments were under way.",
	"The ministry will publish a progress report at the end of the financial year, officials added.",
	"Retired officers writing in newspapers this week argued that sustained funding matters more than headlines.",
	"Shares of listed suppliers rose modestly in early trade before settling near the previous close.",
	"Researchers at several universities have been invited to submit proposals by the end of the month.",
	"The plan also sets aside funds for testing infrastructure, certification and training of technicians.",
	"Diplomats described the talks as constructive and said working groups would meet again next quarter.",
}

// genItem is one generated story.
type genItem struct {
	guid, title, link, summary string
	content                    string // content:encoded; empty unless articleWords
	published                  time.Time
	category                   string
}

// itemFor returns the item with sequence number seq of feed feed.
func (g *generator) itemFor(feed, seq int) genItem {
	r := rand.New(rand.NewPCG(uint64(feed)+1, uint64(seq)+1))
	t := g.pickTopic(r)
	subj := subjects[r.IntN(len(subjects))]
	title := fmt.Sprintf(t.titles[r.IntN(len(t.titles))], subj)
	var sb strings.Builder
	lead := fmt.Sprintf(t.leads[r.IntN(len(t.leads))], subj)
	var content string
	if g.articleWords > 0 {
		// A long article in content:encoded with the topic about two
		// thirds of the way in; the description is an excerpt of filler.
		content = g.article(r, lead)
		first := filler[r.IntN(len(filler))]
		sb.WriteString("<p>" + first + " [&#8230;]</p>")
	} else {
		sb.WriteString("<p>" + lead + "</p>")
	}
	for g.articleWords == 0 && sb.Len() < g.summaryBytes {
		sb.WriteString("<p>")
		for range 3 {
			sb.WriteString(filler[r.IntN(len(filler))])
			sb.WriteByte(' ')
		}
		sb.WriteString("</p>")
	}
	pub := g.start.Add(-23 * time.Hour).Add(time.Duration(seq)*5*time.Minute + time.Duration(feed%300)*time.Second)
	if latest := g.start.Add(-time.Minute); pub.After(latest) {
		pub = latest
	}
	return genItem{
		guid:      fmt.Sprintf("loadtest-f%d-s%d", feed, seq),
		title:     title,
		link:      fmt.Sprintf("https://news.example.org/desk-%d/%d/story-%d.html", feed%50, feed, seq),
		summary:   sb.String(),
		content:   content,
		published: pub,
		category:  strings.Fields(title)[0],
	}
}

// pickTopic draws an item's topic: a matching one with probability
// g.matchShare, chosen among them by weight, else the neutral one.
func (g *generator) pickTopic(r *rand.Rand) topic {
	neutral := topics[len(topics)-1]
	if r.Float64() >= g.matchShare {
		return neutral
	}
	total := 0
	for _, t := range topics[:len(topics)-1] {
		total += t.weight
	}
	n := r.IntN(total)
	for _, t := range topics[:len(topics)-1] {
		if n < t.weight {
			return t
		}
		n -= t.weight
	}
	return neutral
}

// article returns an HTML article of about g.articleWords words of filler
// with the paragraph lead about two thirds of the way in.
func (g *generator) article(r *rand.Rand, lead string) string {
	var b strings.Builder
	words, placed := 0, false
	for words < g.articleWords {
		if !placed && words >= g.articleWords*2/3 {
			b.WriteString("<p>" + lead + "</p>\n")
			words += len(strings.Fields(lead))
			placed = true
			continue
		}
		b.WriteString("<p>")
		for range 3 {
			f := filler[r.IntN(len(filler))]
			b.WriteString(f)
			b.WriteByte(' ')
			words += len(strings.Fields(f))
		}
		b.WriteString("</p>\n")
	}
	if !placed {
		b.WriteString("<p>" + lead + "</p>\n")
	}
	return b.String()
}

// generator writes the RSS 2.0 documents of the load test's feeds.
type generator struct {
	items        int       // items per feed
	newPerChange int       // items a changed feed gains
	summaryBytes int       // approximate size of each summary
	articleWords int       // words of each item's content:encoded article; 0 for none
	matchShare   float64   // share of items on a topic that matches a built-in profile
	start        time.Time // pubDates lie in the 23 hours before it
}

// feed returns version version of feed feed as an RSS 2.0 document with no
// <ttl>, so newsbot polls it again on the next cycle.
func (g *generator) feed(feed, version int) []byte {
	var b bytes.Buffer
	b.Grow(g.items * (g.summaryBytes + 8*g.articleWords + 600))
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>Strategic Desk %d</title>
<link>https://news.example.org/desk-%d/%d/</link>
<description>India–US defence and trade reporting, desk %d</description>
<language>en-in</language>
`, feed, feed%50, feed, feed)
	first := version * g.newPerChange
	for seq := first + g.items - 1; seq >= first; seq-- {
		it := g.itemFor(feed, seq)
		fmt.Fprintf(&b, `<item>
<title>%s</title>
<link>%s</link>
<guid isPermaLink="false">%s</guid>
<pubDate>%s</pubDate>
<category>%s</category>
<description><![CDATA[%s]]></description>
`, xmlEscape(it.title), it.link, it.guid, it.published.UTC().Format(time.RFC1123Z), xmlEscape(it.category), it.summary)
		if it.content != "" {
			fmt.Fprintf(&b, "<content:encoded><![CDATA[%s]]></content:encoded>\n", it.content)
		}
		b.WriteString("</item>\n")
	}
	b.WriteString("</channel>\n</rss>\n")
	return b.Bytes()
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func xmlEscape(s string) string { return xmlEscaper.Replace(s) }
