package console

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/store"
)

// silentDays is how many days without a new item make a healthy feed
// "silent" on the feeds page.
const silentDays = 7

// feedsPage is the feeds page's view model.
type feedsPage struct {
	Rows                   []feedRow
	Failing, Silent, Never int
	Days                   int
	SilentDays             int
}

// feedRow is one feed's line: what `newsbot feeds` prints, and its items
// per day.
type feedRow struct {
	Name, URL   string
	Status      string // "failing", "never", "silent" or "ok"
	LastSuccess string
	Failures    int
	NextPoll    string
	LastError   string
	Items       int
	Spark       sparkline
}

// feeds serves /feeds: the health of every configured feed, failing first.
func (c *Console) feeds(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	states, err := c.o.Store.FeedStates(ctx)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	bounds := c.dayBounds(c.o.Days)
	counts, err := c.o.Store.ItemsPerFeedPerDay(ctx, bounds)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	byURL := map[string]store.FeedState{}
	for _, st := range states {
		byURL[st.URL] = st
	}
	perDay := map[string][]int{}
	for _, dc := range counts {
		if perDay[dc.Key] == nil {
			perDay[dc.Key] = make([]int, c.o.Days)
		}
		perDay[dc.Key][dc.Day] = dc.Count
	}
	when := func(t time.Time, zero string) string {
		if t.IsZero() {
			return zero
		}
		return t.In(c.o.Location).Format("2 Jan 15:04")
	}
	page := feedsPage{Days: c.o.Days, SilentDays: silentDays}
	for _, f := range c.o.Feeds {
		st := byURL[f.URL]
		values := perDay[f.URL]
		if values == nil {
			values = make([]int, c.o.Days)
		}
		row := feedRow{
			Name:        f.DisplayName(st.Name),
			URL:         feeds.RedactURL(f.URL),
			LastSuccess: when(st.LastSuccess, "never"),
			Failures:    st.ConsecutiveFailures,
			NextPoll:    when(st.NextPoll, "next tick"),
			LastError:   clip(lastError(st.LastError, f.URL), 300),
			Items:       sum(values),
		}
		recent := sum(values[max(0, len(values)-silentDays):])
		switch {
		case st.ConsecutiveFailures > 0:
			row.Status = "failing"
			page.Failing++
		case st.LastSuccess.IsZero():
			row.Status = "never"
			page.Never++
		case recent == 0:
			row.Status = "silent"
			page.Silent++
		default:
			row.Status = "ok"
		}
		row.Spark = sparkline{Values: values, Label: fmt.Sprintf("%d items in %d days, %d in the last %d", row.Items, c.o.Days, recent, silentDays)}
		page.Rows = append(page.Rows, row)
	}
	rank := map[string]int{"failing": 0, "never": 1, "silent": 2, "ok": 3}
	slices.SortStableFunc(page.Rows, func(a, b feedRow) int {
		return cmp.Or(cmp.Compare(rank[a.Status], rank[b.Status]), cmp.Compare(b.Failures, a.Failures),
			strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)))
	})
	c.render(w, r, http.StatusOK, "feeds", "Feeds", page)
}

// lastError is a feed's last error without the prefix naming the feed,
// which the row already does.
func lastError(err, url string) string {
	err = strings.TrimPrefix(err, "feeds: fetch "+url+": ")
	return strings.TrimPrefix(err, "feeds: fetch "+feeds.RedactURL(url)+": ")
}

// clip shortens s to at most n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
