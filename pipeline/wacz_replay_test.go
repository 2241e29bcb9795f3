package pipeline

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"rankfile/archive"
	"rankfile/crawl"
	"rankfile/fixtures"
	"rankfile/internal/browsertest"
)

// replayWebPage returns the folder of the pinned ReplayWeb.page package
// (tools/replaywebpage), whose prebuilt ui.js and sw.js the replay test
// serves. Without it the test skips, unless CI is set.
func replayWebPage(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "tools", "replaywebpage", "node_modules", "replaywebpage")
	for _, name := range []string{"ui.js", "sw.js"} {
		if _, err = os.Stat(filepath.Join(dir, name)); err != nil {
			break
		}
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the ReplayWeb.page test needs `npm ci --prefix tools/replaywebpage --ignore-scripts`: %v", err)
		}
		t.Skipf("ReplayWeb.page is not installed (npm ci --prefix tools/replaywebpage --ignore-scripts): %v", err)
	}
	return dir
}

// requestLog records what the replay server was asked for, to tell what
// ReplayWeb.page did when the test fails.
type requestLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *requestLog) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *requestLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// statusWriter keeps the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// replayEmbed is the page embedding ReplayWeb.page: its service worker is
// served under /replay/ (replaybase), the package from /caucuses.wacz. It
// keeps the events <replay-web-page> sends when the page it shows starts
// and stops loading, and when its URL changes, in rwpEvents, for the
// failure message.
const replayEmbed = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>rankfile WACZ in ReplayWeb.page</title>
<script src="/ui.js"></script>
</head>
<body style="margin:0">
<replay-web-page source="/caucuses.wacz" replaybase="/replay/" url="%s" style="height:100vh"></replay-web-page>
<script>
window.rwpEvents = [];
for (const name of ["rwp-page-loading", "rwp-url-change"]) {
	document.querySelector("replay-web-page").addEventListener(name, (e) => rwpEvents.push(e.detail));
}
</script>
</body>
</html>
`

// activateWorker is JavaScript that registers ReplayWeb.page's service
// worker as its <replay-web-page> does (same script URL, scope replaybase)
// and resolves to its state once it is active.
const activateWorker = `(async () => {
	const reg = await navigator.serviceWorker.register("/replay/sw.js?serveIndex=1", {scope: "/replay/"});
	const w = reg.installing || reg.waiting || reg.active;
	await new Promise((resolve, reject) => {
		const check = () => {
			if (w.state === "activated") resolve();
			if (w.state === "redundant") reject(new Error("the service worker became redundant"));
		};
		w.addEventListener("statechange", check);
		check();
	});
	return w.state;
})()`

// replayDocuments is JavaScript that lists, as docs, every document of the
// embedding page with its location: the page's own, then those of its
// same-origin iframes (ReplayWeb.page's app frame, then its replay frame),
// found through shadow roots too; and defines replayFrame(docs, page), the
// replay frame of the archived URL page (loaded from ReplayWeb.page's
// service worker under /replay/w/, its address ending "mp_/" and page).
const replayDocuments = `
	const docs = [{href: location.href, doc: document}];
	const walk = (root) => {
		for (const el of root.querySelectorAll("*")) {
			if (el.shadowRoot) walk(el.shadowRoot);
			if (el.localName !== "iframe") continue;
			let doc = null, href = el.src;
			try { doc = el.contentDocument; href = el.contentWindow.location.href; } catch (e) {}
			docs.push({href, doc});
			if (doc) walk(doc);
		}
	};
	walk(document);
	const replayFrame = (docs, page) => docs.find(({href, doc}) =>
		doc && doc.body && href.includes("/replay/w/") && href.endsWith("mp_/" + page));
	const textOf = (doc) => doc && doc.body ? doc.body.innerText.replace(/\s+/g, " ").trim() : "";
