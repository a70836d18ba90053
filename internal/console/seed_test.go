package console

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/newsbot/newsbot/config"
	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/internal/pipeline"
	"github.com/newsbot/newsbot/matcher"
	"github.com/newsbot/newsbot/store"
)

// testNow is the tests' clock: a Friday afternoon in Kolkata.
var testNow = time.Date(2026, 11, 27, 10, 30, 0, 0, time.UTC)

// hostile is a feed title and item text that would script the page if it
// were not escaped.
const hostile = `<script>alert("pwned")</script><img src=x onerror=alert(1)>`

// The seeded feeds: one healthy, one failing, one whose title is hostile,
// one never fetched.
var testFeeds = []feeds.Request{
	{URL: "https://news.example/india-us.xml", Name: "India–US Wire"},
	{URL: "https://defence.example/feed.atom", Name: "Defence Daily"},
	{URL: "https://hostile.example/rss?token=abc123"},
	{URL: "https://quiet.example/feed.json", Name: "Never Fetched"},
}

// headlines are the seeded items' titles and bodies: each profile matches
// some, and one matches none.
var headlines = []struct{ title, body string }{
	{"India and US close in on a trade deal", "Negotiators in New Delhi said the trade deal could be signed before spring, with a tariff cut on almonds."},
	{"New tariff on Indian steel imports", "Washington announced a tariff of 25 percent on steel."},
	{"INDUS-X summit turns to drone swarms", "The INDUS-X summit in Bengaluru focused on drone production and a jet engine deal."},
	{"ISRO and NASA ready NISAR for launch", "The joint NASA ISRO satellite will map the planet every twelve days."},
	{"Monsoon arrives early in Kerala", "Weather officials confirmed the monsoon's onset."},
	{"GE jet engine deal moves ahead", "The jet engine will be built in India."},
	{"US eases export control rules for Indian firms", "The Commerce Department said the export control changes take effect in January."},
}

// seeded is a console over a seeded store, and the parts it was built from.
type seeded struct {
	store   *store.Store
	matcher *matcher.Matcher
	opts    Options
}

// seed opens a SQLite store in a temporary directory and fills it with 30
// days of items from testFeeds, their matches (those older than a day
// delivered), and feed states. The console options it returns use the
// real digest preview and the schedule "0 9 * * *" in Asia/Kolkata.
func seed(t testing.TB) *seeded {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "newsbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m := loadProfiles(t, "testdata/profiles.yaml")
	loc, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Skipf("no tz database: %v", err)
	}

	var items []feeds.Item
	for day := 0; day < 30; day++ {
		for f, feed := range testFeeds[:3] {
			// A deterministic, uneven number of items a day per feed,
			// growing in the last week so the chart has a shape.
			n := (day*7+f*5)%4 + day/10
			if f == 1 && day > 26 {
				n = 0 // the failing feed has gone quiet
			}
			for k := 0; k < n; k++ {
				h := headlines[(day+k+f)%len(headlines)]
				title := h.title
				name := feed.Name
				if f == 2 {
					name = hostile
					if k == 0 {
						title = h.title + " " + hostile
					}
				}
				items = append(items, feeds.Item{
					ID:        fmt.Sprintf("%d-%d-%d", f, day, k),
					FeedURL:   feed.URL,
					Feed:      name,
					Title:     title,
					Summary:   h.body,
					Link:      fmt.Sprintf("https://news.example/%d/%d/%d", f, day, k),
					Published: testNow.AddDate(0, 0, -29+day).Add(-time.Duration(k+1) * 47 * time.Minute),
				})
			}
		}
	}
	if _, err := st.SaveItems(ctx, items, testNow); err != nil {
		t.Fatal(err)
	}
	channels := map[string]string{}
	for _, p := range m.Profiles() {
		channels[p.Name] = p.Channel
	}
	var ms []store.Match
	for _, it := range items {
		for _, h := range m.Match(matcher.Document{Title: it.Title, Body: it.Summary}) {
			ms = append(ms, store.Match{ItemID: it.ID, Profile: h.Profile, Channel: channels[h.Profile],
				Terms: h.Terms, Score: h.Score, Matched: it.Published.Add(5 * time.Minute)})
		}
	}
	if _, err := st.SaveMatches(ctx, ms); err != nil {
		t.Fatal(err)
	}
	delivered := map[string][]string{}
	for _, mt := range ms {
		if mt.Matched.Before(testNow.Add(-24 * time.Hour)) {
			delivered[mt.Profile] = append(delivered[mt.Profile], mt.ItemID)
		}
	}
	for p, ids := range delivered {
		if err := st.MarkDelivered(ctx, p, ids, "slack:C1:1.2", testNow.Add(-20*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	states := []store.FeedState{
		{URL: testFeeds[0].URL, Name: "India-US Wire (feed title)", LastSuccess: testNow.Add(-12 * time.Minute), NextPoll: testNow.Add(3 * time.Minute)},
		{URL: testFeeds[1].URL, Name: "Defence Daily", LastSuccess: testNow.Add(-50 * time.Hour), ConsecutiveFailures: 7,
			LastError: "feeds: fetch " + testFeeds[1].URL + ": HTTP 503 Service Unavailable " + hostile, LastErrorAt: testNow.Add(-10 * time.Minute),
			NextPoll: testNow.Add(50 * time.Minute)},
		{URL: testFeeds[2].URL, Name: hostile, LastSuccess: testNow.Add(-14 * time.Minute), NextPoll: testNow.Add(time.Minute)},
	}
	for _, s := range states {
		if err := st.SaveFeedState(ctx, s); err != nil {
			t.Fatal(err)
		}
	}

	p := &pipeline.Pipeline{Store: st, Matcher: func() *matcher.Matcher { return m }, DefaultChannel: "#india-us-watch", Now: func() time.Time { return testNow }}
	opts := Options{
		Store:    st,
		Matcher:  func() *matcher.Matcher { return m },
		Feeds:    testFeeds,
		Location: loc,
		NextDigest: func(t time.Time) time.Time {
			y, mo, d := t.In(loc).Date()
			next := time.Date(y, mo, d, 9, 0, 0, 0, loc)
			if !next.After(t) {
				next = next.AddDate(0, 0, 1)
			}
			return next
		},
		Digest: func(ctx context.Context, w io.Writer) error {
			dopts := digest.Options{TopN: 5, Location: loc, Now: func() time.Time { return testNow }}
			ds, err := p.Digests(ctx, dopts)
			if err != nil {
				return err
			}
			return digest.WriteHTML(w, ds, p.DigestOptions(dopts))
		},
		ProfileFiles: func() ([]ProfileFile, error) {
			data, err := os.ReadFile("testdata/profiles.yaml")
			return []ProfileFile{{Name: "profiles.yaml", Data: data}}, err
		},
		Now: func() time.Time { return testNow },
	}
	return &seeded{store: st, matcher: m, opts: opts}
}

// loadProfiles compiles the profile file at path.
func loadProfiles(t testing.TB, path string) *matcher.Matcher {
	t.Helper()
	specs, err := config.ReadProfiles(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := matcher.Compile(specs)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// readFile returns the contents of a test file.
func readFile(t testing.TB, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
