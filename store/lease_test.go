package store

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"sync"
	"testing"
	"time"
)

// claimURLs returns the URLs of states.
func claimURLs(states []FeedState) []string {
	out := []string{}
	for _, st := range states {
		out = append(out, st.URL)
	}
	return out
}

// lease returns the lease of the feed at url as stored.
func lease(t *testing.T, s *Store, url string) (owner string, until time.Time) {
	t.Helper()
	var ms *int64
	err := s.r.QueryRowContext(context.Background(),
		`SELECT lease_owner, lease_until FROM feed_states WHERE url = $1`, url).Scan(&owner, &ms)
	if err != nil {
		t.Fatal(err)
	}
	if ms != nil {
		until = fromMillis(*ms)
	}
	return owner, until
}

func TestClaimFeeds(t *testing.T) {
	const me, other = "me", "other"
	const ttl = 10 * time.Minute
	saved := FeedState{URL: "u", Name: "Feed", ETag: `"e"`, LastSuccess: t0.Add(-time.Hour), NextPoll: t0}
	claim := func(t *testing.T, s *Store, owner string, at time.Time) {
		t.Helper()
		if _, err := s.ClaimFeeds(context.Background(), []string{"u"}, owner, at, at, ttl); err != nil {
			t.Fatal(err)
		}
	}
	save := func(t *testing.T, s *Store, st FeedState) {
		t.Helper()
		if err := s.SaveFeedState(context.Background(), st); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		prepare func(t *testing.T, s *Store)
		want    bool // whether me claims u at t0
	}{
		{"never seen", func(*testing.T, *Store) {}, true},
		{"due", func(t *testing.T, s *Store) { save(t, s, saved) }, true},
		{"never polled", func(t *testing.T, s *Store) { save(t, s, FeedState{URL: "u"}) }, true},
		{"not due yet", func(t *testing.T, s *Store) {
			st := saved
			st.NextPoll = t0.Add(time.Millisecond)
			save(t, s, st)
		}, false},
		{"leased by another", func(t *testing.T, s *Store) { claim(t, s, other, t0.Add(-ttl+time.Millisecond)) }, false},
		{"lease of another ran out", func(t *testing.T, s *Store) { claim(t, s, other, t0.Add(-ttl)) }, true},
		{"leased by me already", func(t *testing.T, s *Store) { claim(t, s, me, t0.Add(-time.Minute)) }, true},
		{"lease ended by SaveFeedState", func(t *testing.T, s *Store) {
			claim(t, s, other, t0.Add(-time.Minute))
			save(t, s, saved)
		}, true},
	}
	forEachBackend(t, func(t *testing.T, b backend) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				s := b.open(t)
				tt.prepare(t, s)
				prevOwner, prevUntil := "", time.Time{}
				if st, _ := s.FeedStates(ctx); len(st) > 0 {
					prevOwner, prevUntil = lease(t, s, "u")
				}
				got, err := s.ClaimFeeds(ctx, []string{"u", "u"}, me, t0, t0, ttl)
				if err != nil {
					t.Fatalf("ClaimFeeds: %v", err)
				}
				owner, until := lease(t, s, "u")
				if !tt.want {
					if len(got) != 0 {
						t.Errorf("ClaimFeeds = %v, want nothing claimed", claimURLs(got))
					}
					if owner != prevOwner || !until.Equal(prevUntil) {
						t.Errorf("lease = (%q, %v), want it unchanged (%q, %v)", owner, until, prevOwner, prevUntil)
					}
					return
				}
				if !reflect.DeepEqual(claimURLs(got), []string{"u"}) {
					t.Fatalf("ClaimFeeds = %v, want [u]", claimURLs(got))
				}
				if owner != me || !until.Equal(t0.Add(ttl)) {
					t.Errorf("lease = (%q, %v), want (%q, %v)", owner, until, me, t0.Add(ttl))
				}
				want, err := s.FeedState(ctx, "u")
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got[0], want) {
					t.Errorf("claimed state = %+v, want the stored one %+v", got[0], want)
				}
			})
		}
	})
}

func TestClaimFeedsRejects(t *testing.T) {
	tests := []struct {
		name  string
		urls  []string
		owner string
		lease time.Duration
	}{
		{"empty owner", []string{"u"}, "", time.Minute},
		{"zero lease", []string{"u"}, "me", 0},
		{"empty URL", []string{"u", ""}, "me", time.Minute},
	}
	s := openTest(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ClaimFeeds(context.Background(), tt.urls, tt.owner, t0, t0, tt.lease)
			if err == nil {
				t.Errorf("ClaimFeeds = %v, want an error", claimURLs(got))
			}
		})
	}
	if st, err := s.FeedStates(context.Background()); err != nil || len(st) != 0 {
		t.Errorf("FeedStates = %v, %v after rejected claims, want none", st, err)
	}
}

