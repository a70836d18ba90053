package main

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// reloadDebounce is how long the profile files must be quiet after a change
// before they are read again: editors write a file in several steps.
const reloadDebounce = 300 * time.Millisecond

// watchProfiles calls reload after the configured profile file or directory
// changes, until ctx is done. It watches the directory, not the file, because
// editors replace a file on save (write a temporary file, rename it over).
// It returns when the watch is set up; the caller waits on the returned
// channel for the watcher to stop.
func (a *app) watchProfiles(ctx context.Context, reload func()) (<-chan struct{}, error) {
	done := make(chan struct{})
	if a.cfg.Profiles == "" {
		close(done)
		return done, nil // built-in profiles never change
	}
	path := a.cfg.Resolve(a.cfg.Profiles)
	dir, file := path, ""
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
		dir, file = filepath.Dir(path), filepath.Base(path)
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	if err := w.Add(dir); err != nil {
		w.Close()
		return nil, err
	}
	go func() {
		defer close(done)
		defer w.Close()
		var timer *time.Timer
		var fire <-chan time.Time
		for {
			select {
			case <-ctx.Done():
				if timer != nil {
					timer.Stop()
				}
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				name := filepath.Base(ev.Name)
				if file != "" && name != file {
					continue
				}
				if ext := filepath.Ext(name); file == "" && ext != ".yaml" && ext != ".yml" {
					continue
				}
				if timer == nil {
					timer = time.NewTimer(reloadDebounce)
				} else {
					timer.Reset(reloadDebounce)
				}
				fire = timer.C
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				a.log.Warn("watching profiles", "error", err)
			case <-fire:
				fire = nil
				reload()
			}
		}
	}()
	return done, nil
}

// reloadProfiles reads the profiles again and puts them in force if they are
// valid; an invalid edit keeps the old profiles running.
func (a *app) reloadProfiles(m *metrics) {
	cfgM, err := a.cfg.LoadProfiles()
	if err != nil {
		m.profileReload.WithLabelValues("invalid").Inc()
		a.log.Error("profiles not reloaded: the edit is invalid; the previous profiles stay in force", "error", err)
		return
	}
	a.matcher.Store(cfgM)
	m.profileReload.WithLabelValues("ok").Inc()
	a.log.Info("profiles reloaded", "profiles", len(cfgM.Profiles()))
}
