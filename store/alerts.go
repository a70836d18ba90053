package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// LastAlerts returns when each channel last got an immediate alert, as
// recorded by RecordAlert; a channel that never got one is absent.
func (s *Store) LastAlerts(ctx context.Context) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	err := eachRow(ctx, s.r, func(rows *sql.Rows) error {
		var ch string
		var at int64
		if err := rows.Scan(&ch, &at); err != nil {
			return err
		}
		out[ch] = fromMillis(at)
		return nil
	}, `SELECT channel, at FROM channel_alerts`)
	if err != nil {
		return nil, fmt.Errorf("store: last alerts: %w", err)
	}
	return out, nil
}

// RecordAlert records that channel got an immediate alert at at. A later
// time replaces an earlier one; an earlier one is ignored, so replicas whose
// clocks differ slightly never move a channel's last alert back.
func (s *Store) RecordAlert(ctx context.Context, channel string, at time.Time) error {
	_, err := s.w.ExecContext(ctx,
		`INSERT INTO channel_alerts (channel, at) VALUES ($1, $2)
		 ON CONFLICT (channel) DO UPDATE SET at = excluded.at WHERE excluded.at > channel_alerts.at`,
		channel, at.UnixMilli())
	if err != nil {
		return fmt.Errorf("store: record alert for %s: %w", channel, err)
	}
	return nil
}
