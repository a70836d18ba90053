package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/feeds"
)

const day = 24 * time.Hour

// rowCounts returns the rows of each table of s, by name.
func rowCounts(t *testing.T, s *Store) map[string]int64 {
	t.Helper()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	m := map[string]int64{}
	for _, tr := range st.Tables {
		m[tr.Name] = tr.Rows
	}
	return m
}

// TestPruneAgesTwoYears runs a store through two years, a step every five
// days (to keep the test quick under the race detector), each step with new
// items, delivered and stuck (never delivered) matches, journal entries and
// marks, pruning at every step with a retention of 180 days, and checks that
// every pending entry survives, that the rows are exactly what retention
// keeps, and that the SQLite file stops growing once retention is reached.
func TestPruneAgesTwoYears(t *testing.T) {
	const (
		days      = 730
		step      = 5
		retention = 180 * day
		perStep   = 20
		delivered = 5 // matches of profile news per step, delivered at once
	)
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		loc := b.newDB(t)
		s := openAt(t, loc)
		body := strings.Repeat("A summary long enough to fill pages. ", 25)

		var (
			sizeAtYear int64
			total      PruneStats
			steps      []time.Time
			crashes    []string
			now        time.Time
		)
		for d := 0; d < days; d += step {
			now = t0.Add(time.Duration(d) * day)
			steps = append(steps, now)
			s.now = func() time.Time { return now }
			items := make([]feeds.Item, perStep)
			for i := range items {
				items[i] = item(fmt.Sprintf("d%03d-%02d", d, i), now.Add(-time.Hour))
				items[i].Summary = body
			}
			if _, err := s.SaveItems(ctx, items, now); err != nil {
				t.Fatalf("day %d: SaveItems: %v", d, err)
			}
			ms := []Match{{ItemID: items[perStep-1].ID, Profile: "stuck", Channel: "#c", Matched: now}}
			var ids []string
			for i := range delivered {
				ms = append(ms, Match{ItemID: items[i].ID, Profile: "news", Channel: "#c", Matched: now})
				ids = append(ids, items[i].ID)
			}
			if _, err := s.SaveMatches(ctx, ms); err != nil {
				t.Fatalf("day %d: SaveMatches: %v", d, err)
			}
			msg := fmt.Sprintf("msg-%03d", d)
			if err := s.Plan(ctx, prunePlan(msg, now)); err != nil {
				t.Fatalf("day %d: Plan: %v", d, err)
			}
			if err := s.MarkDelivered(ctx, "news", ids, "slack:C1:"+msg, now); err != nil {
				t.Fatalf("day %d: MarkDelivered: %v", d, err)
			}
			if err := s.ClosePlan(ctx, msg, now); err != nil {
				t.Fatalf("day %d: ClosePlan: %v", d, err)
			}
			if d%100 == 0 {
				// A digest whose process died mid-post: its plan stays open.
				crash := fmt.Sprintf("crash-%03d", d)
				crashes = append(crashes, crash)
				if err := s.Plan(ctx, prunePlan(crash, now)); err != nil {
					t.Fatalf("day %d: Plan: %v", d, err)
				}
			}
			if _, err := s.Mark(ctx, "quiet-day:#c:"+now.Format("2006-01-02"), now); err != nil {
				t.Fatalf("day %d: Mark: %v", d, err)
			}
			st, err := s.Prune(ctx, now.Add(-retention))
			if err != nil {
				t.Fatalf("day %d: Prune: %v", d, err)
			}
			total.Items += st.Items
			total.Matches += st.Matches
			total.Journal += st.Journal
			total.Marks += st.Marks
			if sizeAtYear == 0 && d >= 365 {
				if sizeAtYear, err = s.Size(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}

		// Kept: the steps at or after the last cut-off, and every stuck
		// item with its pending match.
		cut := now.Add(-retention)
		var kept int64
		for _, at := range steps {
			if !at.Before(cut) {
				kept++
			}
		}
		old := int64(len(steps)) - kept
		want := map[string]int64{
			"items":             kept*perStep + old,
			"matches":           kept*(delivered+1) + old,
			"delivery_plans":    kept + int64(len(crashes)),
			"delivery_messages": 2 * (kept + int64(len(crashes))),
			"marks":             kept,
		}
		got := rowCounts(t, s)
		for table, n := range want {
			if got[table] != n {
				t.Errorf("%s: %d rows after two years, want %d", table, got[table], n)
			}
		}
		if int64(total.Items) != old*(perStep-1) || int64(total.Matches) != old*delivered {
			t.Errorf("pruned %+v, want %d items and %d matches", total, old*(perStep-1), old*delivered)
		}

		ps, err := s.Pending(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != len(steps) {
			t.Fatalf("%d pending after pruning, want all %d stuck matches", len(ps), len(steps))
		}
		for _, p := range ps {
			if p.Profile != "stuck" || p.Item.Title == "" {
				t.Fatalf("pending %+v: want a stuck match with its item", p)
			}
		}
		open, err := s.OpenPlans(ctx)
		if err != nil {
			t.Fatal(err)
		}
		openIDs := map[string]int{}
		for _, p := range open {
			openIDs[p.ID] = len(p.Messages)
		}
		for _, crash := range crashes {
			if openIDs[crash] != 2 {
				t.Errorf("open plan %s was pruned (or lost messages): %d messages left", crash, openIDs[crash])
			}
		}

		size, err := s.Size(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("size after one year %d bytes, after two %d bytes; pruned %+v", sizeAtYear, size, total)
		if size <= 0 {
			t.Fatalf("Size = %d", size)
		}
		if b.name != sqliteBackend.name {
			return // PostgreSQL keeps freed space for reuse; rows are bounded above.
		}
		// Past the retention the file holds steady: the second year adds
		// only the stuck items (one a step), never a year of items.
		if limit := sizeAtYear * 6 / 5; size > limit {
			t.Errorf("size after two years %d bytes, want at most %d (1.2 × the size after one year, %d)", size, limit, sizeAtYear)
		}

		// Pruning everything but the pending entries gives the space back:
		// the file shrinks, not only its free list grows.
		if _, err := s.Prune(ctx, now.Add(day)); err != nil {
			t.Fatal(err)
		}
		shrunk, err := s.Size(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(loc)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("after pruning all but the pending: %d bytes, file %d bytes", shrunk, fi.Size())
		if shrunk > size/2 {
			t.Errorf("size %d bytes after pruning three quarters of the rows, want at most half of %d", shrunk, size)
		}
		if fi.Size() != shrunk {
			t.Errorf("file is %d bytes, Size says %d: space not given back to the file system", fi.Size(), shrunk)
		}
	})
}

// TestPruneBatches prunes more items than one batch holds, with pending ones
// spread among them, in one call.
func TestPruneBatches(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		const n = 3*pruneBatch + 17
		items := make([]feeds.Item, n)
		var pendingMs, deliveredMs []Match
		var deliveredIDs []string
		for i := range items {
			items[i] = item(fmt.Sprintf("i%05d", i), t0)
			switch i % 4 {
			case 0:
				pendingMs = append(pendingMs, Match{ItemID: items[i].ID, Profile: "p", Channel: "#c", Matched: t0})
			case 1:
				deliveredMs = append(deliveredMs, Match{ItemID: items[i].ID, Profile: "p", Channel: "#c", Matched: t0})
				deliveredIDs = append(deliveredIDs, items[i].ID)
			}
		}
		// Half the items seen at t0, the other half a day later:
		// the cut-off falls between them.
		if _, err := s.SaveItems(ctx, items[:n/2], t0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveItems(ctx, items[n/2:], t0.Add(day)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveMatches(ctx, append(pendingMs, deliveredMs...)); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkDelivered(ctx, "p", deliveredIDs, "ref", t0); err != nil {
			t.Fatal(err)
		}
		before := pending(t, s)

		st, err := s.Prune(ctx, t0.Add(day))
		if err != nil {
			t.Fatal(err)
		}
		old := n / 2
		oldPending := (old + 3) / 4
		oldDelivered := (old + 2) / 4
		if st.Items != old-oldPending || st.Matches != oldDelivered {
			t.Errorf("Prune = %+v, want %d items and %d matches", st, old-oldPending, oldDelivered)
		}
		if after := pending(t, s); len(after) != len(before) {
			t.Errorf("%d pending after Prune, want %d", len(after), len(before))
		}
		if got := rowCounts(t, s)["items"]; got != int64(n-st.Items) {
			t.Errorf("%d items left, want %d", got, n-st.Items)
		}

		// Nothing more to prune: a second call deletes nothing.
		again, err := s.Prune(ctx, t0.Add(day))
		if err != nil {
			t.Fatal(err)
		}
		if again.Total() != 0 {
			t.Errorf("second Prune deleted %+v, want nothing", again)
		}
	})
}

func TestPruneCancelled(t *testing.T) {
	s := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Prune(ctx, t0); err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("Prune with a cancelled context = %v, want context canceled", err)
	}
}

// TestOpenEnablesIncrementalVacuum opens a database made before newsbot set
// auto_vacuum (auto_vacuum=NONE, with data) and checks Open converts it,
// keeping the data.
func TestOpenEnablesIncrementalVacuum(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open(driverName, writeDSN(path))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"PRAGMA auto_vacuum = NONE",
		migrations[0],
		"PRAGMA user_version = 1",
		`INSERT INTO marks (mark, at) VALUES ('old', 1)`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var mode int
	if err := raw.QueryRowContext(ctx, "PRAGMA auto_vacuum").Scan(&mode); err != nil || mode != 0 {
		t.Fatalf("set-up: auto_vacuum = %d, %v; want 0", mode, err)
	}
	raw.Close()

	s := openAt(t, path)
	if err := s.r.QueryRowContext(ctx, "PRAGMA auto_vacuum").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != 2 {
		t.Errorf("auto_vacuum = %d after Open, want 2 (incremental)", mode)
	}
	if got := rowCounts(t, s)["marks"]; got != 1 {
		t.Errorf("%d marks after the conversion, want the 1 stored before", got)
	}
}

// prunePlan returns a two-message delivery plan with the ID id.
func prunePlan(id string, at time.Time) Plan {
	return Plan{ID: id, Profile: "news", Channel: "#c", Planned: at, Messages: []PlannedMessage{
		{ID: id + ".0", Body: []byte(`{"text":"digest"}`)},
		{ID: id + ".1", Body: []byte(`{"text":"more","reply":true}`)},
	}}
}
