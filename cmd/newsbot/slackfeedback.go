package main

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/internal/daemon"
	"github.com/newsbot/newsbot/internal/feedback"
)

// feedbackOn reports whether digests and alerts carry the feedback menu:
// they are posted with the bot token (webhooks cannot carry interactivity)
// and newsbot receives the clicks, by Socket Mode or the request URL.
func (a *app) feedbackOn() bool {
	s := a.cfg.Slack
	return s.Token.Value() != "" && (s.AppToken.Value() != "" || s.SigningSecret.Value() != "")
}

// feedbackReceiver is the running receipt of readers' clicks: the request
// URL's handler and the Socket Mode connection, as configured.
type feedbackReceiver struct {
	recorder *feedback.Recorder
	socket   *feedback.Socket
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// startFeedback wires the receipt of feedback clicks into d: a counter of
// recorded clicks by profile and action; with slack.signing_secret, the
// handler of POST /slack/interactions; with slack.app_token, a Socket Mode
// connection kept until Close, and a gauge of its state. The caller must
// Close the receiver after the daemon.
func (a *app) startFeedback(ctx context.Context, d *daemon.Daemon) (*feedbackReceiver, error) {
	events := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "newsbot_feedback_events_total",
		Help: "Readers' feedback clicks recorded for the first time, by profile and action (not_relevant, mute, relevant).",
	}, []string{"profile", "action"})
	if err := d.Registerer().Register(events); err != nil {
		return nil, err
	}
	// Every series from start-up: zeros for the profiles in force.
	for _, p := range a.matcher.Load().Profiles() {
		for _, action := range []string{digest.ActionNotRelevant, digest.ActionMute, digest.ActionRelevant} {
			events.WithLabelValues(p.Name, action)
		}
	}
	fr := &feedbackReceiver{recorder: &feedback.Recorder{
		Store:         a.store,
		Now:           a.now,
		Client:        &http.Client{Timeout: 10 * time.Second},
		OnRecorded:    func(profile, action string) { events.WithLabelValues(profile, action).Inc() },
		OnAnswerError: func(err error) { a.log.Warn("feedback answer not posted", "error", err) },
	}}
	ctx, fr.cancel = context.WithCancel(ctx)
	s := a.cfg.Slack
	if secret := s.SigningSecret.Value(); secret != "" {
		d.Handle("POST "+feedback.InteractionsPath, feedback.NewHandler(secret, fr.recorder, a.log))
	}
	if token := s.AppToken.Value(); token != "" {
		fr.socket = feedback.NewSocket(token, s.APIURL, &http.Client{Timeout: 30 * time.Second}, fr.recorder, a.log)
		connected := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "newsbot_slack_socket_connected",
			Help: "1 while the Slack Socket Mode connection for feedback clicks is up, else 0.",
		}, func() float64 {
			if fr.socket.Connected() {
				return 1
			}
			return 0
		})
		if err := d.Registerer().Register(connected); err != nil {
			fr.cancel()
			return nil, err
		}
		fr.wg.Go(func() { _ = fr.socket.Run(ctx) })
	}
	return fr, nil
}

// ready wraps the daemon's readiness: with Socket Mode configured, newsbot
// is ready only while the connection is up.
func (fr *feedbackReceiver) ready(next func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		if fr.socket != nil && !fr.socket.Connected() {
			return errors.New("slack socket mode not connected")
		}
		return next(ctx)
	}
}

// Close stops the Socket Mode connection and waits for it and for the
// answers in flight. Call it after the daemon's Close, when no request is
// served any more.
func (fr *feedbackReceiver) Close() {
	fr.cancel()
	fr.wg.Wait()
	fr.recorder.Close()
}
