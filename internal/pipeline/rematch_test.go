package pipeline

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/newsbot/newsbot/config"
	"github.com/newsbot/newsbot/matcher"
)

// compileProfiles compiles a profile file written for the test.
func compileProfiles(t *testing.T, yaml string) *matcher.Matcher {
	t.Helper()
	path := filepath.Join(t.TempDir(), "profiles.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	specs, err := config.ReadProfiles(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := matcher.Compile(specs)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRematchFindsTermsDeepInStoredText polls a WordPress feed whose article
// is only in content:encoded, then adds a profile whose terms occur only
// thousands of characters into the article: backfill must find them in the
// text the store kept.
func TestRematchFindsTermsDeepInStoredText(t *testing.T) {
	ctx := context.Background()
	body, err := os.ReadFile("../../feeds/testdata/wordpress.xml")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(body)
	}))
	defer srv.Close()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	p := newTestPipeline(t, &now, srv.URL)
	none := compileProfiles(t, "profiles:\n  - name: other\n    rules:\n      - any: [submarine]\n")
	p.Matcher = func() *matcher.Matcher { return none }
	stats, err := p.Poll(ctx, PollOptions{})
	if err != nil || stats.NewItems != 1 || stats.Matches != 0 {
		t.Fatalf("poll: %+v, %v; want 1 new item and no match", stats, err)
	}

	deep := compileProfiles(t, `profiles:
  - name: hypersonic
    rules:
      - any: [hypersonic testing]
        near: [[Defence Research and Development Organisation]]
        within: 12
`)
	p.Matcher = func() *matcher.Matcher { return deep }
	rs, err := p.Rematch(ctx, now.AddDate(0, 0, -7), now, nil)
	if err != nil || rs.Items != 1 || rs.Matches != 1 {
		t.Fatalf("rematch: %+v, %v; want the item matched on its stored text", rs, err)
	}
	pending, err := p.Store.Pending(ctx)
	if err != nil || len(pending) != 1 || pending[0].Profile != "hypersonic" {
		t.Fatalf("pending = %+v, %v", pending, err)
	}
}
