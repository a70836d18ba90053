package digest

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"
)

var writePreview = flag.String("write-preview", "", "write the sample digest's HTML preview to this file (for docs/digest-preview.png)")

// sampleProfiles are the profiles of the preview sample: a name, its
// channel, its description and its terms, matched in titles (weight 2) and
// summaries (weight 1) the way the matcher scores them.
var sampleProfiles = []struct {
	name, channel, description string
	terms                      []string
}{
	{"TRUST", "india-us-tech", "India–US TRUST initiative: critical and emerging technology, minerals, semiconductors, space.", []string{"TRUST", "iCET", "critical minerals", "semiconductor", "NASA"}},
	{"INDUS-X", "india-us-tech", "INDUS-X defence innovation bridge: start-ups, joint challenges, investors.", []string{"INDUS-X", "start-ups"}},
	{"JTG", "defence", "India–US defence co-development and co-production: JTG, engines, vehicles, missiles.", []string{"JTG", "Joint Technical Group", "co-production", "co-develop", "Stryker", "Javelin", "F414", "MQ-9B"}},
	{"DRDO", "defence", "DRDO tests, programmes and technology transfers.", []string{"DRDO", "Agni", "ramjet", "BrahMos"}},
	{"tariffs", "trade", "US–India tariffs, duties and the bilateral trade deal.", []string{"tariff", "duty", "trade deal", "exports"}},
}

// sampleEntries matches the labelled near-duplicate set against the sample
// profiles, giving a realistic day of entries with syndicated copies.
func sampleEntries(t testing.TB) []Entry {
	var entries []Entry
	for _, l := range loadNearDup(t) {
		for _, p := range sampleProfiles {
			var matched []string
			score := 0.0
			for _, term := range p.terms {
				inTitle := strings.Contains(strings.ToLower(l.Title), strings.ToLower(term))
				inBody := strings.Contains(strings.ToLower(l.Summary), strings.ToLower(term))
				switch {
				case inTitle:
					score += 2
				case inBody:
					score++
				default:
					continue
				}
				matched = append(matched, term)
			}
			if len(matched) == 0 {
				continue
			}
			entries = append(entries, Entry{
				Profile: p.name, Channel: p.channel, ItemID: l.ID, Title: l.Title, Link: l.Link, Feed: l.Feed,
				Summary: l.Summary, Published: hoursAgo(l.HoursAgo), Matched: matched, Score: score,
			})
		}
	}
	return entries
}

// sampleOptions are the options of the preview sample.
func sampleOptions() Options {
	opts := testOptions()
	opts.TopN = 5
	opts.PostEmpty = true
	opts.Descriptions = map[string]string{}
	opts.ChannelProfiles = map[string][]string{"quad": {"Quad"}}
	for _, p := range sampleProfiles {
		opts.Order = append(opts.Order, p.name)
		opts.Descriptions[p.name] = p.description
		opts.ChannelProfiles[p.channel] = append(opts.ChannelProfiles[p.channel], p.name)
	}
	return opts
}

// TestPreviewSample renders the preview of a realistic day: several
// profiles in three channels, syndicated copies folded with "also:", an
// overflow thread and a quiet channel. With -write-preview=path it writes
// the page, from which docs/digest-preview.png is taken:
//
//	go test ./digest -run TestPreviewSample -write-preview=/tmp/preview.html
//	chromium --headless --no-sandbox --disable-gpu --window-size=1000,1400 \
//	    --screenshot=docs/digest-preview.png file:///tmp/preview.html
func TestPreviewSample(t *testing.T) {
	opts := sampleOptions()
	ds := Build(sampleEntries(t), opts)
	var buf bytes.Buffer
	if err := WriteHTML(&buf, ds, opts); err != nil {
		t.Fatal(err)
	}
	checkMarkup(t, buf.Bytes())
	for _, want := range []string{"also: ", "more in the thread", "Thread", "No new matches for Quad today"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("the sample preview lacks %q", want)
		}
	}
	for _, d := range ds {
		checkLimits(t, Render(d, opts))
	}
	if *writePreview != "" {
		if err := os.WriteFile(*writePreview, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d digests)", *writePreview, len(ds))
	}
}
