package main

import (
	"context"
	"fmt"

	"github.com/newsbot/newsbot/store"
)

// migrateCmd brings the store's schema up to date.
type migrateCmd struct{}

// Run opens the store, which applies any pending migration under a lock so
// replicas starting together do not race, and reports the version.
func (c *migrateCmd) Run(ctx context.Context, e *env) error {
	_, st, err := e.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(e.stdout, "ok: %s store at schema version %d\n", st.Backend(), store.SchemaVersion())
	return nil
}
