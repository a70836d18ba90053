package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

func (fs *feedServer) requestsFor(path string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.requests[path]
}

// TestOnceForce checks that a feed that failed is named as backing off, with
// when it is due in the configured zone, and that --force polls it anyway.
func TestOnceForce(t *testing.T) {
	h := newHarness(t, "")
	cfg, err := os.ReadFile(h.config)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(cfg), "feeds:\n", "feeds:\n  - url: "+h.feeds.URL+"/missing.xml\n    name: Broken Desk\n", 1)
	if err := os.WriteFile(h.config, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		name     string
		args     []string
		requests int    // requests for missing.xml after the step
		log      string // a regexp the log must match
		notLog   string // a regexp the log must not match
	}{
		{name: "first poll fails", args: []string{"once", "--dry-run"}, requests: 1,
			log: `failed=1`, notLog: `backing_off=`},
		{name: "then it backs off, named with its due time in Asia/Kolkata", args: []string{"once", "--dry-run"}, requests: 1,
			log: `backing_off="Broken Desk \(due \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30\)"`},
		{name: "--force polls it now", args: []string{"once", "--dry-run", "--force"}, requests: 2,
			log: `feeds=4 not_due=0 .*failed=1`, notLog: `backing_off=`},
	}
	for _, s := range steps {
		code, _, errOut := h.run(s.args...)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s", s.name, code, errOut)
		}
		if got := h.feeds.requestsFor("/missing.xml"); got != s.requests {
			t.Errorf("%s: %d requests for the failing feed, want %d", s.name, got, s.requests)
		}
		if !regexp.MustCompile(s.log).MatchString(errOut) {
			t.Errorf("%s: log does not match %s:\n%s", s.name, s.log, errOut)
		}
		if s.notLog != "" && regexp.MustCompile(s.notLog).MatchString(errOut) {
			t.Errorf("%s: log matches %s:\n%s", s.name, s.notLog, errOut)
		}
	}
}
