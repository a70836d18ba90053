package main

import (
	"context"
	"fmt"
)

type validateCmd struct{}

// Run checks the configuration and the profiles and reports every problem.
func (c *validateCmd) Run(ctx context.Context, e *env) error {
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	m, err := cfg.LoadProfiles()
	if err != nil {
		return usageError(err)
	}
	for _, w := range m.Warnings() {
		fmt.Fprintf(e.stderr, "warning: %v\n", w)
	}
	src := cfg.File
	if src == "" {
		src = "built-in defaults"
	}
	fmt.Fprintf(e.stdout, "ok: %s: %d feeds, %d profiles\n", src, len(cfg.Feeds), len(m.Profiles()))
	return nil
}