// TestClaimFeedsLeaseExpiry checks that the feeds of an owner that stops
// (dies) mid-cycle pass to another when its lease runs out, and only then.
func TestClaimFeedsLeaseExpiry(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		loc := b.newDB(t)
		dead, live := openAt(t, loc), openAt(t, loc)
		urls := []string{"a", "b", "c"}
		const ttl = 5 * time.Minute
		got, err := dead.ClaimFeeds(ctx, urls, "dead", t0, t0, ttl)
		if err != nil || len(got) != 3 {
			t.Fatalf("ClaimFeeds = %v, %v; want all three", claimURLs(got), err)
		}
		// "dead" polls a and stops.
		if err := dead.SaveFeedState(ctx, FeedState{URL: "a", NextPoll: t0.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			at   time.Time
			want []string
		}{
			{t0.Add(time.Minute - time.Millisecond), []string{}},
			{t0.Add(time.Minute), []string{"a"}},
			{t0.Add(ttl - time.Millisecond), []string{"a"}},
			{t0.Add(ttl), []string{"a", "b", "c"}},
		}
		for _, st := range steps {
			got, err := live.ClaimFeeds(ctx, urls, "live", st.at, st.at, ttl)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(claimURLs(got), st.want) {
				t.Errorf("at t0+%v: ClaimFeeds = %v, want %v", st.at.Sub(t0), claimURLs(got), st.want)
			}
		}
		if got, err := dead.ClaimFeeds(ctx, urls, "dead", t0.Add(ttl), t0.Add(ttl), ttl); err != nil || len(got) != 0 {
			t.Errorf("the first owner, back: ClaimFeeds = %v, %v; want nothing", claimURLs(got), err)
		}
	})
}

// TestClaimFeedsConcurrently has replicas (Stores with pools of their own)
// claim the same 300 feeds at once, over and over: each feed must be claimed
// by exactly one of them per round.
func TestClaimFeedsConcurrently(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		loc := b.newDB(t)
		const (
			replicas = 3
			claimers = 4 // goroutines per replica
			feeds    = 300
			chunk    = 20
			chunks   = feeds / chunk
			ttl      = time.Hour
		)
		ss := make([]*Store, replicas)
		for i := range ss {
			ss[i] = openAt(t, loc)
		}
		urls := make([]string, feeds)
		for i := range urls {
			urls[i] = fmt.Sprintf("https://example.com/feed/%03d", i)
		}
		// Round 0 creates the feeds as well; in round 1 they exist and the
		// leases of round 0 ran out.
		for round := range 2 {
			now := t0.Add(time.Duration(round) * ttl)
			var (
				wg      sync.WaitGroup
				mu      sync.Mutex
				start   = make(chan struct{})
				claimed = map[string][]string{}
			)
			for r, s := range ss {
				for c := range claimers {
					owner := fmt.Sprintf("replica-%d-%d", r, c)
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						// Claim the feeds a few at a time, each claimer
						// starting at another chunk, so that the claims
						// overlap as much as possible.
						for i := range chunks {
							k := (i + (r*claimers+c)*chunks/(replicas*claimers)) % chunks
							got, err := s.ClaimFeeds(ctx, urls[k*chunk:(k+1)*chunk], owner, now, now, ttl)
							if err != nil {
								t.Errorf("%s: ClaimFeeds: %v", owner, err)
								return
							}
							mu.Lock()
							for _, st := range got {
								claimed[st.URL] = append(claimed[st.URL], owner)
							}
							mu.Unlock()
						}
					}()
				}
			}
			close(start)
			wg.Wait()
			if len(claimed) != feeds {
				t.Errorf("round %d: %d feeds claimed, want %d", round, len(claimed), feeds)
			}
			for u, owners := range claimed {
				if len(owners) != 1 {
					t.Errorf("round %d: %s claimed by %v, want one owner", round, u, owners)
				}
			}
			perOwner := map[string]int{}
			for _, owners := range claimed {
				perOwner[owners[0]]++
			}
			t.Logf("round %d: feeds per owner: %v", round, perOwner)
		}
	})
}

func TestClaimFeedsTakesOverADeadLocalOwner(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := b.open(t)
		// A process of this host that has exited: its PID no longer runs.
		cmd := exec.Command("true")
		if err := cmd.Run(); err != nil {
			t.Skip("cannot run a process to let die:", err)
		}
		host, _ := os.Hostname()
		dead := fmt.Sprintf("%s/%d/x", host, cmd.Process.Pid)
		alive := fmt.Sprintf("%s/%d/y", host, os.Getpid())
		urls := []string{"https://a.example/", "https://b.example/"}
		if got, err := s.ClaimFeeds(ctx, urls[:1], dead, t0, t0, time.Hour); err != nil || len(got) != 1 {
			t.Fatalf("claim by the soon-dead owner: %v, %v", got, err)
		}
		if got, err := s.ClaimFeeds(ctx, urls[1:], "otherhost/1/z", t0, t0, time.Hour); err != nil || len(got) != 1 {
			t.Fatalf("claim by a remote owner: %v, %v", got, err)
		}
		got, err := s.ClaimFeeds(ctx, urls, alive, t0.Add(time.Minute), t0.Add(time.Minute), time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].URL != urls[0] {
			t.Errorf("claimed %v: want only the dead local owner's feed; a remote owner's lease must run out", got)
		}
	})
}
