package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// ErrCorrupt means SQLite found the database file damaged. Open returns it
// wrapped, before anything is written to the file; the fix is to restore the
// file from a backup (`newsbot store check` lists every problem).
var ErrCorrupt = errors.New("store: database file is damaged")

// quickCheckRows bounds the problems PRAGMA quick_check reports at Open.
const quickCheckRows = 5

// corruptError is the error of Open and Check on a damaged SQLite file.
type corruptError struct {
	path     string
	problems []string
}

func (e *corruptError) Error() string {
	return fmt.Sprintf("store: open %s: the database file is damaged (%s); nothing was written to it. "+
		"Stop every newsbot using it, then restore it from a backup, or move it aside to start afresh "+
		"(undelivered matches are lost then); `newsbot store check` lists every problem",
		e.path, strings.Join(e.problems, "; "))
}

func (e *corruptError) Unwrap() error { return ErrCorrupt }

// quickCheck runs SQLite's PRAGMA quick_check on db, the database at path,
// and returns a *corruptError listing the first problems found. It reads the
// whole file (but skips the slower index checks of integrity_check) and
// writes nothing; Open runs it before anything else touches the file.
func quickCheck(ctx context.Context, db *sql.DB, path string) error {
	problems, err := runCheck(ctx, db, fmt.Sprintf("PRAGMA quick_check(%d)", quickCheckRows))
	if err != nil {
		if isCorruptErr(err) {
			return &corruptError{path: path, problems: []string{err.Error()}}
		}
		return fmt.Errorf("store: open %s: check integrity: %w", path, err)
	}
	if len(problems) > 0 {
		return &corruptError{path: path, problems: problems}
	}
	return nil
}

// runCheck runs an integrity pragma and returns its problems: none when it
// answers the single row "ok".
func runCheck(ctx context.Context, db *sql.DB, pragma string) ([]string, error) {
	var problems []string
	err := eachRow(ctx, db, func(rows *sql.Rows) error {
		p, err := scanString(rows)
		if err != nil || p == "ok" {
			return err
		}
		// A row may hold several lines, under a "*** in database main ***"
		// heading: one problem per line.
		for _, line := range strings.Split(p, "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "***") {
				problems = append(problems, line)
			}
		}
		return nil
	}, pragma)
	if err != nil {
		if len(problems) > 0 && isCorruptErr(err) {
			// The check stopped at damage too deep to go on: what it
			// listed so far, and that.
			return append(problems, err.Error()), nil
		}
		return nil, err
	}
	return problems, nil
}

// isCorruptErr reports whether err is SQLite's "database disk image is
// malformed" (SQLITE_CORRUPT), which a check may return instead of rows when
// the damage is in the pages it needs first.
func isCorruptErr(err error) bool {
	return strings.Contains(err.Error(), "malformed") || strings.Contains(err.Error(), "SQLITE_CORRUPT")
}

// Check runs a full integrity check of the store at location and returns
// the problems found, none for a sound database. On SQLite it runs PRAGMA
// integrity_check (every page, every index; it reads the whole file and may
// take a while on a large one), through a read-only connection: it neither
// migrates nor writes, so it works on a file Open refuses as damaged. A
// missing file is an error. On PostgreSQL it does nothing and returns
// checked false: the server detects damage itself (data checksums,
// pg_amcheck), not newsbot.
func Check(ctx context.Context, location string) (problems []string, checked bool, err error) {
	if isPostgresURL(location) {
		return nil, false, nil
	}
	fi, err := os.Stat(location)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, fmt.Errorf("store: check %s: no database file there", location)
	case err != nil:
		return nil, false, fmt.Errorf("store: check %s: %w", location, err)
	case fi.IsDir():
		return nil, false, fmt.Errorf("store: check %s: is a directory, not a database file", location)
	}
	db, err := sql.Open(driverName, readDSN(location))
	if err != nil {
		return nil, false, fmt.Errorf("store: check %s: %w", location, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	problems, err = runCheck(ctx, db, "PRAGMA integrity_check")
	if err != nil && isCorruptErr(err) {
		// integrity_check gave up on a page it needs; quick_check, which
		// does less, may still list the damage.
		problems, err = runCheck(ctx, db, "PRAGMA quick_check")
		if err != nil && isCorruptErr(err) {
			return []string{err.Error()}, true, nil
		}
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: check %s: %w", location, err)
	}
	return problems, true, nil
}
