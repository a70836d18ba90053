package digest

import (
	"context"
	"errors"
	"net/http"

	"github.com/slack-go/slack"
)

// The error types ErrorType returns besides "ok_false:<code>"; a contract
// (the type label of newsbot_slack_errors_total).
const (
	ErrTypeRateLimited = "rate_limited" // 429, or a rate limit error
	ErrTypeServer      = "server_error" // 5xx
	ErrTypeClient      = "client_error" // another 4xx
	ErrTypeNetwork     = "network"      // no answer: connection, timeout, unreadable response
	ErrTypeCanceled    = "canceled"     // the context was cancelled (shutdown)
	ErrTypeInvalid     = "invalid"      // a message that cannot be sent (PermanentError)
)

// ErrorTypes are the error types other than "ok_false:<code>", for metrics
// that list every label from the start.
var ErrorTypes = []string{ErrTypeRateLimited, ErrTypeServer, ErrTypeClient, ErrTypeNetwork, ErrTypeCanceled, ErrTypeInvalid}

// ErrorType classifies an error of a Poster for metrics: one of
// ErrorTypes, or "ok_false:<code>" for an answer with ok:false, such as
// "ok_false:channel_not_found". It never includes the message itself,
// which may hold a URL.
func ErrorType(err error) string {
	var rl *slack.RateLimitedError
	var se slack.SlackErrorResponse
	var sc slack.StatusCodeError
	var pe *PermanentError
	switch {
	case errors.Is(err, context.Canceled):
		return ErrTypeCanceled
	case errors.As(err, &rl):
		return ErrTypeRateLimited
	case errors.As(err, &se):
		if se.Err == "ratelimited" || se.Err == "rate_limited" {
			return ErrTypeRateLimited
		}
		return "ok_false:" + okFalseCode(se.Err)
	case errors.As(err, &sc):
		switch {
		case sc.Code == http.StatusTooManyRequests:
			return ErrTypeRateLimited
		case sc.Code >= 500:
			return ErrTypeServer
		}
		return ErrTypeClient
	case errors.As(err, &pe):
		return ErrTypeInvalid
	}
	return ErrTypeNetwork
}

// okFalseCode keeps an ok:false code to a label-safe, bounded form: Slack's
// codes are short snake_case words; anything else is "other".
func okFalseCode(code string) string {
	if code == "" || len(code) > 64 {
		return "other"
	}
	for _, r := range code {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return "other"
		}
	}
	return code
}
