package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/newsbot/newsbot/store"
)

// storeStatsCmd shows what the store holds and how big it is.
type storeStatsCmd struct {
	Format string `help:"Output format: text, or json (one object: backend, location, schema_version, size_bytes, tables [{name, rows}], pending, oldest_item)." default:"text" enum:"text,json"`
}

// Run opens the configured store and prints its statistics.
func (c *storeStatsCmd) Run(ctx context.Context, e *env) error {
	cfg, st, err := e.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	stats, err := st.Stats(ctx)
	if err != nil {
		return err
	}
	if c.Format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(stats)
	}
	fmt.Fprintf(e.stdout, "%s store %s, schema version %d\n", stats.Backend, stats.Location, stats.SchemaVersion)
	fmt.Fprintf(e.stdout, "size on disk: %s (%d bytes)\n", humanBytes(stats.SizeBytes), stats.SizeBytes)
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "table\trows\t")
	for _, t := range stats.Tables {
		fmt.Fprintf(tw, "%s\t%d\t\n", t.Name, t.Rows)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "pending matches: %d\n", stats.Pending)
	if stats.OldestItem != nil {
		fmt.Fprintf(e.stdout, "oldest item first seen: %s (retention %s)\n",
			stats.OldestItem.In(cfg.Location).Format(time.RFC3339), days(time.Duration(cfg.Retention)))
	}
	return nil
}

// humanBytes formats n bytes with a binary unit: "512 B", "5.4 MiB".
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}

// days formats d in days when it is a whole number of them ("180d"), as
// the configuration writes retention, and as Go does otherwise.
func days(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

// storeCheckCmd runs the full integrity check of the store.
type storeCheckCmd struct{}

// Run checks the configured store without opening it for writing, so it
// works on a file the other commands refuse as damaged. It exits 1 when the
// check finds problems.
func (c *storeCheckCmd) Run(ctx context.Context, e *env) error {
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	problems, checked, err := store.Check(ctx, cfg.Store.Value())
	if err != nil {
		return err
	}
	if !checked {
		fmt.Fprintln(e.stdout, "PostgreSQL store: newsbot does not check it; the server detects damage itself (data checksums, pg_amcheck).")
		return nil
	}
	if len(problems) == 0 {
		fmt.Fprintf(e.stdout, "ok: %s passed SQLite's integrity_check\n", cfg.Store)
		return nil
	}
	for _, p := range problems {
		fmt.Fprintln(e.stdout, p)
	}
	return &exitError{code: exitFailed, err: fmt.Errorf("%s is damaged (%d problems listed above); stop every newsbot using it and restore the file from a backup", cfg.Store, len(problems))}
}
