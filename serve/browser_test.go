package serve_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"rankfile/internal/browsertest"
	"rankfile/record"
)

// browser starts a headless chromium with a fresh profile, isolated from
// the network.
func browser(t *testing.T) context.Context {
	t.Helper()
	return browsertest.Start(t, 3*time.Minute)
}

// shot saves a full-page screenshot under dir (and under
// $RANKFILE_SCREENSHOTS, when set, to look at).
func shot(dir, name string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var b []byte
		if err := chromedp.FullScreenshot(&b, 100).Do(ctx); err != nil {
			return err
		}
		if keep := os.Getenv("RANKFILE_SCREENSHOTS"); keep != "" {
			os.MkdirAll(keep, 0o755)
			os.WriteFile(filepath.Join(keep, name+".png"), b, 0o644)
		}
		return os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644)
	})
}

// navigatingBy runs act, a click or submit that loads another page, and
// returns once that page has fired its load event: the actions after it
// then run in the new document, not in the old one while it goes away
// (which chromium reports as "Cannot find context with specified id").
func navigatingBy(act chromedp.Action) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		loaded := make(chan struct{}, 1)
		lctx, stop := context.WithCancel(ctx)
		defer stop()
		chromedp.ListenTarget(lctx, func(ev any) {
			if _, ok := ev.(*page.EventLoadEventFired); ok {
				select {
				case loaded <- struct{}{}:
				default:
				}
			}
		})
		if err := act.Do(ctx); err != nil {
			return err
		}
		select {
		case <-loaded:
			return nil
		case <-ctx.Done():
			return fmt.Errorf("waiting for the next page to load: %w", ctx.Err())
		}
	})
}

// textOf reads the text of the first element matching sel.
func textOf(sel string, s *string) chromedp.Action {
	return chromedp.Text(sel, s, chromedp.NodeVisible, chromedp.ByQuery)
}

