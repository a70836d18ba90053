package console

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// update writes the browser test's screenshots to docs/console-*.png, where
// the README shows them, instead of a temporary directory.
var update = flag.Bool("update", false, "write the browser test's screenshots to docs/console-*.png")

// chromium returns the path of a Chromium or Chrome binary, or "".
func chromium() string {
	if p := os.Getenv("NEWSBOT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestBrowser loads every page in headless Chromium from a seeded store,
// checks what a person would see (one chart line per profile, a highlighted
// term in the tester, no script run from a hostile feed), and takes
// screenshots at desktop and phone widths.
func TestBrowser(t *testing.T) {
	bin := chromium()
	if bin == "" && os.Getenv("NEWSBOT_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("NEWSBOT_REQUIRE_CHROMIUM=1 but no chromium binary on PATH (Debian: apt-get install chromium)")
	}
	if bin == "" {
		t.Skip("skipping the browser test: no chromium binary on PATH (Debian: apt-get install chromium; or set NEWSBOT_CHROMIUM); .ci/run installs it")
	}
	s := seed(t)
	srv := serve(t, s.opts)
	shots := t.TempDir()
	if *update {
		shots = filepath.Join("..", "..", "docs")
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox cannot start
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.UserDataDir(t.TempDir()),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(ctx)
	defer cancelBrowser()

	// shot saves a screenshot of the whole page as console-NAME.png.
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			buf, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			img, err := png.Decode(bytes.NewReader(buf))
			if err != nil {
				t.Errorf("screenshot %s is not a PNG: %v", name, err)
				return nil
			}
			if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 300 {
				t.Errorf("screenshot %s is only %v", name, b)
			}
			return os.WriteFile(filepath.Join(shots, "console-"+name+".png"), buf, 0o644)
		})
	}
	// eval returns the value of a JavaScript expression in the page.
	eval := func(name, expr string, v any) {
		t.Helper()
		var err error
		switch v := v.(type) {
		case *[]string:
			*v, err = chromedp.Run(ctx, chromedp.Evaluate[[]string](expr))
		case *int:
			*v, err = chromedp.Run(ctx, chromedp.Evaluate[int](expr))
		case *bool:
			*v, err = chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		case *string:
			*v, err = chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		}
		if err != nil {
			t.Fatalf("%s: %s: %v", name, expr, err)
		}
	}
	do := func(name string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	desktop := chromedp.EmulateViewport(1280, 860)
	phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)

	// Overview: one line per profile.
	do("overview", desktop, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("svg.chart")))
	var series []string
	eval("overview", `Array.from(document.querySelectorAll("svg.chart g.series")).map(g => g.dataset.profile)`, &series)
	if strings.Join(series, ",") != "trade,defence,space" {
		t.Errorf("chart series = %v, want one per profile: trade,defence,space", series)
	}
	var points int
	eval("overview", `document.querySelectorAll("svg.chart g.series circle").length`, &points)
	if points != 90 {
		t.Errorf("chart has %d points, want 3 profiles × 30 days", points)
	}
	do("overview", shot("overview"))

	// Feeds: four rows, the failing first, and no script from the hostile
	// feed in the page.
	do("feeds", chromedp.Navigate(srv.URL+"/feeds"), chromedp.WaitVisible(chromedp.CSS("table.feeds")))
	var rows, scripts int
	var first string
	eval("feeds", `document.querySelectorAll("table.feeds tbody tr").length`, &rows)
	eval("feeds", `document.querySelectorAll("script").length`, &scripts)
	eval("feeds", `document.querySelector("table.feeds tbody tr th").firstChild.textContent`, &first)
	if rows != 4 || first != "Defence Daily" || scripts != 0 {
		t.Errorf("feeds page: %d rows, first %q, %d script elements", rows, first, scripts)
	}
	do("feeds", shot("feeds"))

	// Next digest: the preview loads in its frame.
	do("digest", chromedp.Navigate(srv.URL+"/digest"), chromedp.WaitVisible(chromedp.CSS("iframe.preview")))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const f = document.querySelector("iframe.preview"); return !!(f && f.contentDocument && f.contentDocument.body && f.contentDocument.body.innerText.includes("#trade")) })()`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("digest: the preview did not load in its frame: %v", err)
	}
	do("digest", shot("digest"))

	// Tester: type a text, submit, see the terms highlighted.
	do("tester", chromedp.Navigate(srv.URL+"/test"),
		chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.SendKeys(chromedp.ID("text"), "India and US agree a tariff cut\nThe trade deal also covers a jet engine for the INDUS-X programme."),
		chromedp.Click(chromedp.CSS(`form.tester button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("ol.hits mark")),
	)
	var marks []string
	eval("tester", `Array.from(document.querySelectorAll("ol.hits mark")).map(m => m.textContent)`, &marks)
	if !contains(marks, "tariff") || !contains(marks, "jet engine") {
		t.Errorf("tester highlighted %q, want tariff and jet engine among them", marks)
	}
	do("tester", shot("tester"))

	// Tester, an edit: what it adds and drops over the last week.
	do("tester diff", chromedp.Navigate(srv.URL+"/test"),
		chromedp.WaitVisible(chromedp.ID("profiles")),
		chromedp.Click(chromedp.CSS(`input[name="mode"][value="diff"]`)),
		chromedp.SetValue(chromedp.ID("profiles"), readFile(t, "testdata/edited.yaml")),
		chromedp.Click(chromedp.CSS(`form.tester button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("li.hit.added mark")),
	)
	var changes []string
	eval("tester diff", `Array.from(document.querySelectorAll("ol.hits .change")).map(c => c.textContent)`, &changes)
	if !contains(changes, "+") || !contains(changes, "-") {
		t.Errorf("tester diff shows changes %q, want some added and some dropped", changes)
	}
	do("tester diff", chromedp.ScrollIntoView(chromedp.CSS("section.results")), shot("tester-diff"))

	// The phone: the same pages at 390 CSS pixels wide, without a
	// horizontal scroll bar on the page itself.
	for _, page := range []struct{ path, name string }{{"/", "phone-overview"}, {"/feeds", "phone-feeds"}} {
		do(page.name, phone, chromedp.Navigate(srv.URL+page.path), chromedp.WaitVisible(chromedp.CSS("main")))
		var overflow bool
		eval(page.name, `document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow)
		if overflow {
			t.Errorf("%s is wider than a phone's screen", page.path)
		}
		do(page.name, shot(page.name))
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
