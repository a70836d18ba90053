package digest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

func alertEntries() []Entry {
	lead := "India and the United States on Monday launched a working group on critical minerals under the TRUST initiative to secure supply chains for lithium, cobalt and rare earths, the external affairs ministry said."
	return []Entry{
		{Profile: "TRUST", Channel: "#india-us-tech", ItemID: "t1", Feed: "PTI", Title: "India, US launch TRUST working group on critical minerals", Link: "https://www.ptinews.com/1", Summary: "New Delhi, Mar 2 (PTI): " + lead, Score: 3, Published: hoursAgo(1), Matched: []string{"TRUST", "critical minerals"}},
		{Profile: "TRUST", Channel: "#india-us-tech", ItemID: "t2", Feed: "The Hindu", Title: "TRUST initiative gets a critical minerals group", Link: "https://www.thehindu.com/2", Summary: lead, Score: 2, Published: testNow.Add(-30 * 60e9), Matched: []string{"TRUST"}},
		{Profile: "TRUST", Channel: "#india-us-tech", ItemID: "t3", Feed: "Mint", Title: "<!channel> Chip talks & the <TRUST> pact", Link: "https://www.livemint.com/3", Score: 1, Published: testNow.Add(-5 * 60e9), Matched: []string{"TRUST"}},
		{Profile: "tariffs", Channel: "#trade", ItemID: "x1", Feed: "Reuters", Title: "US raises tariffs on Indian goods to 50%", Link: "https://www.reuters.com/x1", Score: 2, Published: hoursAgo(2), Matched: []string{"tariff"}},
		{Profile: "DRDO", Channel: "#india-us-tech", ItemID: "d1", Feed: "ANI", Title: "DRDO flight-tests Agni-Prime", Link: "https://www.aninews.in/d1", Score: 2, Published: hoursAgo(0), Matched: []string{"DRDO", "Agni"}},
	}
}

func TestRenderAlert(t *testing.T) {
	opts := testOptions()
	opts.Order = []string{"DRDO", "TRUST", "tariffs"}
	tests := []struct {
		name         string
		entries      []Entry
		wantChannels []string
		wantIDs      []map[string][]string
		wantText     []string
	}{
		{name: "no entries", entries: nil},
		{
			name:         "one message per channel, profiles in order, copies folded",
			entries:      alertEntries(),
			wantChannels: []string{"#india-us-tech", "#trade"},
			wantIDs: []map[string][]string{
				{"DRDO": {"d1"}, "TRUST": {"t1", "t2", "t3"}},
				{"tariffs": {"x1"}},
			},
			wantText: []string{
				"🔔 Alert: DRDO\n• DRDO flight-tests Agni-Prime (ANI)\n🔔 Alert: TRUST\n• India, US launch TRUST working group on critical minerals (PTI)\n• &lt;!channel&gt; Chip talks &amp; the &lt;TRUST&gt; pact (Mint)",
				"🔔 Alert: tariffs\n• US raises tariffs on Indian goods to 50% (Reuters)",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs := RenderAlert(tt.entries, opts)
			checkLimits(t, msgs)
			checkInert(t, msgs)
			if len(msgs) != len(tt.wantChannels) {
				t.Fatalf("got %d messages, want %d", len(msgs), len(tt.wantChannels))
			}
			for i, m := range msgs {
				if m.Channel != tt.wantChannels[i] || m.Reply {
					t.Errorf("message %d: channel %q reply %v, want %q and no reply", i, m.Channel, m.Reply, tt.wantChannels[i])
				}
				if fmt.Sprint(m.ItemIDs) != fmt.Sprint(tt.wantIDs[i]) {
					t.Errorf("message %d: item IDs %v, want %v", i, m.ItemIDs, tt.wantIDs[i])
				}
				if m.Text != tt.wantText[i] {
					t.Errorf("message %d: text\n%s\nwant\n%s", i, m.Text, tt.wantText[i])
				}
			}
		})
	}
}

func TestRenderAlertGolden(t *testing.T) {
	opts := testOptions()
	opts.Order = []string{"DRDO", "TRUST", "tariffs"}
	msgs := RenderAlert(alertEntries(), opts)
	var golden []goldenMessage
	for _, m := range msgs {
		golden = append(golden, goldenMessage{m.Reply, m.ItemIDs, m.Text, slack.Blocks{BlockSet: m.Blocks}})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(golden); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "alert.json", unescapeHTML(buf.Bytes()))
}

func TestRenderAlertSplitsWithinLimits(t *testing.T) {
	var entries []Entry
	for i := range 400 {
		entries = append(entries, Entry{
			Profile: fmt.Sprintf("P%d", i%3), Channel: "#alerts", ItemID: fmt.Sprintf("i%03d", i),
			Title: strings.Repeat("<!here> long & hostile title ", 10) + fmt.Sprint(i),
			Link:  fmt.Sprintf("https://x.test/%d?a=1&b=2", i), Feed: fmt.Sprintf("Feed %d", i),
			Score: 1, Published: hoursAgo(i % 5), Matched: []string{"term"},
		})
	}
	msgs := RenderAlert(entries, testOptions())
	if len(msgs) < 2 {
		t.Fatalf("got %d messages, want the alert split", len(msgs))
	}
	checkLimits(t, msgs)
	checkInert(t, msgs)
	var ids []string
	for i, m := range msgs {
		if m.Reply != (i > 0) || m.Channel != "#alerts" {
			t.Errorf("message %d: reply %v channel %q", i, m.Reply, m.Channel)
		}
		for _, p := range sortedKeys(m.ItemIDs) {
			ids = append(ids, m.ItemIDs[p]...)
		}
	}
	slices.Sort(ids)
	if len(slices.Compact(ids)) != 400 {
		t.Errorf("messages carry %d distinct items, want all 400", len(ids))
	}
}
