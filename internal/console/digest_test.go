package console

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

func TestDigestPage(t *testing.T) {
	s := seed(t)
	srv := serve(t, s.opts)
	status, body := get(t, srv, "/digest")
	if status != http.StatusOK || !strings.Contains(body, `<iframe class="preview" src="/digest/preview"`) {
		t.Fatalf("GET /digest = %d\n%s", status, body)
	}
	status, body = get(t, srv, "/digest/preview")
	if status != http.StatusOK {
		t.Fatalf("GET /digest/preview = %d", status)
	}
	// The preview is the digest package's page, built from what is pending.
	for _, w := range []string{"#trade", "#defence", "India–US tariffs and trade talks"} {
		if !strings.Contains(body, w) {
			t.Errorf("preview lacks %q", w)
		}
	}
	// Building it marks nothing delivered.
	before, _ := s.store.Pending(context.Background())
	get(t, srv, "/digest/preview")
	after, _ := s.store.Pending(context.Background())
	if len(before) == 0 || len(before) != len(after) {
		t.Errorf("pending %d before the preview, %d after", len(before), len(after))
	}

	s.opts.Digest = nil
	srv = serve(t, s.opts)
	if status, _ := get(t, srv, "/digest/preview"); status != http.StatusNotFound {
		t.Errorf("preview without a Digest func = %d, want 404", status)
	}
}
