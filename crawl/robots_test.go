package crawl

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"rankfile/archive"
	"rankfile/record"
)

// hostsWeb serves many .test hosts from one loopback server: handler gets
// each request with r.Host set to the host asked for.
func hostsWeb(t *testing.T, handler http.HandlerFunc) (*httptest.Server, http.RoundTripper) {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, _, _ := net.SplitHostPort(addr); !strings.HasSuffix(host, ".test") {
			return nil, fmt.Errorf("%s is not a test host", addr)
		}
		return (&net.Dialer{}).DialContext(ctx, "tcp", srv.Listener.Addr().String())
	}
	return srv, DefaultTransport(dial)
}

// capturesByURL lists the statuses of the captures in the archive at dir, by URL.
func capturesByURL(t *testing.T, dir string) map[string][]int {
	t.Helper()
	arc, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	got := map[string][]int{}
	if err := arc.Captures(context.Background(), func(c record.Capture) error {
		got[c.URL] = append(got[c.URL], c.Status)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

func named(ps []URLProblem, url, reason string) *URLProblem {
	for i := range ps {
		if ps[i].URL == url && ps[i].Reason == reason {
			return &ps[i]
		}
	}
	return nil
}

// TestCrawler_Run_robots crawls five hosts whose robots.txt behave as RFC
// 9309 lists: missing (404: all allowed), failing (503: the host disallowed
// after its retries, robots.txt archived once), hanging (the host
// disallowed after the timeout, while the other hosts are crawled meanwhile),
// redirected five times (followed: its rules hold) and six times (taken as
// no robots.txt).
func TestCrawler_Run_robots(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	okDone := make(chan struct{})
	var okOnce sync.Once
	var servedWhileHanging bool
	_, rt := hostsWeb(t, func(w http.ResponseWriter, r *http.Request) {
		host := strings.TrimSuffix(r.Host, ":80")
		mu.Lock()
		hits[host+r.URL.Path]++
		mu.Unlock()
		page := `<html><body><a href="/a">a</a> <a href="/private/x">private</a></body></html>`
		switch {
		case r.URL.Path == "/robots.txt" && host == "down.test":
			http.Error(w, "down", http.StatusServiceUnavailable)
		case r.URL.Path == "/robots.txt" && host == "hang.test":
			select {
			case <-okDone:
				mu.Lock()
				servedWhileHanging = true
				mu.Unlock()
			case <-r.Context().Done():
			}
			<-r.Context().Done()
		case r.URL.Path == "/robots.txt" && (host == "five.test" || host == "six.test"):
			http.Redirect(w, r, "/robots-1", http.StatusFound)
		case strings.HasPrefix(r.URL.Path, "/robots-"):
			var n int
			fmt.Sscanf(r.URL.Path, "/robots-%d", &n)
			if last := map[string]int{"five.test": 5, "six.test": 6}[host]; n < last {
				http.Redirect(w, r, fmt.Sprintf("/robots-%d", n+1), http.StatusFound)
				return
			}
			fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
		case r.URL.Path == "/robots.txt", r.URL.Path == "/sitemap.xml":
			http.NotFound(w, r)
		case r.URL.Path == "/a" && host == "ok.test":
			okOnce.Do(func() { close(okDone) })
			fmt.Fprint(w, "<p>a</p>")
		case r.URL.Path == "/":
			fmt.Fprint(w, page)
		default:
			fmt.Fprint(w, "<p>a page</p>")
		}
	})
	var yaml strings.Builder
	yaml.WriteString("defaults: {delay: 0s, parallelism: 2}\nsites:\n")
	for _, h := range []string{"ok", "down", "hang", "five", "six"} {
		fmt.Fprintf(&yaml, "  - name: %s\n    kind: caucus\n    seeds: [http://%s.test/]\n", h, h)
	}
	sites, err := ParseSites([]byte(yaml.String()))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	arc, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{Sites: sites, Archive: arc, Transport: rt, Timeout: 2 * time.Second, Retries: 1, RetryBase: time.Millisecond, MaxRetryWait: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	report, err := c.Run(context.Background())
	arc.Close()
	if err != nil {
		t.Fatal(err)
	}
	caps := capturesByURL(t, dir)
	mu.Lock()
	defer mu.Unlock()
	if !servedWhileHanging {
		t.Error("ok.test was crawled only after hang.test's robots.txt gave up: one host's robots.txt held up the others")
	}
	for _, u := range []string{"http://ok.test/a", "http://ok.test/private/x", "http://five.test/a", "http://six.test/a", "http://six.test/private/x"} {
		if len(caps[u]) != 1 {
			t.Errorf("%s: captures %v, want one", u, caps[u])
		}
	}
	if hits["five.test/private/x"] != 0 {
		t.Error("five.test's robots.txt, five redirects away, was not obeyed")
	}
	for _, h := range []string{"down.test", "hang.test"} {
		if hits[h+"/"] != 0 || hits[h+"/robots.txt"] != 2 {
			t.Errorf("%s: home requested %d times, robots.txt %d; want robots.txt tried twice and nothing else", h, hits[h+"/"], hits[h+"/robots.txt"])
		}
	}
	if got := caps["http://down.test/robots.txt"]; len(got) != 1 || got[0] != 503 {
		t.Errorf("down.test/robots.txt captures %v, want its last try archived once", got)
	}
	byName := map[string]*SiteReport{}
	for _, s := range report.Sites {
		byName[s.Site] = s
	}
	if p := named(byName["down"].DroppedURLs, "http://down.test/", DropRobotsUnreachable); p == nil || !strings.Contains(p.Detail, "503") {
		t.Errorf("down's dropped URLs %+v, want its seed named as dropped for robots.txt's 503", byName["down"].DroppedURLs)
	}
	if p := named(byName["hang"].DroppedURLs, "http://hang.test/", DropRobotsUnreachable); p == nil || !strings.Contains(p.Detail, "could not be fetched") {
		t.Errorf("hang's dropped URLs %+v, want its seed named as dropped for an unreachable robots.txt", byName["hang"].DroppedURLs)
	}
	if p := named(byName["five"].DroppedURLs, "http://five.test/private/x", DropRobots); p == nil || p.Via != "http://five.test/" {
		t.Errorf("five's dropped URLs %+v, want /private/x named as disallowed, with the page that led to it", byName["five"].DroppedURLs)
	}
}

// TestCrawler_Run_sharedHost crawls two blogs of one WordPress multisite
// from one sites file: each page is fetched for and reported under its own
// blog; a page's stylesheet under /wp-content/ (outside both include
// patterns) and its pictures on a CDN host are fetched as requisites, and
// so are the stylesheet's font, background and imported sheet, but not
// what that sheet loads (three requisite hops from the page); Urban's
// max_requisites holds it to 6 of its 10; a link to /wp-content/ is not
// followed.
func TestCrawler_Run_sharedHost(t *testing.T) {
	_, rt := hostsWeb(t, func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/robots.txt", p == "/sitemap.xml":
			http.NotFound(w, r)
		case strings.HasPrefix(p, "/wp-content/themes/") && strings.HasSuffix(p, "-print.css"):
			w.Header().Set("Content-Type", "text/css")
			fmt.Fprintf(w, `body{background:url(/wp-content/%s-deep.png)}`, strings.TrimSuffix(strings.TrimPrefix(p, "/wp-content/themes/"), "-print.css"))
		case strings.HasPrefix(p, "/wp-content/themes/"):
			blog := strings.TrimSuffix(strings.TrimPrefix(p, "/wp-content/themes/"), ".css")
			w.Header().Set("Content-Type", "text/css; charset=utf-8")
			fmt.Fprintf(w, `@import "%[1]s-print.css"; @font-face{src:url('/wp-content/fonts/%[1]s.woff2')}
body{background:url( http://cdn.test/%[1]s/bg.png )} .dot{background:url(data:image/png;base64,AAAA)}`, blog)
		case strings.HasPrefix(p, "/wp-content/"), r.Host == "cdn.test":
			w.Header().Set("Content-Type", "image/png")
			fmt.Fprint(w, "\x89PNG")
		default:
			blog, page, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
			fmt.Fprintf(w, `<html><head><link rel=stylesheet href="/wp-content/themes/%[1]s.css"></head><body>
<img src="http://cdn.test/%[1]s/%[2]s-1.png"><img src="http://cdn.test/%[1]s/%[2]s-2.png"><img src="http://cdn.test/%[1]s/%[2]s-3.png">
<a href="post">post</a> <a href="/wp-content/uploads/minutes.html">file</a> <a href="/president/">president</a></body></html>`, blog, page)
		}
	})
	sites, err := ParseSites([]byte(`defaults: {delay: 0s, max_requisites: 0}
sites:
  - name: Urban
    kind: partner
    seeds: [http://wp.towson.test/urban/]
    include: ['^http://wp\.towson\.test/urban/']
    max_requisites: 6
  - name: Labor
    kind: partner
    seeds: [http://wp.towson.test/labor/]
    include: ['^http://wp\.towson\.test/labor/']
`))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	arc, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{Sites: sites, Archive: arc, Transport: rt, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	report, err := c.Run(context.Background())
	arc.Close()
	if err != nil {
		t.Fatal(err)
	}
	caps := capturesByURL(t, dir)
	for _, blog := range []string{"urban", "labor"} {
		for _, u := range []string{"http://wp.towson.test/" + blog + "/", "http://wp.towson.test/" + blog + "/post",
			"http://wp.towson.test/wp-content/themes/" + blog + ".css"} {
			if len(caps[u]) != 1 {
				t.Errorf("%s: %d captures, want 1", u, len(caps[u]))
			}
		}
	}
	for _, u := range []string{"http://wp.towson.test/wp-content/themes/labor-print.css", "http://wp.towson.test/wp-content/fonts/labor.woff2",
		"http://cdn.test/labor/bg.png", "http://cdn.test/labor/post-3.png"} {
		if len(caps[u]) != 1 {
			t.Errorf("%s: %d captures, want 1 (a requisite of Labor's pages or of their stylesheet)", u, len(caps[u]))
		}
	}
	for u := range caps {
		if strings.Contains(u, "/president/") || strings.Contains(u, "/uploads/") || strings.Contains(u, "-deep.png") {
			t.Errorf("%s fetched: a link outside both blogs, or a requisite three hops from a page", u)
		}
	}
	want := map[string]struct{ ok, over, named int }{
		"Urban": {2 + 6, 4, 3 + 4}, // 6 of 10 requisites; named: the 2 links, sitemap.xml and the 4 over the limit
		"Labor": {2 + 10, 0, 3},
	}
	for _, s := range report.Sites {
		w := want[s.Site]
		if s.Status["200"] != w.ok || s.Dropped[DropMaxRequisites] != w.over || len(s.DroppedURLs) != w.named {
			t.Errorf("%s: status %v dropped %v, want %d fetched and %d requisites over the limit; named %v", s.Site, s.Status, s.Dropped, w.ok, w.over, s.DroppedURLs)
		}
		if named(s.DroppedURLs, "http://wp.towson.test/president/", DropOutOfScope) == nil {
			t.Errorf("%s: dropped URLs %v do not name the university's page", s.Site, s.DroppedURLs)
		}
	}
}

// TestHostGate: requests to a host whose robots.txt asks for a Crawl-delay
// start that far apart, however many arrive at once; one that comes after
// the delay has passed starts at once.
func TestHostGate(t *testing.T) {
	var g hostGate
	t0 := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	var waits []time.Duration
	for range 3 {
		waits = append(waits, g.reserve(t0, 10*time.Second))
	}
	waits = append(waits, g.reserve(t0.Add(time.Minute), 10*time.Second))
	if fmt.Sprint(waits) != "[0s 10s 20s 0s]" {
		t.Errorf("waits %v, want [0s 10s 20s 0s]", waits)
	}
}
