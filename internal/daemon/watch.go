package daemon

import (
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// reloadDebounce is how long the profile files must be quiet after a change
// before they are read again: editors write a file in several steps.
const reloadDebounce = 300 * time.Millisecond

// watchProfiles starts the watcher of the profile path, which asks for a
// reload after the file or directory changes, until the daemon stops. It
// watches the directory, not the file, because editors replace a file on
// save (write a temporary file, rename it over).
func (d *Daemon) watchProfiles() error {
	if d.watch == "" {
		return nil // built-in profiles never change
	}
	dir, file := d.watch, ""
	if fi, err := os.Stat(d.watch); err == nil && !fi.IsDir() {
		dir, file = filepath.Dir(d.watch), filepath.Base(d.watch)
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	if err := w.Add(dir); err != nil {
		w.Close()
		return err
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		defer w.Close()
		var timer *time.Timer
		var fire <-chan time.Time
		for {
			select {
			case <-d.ctx.Done():
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
				d.log.Warn("watching profiles", "error", err)
			case <-fire:
				fire = nil
				d.Reload()
			}
		}
	}()
	return nil
}
