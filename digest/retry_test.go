package digest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func TestRetry(t *testing.T) {
	netErr := &url.Error{Op: "Post", URL: "https://slack.test/api/chat.postMessage", Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}
	tests := []struct {
		name    string
		err     error
		attempt int
		wait    time.Duration
		retry   bool
	}{
		{"nil", nil, 1, 0, false},
		{"429 honours Retry-After", &slack.RateLimitedError{RetryAfter: 7 * time.Second}, 1, 7 * time.Second, true},
		{"429 wrapped", fmt.Errorf("slack: %w", &slack.RateLimitedError{RetryAfter: 30 * time.Second}), 4, 30 * time.Second, true},
		{"429 Retry-After 0 waits a second", &slack.RateLimitedError{}, 1, MinRateLimitWait, true},
		{"429 Retry-After too long gives up", &slack.RateLimitedError{RetryAfter: time.Hour}, 1, 0, false},
		{"429 without Retry-After backs off", slack.StatusCodeError{Code: 429}, 2, 2 * PostBackoffBase, true},
		{"500 first attempt", slack.StatusCodeError{Code: 500}, 1, PostBackoffBase, true},
		{"503 third attempt", slack.StatusCodeError{Code: 503}, 3, 4 * PostBackoffBase, true},
		{"502 capped", slack.StatusCodeError{Code: 502}, 30, PostBackoffCap, true},
		{"network error", netErr, 2, 2 * PostBackoffBase, true},
		{"timeout", fmt.Errorf("post: %w", context.DeadlineExceeded), 1, PostBackoffBase, true},
		{"cancelled", fmt.Errorf("post: %w", context.Canceled), 1, 0, false},
		{"400", slack.StatusCodeError{Code: 400}, 1, 0, false},
		{"404 webhook", slack.StatusCodeError{Code: 404}, 1, 0, false},
		{"channel_not_found", slack.SlackErrorResponse{Err: "channel_not_found"}, 1, 0, false},
		{"not_in_channel", slack.SlackErrorResponse{Err: "not_in_channel"}, 1, 0, false},
		{"invalid_auth", fmt.Errorf("slack: %w", slack.SlackErrorResponse{Err: "invalid_auth"}), 1, 0, false},
		{"invalid_blocks", slack.SlackErrorResponse{Err: "invalid_blocks"}, 1, 0, false},
		{"ok:false internal_error is transient", slack.SlackErrorResponse{Err: "internal_error"}, 1, PostBackoffBase, true},
		{"ok:false ratelimited is transient", slack.SlackErrorResponse{Err: "ratelimited"}, 2, 2 * PostBackoffBase, true},
		{"permanent", &PermanentError{Err: errors.New("cannot encode")}, 1, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wait, retry := Retry(tt.err, tt.attempt)
			if wait != tt.wait || retry != tt.retry {
				t.Errorf("Retry(%v, %d) = %v, %v; want %v, %v", tt.err, tt.attempt, wait, retry, tt.wait, tt.retry)
			}
		})
	}
}

func TestUnavailable(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		after time.Duration
		down  bool
	}{
		{"nil", nil, 0, false},
		{"429 with a long Retry-After", fmt.Errorf("deliver: %w", &slack.RateLimitedError{RetryAfter: time.Hour}), time.Hour, true},
		{"429 with a short Retry-After", &slack.RateLimitedError{RetryAfter: 7 * time.Second}, 7 * time.Second, true},
		{"429 without Retry-After", slack.StatusCodeError{Code: 429}, 0, true},
		{"500", slack.StatusCodeError{Code: 500}, 0, true},
		{"network error", &url.Error{Op: "Post", URL: "https://slack.test/api/x", Err: errors.New("connection refused")}, 0, true},
		{"ok:false ratelimited", slack.SlackErrorResponse{Err: "ratelimited"}, 0, true},
		{"channel_not_found", slack.SlackErrorResponse{Err: "channel_not_found"}, 0, false},
		{"invalid_blocks", slack.SlackErrorResponse{Err: "invalid_blocks"}, 0, false},
		{"404", slack.StatusCodeError{Code: 404}, 0, false},
		{"cancelled", context.Canceled, 0, false},
		{"permanent", &PermanentError{Err: errors.New("cannot encode")}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			after, down := Unavailable(tt.err)
			if after != tt.after || down != tt.down {
				t.Errorf("Unavailable(%v) = %v, %v; want %v, %v", tt.err, after, down, tt.after, tt.down)
			}
		})
	}
}
