package digest

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestWriteJSON(t *testing.T) {
	entries := []Entry{
		{Profile: "TRUST", Channel: "C1", ItemID: "a", Title: "India, US sign TRUST pact", Link: "https://a.test/1", Feed: "A", Score: 2, Published: hoursAgo(2), Matched: []string{"TRUST"}},
		{Profile: "TRUST", Channel: "C1", ItemID: "b", Title: "India US sign TRUST pact", Link: "https://b.test/1", Feed: "B", Score: 1, Published: hoursAgo(1)},
		{Profile: "TRUST", Channel: "C1", ItemID: "c", Title: "<b>Alone</b> & unmatched", Feed: "C", Score: 0.5},
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, Build(entries, testOptions())); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want one per story (2):\n%s", len(lines), buf.String())
	}

	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range first {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := []string{"also", "channel", "duplicates", "feed", "item_ids", "link", "matched", "profile", "published", "score", "source", "title"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("fields = %v, want %v", keys, want)
	}
	if first["published"] != "2026-03-02T01:30:00Z" || first["link"] != "https://a.test/1" ||
		!reflect.DeepEqual(first["duplicates"], []any{"https://b.test/1"}) ||
		!reflect.DeepEqual(first["item_ids"], []any{"a", "b"}) || first["score"] != 2.0 || first["source"] != "A" {
		t.Errorf("first story = %v", first)
	}

	// The lone story: empty lists are [] (never null), unknown dates null,
	// and HTML stays unescaped.
	for _, want := range []string{`"duplicates":[]`, `"also":[]`, `"matched":[]`, `"published":null`, `"title":"<b>Alone</b> & unmatched"`} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("line %s lacks %s", lines[1], want)
		}
	}
}
