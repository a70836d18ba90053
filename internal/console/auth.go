package console

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// The console's authentication, when Options.AuthToken is set: a request
// carries the token as "Authorization: Bearer <token>", or the cookie the
// login form sets after it was typed in. Tokens are compared in constant
// time. The cookie holds a MAC derived from the token, never the token, so
// changing the token logs every browser out.

// cookieName is the login cookie's name.
const cookieName = "newsbot_console"

// cookieLife is how long a login lasts.
const cookieLife = 7 * 24 * time.Hour

// authorized reports whether r may see the console.
func (c *Console) authorized(r *http.Request) bool {
	token := c.o.AuthToken.Value()
	if token == "" {
		return true
	}
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, given, ok := strings.Cut(auth, " ")
		return ok && strings.EqualFold(scheme, "Bearer") && sameSecret(strings.TrimSpace(given), token)
	}
	if ck, err := r.Cookie(cookieName); err == nil {
		return sameSecret(ck.Value, sessionValue(token))
	}
	return false
}

// sameSecret compares a and b in constant time, their lengths included:
// both are hashed first, so the time depends on neither.
func sameSecret(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

// sessionValue is the login cookie's value for token.
func sessionValue(token string) string {
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte("newsbot console session v1"))
	return hex.EncodeToString(mac.Sum(nil))
}

// public reports whether r needs no token: the login form and the style
// sheet it uses.
func public(r *http.Request) bool {
	switch r.URL.Path {
	case "/login", "/static/console.css":
		return true
	}
	return false
}

// unauthorized answers 401: to a browser with the login form, to anything
// else with a line saying what to send.
func (c *Console) unauthorized(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="newsbot console"`)
	if r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/html") {
		c.render(w, r, http.StatusUnauthorized, "login", "Log in", loginPage{Next: r.URL.Path})
		return
	}
	http.Error(w, "401 unauthorized: send Authorization: Bearer <http.auth_token>", http.StatusUnauthorized)
}

// loginPage is the login form's view model.
type loginPage struct {
	// Next is the console path to go to after logging in.
	Next string
	// Failed says the last token typed was wrong.
	Failed bool
}

func (c *Console) loginForm(w http.ResponseWriter, r *http.Request) {
	if c.o.AuthToken.Value() == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	c.render(w, r, http.StatusOK, "login", "Log in", loginPage{Next: safeNext(r.URL.Query().Get("next"))})
}

// login checks the token typed into the form and, when it is right, sets
// the login cookie and goes on to the page asked for.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	token := c.o.AuthToken.Value()
	if token == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if err := r.ParseForm(); err != nil {
		tooLarge(w, err)
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	if !sameSecret(r.PostForm.Get("token"), token) {
		c.render(w, r, http.StatusUnauthorized, "login", "Log in", loginPage{Next: next, Failed: true})
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: cookieName, Value: sessionValue(token), Path: "/",
		MaxAge: int(cookieLife / time.Second), HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteStrictMode,
	})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext returns next if it is a path of this console, else "/": the
// login form never redirects to another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, `\`+"\r\n") || next == "/login" {
		return "/"
	}
	return next
}
