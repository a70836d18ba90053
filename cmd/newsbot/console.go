package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/newsbot/newsbot/config"
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
		ProfileFiles: a.profileFiles,
		Feedback:     console.StoreFeedback(a.store),
		AuthToken:    a.cfg.HTTP.AuthToken,
		Now:          a.now,
		OnError: func(r *http.Request, err error) {
			a.log.Error("console page failed", "path", r.URL.Path, "error", err)
		},
	})
}

// profileFiles returns the profile files in force, as config.ReadProfiles
// reads them: the built-in file, the named file, or the *.yaml and *.yml
// files of the named directory, in name order.
func (a *app) profileFiles() ([]console.ProfileFile, error) {
	path := a.profilesPath()
	if path == "" {
		return []console.ProfileFile{{Name: "profiles.yaml (built in)", Data: config.BuiltinProfiles()}}, nil
	}
	files, err := config.ProfileFiles(path)
	if err != nil {
		return nil, err
	}
	var out []console.ProfileFile
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("profiles: %w", err)
		}
		out = append(out, console.ProfileFile{Name: filepath.Base(f), Data: data})
	}
	return out, nil
}
