package crawl

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"rankfile/archive"
	"rankfile/fixtures"
)

// TestCrawler_Run_conditional recrawls the unchanged fixture web: every
// request is conditional, every page answers 304, and the crawl still
// reaches every page through the links of the archived captures.
func TestCrawler_Run_conditional(t *testing.T) {
	var mu sync.Mutex
	var conditional, notModified, requests int
	var edited bool // serve one page with new writing
	handler := fixtures.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		mu.Lock()
		edit := edited && r.Host == "www.bmorecaucus.test" && r.URL.Path == "/community-partnerships"
		mu.Unlock()
		if edit {
			rec.Header().Set("Content-Type", "text/html; charset=utf-8")
			rec.Header().Set("Last-Modified", time.Now().UTC().Format(http.TimeFormat))
			rec.WriteHeader(http.StatusOK)
			rec.WriteString("<html><body><h1>Community Partnerships</h1><p>A new partner joined.</p></body></html>")
		} else {
			handler.ServeHTTP(rec, r)
		}
		mu.Lock()
		requests++
		if r.Header.Get("If-Modified-Since") != "" || r.Header.Get("If-None-Match") != "" {
			conditional++
		}
		if rec.Code == http.StatusNotModified {
			notModified++
		}
		mu.Unlock()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	defer srv.Close()
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		if !strings.HasSuffix(strings.Split(addr, ":")[0], ".test") {
			return nil, fixtures.ErrNotFixture
		}
		return (&net.Dialer{}).DialContext(ctx, "tcp", srv.Listener.Addr().String())
	}
	sites, err := ParseSites(fixtures.SitesFile())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "archive")
	crawlOnce := func() *Report {
		arc, err := archive.Open(dir, archive.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer arc.Close()
		c, err := New(Options{Sites: sites, Archive: arc, History: arc, Transport: DefaultTransport(dial)})
		if err != nil {
			t.Fatal(err)
		}
		report, err := c.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return report
	}
	first := crawlOnce().Totals()
	mu.Lock()
	if conditional != 0 {
		t.Errorf("first crawl sent %d conditional requests into an empty archive", conditional)
	}
	requests, conditional, notModified = 0, 0, 0
	mu.Unlock()

	second := crawlOnce().Totals()
	mu.Lock()
	defer mu.Unlock()
	if requests != first.Fetched {
		t.Errorf("recrawl sent %d requests, first crawl %d: the 304 pages' links were not followed", requests, first.Fetched)
	}
	if want := first.Status["200"]; conditional != want || notModified != want {
		t.Errorf("recrawl: %d conditional requests, %d answered 304; want %d (every page archived with 200)", conditional, notModified, want)
	}
	if second.New != 0 || second.Unchanged != second.Fetched || second.Status["304"] != notModified {
		t.Errorf("recrawl report %+v: want nothing new, every fetch unchanged, the 304s counted", second)
	}
	edited = true
	mu.Unlock()
	third := crawlOnce().Totals()
	mu.Lock()
	if third.Changed != 1 || third.New != 0 || third.Unchanged != third.Fetched-1 {
		t.Errorf("recrawl with one page edited: %+v, want exactly one changed", third)
	}
}
