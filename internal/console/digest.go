package console

import (
	"bytes"
	"context"
	"net/http"
)

// digestPage is the digest page's view model.
type digestPage struct {
	// Enabled is false when the console was given no way to build the
	// digest.
	Enabled bool
}

// digest serves /digest: the page around the preview, which it frames.
func (c *Console) digest(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, http.StatusOK, "digest", "Next digest", digestPage{Enabled: c.o.Digest != nil})
}

// digestPreview serves /digest/preview: the digest package's HTML preview
// of what is pending now, built for each request. It marks nothing
// delivered. It is a page of its own, with its own inline styles, shown in
// a frame of /digest.
func (c *Console) digestPreview(w http.ResponseWriter, r *http.Request) {
	if c.o.Digest == nil {
		http.NotFound(w, r)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), c.o.TestTimeout)
	defer cancel()
	var buf bytes.Buffer
	if err := c.o.Digest(ctx, &buf); err != nil {
		c.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'")
	h.Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}
