package config

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

func TestParseSchedule(t *testing.T) {
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC)
	tests := []struct {
		spec string
		next time.Time // the first run after now, in Kolkata; zero when refused
		err  string
	}{
		{spec: "0 9 * * *", next: time.Date(2026, 11, 28, 9, 0, 0, 0, kolkata)},
		{spec: "*/15 * * * *", next: time.Date(2026, 11, 27, 21, 45, 0, 0, kolkata)},
		{spec: "@daily", next: time.Date(2026, 11, 28, 0, 0, 0, 0, kolkata)},
		{spec: "0 9 29 2 *", next: time.Date(2028, 2, 29, 9, 0, 0, 0, kolkata)},
		{spec: "@every 1s", next: now.Add(time.Second)},
		{spec: "@every 2s", next: now.Add(2 * time.Second)},
		{spec: "@every 15m", next: now.Add(15 * time.Minute)},
		{spec: "", err: "empty schedule"},
		{spec: "TZ=UTC", err: "TZ= prefix is not allowed"},
		{spec: "TZ=", err: "TZ= prefix is not allowed"},
		{spec: "TZ= ", err: "TZ= prefix is not allowed"},
		{spec: "tz=UTC 0 9 * * *", err: "TZ= prefix is not allowed"},
		{spec: "CRON_TZ=UTC", err: "CRON_TZ= prefix is not allowed"},
		{spec: "CRON_TZ=Asia/Kolkata 0 9 * * *", err: "set timezone instead"},
		{spec: "@every 0s", err: "too short"},
		{spec: "@every -5m", err: "too short"},
		{spec: "@every 1ns", err: "too short"},
		{spec: "@every 999ms", err: "too short"},
		{spec: "@every 1500ms", err: "not a whole number of seconds"},
		{spec: "@every", err: "unrecognized descriptor"},
		{spec: "@every soon", err: "failed to parse duration"},
		{spec: "@every  5s", err: "failed to parse duration"},
		{spec: " @daily", err: "expected exactly 5 fields"},
		{spec: "0 9 30 2 *", err: "never fires"},
		{spec: "0 0 31 4 *", err: "never fires"},
		{spec: "every minute", err: "expected exactly 5 fields"},
		{spec: "*/0 * * * *", err: "step"},
		{spec: "60 * * * *", err: "above maximum"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			s, err := ParseSchedule(tt.spec, kolkata, now)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseSchedule(%q) = %v, want an error containing %q", tt.spec, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSchedule(%q): %v", tt.spec, err)
			}
			if got := s.Next(now.In(kolkata)); !got.Equal(tt.next) {
				t.Errorf("next run = %v, want %v", got, tt.next)
			}
			// What is checked is what the scheduler runs: AddFunc parses
			// the same spec with cron.ParseStandard.
			if lib, err := cron.ParseStandard(tt.spec); err != nil || !reflect.DeepEqual(lib, s) {
				t.Errorf("cron.ParseStandard(%q) = %#v, %v; ParseSchedule gave %#v", tt.spec, lib, err, s)
			}
		})
	}
}

// TestParseScheduleRunsInZone checks that the schedule returned is the one a
// scheduler in the configured zone runs at the expected instants.
func TestParseScheduleRunsInZone(t *testing.T) {
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseSchedule("30 9 * * *", kolkata, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).In(kolkata)
	want := time.Date(2026, 1, 1, 4, 0, 0, 0, time.UTC) // 09:30 IST
	if got := s.Next(from); !got.Equal(want) {
		t.Errorf("next = %v, want %v", got, want)
	}
	if _, ok := s.(*cron.SpecSchedule); !ok {
		t.Errorf("got %T, want a *cron.SpecSchedule", s)
	}
}