`

// findReplayed is a predicate for chromedp.PollFunction: null until the
// replay frame of page has loaded (its document complete) holding the text
// want, or is ReplayWeb.page's page saying it was not found in the
// archive; then that frame's location, title, content type and whether it
// holds want (if not, its text).
//
// With from and link set, it also follows, each time the replay frame of
// from has loaded, its link whose text is link, once per document: after
// loading a page ReplayWeb.page may load it again in a new document, which
// would replace the page a click on the old one started to load.
const findReplayed = `(page, want, from, link) => {` + replayDocuments + `
	const f = replayFrame(docs, page);
	if (f && f.doc.readyState === "complete") {
		const text = textOf(f.doc);
		if (text.includes(want)) return {href: f.href, title: f.doc.title, type: f.doc.contentType, found: true};
		if (f.doc.title === "Archived Page Not Found") return {href: f.href, title: f.doc.title, text: text.slice(0, 300)};
	}
	const g = from && replayFrame(docs, from);
	window.followed = window.followed || new WeakSet();
	if (g && g.doc.readyState === "complete" && !followed.has(g.doc)) {
		const a = [...g.doc.querySelectorAll("a")].find(a => a.textContent.trim() === link);
		if (a) {
			followed.add(g.doc);
			a.click();
		}
	}
	return null;
}`

// listDocuments returns every document of the embedding page, for the
// failure message: location, title and the start of its text; then the
// events <replay-web-page> sent.
const listDocuments = `(() => {` + replayDocuments + `
	return docs.map(({href, doc}) => ({href, title: doc ? doc.title : "", text: doc ? textOf(doc).slice(0, 300) : "(not readable)"})).
		concat((window.rwpEvents || []).map(e => ({href: "event", title: e.type, text: JSON.stringify(e)})));
})()`

// replayed is what findReplayed and listDocuments return.
type replayed struct {
	Href  string `json:"href"`
	Title string `json:"title"`
	Type  string `json:"type"`
	Found bool   `json:"found"`
	Text  string `json:"text"`
}

// The pages the replay test opens: a post, and the month page its sidebar
// links to.
const (
	replayPost      = "http://albu-core.test/2017/10/23/ucore-report-back/"
	replayPostTitle = "UCORE Report Back – AlbuCORE"
	replayPostText  = "two of our members attended the annual UCORE conference in Los Angeles"
	replayLink      = "October 2017"
	replayMonth     = "http://albu-core.test/2017/10/"
	replayMonthText = "Month: October 2017"
	replayMonthName = "October 2017 – AlbuCORE"
)

// replayArchive crawls the fixture web into a data directory, as a nightly
// crawl would, and archives the post again a day later as the next night's
// crawl does when the server answers its conditional request with 304 Not
// Modified: a revisit (server-not-modified profile), the post's latest
// capture. (Two crawls in one test fall within the same second, where
// ReplayWeb.page keeps the full capture and never reads the revisit.) It
// extracts, exports the archive as a WACZ package and returns the pipeline,
// the package's path and the revisit's 14-digit timestamp.
func replayArchive(t *testing.T) (*Pipeline, string, string) {
	t.Helper()
	srv := fixtures.Start()
	p := &Pipeline{Dir: t.TempDir()}
	_, err := p.Crawl(context.Background(), CrawlOptions{SitesData: fixtures.SitesFile(),
		Transport: crawl.DefaultTransport(srv.DialContext), NoIndex: true})
	srv.Close() // from here on, the pages exist only in the archive
	if err != nil {
		t.Fatal(err)
	}
	arc, err := archive.Open(filepath.Join(p.Dir, archiveDir), archive.Options{CrawlID: "nextnight"})
	if err != nil {
		t.Fatal(err)
	}
	first, err := arc.Latest(replayPost)
	if err != nil {
		arc.Close()
		t.Fatal(err)
	}
	next := first.Time.Add(24 * time.Hour)
	res, err := arc.Write(&archive.Exchange{
		URL: replayPost, Date: next, IP: "127.0.0.1",
		Request: []byte("GET /2017/10/23/ucore-report-back/ HTTP/1.1\r\nHost: albu-core.test\r\n" +
			"If-Modified-Since: " + first.LastModified + "\r\n\r\n"),
		ResponseHead: []byte("HTTP/1.1 304 Not Modified\r\nDate: " + next.Format(http.TimeFormat) +
			"\r\nLast-Modified: " + first.LastModified + "\r\n\r\n"),
	})
	if cerr := arc.Close(); err == nil {
		err = cerr
	}
	if err != nil || !res.Revisit || res.Entry.Status != http.StatusNotModified {
		t.Fatalf("the next night's 304: %+v, %v; want a revisit", res, err)
	}
	if _, err := p.Extract(context.Background()); err != nil {
		t.Fatal(err)
	}
	wacz := filepath.Join(t.TempDir(), "caucuses.wacz")
	if err := p.ExportWACZ(context.Background(), wacz); err != nil {
		t.Fatal(err)
	}
	return p, wacz, next.UTC().Format("20060102150405")
}

// TestPipeline_WACZIndexNotModified checks, without a browser, what lets
// ReplayWeb.page replay a page a recrawl found unchanged: in the package's
// index, the revisit recording the 304 has the status of the capture it
// stands on, 200, while the archive's own index keeps the 304.
func TestPipeline_WACZIndexNotModified(t *testing.T) {
	p, wacz, ts := replayArchive(t)
	_, files := readZip(t, wacz)
	own, err := os.ReadFile(filepath.Join(p.Dir, archiveDir, "index.cdxj"))
	if err != nil {
		t.Fatal(err)
	}
	revisit := func(index []byte) archive.Entry {
		t.Helper()
		for _, l := range strings.Split(strings.TrimSpace(string(index)), "\n") {
			e, err := archive.ParseEntry(l)
			if err != nil {
				t.Fatalf("index line %q: %v", l, err)
			}
			if e.URL == replayPost && e.Revisit() && e.Time.UTC().Format("20060102150405") == ts {
				return e
			}
		}
		t.Fatalf("no revisit of %s at %s in\n%s", replayPost, ts, index)
		return archive.Entry{}
	}
	if e := revisit(own); e.Status != http.StatusNotModified {
		t.Errorf("archive/index.cdxj: the revisit's status %d, want 304 as recorded", e.Status)
	}
	if e := revisit(files["indexes/index.cdxj"]); e.Status != http.StatusOK {
		t.Errorf("the package's index.cdxj: the revisit's status %d, want 200, its original's", e.Status)
	}
	// every other line as in the archive's index
	got, want := strings.Split(string(files["indexes/index.cdxj"]), "\n"), strings.Split(string(own), "\n")
	if len(got) != len(want) {
		t.Fatalf("the package's index has %d lines, the archive's %d", len(got), len(want))
	}
	changed := 0
	for i := range got {
		if got[i] != want[i] {
			changed++
		}
	}
	if changed != 1 {
		t.Errorf("%d lines of the package's index differ from the archive's, want 1, the revisit's", changed)
	}
}

// TestPipeline_WACZReplay checks that ReplayWeb.page opens the WACZ
// package ExportWACZ writes and replays pages from it, in headless
// chromium, on loopback only. The package (see replayArchive) holds a crawl
// of the fixture web and, a day later, a 304 revisit of a post. A page
// embedding <replay-web-page> is served with the pinned ReplayWeb.page's
// ui.js and sw.js and the package (with range requests, as ReplayWeb.page
// reads a WACZ); chromium resolves no host name, so the pages can only come
// out of the package. The test waits for the post's writing and title in
// ReplayWeb.page's replay frame, at its latest capture (the revisit, which
// ReplayWeb.page must follow to its original), then follows a link in it
// to another archived page.
func TestPipeline_WACZReplay(t *testing.T) {
	bctx := browsertest.Start(t, 2*time.Minute)
	rwp := replayWebPage(t)
	start := time.Now()
	_, wacz, revisitTS := replayArchive(t)
	t.Logf("crawled, extracted and exported in %v", time.Since(start).Round(time.Millisecond))

	var log requestLog
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, replayEmbed, replayPost)
	})
	mux.HandleFunc("GET /warm", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><title>service worker</title>")
	})
	mux.HandleFunc("GET /ui.js", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, filepath.Join(rwp, "ui.js"))
	})
	mux.HandleFunc("GET /replay/sw.js", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, filepath.Join(rwp, "sw.js"))
	})
	mux.HandleFunc("GET /caucuses.wacz", func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(wacz)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/wacz")
		http.ServeContent(w, r, "", st.ModTime(), f)
	})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		mux.ServeHTTP(sw, r)
		log.add("%s %s range=%q: %d", r.Method, r.URL.RequestURI(), r.Header.Get("Range"), sw.status)
	}))
	defer ts.Close()

	browsing := time.Now()
	fail := func(step string, err error) {
		t.Helper()
		// what ReplayWeb.page shows, kept after the test
		var png []byte
		if serr := chromedp.Run(bctx, chromedp.FullScreenshot(&png, 100)); serr == nil {
			dir := os.Getenv("RANKFILE_SCREENSHOTS")
			if dir == "" {
				dir = os.TempDir()
			}
			os.MkdirAll(dir, 0o755)
			name := filepath.Join(dir, fmt.Sprintf("rankfile-wacz-replay-%d.png", time.Now().UnixNano()))
			if werr := os.WriteFile(name, png, 0o644); werr == nil {
				t.Logf("screenshot: %s", name)
			}
		}
		var docs []replayed
		chromedp.Run(bctx, chromedp.Evaluate(listDocuments, &docs))
		var shown strings.Builder
		for _, d := range docs {
			fmt.Fprintf(&shown, "%s %q: %q\n", d.Href, d.Title, d.Text)
		}
		t.Fatalf("%s: %v\nrequests to the replay server:\n%s\ndocuments in the page:\n%s", step, err, log.String(), shown.String())
	}
	var got replayed
	poll := func(page, want, from, link string) chromedp.Action {
		return chromedp.PollFunction(findReplayed, &got, chromedp.WithPollingArgs(page, want, from, link),
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(45*time.Second))
	}

	// <replay-web-page> registers its service worker and at once loads its
	// app frame under /replay/, reloading it thrice 100 ms apart until the
	// worker controls it: when the worker (1.2 MB of script) takes longer
	// to start, as on a loaded machine, the frame stays on this server's
	// 404. So the worker is made active first, as a returning visitor finds
	// it.
	var state string
	if err := chromedp.Run(bctx, chromedp.Navigate(ts.URL+"/warm"),
		chromedp.Evaluate(activateWorker, &state, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
			return p.WithAwaitPromise(true)
		})); err != nil || state != "activated" {
		fail("activating ReplayWeb.page's service worker", fmt.Errorf("state %q: %v", state, err))
	}
	if err := chromedp.Run(bctx, chromedp.Navigate(ts.URL+"/"), poll(replayPost, replayPostText, "", "")); err != nil || !got.Found {
		fail("waiting for the post replayed from the WACZ", fmt.Errorf("%v; ReplayWeb.page shows %+v", err, got))
	}
	if got.Title != replayPostTitle || got.Type != "text/html" || !strings.Contains(got.Href, "/"+revisitTS+"mp_/") {
		t.Errorf("replayed post %s: title %q, content type %q; want title %q, text/html, at its latest capture %s",
			got.Href, got.Title, got.Type, replayPostTitle, revisitTS)
	}
	t.Logf("post replayed at %s in %v", got.Href, time.Since(browsing).Round(time.Millisecond))

	got = replayed{}
	if err := chromedp.Run(bctx, poll(replayMonth, replayMonthText, replayPost, replayLink)); err != nil || !got.Found {
		fail("following the post's "+replayLink+" link to the month page, replayed from the WACZ", fmt.Errorf("%v; ReplayWeb.page shows %+v", err, got))
	}
	if got.Title != replayMonthName || got.Type != "text/html" {
		t.Errorf("replayed month page %s: title %q, content type %q; want %q, text/html", got.Href, got.Title, got.Type, replayMonthName)
	}
	if !strings.Contains(log.String(), `GET /caucuses.wacz range="bytes=`) {
		t.Errorf("ReplayWeb.page read the package without range requests:\n%s", log.String())
	}
	t.Logf("replayed two pages in %v", time.Since(browsing).Round(time.Millisecond))
}
