package daemon

import "context"

// Profiles registers the profile reload: when the profile file or directory
// at path changes (path "" watches nothing: built-in profiles never change),
// on SIGHUP, and when Reload is called, the daemon's reload worker calls
// reload, which must read the profiles and put them in force if they are
// valid, and return how many are in force. An error means the edit was
// invalid and the previous profiles stay in force; it is logged and counted.
// reload runs in its own goroutine, never on the signal path or in a job;
// its ctx is done when the daemon stops. Call it before Start.
func (d *Daemon) Profiles(path string, reload func(context.Context) (int, error)) {
	d.watch = path
	d.reload = reload
}

// Reload asks for the profiles to be read again, without waiting: requests
// made while one is waiting coalesce into one reload. It does nothing
// without Profiles.
func (d *Daemon) Reload() {
	select {
	case d.reloads <- struct{}{}:
	default:
	}
}

// reloadWorker runs the reloads asked for, one at a time, until the daemon
// stops.
func (d *Daemon) reloadWorker() {
	defer d.wg.Done()
	for {
		select {
		case <-d.ctx.Done():
			return
		case <-d.hup:
		case <-d.reloads:
		}
		if d.ctx.Err() != nil {
			return
		}
		n, err := d.reload(d.ctx)
		switch {
		case d.ctx.Err() != nil:
			return
		case err != nil:
			d.metrics.profileReload.WithLabelValues("invalid").Inc()
			d.log.Error("profiles not reloaded: the edit is invalid; the previous profiles stay in force", "error", err)
		default:
			d.metrics.profileReload.WithLabelValues("ok").Inc()
			d.log.Info("profiles reloaded", "profiles", n)
		}
	}
}
