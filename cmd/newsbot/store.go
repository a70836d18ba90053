package main

import (
	"context"
	"fmt"

	"github.com/newsbot/newsbot/store"
)

// storeCmd groups the store's maintenance commands.
type storeCmd struct {
	Copy  storeCopyCmd  `cmd:"" help:"Copy everything (items, matches with their delivery state, feed health) from one store to another, e.g. SQLite to PostgreSQL."`
	Stats storeStatsCmd `cmd:"" help:"Show the rows of each table and the size on disk (--format json for scripts)."`
	Check storeCheckCmd `cmd:"" help:"Run SQLite's full integrity check of the store (read-only); exit 1 if it is damaged."`
}

type storeCopyCmd struct {
	From string `help:"Store to copy from: a SQLite file or a postgres:// URL." required:"" placeholder:"FILE|URL"`
	To   string `help:"Store to copy to: a SQLite file or a postgres:// URL. Rows it has already are kept." required:"" placeholder:"FILE|URL"`
}

// Run copies one store into another. It is idempotent: running it again
// copies only what is missing.
func (c *storeCopyCmd) Run(ctx context.Context, e *env) error {
	from, err := store.Open(ctx, c.From)
	if err != nil {
		return err
	}
	defer from.Close()
	to, err := store.Open(ctx, c.To)
	if err != nil {
		return err
	}
	defer to.Close()
	stats, err := store.Copy(ctx, from, to)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "copied from %s to %s store:\n", from.Backend(), to.Backend())
	for _, row := range []struct {
		name string
		n    store.CopyCount
	}{{"feed states", stats.FeedStates}, {"items", stats.Items}, {"matches", stats.Matches}, {"marks", stats.Marks}, {"feedback", stats.Feedback}} {
		fmt.Fprintf(e.stdout, "  %-12s %d read, %d new\n", row.name, row.n.Read, row.n.Written)
	}
	return nil
}
