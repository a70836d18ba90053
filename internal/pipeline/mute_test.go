package pipeline

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/internal/slackstub"
	"github.com/newsbot/newsbot/store"
)

func TestMutedStoryLaterCopyIsNotPosted(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	p := newTestPipeline(t, &now)
	const title = "India and US sign landmark semiconductor supply chain pact in New Delhi"
	item := func(id, feed, link, title string, published time.Time) feeds.Item {
		return feeds.Item{ID: id, FeedURL: "https://" + feed + ".example/rss", Feed: feed, Title: title,
			Summary: "Officials of both governments signed the agreement on Tuesday.", Link: link, Published: published}
	}
	match := func(profile, channel, id string) store.Match {
		return store.Match{ItemID: id, Profile: profile, Channel: channel, Terms: []string{"semiconductor"}, Score: 1, Matched: now}
	}
	save := func(items []feeds.Item, ms ...store.Match) {
		t.Helper()
		if _, err := p.Store.SaveItems(ctx, items, now); err != nil {
			t.Fatal(err)
		}
		if _, err := p.Store.SaveMatches(ctx, ms); err != nil {
			t.Fatal(err)
		}
	}

	// Day one: the story is delivered and a reader mutes it.
	save([]feeds.Item{item("a", "wire", "https://wire.example/a", title, now.Add(-2*time.Hour))}, match("TECH", "#news", "a"))
	if err := p.Store.MarkDelivered(ctx, "TECH", []string{"a"}, "C1:1", now); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Store.SaveFeedback(ctx, store.Feedback{Profile: "TECH", ItemID: "a", StoryID: "a", UserID: "U1", Action: digest.ActionMute, At: now}); err != nil {
		t.Fatal(err)
	}

	// Later: copies of the story from other feeds, for the same and another
	// profile of the channel and for a profile of another channel, and an
	// unrelated story.
	now = now.Add(3 * time.Hour)
	save([]feeds.Item{
		item("b", "daily", "https://daily.example/b", title, now.Add(-time.Hour)),
		item("c", "gazette", "https://gazette.example/c", "Monsoon session of parliament opens with a debate on farm prices", now.Add(-time.Hour)),
		item("d", "herald", "https://herald.example/d", strings.ToUpper(title), now.Add(-time.Hour)),
	}, match("TECH", "#news", "b"), match("TRADE", "#news", "d"), match("TECH", "#news", "c"), match("OTHER", "#elsewhere", "b"))

	opts := digest.Options{TopN: 10, Location: time.UTC, Now: p.Now, Feedback: true}
	pendingKeys := func() []string {
		t.Helper()
		pending, err := p.Store.Pending(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, pm := range pending {
			keys = append(keys, pm.Profile+"/"+pm.ItemID)
		}
		slices.Sort(keys)
		return keys
	}
	// A preview holds the copies back and changes nothing.
	ds, err := p.Digests(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, dg := range ds {
		for _, st := range dg.Stories {
			if dg.Channel == "#news" && slices.ContainsFunc(st.ItemIDs, func(id string) bool { return id == "b" || id == "d" }) {
				t.Errorf("the preview of %s/%s shows a copy of the muted story: %v", dg.Profile, dg.Channel, st.ItemIDs)
			}
		}
	}
	if got, want := pendingKeys(), []string{"OTHER/b", "TECH/b", "TECH/c", "TRADE/d"}; !slices.Equal(got, want) {
		t.Errorf("pending after a preview = %v, want %v", got, want)
	}

	stub := slackstub.New(t)
	d := &digest.Deliverer{Poster: digest.NewSlackPoster(stub.Token(), stub.URL(), stub.Client()), Marker: p.Store, Now: p.Now}
	if err := p.DeliverDigests(ctx, d, opts); err != nil {
		t.Fatal(err)
	}
	var posted []string
	for _, ps := range stub.Posts() {
		if strings.Contains(strings.ToLower(ps.Text), "semiconductor") {
			posted = append(posted, ps.Channel)
		}
	}
	if !slices.Equal(posted, []string{"#elsewhere"}) {
		t.Errorf("the muted story was posted to %v; want only #elsewhere, a channel where nobody muted it", posted)
	}
	if v := stub.Violations(); len(v) > 0 {
		t.Errorf("violations: %+v", v)
	}
	// The delivery settled the held-back copies: nothing stays pending, and
	// they count as delivered nowhere.
	if got := pendingKeys(); len(got) != 0 {
		t.Errorf("pending after delivery = %v; want none (the held-back copies TECH/b and TRADE/d settled)", got)
	}
	for _, k := range [][2]string{{"TECH", "b"}, {"TRADE", "d"}} {
		if ok, err := p.Store.Delivered(ctx, k[0], k[1]); err != nil || !ok {
			t.Errorf("%s/%s settled = %v, %v", k[0], k[1], ok, err)
		}
	}
	delivered, err := p.Store.DeliveredSince(ctx, now.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, pm := range delivered {
		got = append(got, pm.Profile+"/"+pm.ItemID)
	}
	slices.Sort(got)
	if want := []string{"OTHER/b", "TECH/c"}; !slices.Equal(got, want) {
		t.Errorf("delivered since the copies came = %v, want only the posted %v", got, want)
	}
	counts, err := p.Store.DeliveryCounts(ctx, now.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		if c.Profile == "TRADE" && c.Delivered != 0 {
			t.Errorf("TRADE counts %d delivered; its one match was a muted copy", c.Delivered)
		}
	}
	// The next delivery posts nothing more.
	before := len(stub.Posts())
	if err := p.DeliverDigests(ctx, d, opts); err != nil {
		t.Fatal(err)
	}
	if n := len(stub.Posts()) - before; n != 0 {
		t.Errorf("the second delivery posted %d messages", n)
	}
}
