package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hostileServer serves feeds that misbehave in every way the reliability
// issue lists. secret is the content of a local file an XXE feed points at.
func hostileServer(t *testing.T, secretPath string) *httptest.Server {
	t.Helper()
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for i := 0; i < 32; i++ {
		zw.Write(zeros)
	}
	zw.Close()
	longTitle := strings.Repeat("DRDO ", 2000)
	bigBody := strings.Repeat("Defence Research and Development Organisation news. ", 15000) // under max_body: parsed, capped
	mux := http.NewServeMux()
	mux.HandleFunc("/404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/410", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusGone) })
	mux.HandleFunc("/429", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	})
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", http.StatusInternalServerError) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("/trickle", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>slow</title>"))
		for {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(200 * time.Millisecond):
				w.Write([]byte(" "))
				w.(http.Flusher).Flush()
			}
		}
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		chunk := bytes.Repeat([]byte("<item><title>x</title></item>"), 1000)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb.Bytes())
	})
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<!doctype html><html><head><title>Not a feed</title></head><body><p>DRDO</p></body></html>")
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/truncated", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>DRDO tests a missile</title><descr`)
	})
	mux.HandleFunc("/xxe", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY leak SYSTEM "file://%s"><!ENTITY a "&leak;&leak;"><!ENTITY b "&a;&a;&a;&a;">]>
<rss version="2.0"><channel><title>XXE</title>
<item><title>DRDO secret &leak; &b;</title><link>https://xxe.example/1</link><guid>xxe-1</guid><pubDate>%s</pubDate><description>&leak;</description></item>
</channel></rss>`, secretPath, time.Now().UTC().Format(time.RFC1123Z))
	})
	mux.HandleFunc("/hostile", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Hostile &lt;!channel&gt;</title>
<item><title>&lt;!here&gt; DRDO &lt;#C0123&gt; &lt;@U999&gt; &lt;http://phish.example|DRDO update&gt; &lt;script&gt;x()&lt;/script&gt;</title>
<link>javascript:alert(document.cookie)</link><guid>hostile-1</guid><pubDate>%[1]s</pubDate>
<description>&lt;!everyone&gt; &lt;a href="javascript:evil()"&gt;DRDO&lt;/a&gt;</description></item>
<item><title>%[2]s</title><link>https://hostile.example/long</link><guid>hostile-2</guid><pubDate>%[1]s</pubDate>
<description>%[3]s</description></item>
</channel></rss>`, time.Now().UTC().Format(time.RFC1123Z), longTitle, bigBody)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestHostileFeedsCostOnlyTheirOwnItems(t *testing.T) {
	secretPath := filepath.Join(t.TempDir(), "secret.txt")
	const secret = "TOP-SECRET-LOCAL-FILE-CONTENT-8d2f"
	if err := os.WriteFile(secretPath, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := hostileServer(t, secretPath)
	var extra strings.Builder
	bads := []string{"404", "410", "429", "500", "loop", "hang", "trickle", "huge", "bomb", "html", "empty", "truncated", "xxe", "hostile"}
	for _, p := range bads {
		fmt.Fprintf(&extra, "  - url: %s/%s\n    name: bad-%s\n", bad.URL, p, p)
	}
	fmt.Fprintf(&extra, "  - url: http://127.0.0.1:1/refused\n    name: bad-refused\n")
	h := newHarness(t, "")
	cfg, _ := os.ReadFile(h.config)
	text := strings.Replace(string(cfg), "fetch: {concurrency: 4, per_host: 2, timeout: 5s}",
		"fetch: {concurrency: 8, per_host: 8, timeout: 2s, max_body: 1MiB}", 1)
	text = strings.Replace(text, "feeds:\n", "feeds:\n"+extra.String(), 1)
	if err := os.WriteFile(h.config, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := h.run("once")
	if code != 0 {
		t.Fatalf("feed failures alone must not fail the run: exit %d\n%s", code, errOut)
	}
	all := out + errOut
	for _, p := range h.slack.Posts() {
		all += p.Text + string(p.Blocks)
	}
	if strings.Contains(all, secret) {
		t.Fatal("a local file's content leaked through an XML entity")
	}
	if m := h.slack.LiveMentions(); len(m) > 0 {
		t.Errorf("live mentions reached Slack: %q", m)
	}
	if v := h.slack.Violations(); len(v) > 0 {
		t.Errorf("Slack rejected messages: %+v", v)
	}
	for _, want := range []string{"Joint Technical Group", "reciprocal tariffs", "डीआरडीओ", "DRDO &lt;#C0123&gt; &lt;@U999&gt;"} {
		if !strings.Contains(all, want) {
			t.Errorf("a good entry is missing: %q", want)
		}
	}
	// Every bad feed has a clear per-feed error in the log.
	for _, p := range append(bads[:12], "refused") {
		if !strings.Contains(errOut, "feed=bad-"+p) {
			t.Errorf("no per-feed error logged for %s", p)
		}
	}

	code, out, errOut = h.run("feeds")
	if code != 0 {
		t.Fatalf("feeds: exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"bad-404", "HTTP 404", "bad-429", "HTTP 429", "bad-hang"} {
		if !strings.Contains(out, want) {
			t.Errorf("`newsbot feeds` lacks %q:\n%s", want, out)
		}
	}
}
