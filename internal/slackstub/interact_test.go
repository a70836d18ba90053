package slackstub_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/newsbot/newsbot/internal/slackstub"
)

func TestConnectionsOpen(t *testing.T) {
	s := slackstub.New(t)
	tests := []struct {
		name, token, wantErr string
	}{
		{"app token", s.AppToken(), ""},
		{"bot token", s.Token(), "not_allowed_token_type"},
		{"wrong app token", "xapp-1-wrong", "invalid_auth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := slack.New("", slack.OptionAppLevelToken(tt.token), slack.OptionAPIURL(s.URL()), slack.OptionHTTPClient(s.Client()))
			_, url, err := api.StartSocketModeContext(context.Background())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || !strings.HasPrefix(url, "ws://127.0.0.1:") {
				t.Fatalf("url %q, err %v; want a loopback WebSocket URL", url, err)
			}
		})
	}
	if n := s.ConnectionsOpenCalls(); n != 3 {
		t.Errorf("%d apps.connections.open calls counted, want 3", n)
	}
}

func TestSendInteractiveWithoutAClient(t *testing.T) {
	s := slackstub.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.SendInteractive(ctx, slackstub.BlockActions(slackstub.Click{UserID: "U1"})); err == nil {
		t.Fatal("sent an envelope with no client connected")
	}
}

func TestResponseURLRecordsAnswers(t *testing.T) {
	s := slackstub.New(t)
	err := slack.PostWebhookCustomHTTPContext(context.Background(), s.ResponseURL("r1"), http.DefaultClient,
		&slack.WebhookMessage{Text: "Noted", ResponseType: slack.ResponseTypeEphemeral})
	if err != nil {
		t.Fatal(err)
	}
	a := s.Answers()
	if len(a) != 1 || a[0].Name != "r1" || a[0].Text != "Noted" || a[0].ResponseType != "ephemeral" ||
		a[0].ReplaceOriginal == nil || *a[0].ReplaceOriginal {
		t.Fatalf("answers %+v", a)
	}
}

func TestSignMatchesSlacksVerifier(t *testing.T) {
	body := slackstub.InteractionBody(slackstub.BlockActions(slackstub.Click{UserID: "U1"}))
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/", nil)
	slackstub.Sign(req, body, "secret", time.Now())
	sv, err := slack.NewSecretsVerifier(req.Header, "secret")
	if err != nil {
		t.Fatal(err)
	}
	sv.Write(body)
	if err := sv.Ensure(); err != nil {
		t.Fatalf("slack-go rejects the stand-in's signature: %v", err)
	}
}
