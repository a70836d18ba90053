package digest

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

func TestFeedbackValueRoundTrip(t *testing.T) {
	long := strings.Repeat("Ж", 120) // 240 bytes: carried as a hash
	tests := []struct {
		name, action, profile, item string
		wantKey                     string
	}{
		{"not relevant", ActionNotRelevant, "TRUST", "0123456789abcdef0123456789abcdef", "TRUST"},
		{"mute", ActionMute, "India | US", "0123456789abcdef0123456789abcdef", "India | US"},
		{"relevant", ActionRelevant, "p", "x", "p"},
		{"long profile", ActionMute, long, "0123456789abcdef0123456789abcdef", ProfileKey(long)},
		{"tilde profile", ActionMute, "~odd", "i", ProfileKey("~odd")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := FeedbackValue(tt.action, tt.profile, tt.item)
			if n := textLen(v); n > MaxOptionValue {
				t.Fatalf("value has %d characters, more than %d", n, MaxOptionValue)
			}
			a, key, item, err := ParseFeedbackValue(v)
			if err != nil {
				t.Fatal(err)
			}
			if a != tt.action || key != tt.wantKey || item != tt.item {
				t.Fatalf("got %q %q %q, want %q %q %q", a, key, item, tt.action, tt.wantKey, tt.item)
			}
			if !MatchesProfileKey(key, tt.profile) || MatchesProfileKey(key, tt.profile+"x") {
				t.Fatalf("key %q does not name exactly %q", key, tt.profile)
			}
		})
	}
}

func TestParseFeedbackValueRejects(t *testing.T) {
	for _, v := range []string{"", "n", "n|", "n|item|", "n||p", "x|item|p", strings.Repeat("n|", 400)} {
		if _, _, _, err := ParseFeedbackValue(v); !errors.Is(err, ErrBadFeedbackValue) {
			t.Errorf("ParseFeedbackValue(%q) = %v, want ErrBadFeedbackValue", v, err)
		}
	}
}

// overflowValues returns the option values of every feedback menu in msgs.
func overflowValues(t *testing.T, msgs []Message) []string {
	t.Helper()
	var vals []string
	for _, m := range msgs {
		for _, b := range m.Blocks {
			sec, ok := b.(*slack.SectionBlock)
			if !ok || sec.Accessory == nil || sec.Accessory.OverflowElement == nil {
				continue
			}
			o := sec.Accessory.OverflowElement
			if o.ActionID != FeedbackActionID || len(o.Options) != 3 {
				t.Fatalf("menu %+v", o)
			}
			vals = append(vals, o.Options[0].Value)
		}
	}
	return vals
}

func TestRenderFeedbackMenus(t *testing.T) {
	stories := makeStories(500)
	for i := 0; i < len(stories); i += 2 {
		stories[i].Title = strings.Repeat("<!channel> & ", 400)
	}
	d := testDigest(stories)
	d.Profile = strings.Repeat("Very long profile name ", 10)
	for i := range d.Stories {
		d.Stories[i].Profile = d.Profile
	}
	opts := testOptions()
	opts.Feedback = true
	msgs := Render(d, opts)
	checkLimits(t, msgs)
	checkInert(t, msgs)
	vals := overflowValues(t, msgs)
	if len(vals) != 500 {
		t.Fatalf("got %d feedback menus, want one per story (500)", len(vals))
	}
	for i, v := range vals {
		a, key, item, err := ParseFeedbackValue(v)
		if err != nil || a != ActionNotRelevant || !MatchesProfileKey(key, d.Profile) || item != fmt.Sprintf("item-%03d", i) {
			t.Fatalf("menu %d: %q → %q %q %q %v", i, v, a, key, item, err)
		}
	}
	if n := len(storyIDs(msgs, d.Profile)); n != 500 {
		t.Errorf("messages carry %d items, want 500", n)
	}

	opts.Feedback = false
	if n := len(overflowValues(t, Render(d, opts))); n != 0 {
		t.Errorf("without Feedback: %d menus, want none", n)
	}
}

func TestRenderAlertFeedbackMenus(t *testing.T) {
	var entries []Entry
	for i := range 120 {
		entries = append(entries, Entry{
			Profile: fmt.Sprintf("P%d", i%3), Channel: "#alerts", ItemID: fmt.Sprintf("i%03d", i),
			Title: fmt.Sprintf("Distinct story number %d about something", i),
			Link:  fmt.Sprintf("https://x.test/%d", i), Feed: fmt.Sprintf("Feed %d", i),
			Score: 1, Published: hoursAgo(i % 5), Matched: []string{"term"},
		})
	}
	opts := testOptions()
	opts.Feedback = true
	msgs := RenderAlert(entries, opts)
	checkLimits(t, msgs)
	vals := overflowValues(t, msgs)
	if len(vals) != 120 {
		t.Fatalf("got %d menus, want 120", len(vals))
	}
	seen := map[string]bool{}
	for _, v := range vals {
		_, key, item, err := ParseFeedbackValue(v)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		fmt.Sscanf(item, "i%d", &n)
		if key != fmt.Sprintf("P%d", n%3) {
			t.Errorf("item %s carries profile %q", item, key)
		}
		seen[item] = true
	}
	if len(seen) != 120 {
		t.Errorf("%d distinct items in menus, want 120", len(seen))
	}
	b, _ := json.Marshal(msgs[0].Blocks)
	if !strings.Contains(string(b), `"type":"overflow"`) {
		t.Errorf("no overflow in %s", b)
	}
}
