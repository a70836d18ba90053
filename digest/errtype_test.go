package digest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func TestErrorType(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"429 with Retry-After", fmt.Errorf("slack: chat.postMessage: %w", &slack.RateLimitedError{RetryAfter: time.Second}), "rate_limited"},
		{"429 status", slack.StatusCodeError{Code: 429, Status: "429"}, "rate_limited"},
		{"ok:false ratelimited", slack.SlackErrorResponse{Err: "ratelimited"}, "rate_limited"},
		{"503", fmt.Errorf("slack: webhook: %w", slack.StatusCodeError{Code: 503, Status: "503"}), "server_error"},
		{"404", slack.StatusCodeError{Code: 404, Status: "404"}, "client_error"},
		{"ok:false code", fmt.Errorf("x: %w", slack.SlackErrorResponse{Err: "channel_not_found"}), "ok_false:channel_not_found"},
		{"ok:false odd code", slack.SlackErrorResponse{Err: "https://hooks.example.org/secret"}, "ok_false:other"},
		{"network", &url.Error{Op: "Post", URL: "<secret>", Err: errors.New("connection refused")}, "network"},
		{"cancelled", fmt.Errorf("post: %w", context.Canceled), "canceled"},
		{"permanent", &PermanentError{Err: errors.New("cannot encode")}, "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorType(tt.err); got != tt.want {
				t.Errorf("ErrorType = %q, want %q", got, tt.want)
			}
		})
	}
}
