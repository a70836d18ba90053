// Command newsbot polls news feeds, matches items against keyword profiles and
// posts a daily digest per profile to Slack. Run `newsbot --help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // timezones work in a scratch container too
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	writeProfiles := startProfiles(os.Getenv) // profile.go
	code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	writeProfiles()
	stop()
	os.Exit(code)
}
