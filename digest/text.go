package digest

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteText writes digests in a human-readable form, for terminals and
// --dry-run: per digest a heading with the profile, date and channel, the
// description, and every story (none is left out) with its feed, age,
// matched terms, other feeds and link. Control characters from feeds are
// removed so that feed text cannot drive the terminal.
func WriteText(w io.Writer, ds []Digest, opts Options) error {
	opts = opts.withDefaults()
	now := opts.Now()
	bw := bufio.NewWriter(w)
	for i, d := range ds {
		if i > 0 {
			bw.WriteString("\n")
		}
		date := d.Date
		if date.IsZero() {
			date = now
		}
		fmt.Fprintf(bw, "%s — %s — %s (%s)\n", clean(d.Profile), date.In(opts.Location).Format("Mon 2 Jan 2006"),
			clean(d.Channel), plural(len(d.Stories), "story", "stories"))
		if desc := clean(d.Description); desc != "" {
			fmt.Fprintf(bw, "%s\n", desc)
		}
		for n, s := range d.Stories {
			title := clean(s.Title)
			if title == "" {
				title = "(untitled)"
			}
			fmt.Fprintf(bw, "%3d. %s\n", n+1, title)
			var meta []string
			if f := clean(s.Outlet()); f != "" {
				meta = append(meta, f)
			}
			if a := age(now, s.Published); a != "" {
				meta = append(meta, a)
			}
			if len(s.Matched) > 0 {
				meta = append(meta, "matched: "+cleanJoin(s.Matched))
			}
			if len(s.AlsoIn) > 0 {
				meta = append(meta, "also: "+cleanJoin(s.AlsoIn))
			}
			if len(meta) > 0 {
				fmt.Fprintf(bw, "     %s\n", strings.Join(meta, " · "))
			}
			if l := clean(s.Link); l != "" {
				fmt.Fprintf(bw, "     %s\n", l)
			}
		}
		if f := clean(opts.Footer); f != "" {
			fmt.Fprintf(bw, "  ⚠ %s\n", f)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("digest: write text: %w", err)
	}
	return nil
}
