package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// claimChunk is how many feeds one statement of ClaimFeeds claims at most,
// well below SQLite's limit on parameters.
const claimChunk = 500

// ClaimFeeds claims for owner, among the feeds at urls, those that are due
// (never polled, or NextPoll <= dueBy) and not leased by another owner (never
// leased, or the lease ran out at or before now), and returns their states,
// ordered by URL. A claimed feed is leased to owner until now+lease: no other
// owner can claim it until SaveFeedState records its poll, which ends the
// lease, or the lease runs out, so that the feeds of a process that died
// mid-poll pass to the others. owner may claim again feeds it holds already,
// which renews their lease.
//
// Feeds never seen before are created first, so that a new feed too is
// claimed by one owner only. Each feed is claimed atomically; on PostgreSQL
// the claim selects the rows with FOR UPDATE SKIP LOCKED, so replicas
// claiming at once neither wait for each other nor claim a feed twice.
// owner must be non-empty and unique to the process (a host name and process
// ID, for example), and lease positive; urls may repeat.
func (s *Store) ClaimFeeds(ctx context.Context, urls []string, owner string, now, dueBy time.Time, lease time.Duration) ([]FeedState, error) {
	switch {
	case owner == "":
		return nil, errors.New("store: claim feeds: empty owner")
	case lease <= 0:
		return nil, fmt.Errorf("store: claim feeds: lease %v is not positive", lease)
	}
	urls = slices.Clone(urls)
	slices.Sort(urls)
	urls = slices.Compact(urls)
	if len(urls) > 0 && urls[0] == "" {
		return nil, errors.New("store: claim feeds: empty URL")
	}
	if err := s.releaseDeadOwners(ctx, now); err != nil {
		return nil, fmt.Errorf("store: claim feeds: %w", err)
	}
	var claimed []FeedState
	for chunk := range slices.Chunk(urls, claimChunk) {
		states, err := s.claimChunk(ctx, chunk, owner, now, dueBy, lease)
		if err != nil {
			return nil, fmt.Errorf("store: claim feeds: %w", err)
		}
		claimed = append(claimed, states...)
	}
	slices.SortFunc(claimed, func(a, b FeedState) int { return strings.Compare(a.URL, b.URL) })
	return claimed, nil
}

// claimChunk creates the feeds among urls not yet stored, then claims the
// ones that are free, in one statement. urls are sorted, so that concurrent
// creations take the same row locks in the same order and cannot deadlock.
func (s *Store) claimChunk(ctx context.Context, urls []string, owner string, now, dueBy time.Time, lease time.Duration) ([]FeedState, error) {
	args := make([]any, 0, len(urls)+3)
	args = append(args, owner, now.Add(lease).UnixMilli(), dueBy.UnixMilli(), now.UnixMilli())
	const first = 5 // the first parameter of urls in the claim
	for _, u := range urls {
		args = append(args, u)
	}

	values := make([]string, len(urls))
	for i := range urls {
		values[i] = "($" + strconv.Itoa(i+1) + ")"
	}
	_, err := s.w.ExecContext(ctx,
		`INSERT INTO feed_states (url) VALUES `+strings.Join(values, ", ")+` ON CONFLICT (url) DO NOTHING`,
		args[4:]...)
	if err != nil {
		return nil, err
	}

	rows, err := s.w.QueryContext(ctx, `
UPDATE feed_states SET lease_owner = $1, lease_until = $2
WHERE url IN (
	SELECT url FROM feed_states
	WHERE url IN (`+placeholders(first, len(urls))+`)
		AND (next_poll IS NULL OR next_poll <= $3)
		AND (lease_until IS NULL OR lease_until <= $4 OR lease_owner = $1)
	ORDER BY url
	`+s.d.skipLocked+`
)
RETURNING `+feedStateColumns, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var states []FeedState
	for rows.Next() {
		st, err := scanFeedState(rows)
		if err != nil {
			return nil, err
		}
		states = append(states, st)
	}
	return states, rows.Err()
}

// placeholders returns "$first, $first+1, ..." with n parameters.
func placeholders(first, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(first+i))
	}
	return b.String()
}

// releaseDeadOwners ends the leases held by processes on this host that no
// longer run (killed mid-poll), so a restarted newsbot need not wait for
// them to run out. Owners named as lockHolder names them can be checked;
// others wait for their leases.
func (s *Store) releaseDeadOwners(ctx context.Context, now time.Time) error {
	rows, err := s.w.QueryContext(ctx,
		`SELECT DISTINCT lease_owner FROM feed_states WHERE lease_until > $1 AND lease_owner <> ''`, now.UnixMilli())
	if err != nil {
		return err
	}
	var dead []string
	for rows.Next() {
		var owner string
		if err := rows.Scan(&owner); err != nil {
			rows.Close()
			return err
		}
		if holderDead(owner) {
			dead = append(dead, owner)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, owner := range dead {
		if _, err := s.w.ExecContext(ctx,
			`UPDATE feed_states SET lease_owner = '', lease_until = NULL WHERE lease_owner = $1`, owner); err != nil {
			return err
		}
	}
	return nil
}
