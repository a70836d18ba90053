package config

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// MinEvery is the shortest interval an "@every" schedule may give.
const MinEvery = time.Second

// ParseSchedule parses a schedule the way newsbot runs it: standard
// five-field cron syntax (minute hour day-of-month month day-of-week) or a
// descriptor (@hourly, @daily, @every 15m…), in the zone loc (nil means UTC).
// It refuses what the cron library would accept but run badly or panic on:
//
//   - a "TZ=" or "CRON_TZ=" prefix (in any case): schedules run in the zone
//     of the top-level timezone key, and a prefix would silently override it;
//   - "@every" with a duration under one second (zero and negative included)
//     or that is not a whole number of seconds, which the library would run
//     every second or silently truncate;
//   - a schedule that never fires: no time of it falls within five years of
//     now (such as "0 9 30 2 *", February 30th).
//
// A panic inside the cron parser is returned as an error. For a spec it
// accepts, the result is the schedule cron.ParseStandard (and so
// cron.Cron.AddFunc) makes of the same spec.
func ParseSchedule(spec string, loc *time.Location, now time.Time) (s cron.Schedule, err error) {
	if loc == nil {
		loc = time.UTC
	}
	if strings.TrimSpace(spec) == "" {
		return nil, errors.New("empty schedule")
	}
	for _, p := range []string{"TZ=", "CRON_TZ="} {
		if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(spec)), p) {
			return nil, fmt.Errorf("a %s prefix is not allowed: schedules run in the zone of the top-level timezone key; set timezone instead", p)
		}
	}
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("cannot parse schedule (the cron parser failed: %v)", r)
		}
	}()
	s, err = cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("%w (five fields: minute hour day-of-month month day-of-week; or @daily, @every 15m…)", err)
	}
	if every, ok := strings.CutPrefix(spec, "@every "); ok {
		// The library parsed it with time.ParseDuration, then raised it to
		// one second and truncated it to whole seconds.
		d, _ := time.ParseDuration(every)
		switch {
		case d < MinEvery:
			return nil, fmt.Errorf("@every %s is too short: the least interval is %s", d, MinEvery)
		case d%time.Second != 0:
			return nil, fmt.Errorf("@every %s is not a whole number of seconds (the scheduler would run it every %s)", d, d.Truncate(time.Second))
		}
		return s, nil
	}
	if s.Next(now.In(loc)).IsZero() {
		return nil, errors.New("the schedule never fires (no time matches within five years)")
	}
	return s, nil
}
