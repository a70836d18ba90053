package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// FeedState is what the poller remembers about a feed between polls.
type FeedState struct {
	// URL identifies the feed.
	URL string
	// Name is the feed's display name.
	Name string
	// ETag and LastModified are the validators of the last successful
	// response, sent back in a conditional GET.
	ETag         string
	LastModified string
	// LastSuccess is when the feed was last fetched successfully; zero if
	// never.
	LastSuccess time.Time
	// LastError is the error of the last poll, empty when it succeeded, and
	// LastErrorAt when that error happened.
	LastError   string
	LastErrorAt time.Time
	// ConsecutiveFailures counts the polls that failed since the last
	// success.
	ConsecutiveFailures int
	// NextPoll is the earliest time the feed should be polled again; zero
	// means it is due now.
	NextPoll time.Time
}

const feedStateColumns = `url, name, etag, last_modified, last_success, last_error, last_error_at, consecutive_failures, next_poll`

// FeedState returns the state of the feed at url. For a feed never saved it
// returns the zero FeedState with URL set, and no error.
func (s *Store) FeedState(ctx context.Context, url string) (FeedState, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+feedStateColumns+` FROM feed_states WHERE url = $1`, url)
	st, err := scanFeedState(row)
	if errors.Is(err, sql.ErrNoRows) {
		return FeedState{URL: url}, nil
	}
	if err != nil {
		return FeedState{}, fmt.Errorf("store: feed state %s: %w", url, err)
	}
	return st, nil
}

// upsertFeedStateSQL replaces a feed's state and ends its lease.
const upsertFeedStateSQL = `
INSERT INTO feed_states (` + feedStateColumns + `)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (url) DO UPDATE SET
	name = excluded.name,
	etag = excluded.etag,
	last_modified = excluded.last_modified,
	last_success = excluded.last_success,
	last_error = excluded.last_error,
	last_error_at = excluded.last_error_at,
	consecutive_failures = excluded.consecutive_failures,
	next_poll = excluded.next_poll,
	lease_owner = '',
	lease_until = NULL`

// feedStateArgs are the arguments of upsertFeedStateSQL.
func feedStateArgs(st FeedState) []any {
	return []any{st.URL, st.Name, st.ETag, st.LastModified,
		nullMillis(st.LastSuccess), st.LastError, nullMillis(st.LastErrorAt),
		st.ConsecutiveFailures, nullMillis(st.NextPoll)}
}

// SaveFeedState stores st as the state of the feed st.URL, replacing any
// previous state, and ends the feed's lease (see ClaimFeeds), whoever holds
// it.
func (s *Store) SaveFeedState(ctx context.Context, st FeedState) error {
	if st.URL == "" {
		return errors.New("store: save feed state: empty URL")
	}
	_, err := s.w.ExecContext(ctx, upsertFeedStateSQL, feedStateArgs(st)...)
	if err != nil {
		return fmt.Errorf("store: save feed state %s: %w", st.URL, err)
	}
	return nil
}

// FeedStates returns the state of every saved feed, ordered by URL.
func (s *Store) FeedStates(ctx context.Context) ([]FeedState, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+feedStateColumns+` FROM feed_states ORDER BY url`)
	if err != nil {
		return nil, fmt.Errorf("store: feed states: %w", err)
	}
	defer rows.Close()
	var states []FeedState
	for rows.Next() {
		st, err := scanFeedState(rows)
		if err != nil {
			return nil, fmt.Errorf("store: feed states: %w", err)
		}
		states = append(states, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: feed states: %w", err)
	}
	return states, nil
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface {
	Scan(dest ...any) error
}

func scanFeedState(sc scanner) (FeedState, error) {
	var (
		st                     FeedState
		success, errorAt, next sql.NullInt64
	)
	err := sc.Scan(&st.URL, &st.Name, &st.ETag, &st.LastModified,
		&success, &st.LastError, &errorAt, &st.ConsecutiveFailures, &next)
	if err != nil {
		return FeedState{}, err
	}
	st.LastSuccess = fromNullMillis(success)
	st.LastErrorAt = fromNullMillis(errorAt)
	st.NextPoll = fromNullMillis(next)
	return st, nil
}
