// Package console is newsbot's operator's web console: a few server-rendered
// pages that `newsbot run` serves beside /metrics when http.console is set.
//
//   - / (overview.go): each profile's matches per day as an SVG chart, with
//     reader feedback overlaid when there is any, delivered versus pending,
//     and the time of the next digest.
//   - /feeds (feeds.go): the health of every configured feed, failing first,
//     with a sparkline of items per day.
//   - /digest (digest.go): the next digest's HTML preview, built live.
//   - /test (tester.go): the profile tester: matches in pasted text,
//     highlighted, or what an edited profile file adds and drops over the
//     stored items of the last days. It never changes the profiles in force.
//
// Every page is plain HTML from html/template (so feed text is escaped for
// its context), with an embedded style sheet and no script. With an auth
// token (auth.go) every page needs it, as a bearer token or through the login
// form's cookie; POSTs must come from the console's own origin; request
// bodies are capped.
package console

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/newsbot/newsbot/config"
	"github.com/newsbot/newsbot/feeds"
	"github.com/newsbot/newsbot/matcher"
	"github.com/newsbot/newsbot/store"
)

// Store is what the console reads from the store. *store.Store satisfies it.
type Store interface {
	MatchesPerDay(ctx context.Context, bounds []time.Time) ([]store.DayCount, error)
	ItemsPerFeedPerDay(ctx context.Context, bounds []time.Time) ([]store.DayCount, error)
	DeliveryCounts(ctx context.Context, since time.Time) ([]store.DeliveryCount, error)
	FeedStates(ctx context.Context) ([]store.FeedState, error)
	ItemsPublished(ctx context.Context, since, until time.Time, fn func(feeds.Item) error) error
}

var _ Store = (*store.Store)(nil)

// FeedbackDay is the reader feedback given on one day.
type FeedbackDay struct {
	// Positive and Negative count the reactions for and against.
	Positive, Negative int
}

// ProfileFile is one profile file in force.
type ProfileFile struct {
	// Name is the file's name, shown and used to pick it.
	Name string
	Data []byte
}

// Options configures the console. Store, Matcher and Location are required.
type Options struct {
	Store Store
	// Matcher returns the profiles in force; it is called per request, so
	// a reload shows at once.
	Matcher func() *matcher.Matcher
	// Feeds are the configured feeds, in the configuration's order.
	Feeds []feeds.Request
	// Location is the team's timezone (config timezone): days and times
	// on the pages are its.
	Location *time.Location
	// NextDigest returns the time of the next digest after t; nil hides it.
	NextDigest func(t time.Time) time.Time
	// Digest writes the HTML preview of the next digest to w (the digest
	// package's WriteHTML), marking nothing delivered; nil hides /digest.
	Digest func(ctx context.Context, w io.Writer) error
	// ProfileFiles returns the profile files in force, for the tester to
	// start an edit from; nil offers none.
	ProfileFiles func() ([]ProfileFile, error)
	// Feedback returns the reader feedback per day for the days between
	// consecutive bounds (len(bounds)-1 entries); nil, or a nil result,
	// draws no feedback on the overview.
	Feedback func(ctx context.Context, bounds []time.Time) ([]FeedbackDay, error)
	// AuthToken, when set, is needed by every page (auth.go).
	AuthToken config.Secret
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Days is how many days the charts show; zero means 30.
	Days int
	// TestTimeout bounds one run of the profile tester; zero means 10s.
	TestTimeout time.Duration
	// MaxBody caps a request body (a pasted text or profile file); zero
	// means 1 MiB.
	MaxBody int64
	// OnError is told of every error a page could not recover from (the
	// page itself shows a generic message); nil drops them.
	OnError func(r *http.Request, err error)
}

// Console serves the console's pages. Make one with New.
type Console struct {
	o   Options
	mux *http.ServeMux
	// busy allows one tester run at a time: a run over a month of items
	// is the heaviest thing the console does.
	busy chan struct{}
}

//go:embed templates/*.tmpl static/console.css
var files embed.FS

// pages are the console's templates: layout.tmpl holds the frame every page
// shares, each other file a page's "content" block.
var pages = map[string]*template.Template{}

func init() {
	funcs := template.FuncMap{
		"chart":     func(c chart) template.HTML { return c.svg() },
		"sparkline": func(s sparkline) template.HTML { return s.svg() },
	}
	for _, page := range []string{"overview", "feeds", "digest", "tester", "login", "error"} {
		pages[page] = template.Must(template.New("layout.tmpl").Funcs(funcs).
			ParseFS(files, "templates/layout.tmpl", "templates/"+page+".tmpl"))
	}
}