// TestBrowser_journey drives chromium through search, a facet, a record,
// the diff of its two versions and its capture, checking what each page
// shows.
func TestBrowser_journey(t *testing.T) {
	ctx := browser(t)
	d := mustData(t)
	ts := newServer(t, d.dir)
	shots := t.TempDir()
	var heading, filter, title, versions, summary, del, ins, banner, styled, loc, pageTitle string
	var marks, rows int
	step := func(name string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, append(actions, shot(shots, name))...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}

	step("1-search",
		chromedp.Navigate(ts.URL+"/"),
		chromedp.SendKeys("#q", "contract campaign", chromedp.ByQuery),
		navigatingBy(chromedp.Submit("#q", chromedp.ByQuery)),
		chromedp.WaitVisible("#hits-h", chromedp.ByQuery),
		textOf("#hits-h", &heading),
		chromedp.Evaluate(`document.querySelectorAll("ol.hits mark").length`, &marks),
		chromedp.Location(&loc),
	)
	if !strings.HasPrefix(heading, "Hits 1–") || marks == 0 || !strings.Contains(loc, "/search?q=contract+campaign") {
		t.Errorf("search page: heading %q, %d marks, at %s", heading, marks, loc)
	}

	step("2-facet",
		navigatingBy(chromedp.Click(`//section[@aria-labelledby="facet-site"]//a[contains(., "Test")]`, chromedp.BySearch)),
		chromedp.WaitVisible("#active-h", chromedp.ByQuery),
		textOf(".active li", &filter),
		chromedp.Evaluate(`[...document.querySelectorAll("ol.hits .site")].every(e => e.textContent === "Script <i>Test</i> Caucus")`, new(bool)),
		chromedp.Location(&loc),
	)
	if !strings.Contains(filter, "Site: Script <i>Test</i> Caucus") || !strings.Contains(loc, "site=Script+%3Ci%3ETest%3C%2Fi%3E+Caucus") {
		t.Errorf("facet: filter %q at %s", filter, loc)
	}

	step("3-record",
		navigatingBy(chromedp.Click(`//ol[@class="hits"]//h3/a[contains(., "friends")]`, chromedp.BySearch)),
		chromedp.WaitVisible("#title", chromedp.ByQuery),
		textOf("#title", &title),
		chromedp.Evaluate(`document.querySelectorAll("table.versions tbody tr").length`, &rows),
		textOf("#versions-h", &versions),
		chromedp.Evaluate(`document.querySelectorAll("script").length + document.querySelectorAll(".text img").length`, &marks),
	)
	if title != postTitle || rows != 2 || versions != "Captured versions (2)" || marks != 0 {
		t.Errorf("record page: title %q, %d version rows (%q), %d script or img elements", title, rows, versions, marks)
	}

	step("4-diff",
		navigatingBy(chromedp.Click(`//button[contains(., "Show changes")]`, chromedp.BySearch)),
		chromedp.WaitVisible("#diff-summary", chromedp.ByQuery),
		textOf("#diff-summary", &summary),
		textOf(".diff del", &del),
		textOf(".diff ins", &ins),
	)
	if !strings.Contains(summary, "1 paragraph changed, 1 added") || del != "Monday" || ins != "Tuesday" {
		t.Errorf("diff page: %q, del %q, ins %q", summary, del, ins)
	}

	step("5-capture",
		navigatingBy(chromedp.Click(`//a[contains(., "Back to the record")]`, chromedp.BySearch)),
		chromedp.WaitVisible("#title", chromedp.ByQuery),
		navigatingBy(chromedp.Click(`//a[contains(., "The page as captured")]`, chromedp.BySearch)),
		chromedp.WaitVisible("#rankfile-banner", chromedp.ByQuery),
		textOf("#rankfile-banner", &banner),
		chromedp.Title(&pageTitle),
		chromedp.Location(&loc),
	)
	if !strings.Contains(banner, "Archived page") || !strings.Contains(banner, "UTC from "+postURL) || !strings.Contains(loc, "/capture/") || pageTitle != postTitle {
		t.Errorf("capture: banner %q, title %q, at %s", banner, pageTitle, loc)
	}

	// the scripted page: its archived style sheet applies (replayed from
	// the archive), its link to the post leads to the post's capture
	step("6-scripted-page",
		chromedp.Navigate(ts.URL+captureOf(t, d.dir, evilURL)),
		chromedp.WaitVisible("#rankfile-banner", chromedp.ByQuery),
		chromedp.Evaluate(`getComputedStyle(document.getElementById("styled")).color`, &styled),
		navigatingBy(chromedp.Click("#post-link", chromedp.ByQuery)),
		chromedp.WaitVisible("#rankfile-banner", chromedp.ByQuery),
		chromedp.Location(&loc),
	)
	if styled != "rgb(200, 0, 0)" || !strings.Contains(loc, "/capture/") || !strings.HasSuffix(loc, "/post/hello") {
		t.Errorf("scripted page: styled %q; post link led to %s", styled, loc)
	}
	var bars, nodes int
	step("7-timeline",
		chromedp.Navigate(ts.URL+"/timeline"),
		chromedp.WaitVisible("figure svg", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("figure svg a rect").length`, &bars),
	)
	step("8-network",
		chromedp.Navigate(ts.URL+"/network"),
		chromedp.WaitVisible("figure svg", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("figure svg a circle").length`, &nodes),
	)
	if bars == 0 || nodes < 6 {
		t.Errorf("pictures: %d timeline bars, %d network nodes", bars, nodes)
	}
	t.Logf("screenshots in %s", shots)
}

// TestBrowser_replayRunsNothing replays an archived page with an inline
// script, an external script, onload and onerror handlers, a javascript:
// link and a form, all of which would set the title and report to a hit
// server, clicks what can be clicked, and checks that nothing ran. The
// same page served outside the archive is the control: there the scripts
// run and report, so the test would see them.
func TestBrowser_replayRunsNothing(t *testing.T) {
	ctx := browser(t)
	d := mustData(t)
	ts := newServer(t, d.dir)
	shots := t.TempDir()
	before := len(d.hit.hits())

	var title, banner string
	err := chromedp.Run(ctx,
		chromedp.Navigate(ts.URL+captureOf(t, d.dir, evilURL)),
		chromedp.WaitVisible("#rankfile-banner", chromedp.ByQuery),
		chromedp.Click("#js-link", chromedp.ByQuery),
		chromedp.Click("#form-button", chromedp.ByQuery),
		chromedp.WaitVisible("#rankfile-banner", chromedp.ByQuery),
		chromedp.Title(&title),
		textOf("#rankfile-banner", &banner),
		shot(shots, "replay"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if title != "Scripted page" {
		t.Errorf("title %q: an archived script ran", title)
	}

	// the control: the same page, not sandboxed, runs and reports
	control := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, evilHTML(d.hit.URL+"/control"))
	}))
	defer control.Close()
	var controlTitle string
	err = chromedp.Run(ctx,
		chromedp.Navigate(control.URL+"/"),
		chromedp.Poll(`document.title === "pwned"`, nil, chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Title(&controlTitle),
	)
	if err != nil {
		t.Fatalf("control page: %v", err)
	}
	if err := waitFor(ctx, func() bool { return hasPrefix(d.hit.hits()[before:], "/control/hit?inline-script") }); err != nil {
		t.Fatalf("the control page's script never reported: %v (hits %v)", err, d.hit.hits()[before:])
	}
	for _, h := range d.hit.hits()[before:] {
		if !strings.HasPrefix(h, "/control/") {
			t.Errorf("the replayed page reported %s: an archived script ran", h)
		}
	}
	if controlTitle != "pwned" {
		t.Errorf("control title %q", controlTitle)
	}
}

