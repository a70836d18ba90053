package feedback

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/internal/slackstub"
)

func TestClicks(t *testing.T) {
	click := func(actionID, v string) slackstub.Click {
		return slackstub.Click{UserID: "U1", ChannelID: "C1", ActionID: actionID, Value: v, ActionTS: "1.2"}
	}
	tests := []struct {
		name    string
		payload json.RawMessage
		want    *Click
		err     error
	}{
		{"not relevant", slackstub.BlockActions(click(digest.FeedbackActionID, value(digest.ActionNotRelevant, itemA))),
			&Click{Action: digest.ActionNotRelevant, ProfileKey: "TECH", ItemID: itemA, UserID: "U1", Channel: "C1", ActionTS: "1.2"}, nil},
		{"mute", slackstub.BlockActions(click(digest.FeedbackActionID, value(digest.ActionMute, itemB))),
			&Click{Action: digest.ActionMute, ProfileKey: "TECH", ItemID: itemB, UserID: "U1", Channel: "C1", ActionTS: "1.2"}, nil},
		{"another app's action", slackstub.BlockActions(click("other", "x")), nil, ErrNotFeedback},
		{"bad value", slackstub.BlockActions(click(digest.FeedbackActionID, "z|1|P")), nil, digest.ErrBadFeedbackValue},
		{"view submission", json.RawMessage(`{"type":"view_submission","user":{"id":"U1"}}`), nil, ErrNotFeedback},
		{"no user", json.RawMessage(`{"type":"block_actions","actions":[{"type":"overflow","block_id":"b","action_id":"newsbot-feedback","selected_option":{"value":"n|i|P"}}]}`), nil, errors.New("without a user")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cb slack.InteractionCallback
			if err := json.Unmarshal(tt.payload, &cb); err != nil {
				t.Fatal(err)
			}
			got, err := Clicks(&cb)
			if tt.err != nil {
				if err == nil || (!errors.Is(err, tt.err) && tt.err.Error() != "" && !strings.Contains(err.Error(), tt.err.Error())) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil || len(got) != 1 || got[0] != *tt.want {
				t.Fatalf("Clicks = %+v, %v; want %+v", got, err, *tt.want)
			}
		})
	}
}

func TestRecordRefusesUnknownEntries(t *testing.T) {
	st := openStore(t)
	c := &counter{}
	r := &Recorder{Store: st, OnRecorded: c.inc}
	ctx := ctxT(t)
	clicks := []Click{
		{Action: digest.ActionNotRelevant, ProfileKey: "TECH", ItemID: itemA, UserID: "U1"},
		{Action: digest.ActionNotRelevant, ProfileKey: "TRADE", ItemID: itemA, UserID: "U1"}, // no such match
		{Action: digest.ActionNotRelevant, ProfileKey: "TECH", ItemID: "nope", UserID: "U1"}, // no such item
		{Action: digest.ActionNotRelevant, ProfileKey: "TECH", ItemID: itemA, UserID: "U1"},  // a repeat
		{Action: digest.ActionMute, ProfileKey: digest.ProfileKey("TECH"), ItemID: itemB, UserID: "U2"},
	}
	res, err := r.Record(ctx, clicks)
	if !errors.Is(err, ErrUnknownEntry) {
		t.Fatalf("err = %v, want ErrUnknownEntry", err)
	}
	if len(res) != 3 || !res[0].Fresh || res[1].Fresh || !res[2].Fresh {
		t.Fatalf("results = %+v", res)
	}
	if n := len(rows(t, st)); n != 2 {
		t.Errorf("%d rows, want 2", n)
	}
	if c.get("TECH/not_relevant") != 1 || c.get("TECH/mute") != 1 {
		t.Errorf("OnRecorded counts = %v", c.n)
	}
}
