package daemon

import (
	"fmt"
	"net/http"
	"time"
)

// MinStuckAfter is the least time a job may run before /healthz calls it
// stuck, whatever the poll interval.
const MinStuckAfter = time.Hour

// stuckAfter is how long a job may run before /healthz calls the scheduler
// stuck: ten poll intervals, and at least MinStuckAfter.
//
// Every fetch has a timeout (fetch.timeout) and the workers are bounded
// (fetch.concurrency), so a healthy poll ends; a poll that has run for ten
// intervals has made ten ticks skip, which means the daemon is no longer
// doing its job, and a restart is the cure. The floor keeps a short interval
// (@every 1m) with many slow feeds, or a digest waiting out Slack's rate
// limits, from being restarted in the middle of work that would finish: a
// restart is not free (it polls again at once) and a probe that restarts
// legitimate work would restart it forever. Digests and prunes share the
// bound: jobs run one at a time, so any job that does not end holds up
// every poll after it.
func stuckAfter(interval time.Duration) time.Duration {
	return max(10*interval, MinStuckAfter)
}

// health is what /healthz reports on: the scheduler's state, the job in
// flight and the last poll started. Reading it costs the same whatever the
// store holds: it never touches the store.
type health struct {
	// running is the name of the job in flight ("" when none) and since
	// when it runs.
	running string
	since   time.Time
	// polled is when the last poll started (was dispatched, before it
	// waits for the job in flight); zero before the first.
	polled time.Time
	// ended is when the last job ended; zero before the first.
	ended time.Time
}

// jobStarted records that the job name started to run at now.
func (d *Daemon) jobStarted(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.health.running, d.health.since = name, d.now()
}

// jobEnded records that the job in flight ended.
func (d *Daemon) jobEnded() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.health.running, d.health.since, d.health.ended = "", time.Time{}, d.now()
}

// pollDispatched records that a poll was asked to run at now.
func (d *Daemon) pollDispatched() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.health.polled = d.now()
}

// alive reports whether the scheduler is alive; when it is not, the reason
// says why in a short sentence. The scheduler is dead when the daemon is
// stopping or not started, when a job has been running for longer than the
// bound (stuckAfter), or when, no job running, the poll that the schedule
// made due after the last poll started and the last job ended is later
// than the bound (the scheduler no longer fires). Ticks that came while a
// job ran were skipped or waited, rightly, so they do not count. The due
// time comes from the schedule itself, so a schedule with long gaps (none
// at night or at weekends) is not taken for a stall. While the first poll
// runs, before the schedules start, the daemon is alive unless that poll is
// stuck.
func (d *Daemon) alive() (ok bool, reason string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	bound := stuckAfter(d.interval)
	switch {
	case d.closing:
		return false, "scheduler stopped: the daemon is stopping"
	case !d.started:
		return false, "scheduler stopped: the daemon has not started"
	case d.health.running != "" && now.Sub(d.health.since) > bound:
		return false, fmt.Sprintf("%s job stuck: running for %s since %s (bound %s)",
			d.health.running, now.Sub(d.health.since).Round(time.Second),
			d.health.since.In(d.loc).Format(time.RFC3339), bound)
	case d.scheduled && d.pollSchedule != nil && d.health.running == "" && !d.health.polled.IsZero():
		due := d.pollSchedule.Next(latest(d.health.polled, d.health.ended).In(d.loc))
		if !due.IsZero() && now.Sub(due) > bound {
			return false, fmt.Sprintf("scheduler stalled: the poll due at %s has not started (the last poll started at %s)",
				due.Format(time.RFC3339), d.health.polled.In(d.loc).Format(time.RFC3339))
		}
	}
	return true, "ok"
}

// latest returns the later of a and b.
func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// serveHealth answers /healthz: 200 "ok" while the scheduler is alive, 503
// and the reason otherwise.
func (d *Daemon) serveHealth(w http.ResponseWriter, r *http.Request) {
	ok, reason := d.alive()
	if !ok {
		http.Error(w, reason, http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, reason)
}
