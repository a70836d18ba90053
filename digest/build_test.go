package digest

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

var (
	testNow = time.Date(2026, 3, 2, 3, 30, 0, 0, time.UTC) // 09:00 in IST
	testLoc = time.FixedZone("IST", 5*3600+30*60)
)

func testOptions() Options {
	return Options{
		TopN:         3,
		Location:     testLoc,
		Now:          func() time.Time { return testNow },
		Descriptions: map[string]string{"TRUST": "India–US TRUST initiative & critical tech"},
	}
}

func hoursAgo(h int) time.Time { return testNow.Add(-time.Duration(h) * time.Hour) }

func TestBuildFoldsAndRanks(t *testing.T) {
	type story struct {
		title      string
		itemIDs    []string
		duplicates []string
		alsoIn     []string
		matched    []string
	}
	tests := []struct {
		name    string
		entries []Entry
		want    []story
	}{
		{
			name: "same link from two feeds folds, best score represents",
			entries: []Entry{
				{ItemID: "a", Title: "TRUST talks", Link: "https://x.test/1", Feed: "Reuters", Score: 1, Published: hoursAgo(2), Matched: []string{"TRUST"}},
				{ItemID: "b", Title: "TRUST talks begin", Link: "https://x.test/1", Feed: "PTI", Score: 2, Published: hoursAgo(3), Matched: []string{"iCET"}},
			},
			want: []story{{title: "TRUST talks begin", itemIDs: []string{"b", "a"}, alsoIn: []string{"Reuters"}, matched: []string{"iCET", "TRUST"}}},
		},
		{
			name: "same normalised title from different feeds folds",
			entries: []Entry{
				{ItemID: "a", Title: "India, US sign TRUST pact", Link: "https://a.test/1", Feed: "A", Score: 1, Published: hoursAgo(1)},
				{ItemID: "b", Title: "india us sign trust PACT!", Link: "https://b.test/2", Feed: "B", Score: 1, Published: hoursAgo(2)},
			},
			// Equal scores: the earliest published represents.
			want: []story{{title: "india us sign trust PACT!", itemIDs: []string{"b", "a"}, duplicates: []string{"https://a.test/1"}, alsoIn: []string{"A"}}},
		},
		{
			name: "same title from the same feed stays apart",
			entries: []Entry{
				{ItemID: "a", Title: "Defence news daily briefing", Link: "https://a.test/1", Feed: "A", Score: 1, Published: hoursAgo(1)},
				{ItemID: "b", Title: "Defence news daily briefing", Link: "https://a.test/2", Feed: "A", Score: 1, Published: hoursAgo(25)},
			},
			want: []story{
				{title: "Defence news daily briefing", itemIDs: []string{"a"}},
				{title: "Defence news daily briefing", itemIDs: []string{"b"}},
			},
		},
		{
			name: "short titles never fold",
			entries: []Entry{
				{ItemID: "a", Title: "Tariffs", Link: "https://a.test/1", Feed: "A", Score: 1, Published: hoursAgo(1)},
				{ItemID: "b", Title: "Tariffs!", Link: "https://b.test/1", Feed: "B", Score: 1, Published: hoursAgo(2)},
			},
			want: []story{{title: "Tariffs", itemIDs: []string{"a"}}, {title: "Tariffs!", itemIDs: []string{"b"}}},
		},
		{
			// Recency decays: twice the score 30 hours ago (2 × 0.42) ranks
			// below a fresh story with score 1.
			name: "ranked by score weighted by recency",
			entries: []Entry{
				{ItemID: "old", Title: "old", Link: "https://a.test/old", Feed: "A", Score: 2, Published: hoursAgo(30)},
				{ItemID: "low", Title: "low", Link: "https://a.test/low", Feed: "A", Score: 1, Published: hoursAgo(0)},
				{ItemID: "new", Title: "new", Link: "https://a.test/new", Feed: "A", Score: 2, Published: hoursAgo(1)},
			},
			want: []story{{title: "new", itemIDs: []string{"new"}}, {title: "low", itemIDs: []string{"low"}}, {title: "old", itemIDs: []string{"old"}}},
		},
		{
			name: "folding is transitive and the same item twice counts once",
			entries: []Entry{
				{ItemID: "a", Title: "INDUS-X summit opens in Delhi", Link: "https://a.test/1", Feed: "A", Score: 1, Published: hoursAgo(5)},
				{ItemID: "b", Title: "INDUS-X summit opens in Delhi", Link: "https://b.test/1", Feed: "B", Score: 1, Published: hoursAgo(4)},
				{ItemID: "c", Title: "Summit: INDUS-X", Link: "https://b.test/1", Feed: "C", Score: 1, Published: hoursAgo(3)},
				{ItemID: "a", Title: "INDUS-X summit opens in Delhi", Link: "https://a.test/1", Feed: "A", Score: 1, Published: hoursAgo(5)},
			},
			want: []story{{title: "INDUS-X summit opens in Delhi", itemIDs: []string{"a", "b", "c"}, duplicates: []string{"https://b.test/1"}, alsoIn: []string{"B", "C"}}},
		},
		{
			name: "empty links do not fold",
			entries: []Entry{
				{ItemID: "a", Title: "one", Feed: "A", Score: 1, Published: hoursAgo(1)},
				{ItemID: "b", Title: "two", Feed: "A", Score: 1, Published: hoursAgo(2)},
			},
			want: []story{{title: "one", itemIDs: []string{"a"}}, {title: "two", itemIDs: []string{"b"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range tt.entries {
				tt.entries[i].Profile, tt.entries[i].Channel = "TRUST", "C1"
			}
			ds := Build(tt.entries, testOptions())
			if len(ds) != 1 {
				t.Fatalf("got %d digests, want 1", len(ds))
			}
			var got []story
			for _, s := range ds[0].Stories {
				got = append(got, story{s.Title, s.ItemIDs, s.Duplicates, s.AlsoIn, s.Matched})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestBuildGroupsByProfileAndChannelInOrder(t *testing.T) {
	entries := []Entry{
		{Profile: "tariffs", Channel: "C2", ItemID: "1", Title: "t"},
		{Profile: "DRDO", Channel: "C1", ItemID: "2", Title: "d"},
		{Profile: "TRUST", Channel: "C9", ItemID: "3", Title: "x"},
		{Profile: "TRUST", Channel: "C1", ItemID: "4", Title: "y"},
		{Profile: "JTG", Channel: "C1", ItemID: "5", Title: "j"},
	}
	opts := testOptions()
	opts.Order = []string{"TRUST", "tariffs"}
	var got []string
	for _, d := range Build(entries, opts) {
		got = append(got, d.Profile+"/"+d.Channel)
		if d.Profile == "TRUST" && d.Description != opts.Descriptions["TRUST"] {
			t.Errorf("TRUST description = %q", d.Description)
		}
		if want := time.Date(2026, 3, 2, 0, 0, 0, 0, testLoc); !d.Date.Equal(want) {
			t.Errorf("date = %v, want %v", d.Date, want)
		}
	}
	want := []string{"TRUST/C1", "TRUST/C9", "tariffs/C2", "DRDO/C1", "JTG/C1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestBuildDateIsInTheTeamTimezone(t *testing.T) {
	opts := testOptions()
	opts.Now = func() time.Time { return time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC) } // 01:30 on 2 March in IST
	ds := Build([]Entry{{Profile: "p", ItemID: "1"}}, opts)
	if y, m, d := ds[0].Date.Date(); y != 2026 || m != 3 || d != 2 {
		t.Errorf("date = %v, want 2 March 2026", ds[0].Date)
	}
}

func TestBuildNoEntries(t *testing.T) {
	if ds := Build(nil, Options{}); len(ds) != 0 {
		t.Errorf("got %d digests from no entries", len(ds))
	}
}

// TestBuildAggregatorCopies folds the copies of one story that a news
// search carries from three outlets with the publisher's own item: one
// story, the publisher's direct link, the search's redirect links as
// duplicates, the outlets (not the search feed) credited.
func TestBuildAggregatorCopies(t *testing.T) {
	const title = "India, US launch INDUS-X innovation bridge for defence start-ups"
	gn := func(id, source string, h int, score float64) Entry {
		return Entry{Profile: "INDUS-X", Channel: "C1", ItemID: id, Title: title, Link: "https://news.google.com/rss/articles/" + id + "?oc=5",
			Feed: "News search: INDUS-X", Source: source, Published: hoursAgo(h), Score: score, Matched: []string{"INDUS-X"}}
	}
	entries := []Entry{
		gn("gn-hindu", "The Hindu", 5, 3),
		gn("gn-ht", "Hindustan Times", 4, 3),
		gn("gn-et", "The Economic Times", 3, 3),
		{Profile: "INDUS-X", Channel: "C1", ItemID: "hindu", Title: title, Link: "https://www.thehindu.com/news/national/indus-x-bridge/article1.ece",
			Feed: "The Hindu", Summary: "The bridge links start-ups of both countries.", Published: hoursAgo(5), Score: 2, Matched: []string{"INDUS-X", "defence"}},
		// Two different stories from one outlet in the search feed stay apart.
		{Profile: "INDUS-X", Channel: "C1", ItemID: "gn-ht-2", Title: "INDUS-X summit to be held in Bengaluru in March", Link: "https://news.google.com/rss/articles/gn-ht-2",
			Feed: "News search: INDUS-X", Source: "Hindustan Times", Published: hoursAgo(2), Score: 1},
	}
	ds := Build(entries, testOptions())
	if len(ds) != 1 || len(ds[0].Stories) != 2 {
		t.Fatalf("got %d digests, stories %+v; want one digest of 2 stories", len(ds), ds)
	}
	s := ds[0].Stories[0]
	if s.Link != "https://www.thehindu.com/news/national/indus-x-bridge/article1.ece" {
		t.Errorf("link = %q, want the publisher's direct link", s.Link)
	}
	if s.Outlet() != "The Hindu" || s.Score != 3 {
		t.Errorf("outlet %q, score %v; want The Hindu and the best score 3", s.Outlet(), s.Score)
	}
	if len(s.Duplicates) != 3 || len(s.ItemIDs) != 4 {
		t.Errorf("duplicates %v, items %v; want the three search links and four items", s.Duplicates, s.ItemIDs)
	}
	if want := []string{"Hindustan Times", "The Economic Times"}; !reflect.DeepEqual(s.AlsoIn, want) {
		t.Errorf("also = %v, want %v", s.AlsoIn, want)
	}

	// Without the publisher's own item the story stays on the search's
	// links and credits the outlet of the best copy.
	ds = Build(entries[:3], testOptions())
	if s := ds[0].Stories[0]; len(ds[0].Stories) != 1 || s.Source != "The Hindu" || len(s.Duplicates) != 2 {
		t.Errorf("search copies alone: %+v", ds[0].Stories)
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, ds, testOptions()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "The Hindu · ") || strings.Contains(buf.String(), "News search: INDUS-X") {
		t.Errorf("text digest does not credit the outlet:\n%s", buf.String())
	}
	buf.Reset()
	if err := WriteHTML(&buf, ds, testOptions()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "The Hindu · ") || strings.Contains(buf.String(), "News search: INDUS-X") {
		t.Errorf("HTML preview (Slack's blocks) does not credit the outlet")
	}
}
