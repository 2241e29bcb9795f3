package crawl

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"

	"rankfile/archive"
)

// heapAfter returns the live heap after fn, collected before and after.
func heapAfter(fn func()) (before, after uint64) {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before = ms.HeapAlloc
	fn()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return before, ms.HeapAlloc
}

// TestSeenSet_compact checks what the seen set costs a URL: under 64 bytes
// however long the URL, so that a million URLs take well under 100 MB.
func TestSeenSet_compact(t *testing.T) {
	const n = 200_000
	var s seenSet
	before, after := heapAfter(func() {
		for i := range n {
			if s.add(fmt.Sprintf("https://www.caucus.test/2024/05/a-long-post-title-as-wordpress-writes-them-%d/", i)) {
				t.Fatalf("URL %d taken for seen", i)
			}
		}
	})
	if !s.add("https://www.caucus.test/2024/05/a-long-post-title-as-wordpress-writes-them-7/") {
		t.Error("a URL added is not seen")
	}
	per := float64(after-before) / n
	t.Logf("%.0f bytes a URL", per)
	if per > 64 {
		t.Errorf("the seen set takes %.0f bytes a URL, want under 64", per)
	}
	runtime.KeepAlive(&s)
}

// TestFrontier_order checks that the frontier hands URLs over first in,
// first out, no more than maxRunning at a time.
func TestFrontier_order(t *testing.T) {
	var f frontier
	for i := range maxRunning + 10 {
		f.push(queuedURL{url: fmt.Sprint(i)})
	}
	for i := range maxRunning {
		q, ok := f.next()
		if !ok || q.url != fmt.Sprint(i) {
			t.Fatalf("next %d: %q, %v", i, q.url, ok)
		}
	}
	if _, ok := f.next(); ok {
		t.Fatalf("more than %d running", maxRunning)
	}
	f.done()
	if q, ok := f.next(); !ok || q.url != fmt.Sprint(maxRunning) {
		t.Errorf("after one ended: %q, %v", q.url, ok)
	}
}

// TestCrawler_inflightBounded crawls a page of 3,000 links whose pages
// answer only once all are queued: meanwhile the crawl context map holds
// the URLs handed to colly (at most maxRunning), not the frontier's
// thousands, which keep their context in the frontier alone.
func TestCrawler_inflightBounded(t *testing.T) {
	const links = 3000
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/":
			w.Header().Set("Content-Type", "text/html")
			for i := range links {
				fmt.Fprintf(w, `<a href="/p/%d">%d</a> `, i, i)
			}
		case strings.HasPrefix(r.URL.Path, "/p/"):
			select {
			case <-release:
			case <-r.Context().Done():
			}
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<p>a page</p>")
		default: // robots.txt, sitemap.xml
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	defer closeOnce(release)
	sites, err := ParseSites([]byte(fmt.Sprintf("defaults: {delay: 0s, parallelism: 8, max_depth: 0, max_pages: 0}\nsites:\n  - name: Wide\n    kind: caucus\n    seeds: [%s/]\n", srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	arc, err := archive.Open(t.TempDir(), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	var c *Crawler
	counted := make(chan int, 1)
	var once sync.Once
	c, err = New(Options{Sites: sites, Archive: arc, Progress: func(p Progress) {
		if p.Queued == links+1 {
			once.Do(func() {
				n := 0
				c.inflight.urls.Range(func(any, any) bool { n++; return true })
				counted <- n
				closeOnce(release)
			})
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	report, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := <-counted; n > maxRunning+1 {
		t.Errorf("%d URL contexts held with %d URLs queued, want at most %d (those handed to colly)", n, links+1, maxRunning+1)
	}
	if got := report.Totals().Status["200"]; got != links+1 {
		t.Errorf("%d pages fetched, want %d", got, links+1)
	}
	if c.leftover != 0 {
		t.Errorf("crawl left %d URL contexts or found links behind", c.leftover)
	}
}

var closeMu sync.Mutex

// closeOnce closes ch unless it is closed already.
func closeOnce(ch chan struct{}) {
	closeMu.Lock()
	defer closeMu.Unlock()
	select {
	case <-ch:
	default:
		close(ch)
	}
}
