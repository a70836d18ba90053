package console

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// serve starts the console with opts on a loopback test server.
func serve(t testing.TB, opts Options) *httptest.Server {
	t.Helper()
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return srv
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// get fetches path with the headers given ("Name: value") and returns the
// status and body.
func get(t testing.TB, srv *httptest.Server, path string, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, req, headers...)
}

func do(t testing.TB, req *http.Request, headers ...string) (int, string) {
	t.Helper()
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// postForm posts a multipart form of fields (and, if file is not empty, a
// profile_file upload).
func postForm(t testing.TB, srv *httptest.Server, path string, fields map[string]string, file string, headers ...string) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if file != "" {
		fw, err := mw.CreateFormFile("profile_file", "edited.yaml")
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(fw, file)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return do(t, req, headers...)
}

func TestNewRequires(t *testing.T) {
	s := seed(t)
	tests := []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"no store", func(o *Options) { o.Store = nil }, "required"},
		{"no matcher", func(o *Options) { o.Matcher = nil }, "required"},
		{"no location", func(o *Options) { o.Location = nil }, "required"},
		{"too many days", func(o *Options) { o.Days = 1000 }, "more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := s.opts
			tt.edit(&o)
			if _, err := New(o); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestHostileTextIsEscaped(t *testing.T) {
	s := seed(t)
	srv := serve(t, s.opts)
	pages := []struct {
		name   string
		status func() (int, string)
	}{
		{"feeds", func() (int, string) { return get(t, srv, "/feeds") }},
		{"digest preview", func() (int, string) { return get(t, srv, "/digest/preview") }},
		{"tester text", func() (int, string) {
			return postForm(t, srv, "/test", map[string]string{"mode": "text", "text": "tariff " + hostile + "\nbody " + hostile}, "")
		}},
		{"tester profile error", func() (int, string) {
			return postForm(t, srv, "/test", map[string]string{"mode": "text", "text": "x", "profiles": "profiles:\n  - name: " + `"` + strings.ReplaceAll(hostile, `"`, `'`) + `"` + "\n    rules: [{any: [$nope]}]\n"}, "")
		}},
		{"login next", func() (int, string) { return get(t, srv, `/login?next=/"><script>alert(1)</script>`) }},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			_, body := p.status()
			if strings.Contains(body, "<script") || strings.Contains(body, "<img src=x") {
				t.Errorf("%s carries live markup from feed text:\n%s", p.name, excerpt(body, "script"))
			}
		})
	}
}

// excerpt returns the text around the first s in body.
func excerpt(body, s string) string {
	i := strings.Index(body, s)
	if i < 0 {
		return ""
	}
	return body[max(0, i-200):min(len(body), i+200)]
}

func TestOversizedBodyRefused(t *testing.T) {
	s := seed(t)
	s.opts.MaxBody = 4 << 10
	srv := serve(t, s.opts)
	big := strings.Repeat("tariff ", 2000)
	tests := []struct {
		name string
		post func() (int, string)
	}{
		{"pasted text", func() (int, string) {
			return postForm(t, srv, "/test", map[string]string{"mode": "text", "text": big}, "")
		}},
		{"uploaded file", func() (int, string) {
			return postForm(t, srv, "/test", map[string]string{"mode": "text", "text": "x"}, "profiles:\n# "+big)
		}},
		{"url-encoded form", func() (int, string) {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/test", strings.NewReader(url.Values{"mode": {"text"}, "text": {big}}.Encode()))
			return do(t, req, "Content-Type: application/x-www-form-urlencoded")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := tt.post()
			if status != http.StatusRequestEntityTooLarge {
				t.Errorf("status = %d, want 413\n%s", status, body)
			}
		})
	}
	// A body that is not the form it claims to be is a bad request.
	for _, ct := range []string{"multipart/form-data", "multipart/form-data; boundary=x"} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/test", strings.NewReader("not multipart at all"))
		if status, _ := do(t, req, "Content-Type: "+ct); status != http.StatusBadRequest {
			t.Errorf("malformed %q = %d, want 400", ct, status)
		}
	}
	// Under the cap, the same form works.
	if status, _ := postForm(t, srv, "/test", map[string]string{"mode": "text", "text": "tariff"}, ""); status != http.StatusOK {
		t.Errorf("small form = %d", status)
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := seed(t)
	srv := serve(t, s.opts)
	resp, err := http.Get(srv.URL + "/feeds")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, w := range []string{"default-src 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, w) {
			t.Errorf("CSP %q lacks %q", csp, w)
		}
	}
	if strings.Contains(csp, "script-src") {
		t.Errorf("CSP allows scripts: %q", csp)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no nosniff")
	}
}
