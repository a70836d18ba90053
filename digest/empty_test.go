package digest

import (
	"testing"
	"time"
)

func TestRenderEmpty(t *testing.T) {
	tests := []struct {
		name     string
		channel  string
		date     time.Time
		order    []string
		channels map[string][]string
		want     string
	}{
		{
			name: "the channel's profiles", channel: "#defence",
			channels: map[string][]string{"#defence": {"JTG", "DRDO"}, "#trade": {"tariffs"}},
			order:    []string{"TRUST"},
			want:     "No new matches for JTG, DRDO today (Mon 2 Mar) — newsbot is running.",
		},
		{
			name: "the configured order without a channel map", channel: "#all",
			order: []string{"TRUST", "JTG"},
			want:  "No new matches for TRUST, JTG today (Mon 2 Mar) — newsbot is running.",
		},
		{
			name: "no profiles known", channel: "#all",
			want: "No new matches today (Mon 2 Mar) — newsbot is running.",
		},
		{
			name: "the date is shown in the team's timezone", channel: "#all",
			date: time.Date(2026, 3, 2, 20, 0, 0, 0, time.UTC), // 01:30 on 3 March in IST
			want: "No new matches today (Tue 3 Mar) — newsbot is running.",
		},
		{
			name: "profile names are escaped", channel: "#x",
			channels: map[string][]string{"#x": {"<!channel>", "R&D"}},
			want:     "No new matches for &lt;!channel&gt;, R&amp;D today (Mon 2 Mar) — newsbot is running.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions()
			opts.Order, opts.ChannelProfiles = tt.order, tt.channels
			m := RenderEmpty(tt.channel, tt.date, opts)
			checkLimits(t, []Message{m})
			checkInert(t, []Message{m})
			if m.Text != tt.want || m.Channel != tt.channel || len(m.ItemIDs) != 0 || m.Reply {
				t.Errorf("got %+v, want text %q", m, tt.want)
			}
			if len(m.Blocks) != 1 || string(blocksJSON(t, m)) != `[{"type":"context","elements":[{"type":"mrkdwn","text":"`+tt.want+`"}]}]` {
				t.Errorf("blocks = %s", blocksJSON(t, m))
			}
		})
	}
}
