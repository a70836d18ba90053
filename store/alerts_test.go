package store

import (
	"context"
	"testing"
	"time"
)

func TestRecordAlert(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		got, err := s.LastAlerts(ctx)
		if err != nil || len(got) != 0 {
			t.Fatalf("LastAlerts on an empty store = %v, %v; want none", got, err)
		}
		steps := []struct {
			name    string
			channel string
			at      time.Time
			want    time.Time // the channel's last alert afterwards
		}{
			{"first alert", "#alerts", t0, t0},
			{"later alert moves it on", "#alerts", t0.Add(time.Hour), t0.Add(time.Hour)},
			{"earlier alert (a replica's clock behind) is ignored", "#alerts", t0.Add(time.Minute), t0.Add(time.Hour)},
			{"other channel", "#ops", t0.Add(2 * time.Minute), t0.Add(2 * time.Minute)},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				if err := s.RecordAlert(ctx, st.channel, st.at); err != nil {
					t.Fatalf("RecordAlert: %v", err)
				}
				got, err := s.LastAlerts(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if !got[st.channel].Equal(st.want) {
					t.Errorf("last alert of %s = %v, want %v", st.channel, got[st.channel], st.want)
				}
			})
		}
		got, _ = s.LastAlerts(ctx)
		if len(got) != 2 {
			t.Errorf("LastAlerts = %v, want two channels", got)
		}
	})
}
