package daemon

import (
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// reloadDebounce is how long the profile files must be quiet after a change
// before they are read again: editors write a file in several steps.
const reloadDebounce = 300 * time.Millisecond

// configMapData is the symlink through which a Kubernetes ConfigMap volume
// exposes its files: an update writes a new directory and renames a new
// ..data symlink over the old one, so the files themselves never change.
const configMapData = "..data"

// profileWatch is what the watcher watches: dir, the directory that holds
// the profiles (the profile path itself, or the directory of a profile
// file), and parent, dir's directory, so that dir removed and created again
// is watched again.
type profileWatch struct {
	w      *fsnotify.Watcher
	dir    string
	file   string // the profile file's name in dir; "" when dir is the profiles
	parent string
}

// watchProfiles starts the watcher of the profile path, which asks for a
// reload after the profiles change, until the daemon stops. It watches the
// directory, not the file, because editors replace a file on save (write a
// temporary file, rename it over) and a ConfigMap swaps its ..data symlink;
// and it watches the directory's parent, to follow the directory when it is
// removed and created again. When it cannot go on watching, it says so in
// the log; SIGHUP still reloads.
func (d *Daemon) watchProfiles() error {
	if d.watch == "" {
		return nil // built-in profiles never change
	}
	pw := &profileWatch{dir: d.watch}
	if fi, err := os.Stat(d.watch); err == nil && !fi.IsDir() {
		pw.dir, pw.file = filepath.Dir(d.watch), filepath.Base(d.watch)
	}
	pw.parent = filepath.Dir(pw.dir)
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	pw.w = w
	if err := w.Add(pw.dir); err != nil {
		w.Close()
		return err
	}
	if pw.parent != pw.dir {
		if err := w.Add(pw.parent); err != nil {
			d.log.Warn("profiles: not watching the parent directory; the watch ends if the profile directory is removed", "dir", pw.parent, "error", err)
		}
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		defer w.Close()
		d.runWatch(pw)
	}()
	return nil
}

// runWatch handles the watcher's events until the daemon stops or the
// watch cannot go on.
func (d *Daemon) runWatch(pw *profileWatch) {
	var timer *time.Timer
	var fire <-chan time.Time
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	changed := func() {
		if timer == nil {
			timer = time.NewTimer(reloadDebounce)
		} else {
			timer.Reset(reloadDebounce)
		}
		fire = timer.C
	}
	for {
		select {
		case <-d.ctx.Done():
			return
		case ev, ok := <-pw.w.Events:
			if !ok {
				d.log.Warn("stopped watching the profiles; SIGHUP still reloads them")
				return
			}
			switch {
			case ev.Name == pw.dir:
				if !d.dirEvent(pw, ev) {
					return
				}
				if ev.Has(fsnotify.Create) {
					changed()
				}
			case ev.Name == pw.parent && ev.Has(fsnotify.Remove|fsnotify.Rename):
				d.log.Warn("stopped watching the profiles: their directory's parent is gone; SIGHUP still reloads them", "dir", pw.parent)
				return
			case filepath.Dir(ev.Name) == pw.dir && pw.relevant(filepath.Base(ev.Name)):
				changed()
			}
		case err, ok := <-pw.w.Errors:
			if !ok {
				d.log.Warn("stopped watching the profiles; SIGHUP still reloads them")
				return
			}
			d.log.Warn("watching profiles", "error", err)
		case <-fire:
			fire = nil
			d.Reload()
		}
	}
}

// dirEvent follows the profile directory itself: gone, it waits for it in
// the parent; created again, it watches it again. It reports whether the
// watch goes on.
func (d *Daemon) dirEvent(pw *profileWatch, ev fsnotify.Event) bool {
	switch {
	case ev.Has(fsnotify.Remove | fsnotify.Rename):
		// The kernel drops the watch of a removed directory; a moved one
		// would go on reporting from its new place.
		if err := pw.w.Remove(pw.dir); err != nil && !errors.Is(err, fsnotify.ErrNonExistentWatch) {
			d.log.Debug("profiles: unwatching the removed directory", "error", err)
		}
		if pw.parent == pw.dir {
			d.log.Warn("stopped watching the profiles: their directory is gone; SIGHUP still reloads them", "dir", pw.dir)
			return false
		}
		d.log.Warn("the profile directory is gone; watching for it to come back", "dir", pw.dir)
	case ev.Has(fsnotify.Create):
		if err := pw.w.Add(pw.dir); err != nil {
			d.log.Warn("stopped watching the profiles: cannot watch their new directory; SIGHUP still reloads them", "dir", pw.dir, "error", err)
			return false
		}
		d.log.Info("the profile directory is back; watching it again", "dir", pw.dir)
	}
	return true
}

// relevant reports whether a change to the entry called name in the
// profile directory may change the profiles: the profile file, or any
// .yaml or .yml file of a profile directory, or a ConfigMap's ..data.
func (pw *profileWatch) relevant(name string) bool {
	if name == configMapData {
		return true
	}
	if pw.file != "" {
		return name == pw.file
	}
	ext := filepath.Ext(name)
	return ext == ".yaml" || ext == ".yml"
}
