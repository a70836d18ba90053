package console

import (
	"fmt"
	"net/http"
	"sort"
	"time"
)

// overviewPage is the overview's view model.
type overviewPage struct {
	Chart chart
	Days  int
	// Table is the chart's data, day by day, for those who read tables.
	Table      []overviewRow
	Profiles   []profileRow
	Delivered  int
	Pending    int
	NextDigest string
	NextIn     string
	Feedback   bool
}

// overviewRow is one day of the chart's data.
type overviewRow struct {
	Day    string
	Counts []int
}

// profileRow is one profile's line of the delivered-versus-pending table.
type profileRow struct {
	Name, Description, Channel, Color string
	Matches, Delivered, Pending       int
	// Live is false for a profile that has matches in the store but is
	// no longer among the profiles in force.
	Live bool
}

// overview serves /: each profile's matches per day, reader feedback when
// there is any, delivered versus pending, and the next digest.
func (c *Console) overview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	bounds := c.dayBounds(c.o.Days)
	days := bounds[:len(bounds)-1]
	counts, err := c.o.Store.MatchesPerDay(ctx, bounds)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	deliveries, err := c.o.Store.DeliveryCounts(ctx, bounds[0])
	if err != nil {
		c.fail(w, r, err)
		return
	}

	// The profiles in force, in their order, then any other profile the
	// store still has matches of.
	byName := map[string]*profileRow{}
	var rows []*profileRow
	add := func(name string) *profileRow {
		if p, ok := byName[name]; ok {
			return p
		}
		p := &profileRow{Name: name}
		byName[name] = p
		rows = append(rows, p)
		return p
	}
	for _, info := range c.o.Matcher().Profiles() {
		p := add(info.Name)
		p.Description, p.Channel, p.Live = info.Description, info.Channel, true
	}
	values := map[string][]int{}
	var stale []string
	for _, dc := range counts {
		if _, ok := byName[dc.Key]; !ok {
			stale = append(stale, dc.Key)
		}
		if values[dc.Key] == nil {
			values[dc.Key] = make([]int, len(days))
		}
		values[dc.Key][dc.Day] += dc.Count
	}
	for _, d := range deliveries {
		if _, ok := byName[d.Profile]; !ok {
			stale = append(stale, d.Profile)
		}
	}
	sort.Strings(stale)
	for _, name := range stale {
		add(name)
	}
	for _, d := range deliveries {
		byName[d.Profile].Delivered, byName[d.Profile].Pending = d.Delivered, d.Pending
	}

	page := overviewPage{Days: c.o.Days}
	ch := chart{ID: "matches", Days: days,
		Title: fmt.Sprintf("Matches per day, last %d days", c.o.Days)}
	for i, p := range rows {
		v := values[p.Name]
		if v == nil {
			v = make([]int, len(days))
		}
		p.Color = palette[i%len(palette)]
		s := series{Name: p.Name, Values: v, Color: p.Color}
		p.Matches = s.Total()
		ch.Series = append(ch.Series, s)
		page.Delivered += p.Delivered
		page.Pending += p.Pending
		page.Profiles = append(page.Profiles, *p)
	}
	ch.Desc = fmt.Sprintf("One line per profile (%d), from %s to %s; the table below the chart has the numbers.",
		len(rows), days[0].Format("2 Jan"), days[len(days)-1].Format("2 Jan 2006"))
	if c.o.Feedback != nil {
		fb, err := c.o.Feedback(ctx, bounds)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		if fb != nil && len(fb) != len(days) {
			c.fail(w, r, fmt.Errorf("console: feedback has %d days, want %d", len(fb), len(days)))
			return
		}
		ch.Feedback = fb
		page.Feedback = fb != nil
		if fb != nil {
			ch.Desc += " Bars behind the lines are the reader feedback per day (right axis)."
		}
	}
	page.Chart = ch
	for i := len(days) - 1; i >= 0; i-- {
		row := overviewRow{Day: days[i].Format("Mon 2 Jan")}
		for _, s := range ch.Series {
			row.Counts = append(row.Counts, s.Values[i])
		}
		page.Table = append(page.Table, row)
	}
	if c.o.NextDigest != nil {
		now := c.o.Now()
		next := c.o.NextDigest(now)
		if !next.IsZero() {
			page.NextDigest = next.In(c.o.Location).Format("Mon 2 Jan 2006, 15:04 MST")
			page.NextIn = roughly(next.Sub(now))
		}
	}
	c.render(w, r, http.StatusOK, "overview", "Overview", page)
}

// roughly says d in hours and minutes, as a person would.
func roughly(d time.Duration) string {
	if d < time.Minute {
		return "in less than a minute"
	}
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return fmt.Sprintf("in %d min", m)
	case m == 0:
		return fmt.Sprintf("in %d h", h)
	}
	return fmt.Sprintf("in %d h %d min", h, m)
}
