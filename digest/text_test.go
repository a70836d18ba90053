package digest

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestWriteText(t *testing.T) {
	entries := []Entry{
		{Profile: "TRUST", Channel: "#defence", ItemID: "a", Title: "India, US sign TRUST pact", Link: "https://a.test/1", Feed: "A", Score: 2, Published: hoursAgo(2), Matched: []string{"TRUST"}},
		{Profile: "TRUST", Channel: "#defence", ItemID: "b", Title: "India US sign TRUST pact", Link: "https://b.test/1", Feed: "B", Score: 1, Published: hoursAgo(1)},
		{Profile: "TRUST", Channel: "#defence", ItemID: "c", Title: "Evil \x1b[2J title\nsplit", Feed: "C", Score: 0.5},
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, Build(entries, testOptions()), testOptions()); err != nil {
		t.Fatal(err)
	}
	want := `TRUST — Mon 2 Mar 2026 — #defence (2 stories)
India–US TRUST initiative & critical tech
  1. India, US sign TRUST pact
     A · 2h ago · matched: TRUST · also: B
     https://a.test/1
  2. Evil [2J title split
     C
`
	if got := buf.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteTextReportsWriteErrors(t *testing.T) {
	ds := Build([]Entry{{Profile: "p", ItemID: "1", Title: "t"}}, testOptions())
	err := WriteText(failingWriter{}, ds, testOptions())
	if err == nil || !strings.HasPrefix(err.Error(), "digest: ") {
		t.Errorf("got %v, want a digest: error", err)
	}
}
