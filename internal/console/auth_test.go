package console

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/config"
)

func TestSafeNext(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/feeds", "/feeds"},
		{"/test?x=1", "/test?x=1"},
		{"", "/"},
		{"feeds", "/"},
		{"//evil.example/", "/"},
		{`/\evil.example`, "/"},
		{"https://evil.example/", "/"},
		{"/login", "/"},
		{"/x\r\nSet-Cookie: a=b", "/"},
	}
	for _, tt := range tests {
		if got := safeNext(tt.in); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSameSecret(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"token", "token", true},
		{"token", "tokens", false},
		{"", "token", false},
		{"Token", "token", false},
	}
	for _, tt := range tests {
		if got := sameSecret(tt.a, tt.b); got != tt.want {
			t.Errorf("sameSecret(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
	if sessionValue("a") == sessionValue("b") || sessionValue("a") == "a" {
		t.Error("session values do not depend on the token, or are the token")
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	s := seed(t)
	srv := serve(t, s.opts)
	fields := map[string]string{"mode": "text", "text": "tariff"}
	tests := []struct {
		name    string
		headers []string
		status  int
	}{
		{"other site by fetch metadata", []string{"Sec-Fetch-Site: cross-site"}, http.StatusForbidden},
		{"sibling by fetch metadata", []string{"Sec-Fetch-Site: same-site"}, http.StatusForbidden},
		{"other origin", []string{"Origin: https://evil.example"}, http.StatusForbidden},
		{"same origin by fetch metadata", []string{"Sec-Fetch-Site: same-origin"}, http.StatusOK},
		{"same origin", []string{"Origin: " + srv.URL}, http.StatusOK},
		{"not a browser", nil, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if status, _ := postForm(t, srv, "/test", fields, "", tt.headers...); status != tt.status {
				t.Errorf("POST /test = %d, want %d", status, tt.status)
			}
		})
	}
}

func TestAuth(t *testing.T) {
	const token = "console-token-3f9a"
	s := seed(t)
	s.opts.AuthToken = config.NewSecret(token)
	srv := serve(t, s.opts)
	paths := []string{"/", "/feeds", "/digest", "/digest/preview", "/test", "/nope"}
	for _, p := range paths {
		t.Run("no token"+p, func(t *testing.T) {
			status, body := get(t, srv, p)
			if status != http.StatusUnauthorized {
				t.Errorf("GET %s without a token = %d, want 401", p, status)
			}
			if strings.Contains(body, token) {
				t.Error("401 shows the token")
			}
		})
		t.Run("wrong token"+p, func(t *testing.T) {
			for _, h := range []string{"Authorization: Bearer nope", "Authorization: Bearer " + token + "x", "Authorization: Basic " + token, "Authorization: " + token, "Cookie: newsbot_console=" + token} {
				if status, _ := get(t, srv, p, h); status != http.StatusUnauthorized {
					t.Errorf("GET %s with %q = %d, want 401", p, h, status)
				}
			}
		})
		t.Run("right token"+p, func(t *testing.T) {
			want := http.StatusOK
			if p == "/nope" {
				want = http.StatusNotFound
			}
			if status, _ := get(t, srv, p, "Authorization: Bearer "+token); status != want {
				t.Errorf("GET %s with the token = %d, want %d", p, status, want)
			}
		})
	}
	if status, _ := postForm(t, srv, "/test", map[string]string{"mode": "text", "text": "tariff"}, ""); status != http.StatusUnauthorized {
		t.Errorf("POST /test without a token = %d, want 401", status)
	}
	if status, _ := postForm(t, srv, "/test", map[string]string{"mode": "text", "text": "tariff"}, "", "Authorization: Bearer "+token); status != http.StatusOK {
		t.Errorf("POST /test with the token = %d, want 200", status)
	}
	// The login form's style sheet needs no token.
	if status, body := get(t, srv, "/static/console.css"); status != http.StatusOK || !strings.Contains(body, "--accent") {
		t.Errorf("GET /static/console.css without a token = %d", status)
	}
	// A browser without the token gets the login form, with a 401.
	status, body := get(t, srv, "/feeds", "Accept: text/html")
	if status != http.StatusUnauthorized || !strings.Contains(body, `name="token"`) || !strings.Contains(body, `name="next" value="/feeds"`) {
		t.Errorf("browser without a token = %d, no login form", status)
	}
}

func TestLoginCookie(t *testing.T) {
	const token = "console-token-3f9a"
	s := seed(t)
	s.opts.AuthToken = config.NewSecret(token)
	srv := serve(t, s.opts)
	login := func(typed, next string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(url.Values{"token": {typed}, "next": {next}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", srv.URL)
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := login("wrong", "/feeds")
	if resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies()) != 0 {
		t.Fatalf("wrong token: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	resp = login(token, "/feeds")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/feeds" {
		t.Fatalf("right token: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var ck *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == cookieName {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || strings.Contains(ck.Value, token) {
		t.Fatalf("login cookie = %+v", ck)
	}
	if status, _ := get(t, srv, "/feeds", "Cookie: "+ck.Name+"="+ck.Value); status != http.StatusOK {
		t.Errorf("GET /feeds with the cookie = %d", status)
	}
	// The login never sends anyone to another site.
	for _, next := range []string{"https://evil.example/", "//evil.example/", `/\evil.example`, "javascript:alert(1)"} {
		if got := login(token, next).Header.Get("Location"); got != "/" {
			t.Errorf("next %q redirected to %q", next, got)
		}
	}
	// A login posted from another site is refused.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader("token="+token))
	if status, _ := do(t, req, "Content-Type: application/x-www-form-urlencoded", "Sec-Fetch-Site: cross-site"); status != http.StatusForbidden {
		t.Errorf("cross-site login = %d, want 403", status)
	}
}

func TestNoAuthTokenMeansOpen(t *testing.T) {
	s := seed(t)
	srv := serve(t, s.opts)
	for _, p := range []string{"/", "/feeds", "/digest", "/test"} {
		if status, _ := get(t, srv, p); status != http.StatusOK {
			t.Errorf("GET %s = %d", p, status)
		}
	}
	if status, _ := get(t, srv, "/login"); status != http.StatusSeeOther {
		t.Errorf("GET /login without a token = %d, want a redirect", status)
	}
}

func TestHostWithoutToken(t *testing.T) {
	s := seed(t)
	open := serve(t, s.opts)
	s.opts.AuthToken = config.NewSecret("tok")
	guarded := serve(t, s.opts)
	tests := []struct {
		name string
		srv  *httptest.Server
		host string
		auth bool
		want int
	}{
		{"loopback address", open, "127.0.0.1:9090", false, http.StatusOK},
		{"localhost", open, "localhost:9090", false, http.StatusOK},
		{"localhost without a port", open, "LOCALHOST", false, http.StatusOK},
		{"IPv6 loopback", open, "[::1]:9090", false, http.StatusOK},
		{"another name: DNS rebinding", open, "attacker.example:9090", false, http.StatusForbidden},
		{"a LAN address", open, "192.168.1.20:9090", false, http.StatusForbidden},
		{"another name with a token", guarded, "newsbot.internal.example", true, http.StatusOK},
		{"another name, token missing", guarded, "newsbot.internal.example", false, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, tt.srv.URL+"/feeds", nil)
			req.Host = tt.host
			if tt.auth {
				req.Header.Set("Authorization", "Bearer tok")
			}
			if status, _ := do(t, req); status != tt.want {
				t.Errorf("GET /feeds with Host %q = %d, want %d", tt.host, status, tt.want)
			}
		})
	}
}
