package main

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/internal/console"
)

// console returns the operator's web console (http.console) over the
// daemon's store, profiles in force, feeds and schedule.
func (a *app) console() (http.Handler, error) {
	var next func(time.Time) time.Time
	if spec, err := cron.ParseStandard(a.cfg.Schedule.Digest); err == nil {
		next = func(t time.Time) time.Time { return spec.Next(t.In(a.cfg.Location)) }
	}
	return console.New(console.Options{
		Store:      a.store,
		Matcher:    a.matcher.Load,
		Feeds:      a.pipeline.Feeds,
		Location:   a.cfg.Location,
		NextDigest: next,
		// The preview `newsbot digest --preview --format html` writes.
		Digest: func(ctx context.Context, w io.Writer) error {
			opts := a.digestOptions(ctx)
			ds, err := a.pipeline.Digests(ctx, opts)
			if err != nil {
				return err
			}
			return digest.WriteHTML(w, ds, opts)
		},
		AuthToken: a.cfg.HTTP.AuthToken,
		Now:       a.now,
		OnError: func(r *http.Request, err error) {
			a.log.Error("console page failed", "path", r.URL.Path, "error", err)
		},
	})
}