func hasPrefix(hits []string, p string) bool {
	for _, h := range hits {
		if strings.HasPrefix(h, p) {
			return true
		}
	}
	return false
}

// waitFor asks the browser for a round trip until cond holds: each
// evaluation is an event the hit server's requests race against, not a
// sleep.
func waitFor(ctx context.Context, cond func() bool) error {
	for i := 0; i < 2000; i++ {
		if cond() {
			return nil
		}
		var x int
		if err := chromedp.Run(ctx, chromedp.Evaluate(`1`, &x)); err != nil {
			return err
		}
	}
	return fmt.Errorf("condition not met")
}

// TestBrowser_wayback walks as a researcher citing a page does: search →
// record → cite (the archived-copy URL of the citation opens the capture)
// → the calendar of captures → a capture → its previous capture → a link
// to a page never captured, which shows the "not archived" page.
func TestBrowser_wayback(t *testing.T) {
	ctx := browser(t)
	d := mustData(t)
	ts := newServer(t, d.dir)
	shots := t.TempDir()
	var title, cite, banner, loc, heading, notArchived string
	var days int
	step := func(name string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, append(actions, shot(shots, name))...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	step("1-search-record",
		chromedp.Navigate(ts.URL+"/search?q="+url.QueryEscape(`"contract campaign" AND site:STC`)),
		chromedp.WaitVisible("#hits-h", chromedp.ByQuery),
		navigatingBy(chromedp.Click(`//ol[@class="hits"]//h3/a[contains(., "friends")]`, chromedp.BySearch)),
		chromedp.WaitVisible("#cite-text", chromedp.ByQuery),
		textOf("#title", &title),
		textOf("#cite-text", &cite),
	)
	archived := regexp.MustCompile(regexp.QuoteMeta(ts.URL) + `/capture/\d{14}/` + regexp.QuoteMeta(postURL)).FindString(cite)
	if title != postTitle || archived == "" {
		t.Fatalf("record %q: the citation %q gives no archived copy under %s", title, cite, ts.URL)
	}
	step("2-cite-opens-the-capture",
		chromedp.Navigate(archived),
		chromedp.WaitVisible("#rankfile-banner", chromedp.ByQuery),
		textOf("#rankfile-banner", &banner),
		chromedp.Location(&loc),
	)
	if loc != archived || !strings.Contains(banner, "UTC from "+postURL) || !strings.Contains(banner, "Previous capture") {
		t.Errorf("the archived copy: at %s, banner %q", loc, banner)
	}
	step("3-calendar",
		navigatingBy(chromedp.Click("#rankfile-calendar", chromedp.ByQuery)),
		chromedp.WaitVisible("#calendar-h", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("a.cal-capture").length`, &days),
		textOf("h1", &heading),
	)
	if days != 2 || heading != "Captures of "+postURL {
		t.Errorf("calendar %q: %d captures linked, want 2", heading, days)
	}
	step("4-latest-then-previous",
		navigatingBy(chromedp.Click(`(//a[@class="cal-capture"])[last()]`, chromedp.BySearch)),
		chromedp.WaitVisible("#rankfile-prev", chromedp.ByQuery),
		navigatingBy(chromedp.Click("#rankfile-prev", chromedp.ByQuery)),
		chromedp.WaitVisible("#rankfile-next", chromedp.ByQuery),
		textOf("#rankfile-banner", &banner),
		chromedp.Location(&loc),
	)
	if !strings.Contains(banner, "2023-03-01 12:00:00 UTC") || !strings.Contains(loc, "/capture/20230301120000/") {
		t.Errorf("previous capture: at %s, banner %q", loc, banner)
	}
	step("5-not-archived",
		chromedp.Navigate(ts.URL+captureOf(t, d.dir, evilURL)),
		chromedp.WaitVisible("#rankfile-banner", chromedp.ByQuery),
		navigatingBy(chromedp.Click("#live-link", chromedp.ByQuery)),
		chromedp.WaitVisible("h1", chromedp.ByQuery),
		textOf("h1", &notArchived),
		chromedp.Location(&loc),
	)
	if notArchived != "Not archived" || !strings.HasPrefix(loc, ts.URL+"/capture/") {
		t.Errorf("a link to a page never captured led to %s, showing %q", loc, notArchived)
	}
}

// manyOrganizations writes a data directory of records from 50 sites with
// long names, each post naming three others, some records undated: the
// pictures at the size of a large archive.
func manyOrganizations(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	name := func(i int) string {
		return fmt.Sprintf("Rank-and-File Educators Caucus of District %02d and Its Neighbouring Towns", i)
	}
	var b strings.Builder
	for i := range 50 {
		for j, pub := range []string{fmt.Sprintf("20%02d-%02d-15", 15+i%10, 1+i%12), ""} {
			r := record.Record{
				ID: fmt.Sprintf("%016x", i*2+j), Kind: record.KindPost, URL: fmt.Sprintf("http://site%02d.test/post/%d", i, j),
				Site: name(i), SiteKind: []string{"caucus", "network", "partner", "coalition"}[i%4], Title: fmt.Sprintf("Post %d of site %d", j, i),
				Published: pub, Text: "Solidarity with our neighbours.", Mentions: []string{name((i + 1) % 50), name((i + 7) % 50), name((i + 23) % 50)},
				Captured: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			}
			line, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(append(line, '\n'))
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "records"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "records", "records.jsonl"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBrowser_picturesAt50: the timeline and the network picture of 50
// organizations, as chromium lays them out, keep every label within the
// picture's bounds, and the timeline has a row for every site.
func TestBrowser_picturesAt50(t *testing.T) {
	ctx := browser(t)
	ts := newServer(t, manyOrganizations(t))
	shots := t.TempDir()
	// every text of the figure's SVG whose box leaves the SVG's box
	const cut = `(() => {
		const svg = document.querySelector("figure svg"), box = svg.getBoundingClientRect();
		return [...svg.querySelectorAll("text")].filter(t => {
			const r = t.getBoundingClientRect();
			return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5;
		}).map(t => t.textContent);
	})()`
	for _, pic := range []struct{ path, count string }{
		{"/network", `document.querySelectorAll("figure svg circle").length`},
		{"/timeline", `new Set([...document.querySelectorAll("figure svg g > text")].map(t => t.textContent)).size`},
	} {
		var outside []string
		var n int
		err := chromedp.Run(ctx,
			chromedp.EmulateViewport(1400, 1000),
			chromedp.Navigate(ts.URL+pic.path),
			chromedp.WaitVisible("figure svg", chromedp.ByQuery),
			chromedp.Evaluate(cut, &outside),
			chromedp.Evaluate(pic.count, &n),
			shot(shots, strings.TrimPrefix(pic.path, "/")+"-50"),
		)
		if err != nil {
			t.Fatalf("%s: %v", pic.path, err)
		}
		if len(outside) > 0 {
			t.Errorf("%s: %d labels cut by the picture's edge: %q", pic.path, len(outside), outside)
		}
		if n < 50 {
			t.Errorf("%s: %d organizations drawn, want 50", pic.path, n)
		}
	}
	t.Logf("screenshots in %s", shots)
}

// TestBrowser_phone: on a phone's screen the first hit shows without
// scrolling, before the facets, and nothing is wider than the screen.
func TestBrowser_phone(t *testing.T) {
	ctx := browser(t)
	ts := newServer(t, mustData(t).dir)
	var hitTop, facetsTop, pageWidth float64
	err := chromedp.Run(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile),
		chromedp.Navigate(ts.URL+"/search?q=union"),
		chromedp.WaitVisible("#hits-h", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector("ol.hits li").getBoundingClientRect().top`, &hitTop),
		chromedp.Evaluate(`document.querySelector(".facets").getBoundingClientRect().top`, &facetsTop),
		chromedp.Evaluate(`document.documentElement.scrollWidth`, &pageWidth),
		shot(t.TempDir(), "phone"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if hitTop >= 844 || facetsTop < hitTop || pageWidth > 390 {
		t.Errorf("phone: first hit at %.0f px (screen 844), facets at %.0f px, page %.0f px wide (screen 390)", hitTop, facetsTop, pageWidth)
	}
}
