package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/newsbot/newsbot/internal/feedback"
)

// feedbackCmd is `newsbot feedback`: what readers said about each profile's
// entries, and the profile edits it suggests. It never edits a profile.
type feedbackCmd struct {
	Days    int    `help:"Look at the deliveries and feedback of the last N days." default:"30"`
	Profile string `help:"Report on this profile only." placeholder:"NAME"`
	Format  string `help:"Output format: text, or json (JSON Lines, one object per profile)." default:"text" enum:"text,json"`
}

// Run prints the report.
func (c *feedbackCmd) Run(ctx context.Context, e *env) error {
	if c.Days < 1 {
		return usageError(fmt.Errorf("--days must be at least 1"))
	}
	a, err := e.openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	var order []string
	for _, p := range a.matcher.Load().Profiles() {
		order = append(order, p.Name)
	}
	if c.Profile != "" && !slices.Contains(order, c.Profile) {
		a.log.Warn("no such profile in force; reporting on its recorded entries", "profile", c.Profile)
	}
	since := e.now().Add(-time.Duration(c.Days) * 24 * time.Hour)
	reports, err := feedback.Reports(ctx, a.store, since, order, c.Profile)
	if err != nil {
		return err
	}
	if c.Format == "json" {
		enc := json.NewEncoder(e.stdout)
		for _, r := range reports {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	return writeFeedbackText(e.stdout, reports, c.Days)
}

// writeFeedbackText prints reports for people.
func writeFeedbackText(w io.Writer, reports []feedback.Report, days int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Reader feedback over the last %d days. Precision: the share of the entries delivered or judged that no reader marked not relevant.\n", days)
	for _, r := range reports {
		prec := "n/a"
		if r.Precision != nil {
			prec = fmt.Sprintf("%.1f%%", *r.Precision*100)
		}
		fmt.Fprintf(&b, "\n%s: %d delivered, %d not relevant, %d relevant, %d muted; precision %s\n",
			r.Profile, r.Delivered, r.NotRelevant, r.Relevant, r.Muted, prec)
		if len(r.Flagged) > 0 {
			b.WriteString("  Marked not relevant:\n")
			for _, f := range r.Flagged {
				fmt.Fprintf(&b, "    - %s  [matched: %s]\n", clip(oneLine(f.Title), 120), strings.Join(f.Matched, ", "))
			}
		}
		if len(r.Suggestions) > 0 {
			b.WriteString("  Suggested edits (check with `newsbot test --profiles edited.yaml --diff live`):\n")
			for _, s := range r.Suggestions {
				fmt.Fprintf(&b, "    - %s\n      removes %d flagged and %d kept entries\n",
					strings.ReplaceAll(s.Edit, "\n", "\n      "), s.Flagged, s.Kept)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
