package store

import (
	"context"
	"database/sql"
)

// eachRow runs query with args on db and calls fn with each row of the
// answer, in order. It stops at fn's first error and returns it unwrapped,
// as it returns the query's and the rows' errors: callers say what failed.
func eachRow(ctx context.Context, db *sql.DB, fn func(*sql.Rows) error, query string, args ...any) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// queryAll runs query with args on db and returns what scan makes of each
// row, in order; nil for no rows. Errors are returned unwrapped, as by
// eachRow.
func queryAll[T any](ctx context.Context, db *sql.DB, scan func(*sql.Rows) (T, error), query string, args ...any) ([]T, error) {
	var out []T
	err := eachRow(ctx, db, func(rows *sql.Rows) error {
		v, err := scan(rows)
		if err != nil {
			return err
		}
		out = append(out, v)
		return nil
	}, query, args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanString scans a row of one text column.
func scanString(rows *sql.Rows) (string, error) {
	var v string
	err := rows.Scan(&v)
	return v, err
}

// affected returns the rows an Exec changed: affected(db.ExecContext(...))
// takes the Exec's answer as it comes. Errors are returned unwrapped.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
