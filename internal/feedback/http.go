package feedback

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// InteractionsPath is where `newsbot run` serves Slack's request URL for
// interactivity.
const InteractionsPath = "/slack/interactions"

// DefaultMaxBody caps the body of an interaction request. Slack's
// block_actions payloads carry the whole message they came from, up to 50
// blocks; 1 MiB holds the largest with room to spare.
const DefaultMaxBody = 1 << 20

// MaxAge is how far a request's timestamp may be from the clock: older (or
// newer) requests are refused, as slack.NewSecretsVerifier also does.
const MaxAge = 5 * time.Minute

// recordTimeout bounds the store write of one request, well within the three
// seconds Slack waits for an answer.
const recordTimeout = 2 * time.Second

// Handler serves Slack's interactivity request URL: it verifies each
// request's signature (Slack's v0 scheme, with slack.NewSecretsVerifier and
// the app's signing secret), refuses with 401 requests that are badly
// signed, older than MaxAge or replayed, with 413 bodies larger than MaxBody
// and with 400 payloads that do not parse, and logs each refusal without the
// body. A verified block_actions payload is recorded by Recorder and
// acknowledged with 200 at once; the reader's answer follows in the
// background through the payload's response_url. Create it with NewHandler.
type Handler struct {
	secret   string
	recorder *Recorder
	log      *slog.Logger
	// MaxBody caps request bodies (default DefaultMaxBody).
	MaxBody int64
	// Now is the clock of the age check (default time.Now).
	Now func() time.Time

	mu   sync.Mutex
	seen map[string]time.Time // signatures verified, until they expire
}

// NewHandler returns a Handler that verifies requests with signingSecret,
// records clicks with rec and logs refusals and failures to log.
func NewHandler(signingSecret string, rec *Recorder, log *slog.Logger) *Handler {
	return &Handler{secret: signingSecret, recorder: rec, log: log, seen: map[string]time.Time{}}
}

// refusal is why a request was refused, for the log; it never holds the
// body or the signature.
type refusal struct {
	status int
	reason string
	err    error
}

// ServeHTTP handles one interaction request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if ref := h.serve(w, r); ref != nil {
		attrs := []any{"status", ref.status, "reason", ref.reason, "remote", r.RemoteAddr,
			"length", r.ContentLength}
		if ref.err != nil {
			attrs = append(attrs, "error", ref.err)
		}
		h.log.Warn("slack interaction refused", attrs...)
		http.Error(w, http.StatusText(ref.status), ref.status)
	}
}

// serve handles a request and returns why it was refused, or nil when it
// answered it.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) *refusal {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return &refusal{status: http.StatusMethodNotAllowed, reason: "not a POST"}
	}
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	limit := h.MaxBody
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &refusal{status: http.StatusRequestEntityTooLarge, reason: fmt.Sprintf("body larger than %d bytes", limit)}
		}
		return &refusal{status: http.StatusBadRequest, reason: "body unreadable", err: err}
	}

	// The signature: timestamp within MaxAge of our clock (and of the
	// verifier's), HMAC over "v0:timestamp:body", not seen before.
	ts, err := strconv.ParseInt(r.Header.Get("X-Slack-Request-Timestamp"), 10, 64)
	if err != nil {
		return &refusal{status: http.StatusUnauthorized, reason: "no valid request timestamp"}
	}
	if age := now().Sub(time.Unix(ts, 0)); age > MaxAge || age < -MaxAge {
		return &refusal{status: http.StatusUnauthorized, reason: "request timestamp too old or in the future"}
	}
	sv, err := slack.NewSecretsVerifier(r.Header, h.secret)
	if err != nil {
		return &refusal{status: http.StatusUnauthorized, reason: "signature not verifiable", err: err}
	}
	if _, err := sv.Write(body); err != nil {
		return &refusal{status: http.StatusUnauthorized, reason: "signature not verifiable", err: err}
	}
	if err := sv.Ensure(); err != nil {
		return &refusal{status: http.StatusUnauthorized, reason: "bad signature"}
	}
	if !h.firstTime(r.Header.Get("X-Slack-Signature"), time.Unix(ts, 0), now()) {
		return &refusal{status: http.StatusUnauthorized, reason: "replayed request"}
	}

	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("payload") == "" {
		return &refusal{status: http.StatusBadRequest, reason: "no payload form field"}
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		return &refusal{status: http.StatusBadRequest, reason: "payload is not valid JSON"}
	}
	clicks, err := Clicks(&cb)
	if errors.Is(err, ErrNotFeedback) {
		w.WriteHeader(http.StatusOK) // not ours: acknowledged, nothing to do
		return nil
	}
	if err != nil {
		return &refusal{status: http.StatusBadRequest, reason: "bad feedback payload", err: err}
	}
	ctx, cancel := context.WithTimeout(r.Context(), recordTimeout)
	defer cancel()
	results, err := h.recorder.Record(ctx, clicks)
	if err != nil {
		h.log.Error("feedback not recorded", "user", cb.User.ID, "error", err)
	}
	w.WriteHeader(http.StatusOK)
	h.recorder.Answer(cb.ResponseURL, results)
	return nil
}

// firstTime reports whether signature was not seen before, and remembers it
// until its timestamp ts is older than MaxAge, when the age check refuses a
// replay anyway.
func (h *Handler) firstTime(signature string, ts, now time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sig, exp := range h.seen {
		if now.After(exp) {
			delete(h.seen, sig)
		}
	}
	if _, ok := h.seen[signature]; ok {
		return false
	}
	h.seen[signature] = ts.Add(MaxAge + time.Minute)
	return true
}

// redact returns err with secret (such as a response URL) replaced.
func redact(err error, secret string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: "<secret>", Err: redact(ue.Err, secret)}
	}
	if secret != "" && strings.Contains(err.Error(), secret) {
		return errors.New(strings.ReplaceAll(err.Error(), secret, "<secret>"))
	}
	return err
}
