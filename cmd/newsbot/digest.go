package main

import (
	"context"
	"fmt"
	"os"

	"github.com/newsbot/newsbot/digest"
)

// digestCmd delivers, or previews, the digest of what is pending now.
type digestCmd struct {
	Preview bool   `help:"Show the next digest as it will appear instead of delivering it; nothing is marked delivered."`
	Format  string `help:"Preview format: text (the terminal), html (a static page that looks like Slack, for review with someone who doesn't use the CLI), or json." default:"text" enum:"text,html,json"`
	Output  string `help:"Write the preview to this file instead of stdout." short:"o" placeholder:"FILE" type:"path"`
}

// Run builds the digests of every pending match, without polling, and
// delivers them, or shows them with --preview.
func (c *digestCmd) Run(ctx context.Context, e *env) error {
	if !c.Preview && (c.Format != "text" || c.Output != "") {
		return usageError(fmt.Errorf("--format and --output go with --preview"))
	}
	a, err := e.openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if !c.Preview {
		return a.deliverPending(ctx, false, "text")
	}
	opts := a.digestOptions(ctx)
	ds, err := a.pipeline.Digests(ctx, opts)
	if err != nil {
		return err
	}
	out := a.stdout
	if c.Output != "" {
		f, err := os.Create(c.Output)
		if err != nil {
			return usageError(err)
		}
		defer f.Close()
		out = f
	}
	switch c.Format {
	case "html":
		err = digest.WriteHTML(out, ds, opts)
	case "json":
		err = digest.WriteJSON(out, ds)
	default:
		a.stdout = out
		err = a.print(ds, "text", opts)
	}
	if err != nil {
		return err
	}
	if c.Output != "" {
		e.log.Info("preview written", "file", c.Output, "digests", len(ds))
	}
	return nil
}