// New returns the console with the options given, checked.
func New(o Options) (*Console, error) {
	if o.Store == nil || o.Matcher == nil || o.Location == nil {
		return nil, errors.New("console: Store, Matcher and Location are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Days <= 0 {
		o.Days = 30
	}
	if o.Days > store.MaxDays {
		return nil, fmt.Errorf("console: Days %d is more than %d", o.Days, store.MaxDays)
	}
	if o.TestTimeout <= 0 {
		o.TestTimeout = 10 * time.Second
	}
	if o.MaxBody <= 0 {
		o.MaxBody = 1 << 20
	}
	c := &Console{o: o, mux: http.NewServeMux(), busy: make(chan struct{}, 1)}
	c.mux.HandleFunc("GET /{$}", c.overview)
	c.mux.HandleFunc("GET /feeds", c.feeds)
	c.mux.HandleFunc("GET /digest", c.digest)
	c.mux.HandleFunc("GET /digest/preview", c.digestPreview)
	c.mux.HandleFunc("GET /test", c.tester)
	c.mux.HandleFunc("POST /test", c.tester)
	c.mux.HandleFunc("GET /login", c.loginForm)
	c.mux.HandleFunc("POST /login", c.login)
	c.mux.HandleFunc("POST /logout", c.logout)
	c.mux.HandleFunc("GET /static/console.css", serveCSS)
	return c, nil
}

// ServeHTTP serves the console's pages. Every request has its body capped
// and is checked before it reaches a page: without an auth token, for a
// loopback Host; when it is not a GET, for its origin; with a token, for the
// token.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, c.o.MaxBody)
	if c.o.AuthToken.Value() == "" && !loopbackHost(r.Host) {
		// Without a token, only a loopback name reaches the console: a
		// page that rebinds its own name to 127.0.0.1 must not read it.
		http.Error(w, "without http.auth_token the console answers only to localhost, 127.0.0.1 or [::1]", http.StatusForbidden)
		return
	}
	if err := crossOrigin.Check(r); err != nil {
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
		return
	}
	if !c.authorized(r) && !public(r) {
		c.unauthorized(w, r)
		return
	}
	c.mux.ServeHTTP(w, r)
}

// loopbackHost reports whether host (a Host header, with or without a port)
// names the loopback interface.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// crossOrigin refuses a non-GET request another origin's page sent, by its
// Sec-Fetch-Site or Origin header.
var crossOrigin = http.NewCrossOriginProtection()

// frame is what every page's layout shows around its content.
type frame struct {
	Title string
	// Nav is the page's path, to mark it current in the navigation.
	Nav string
	// Auth says a token guards the console, so a logout button shows.
	Auth bool
	// Now is the time the page was built, in the team's timezone.
	Now  string
	Zone string
	Page any
}

// render writes the page built from data, or an error page when it fails.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, page, title string, data any) {
	now := c.o.Now().In(c.o.Location)
	f := frame{Title: title, Nav: r.URL.Path, Auth: c.o.AuthToken.Value() != "",
		Now: now.Format("Mon 2 Jan 2006 15:04"), Zone: c.o.Location.String(), Page: data}
	var buf bytes.Buffer
	if err := pages[page].Execute(&buf, f); err != nil {
		c.fail(w, r, fmt.Errorf("console: render %s: %w", page, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail reports err and answers 500 with a page that does not show it (it
// may name store internals).
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return // the client went away: nothing to report, no one to answer
	}
	if c.o.OnError != nil {
		c.o.OnError(r, err)
	}
	var buf bytes.Buffer
	if pages["error"].Execute(&buf, frame{Title: "Error", Nav: r.URL.Path, Page: "The page could not be built; the error is in newsbot's log."}) != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write(buf.Bytes())
}

// dayBounds returns the local midnights that bound the last n days, today
// included: n+1 times, the last the coming midnight.
func (c *Console) dayBounds(n int) []time.Time {
	y, m, d := c.o.Now().In(c.o.Location).Date()
	out := make([]time.Time, n+1)
	for i := range out {
		out[i] = time.Date(y, m, d-n+1+i, 0, 0, 0, 0, c.o.Location)
	}
	return out
}

// serveCSS serves the console's one style sheet, embedded in the binary.
func serveCSS(w http.ResponseWriter, r *http.Request) {
	data, _ := files.ReadFile("static/console.css")
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=3600")
	_, _ = w.Write(data)
}
