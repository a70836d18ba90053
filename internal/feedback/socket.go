package feedback

import (
	"context"
	"errors"
	"io"
	"log"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// Socket receives clicks over Slack's Socket Mode: it opens a WebSocket with
// apps.connections.open and the app-level token (xapp-…, with the
// connections:write scope), acknowledges every interactive envelope at once,
// and hands block_actions payloads to its Recorder. slack-go's socketmode
// client reconnects when the connection drops, backing off while Slack is
// unreachable; when it gives up (an invalid token, for instance), Run starts
// it again after a back-off that doubles up to MaxBackoff. Create it with
// NewSocket; Connected reports the state for /readyz and a metric.
type Socket struct {
	appToken string
	apiURL   string
	client   *http.Client
	recorder *Recorder
	log      *slog.Logger
	opts     []socketmode.Option

	// MinBackoff and MaxBackoff bound the wait before the client is started
	// again after it gave up (defaults 1s and 5m).
	MinBackoff, MaxBackoff time.Duration

	connected atomic.Bool
	connects  atomic.Int64
}

// NewSocket returns a Socket that connects with appToken to Slack's Web API
// at apiURL (empty for Slack's own; it must end with "/"), records clicks
// with rec and logs connection changes and failures to log. opts tune the
// socketmode client (tests shorten its ping interval).
func NewSocket(appToken, apiURL string, client *http.Client, rec *Recorder, log *slog.Logger, opts ...socketmode.Option) *Socket {
	return &Socket{appToken: appToken, apiURL: apiURL, client: client, recorder: rec, log: log, opts: opts,
		MinBackoff: time.Second, MaxBackoff: 5 * time.Minute}
}

// Connected reports whether the WebSocket is connected now.
func (s *Socket) Connected() bool { return s.connected.Load() }

// Connects returns how many times the WebSocket connected so far.
func (s *Socket) Connects() int64 { return s.connects.Load() }

// Run keeps the connection until ctx is cancelled, then closes it, waits
// for its goroutines and returns nil.
func (s *Socket) Run(ctx context.Context) error {
	wait := s.MinBackoff
	for {
		started := time.Now()
		err := s.runOnce(ctx)
		s.connected.Store(false)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(started) > s.MaxBackoff {
			wait = s.MinBackoff // it ran for a good while: start afresh
		}
		s.log.Warn("slack socket mode stopped; starting again", "after", wait, "error", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		wait = min(2*wait, s.MaxBackoff)
	}
}

// runOnce runs one socketmode client until it gives up or ctx is done.
func (s *Socket) runOnce(ctx context.Context) error {
	opts := []slack.Option{slack.OptionAppLevelToken(s.appToken)}
	if s.client != nil {
		opts = append(opts, slack.OptionHTTPClient(s.client))
	}
	if s.apiURL != "" {
		opts = append(opts, slack.OptionAPIURL(s.apiURL))
	}
	// slack-go's own messages are dropped: event logs what matters.
	smOpts := append([]socketmode.Option{socketmode.OptionLog(log.New(io.Discard, "", 0))}, s.opts...)
	smc := socketmode.New(slack.New("", opts...), smOpts...)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- smc.RunContext(ctx) }()
	for {
		select {
		case err := <-done:
			return err
		case ev := <-smc.Events:
			s.event(ctx, smc, ev)
		}
	}
}

// event handles one event of the socketmode client.
func (s *Socket) event(ctx context.Context, smc *socketmode.Client, ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeConnected:
		s.connected.Store(true)
		s.connects.Add(1)
		s.log.Info("slack socket mode connected")
	case socketmode.EventTypeConnecting:
		s.connected.Store(false)
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
		s.connected.Store(false)
		if e, ok := ev.Data.(*slack.ConnectionErrorEvent); ok {
			s.log.Warn("slack socket mode cannot connect", "attempt", e.Attempt, "retry_in", e.Backoff, "error", e.ErrorObj)
		} else {
			s.log.Error("slack socket mode: the app-level token was refused")
		}
	case socketmode.EventTypeDisconnect:
		s.connected.Store(false)
	case socketmode.EventTypeInteractive:
		if ev.Request == nil {
			return
		}
		// Acknowledge first: Slack waits three seconds at most.
		if err := smc.AckCtx(ctx, ev.Request.EnvelopeID, nil); err != nil {
			s.log.Warn("slack socket mode: ack failed", "error", err)
		}
		cb, ok := ev.Data.(slack.InteractionCallback)
		if !ok {
			return
		}
		rctx, cancel := context.WithTimeout(ctx, recordTimeout)
		defer cancel()
		if _, err := s.recorder.Handle(rctx, &cb); err != nil && !errors.Is(err, ErrNotFeedback) {
			s.log.Error("feedback not recorded", "user", cb.User.ID, "error", err)
		}
	}
}
