package crawl

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sync"
	"testing"

	"rankfile/archive"
	"rankfile/fixtures"
	"rankfile/record"
)

// crawlFixtures crawls the whole fixture web into a new archive and returns
// the archive (closed) directory and the report.
func crawlFixtures(t *testing.T) (string, *Report) {
	t.Helper()
	srv := fixtures.Start()
	t.Cleanup(srv.Close)
	sites, err := ParseSites(fixtures.SitesFile())
	if err != nil {
		t.Fatalf("fixture sites file: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "archive")
	arc, err := archive.Open(dir, archive.Options{CrawlID: "test"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{Sites: sites, Archive: arc, Transport: DefaultTransport(srv.DialContext)})
	if err != nil {
		t.Fatal(err)
	}
	report, err := c.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if c.leftover != 0 {
		t.Errorf("crawl left %d URL contexts or found links behind", c.leftover)
	}
	if err := arc.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, report
}

func TestCrawler_Run_fixtureWeb(t *testing.T) {
	dir, report := crawlFixtures(t)
	arc, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()

	t.Run("every content page archived with status 200", func(t *testing.T) {
		for _, p := range fixtures.Pages() {
			entries, err := arc.Lookup(p.URL)
			if err != nil || len(entries) == 0 {
				t.Errorf("%s: not archived (%v)", p.URL, err)
				continue
			}
			if got := entries[0].Status; got != http.StatusOK {
				t.Errorf("%s: status %d, want 200", p.URL, got)
			}
		}
	})
	t.Run("no robots-disallowed page fetched", func(t *testing.T) {
		for _, u := range fixtures.Disallowed() {
			if entries, _ := arc.Lookup(u); len(entries) > 0 {
				t.Errorf("%s is disallowed by robots.txt but was fetched", u)
			}
		}
	})
	t.Run("missing pages archived as 404", func(t *testing.T) {
		for _, u := range fixtures.Missing() {
			entries, err := arc.Lookup(u)
			if err != nil || len(entries) == 0 {
				t.Errorf("%s: the 404 was not archived (%v)", u, err)
				continue
			}
			if got := entries[0].Status; got != http.StatusNotFound {
				t.Errorf("%s: status %d, want 404", u, got)
			}
		}
	})
	t.Run("no URL fetched twice", func(t *testing.T) {
		seen := map[string]int{}
		err := arc.Captures(context.Background(), func(c record.Capture) error {
			seen[c.URL]++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for u, n := range seen {
			if n > 1 {
				t.Errorf("%s captured %d times in one crawl", u, n)
			}
		}
	})
	t.Run("report counts every site", func(t *testing.T) {
		for _, s := range report.Sites {
			if s.Fetched == 0 || s.Status["200"] == 0 {
				t.Errorf("site %q: %d fetched, status %v", s.Site, s.Fetched, s.Status)
			}
			if s.Status["404"] == 0 {
				t.Errorf("site %q: the 404 link was not counted: %v", s.Site, s.Status)
			}
		}
		tot := report.Totals()
		if tot.Dropped[DropRobots]+tot.Dropped[DropTrap] < len(fixtures.Disallowed()) {
			t.Errorf("dropped %v: want at least %d robots or trap drops", tot.Dropped, len(fixtures.Disallowed()))
		}
		if tot.Dropped[DropOutOfScope] == 0 {
			t.Errorf("dropped %v: the fixture web links off-site, want out_of_scope drops", tot.Dropped)
		}
	})
}

// TestCrawler_Run_wire checks what the archive holds against what went over
// the wire: the request as sent and the gzip body as received.
func TestCrawler_Run_wire(t *testing.T) {
	var mu sync.Mutex
	var gotUA, gotAE string
	page := []byte(`<html><body><p>Rank and file.</p><a href="/next">next</a></body></html>`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if r.URL.Path == "/" {
			gotUA, gotAE = r.Header.Get("User-Agent"), r.Header.Get("Accept-Encoding")
		}
		mu.Unlock()
		switch r.URL.Path {
		case "/robots.txt":
			w.Write([]byte("User-agent: *\nDisallow: /private\n"))
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gzipBytes(t, page))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	sites, err := ParseSites([]byte("defaults: {delay: 0s}\nsites:\n  - name: Local\n    kind: caucus\n    seeds: [" + srv.URL + "/]\n"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	arc, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{Sites: sites, Archive: arc, Contact: "https://example.org/rankfile"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := arc.Close(); err != nil {
		t.Fatal(err)
	}
	if want := "rankfile/" + Version + " (+https://example.org/rankfile)"; gotUA != want {
		t.Errorf("User-Agent %q, want %q", gotUA, want)
	}
	if gotAE != "gzip" {
		t.Errorf("Accept-Encoding %q, want gzip", gotAE)
	}
	arc, err = archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	entries, err := arc.Lookup(srv.URL + "/")
	if err != nil || len(entries) != 1 {
		t.Fatalf("home page: %d captures (%v), want 1", len(entries), err)
	}
	if got, want := entries[0].Digest, sha1Base32(gzipBytes(t, page)); got != want {
		t.Errorf("payload digest %s, want %s (of the gzip body as sent)", got, want)
	}
	var body []byte
	arc.Captures(context.Background(), func(c record.Capture) error {
		if c.URL == srv.URL+"/" {
			body = c.Body
		}
		return nil
	})
	if string(body) != string(page) {
		t.Errorf("capture body %q, want the decoded page", body)
	}
	if u, _ := url.Parse(srv.URL + "/next"); u != nil {
		if e, _ := arc.Lookup(u.String()); len(e) != 1 || e[0].Status != 404 {
			t.Errorf("/next: %v, want one 404 capture", e)
		}
	}
}
