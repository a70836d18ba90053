package feedback

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/digest"
	"github.com/newsbot/newsbot/internal/slackstub"
)

// runSocket runs a Socket against stub until the test ends.
func runSocket(t *testing.T, stub *slackstub.Server, token string, rec *Recorder) *Socket {
	t.Helper()
	s := NewSocket(token, stub.URL(), stub.Client(), rec, quietLog())
	s.MinBackoff = 10 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := s.Run(ctx); err != nil {
			t.Errorf("Run = %v", err)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
	return s
}

// eventually waits for cond, failing the test when ctx ends first.
func eventually(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func TestSocketRecordsClicksAndReconnects(t *testing.T) {
	st := openStore(t)
	stub := slackstub.New(t)
	c := &counter{}
	rec := &Recorder{Store: st, OnRecorded: c.inc}
	defer rec.Close()
	s := runSocket(t, stub, stub.AppToken(), rec)
	ctx := ctxT(t)
	eventually(ctx, t, "the socket to connect", s.Connected)

	click := slackstub.BlockActions(slackstub.Click{UserID: "U1", ChannelID: "C1", ActionID: digest.FeedbackActionID,
		Value: value(digest.ActionMute, itemA), ActionTS: "1.1", ResponseURL: stub.ResponseURL("sock-1")})
	// The click, and Slack redelivering it in a new envelope.
	for i := range 2 {
		id, err := stub.SendInteractive(ctx, click)
		if err != nil {
			t.Fatal(err)
		}
		if err := stub.WaitAck(ctx, id); err != nil {
			t.Fatalf("envelope %d: %v", i, err)
		}
	}
	if err := stub.WaitAnswers(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if got := rows(t, st); len(got) != 1 || got[0].Action != digest.ActionMute || got[0].ItemID != itemA {
		t.Fatalf("rows = %+v, want the mute once", got)
	}
	if a := stub.Answers()[0]; a.ResponseType != "ephemeral" || a.ReplaceOriginal == nil || *a.ReplaceOriginal || !strings.Contains(a.Text, "muted") {
		t.Errorf("answer %+v", a)
	}

	// The network drops the socket: the client reconnects and goes on.
	stub.DropSockets()
	eventually(ctx, t, "a second connection", func() bool {
		opened, open := stub.SocketConnections()
		return opened >= 2 && open == 1 && s.Connected()
	})
	id, err := stub.SendInteractive(ctx, slackstub.BlockActions(slackstub.Click{UserID: "U2", ChannelID: "C1",
		ActionID: digest.FeedbackActionID, Value: value(digest.ActionRelevant, itemB), ActionTS: "1.2"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := stub.WaitAck(ctx, id); err != nil {
		t.Fatal(err)
	}
	eventually(ctx, t, "the second click recorded", func() bool { return len(rows(t, st)) == 2 })
	if s.Connects() < 2 || c.get("TECH/mute") != 1 || c.get("TECH/relevant") != 1 {
		t.Errorf("connects %d, counts %v", s.Connects(), c.n)
	}
}

func TestSocketWithABadTokenStaysDisconnected(t *testing.T) {
	st := openStore(t)
	stub := slackstub.New(t)
	rec := &Recorder{Store: st}
	defer rec.Close()
	s := runSocket(t, stub, "xapp-1-wrong", rec)
	ctx := ctxT(t)
	// It keeps trying (with back-off) and never connects.
	eventually(ctx, t, "several attempts", func() bool { return stub.ConnectionsOpenCalls() >= 2 })
	if s.Connected() || s.Connects() != 0 {
		t.Error("connected with a wrong token")
	}
}
