package crawl

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"rankfile/archive"
)

// warcRecord is one record of a WARC file, block read whole.
type warcRecord struct {
	typ, id, uri, concurrentTo string
	block                      string
}

// readWARCs reads every record of the WARC files in dir whose names start
// with prefix.
func readWARCs(t *testing.T, dir, prefix string) []warcRecord {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, prefix+"*.warc.gz"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no WARC files %s* in %s (%v)", prefix, dir, err)
	}
	var recs []warcRecord
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		r := archive.NewReader(f)
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			block, err := io.ReadAll(rec.Body)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			recs = append(recs, warcRecord{typ: rec.Type(), id: rec.ID(), uri: rec.TargetURI(),
				concurrentTo: rec.Header.Get("WARC-Concurrent-To"), block: string(block)})
		}
		f.Close()
	}
	return recs
}

// metaFields parses an application/warc-fields block.
func metaFields(block string) map[string][]string {
	m := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSuffix(block, "\r\n"), "\r\n") {
		if name, value, ok := strings.Cut(line, ": "); ok {
			m[name] = append(m[name], value)
		}
	}
	return m
}

// metadataSite is a small site whose pages are reached every way a hop
// path names: the seed, links, a link of a link, a redirect, requisites,
// robots.txt and a sitemap it names.
func metadataSite(t *testing.T) *httptest.Server {
	modified := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	var base string
	pages := map[string]struct{ typ, body string }{
		"/": {"text/html; charset=utf-8", `<html><head><link rel="stylesheet" href="/style.css"><script src="/app.js"></script></head><body>
<a href="/a">a</a> <a href="b">b</a> <a href="/moved">moved</a> <a href="/a#top">a again</a>
<a href="http://elsewhere.test/x?utm_source=caucus">off site</a> <a href="mailto:caucus@example.org">write</a>
<img src="/logo.png"></body></html>`},
		"/a":            {"text/html", `<a href="/a/deeper">deeper</a> <a href="/">home</a>`},
		"/a/deeper":     {"text/html", `<p>The end of the line.</p>`},
		"/target":       {"text/html", `<p>Moved here.</p><a href="/a">a</a>`},
		"/from-sitemap": {"text/html", `<p>Only the sitemap links here.</p>`},
		"/logo.png":     {"image/png", "\x89PNG\r\n\x1a\n"},
		"/style.css":    {"text/css", "body { color: black }"},
		"/app.js":       {"text/javascript", "1"},
		"/sitemap.xml":  {"application/xml", `<?xml version="1.0"?><urlset><url><loc>BASE/from-sitemap</loc></url></urlset>`},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; p {
		case "/robots.txt":
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "User-agent: *\nAllow: /\nSitemap: "+base+"/sitemap.xml\n")
		case "/moved":
			http.Redirect(w, r, "/target", http.StatusMovedPermanently)
		default:
			pg, ok := pages[p]
			if !ok {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", pg.typ)
			http.ServeContent(w, r, "", modified, strings.NewReader(strings.ReplaceAll(pg.body, "BASE", base)))
		}
	}))
	base = srv.URL
	t.Cleanup(srv.Close)
	return srv
}

// crawlInto crawls the site at base into the archive at dir under crawl id,
// conditional on earlier captures when history is set.
func crawlInto(t *testing.T, dir, id, base string, requisites, history bool) *Report {
	t.Helper()
	sites, err := ParseSites([]byte("defaults: {delay: 0s, parallelism: 2, requisites: " + map[bool]string{true: "true", false: "false"}[requisites] +
		"}\nsites:\n  - name: Local\n    kind: caucus\n    seeds: [" + base + "/]\n"))
	if err != nil {
		t.Fatal(err)
	}
	arc, err := archive.Open(dir, archive.Options{CrawlID: id})
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Sites: sites, Archive: arc}
	if history {
		opts.History = arc
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	report, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := arc.Close(); err != nil {
		t.Fatal(err)
	}
	if c.leftover != 0 {
		t.Errorf("crawl left %d URL contexts or found links behind", c.leftover)
	}
	return report
}

// TestCrawler_Run_metadata checks that every response record of a crawl
// has one metadata record beside it naming the page's outlinks, the page
// that led to it, its hop path from the seed and its fetch time; and that a
// recrawl answered with 304s writes none.
func TestCrawler_Run_metadata(t *testing.T) {
	srv := metadataSite(t)
	b := srv.URL
	home := []string{b + "/a L a/@href", b + "/b L a/@href", b + "/moved L a/@href", "http://elsewhere.test/x L a/@href",
		b + "/style.css E link/@href", b + "/app.js E script/@src", b + "/logo.png E img/@src"}
	type want struct {
		via, hops string
		outlinks  []string
	}
	wants := map[string]want{
		b + "/":             {"", "", home},
		b + "/a":            {b + "/", "L", []string{b + "/a/deeper L a/@href", b + "/ L a/@href"}},
		b + "/a/deeper":     {b + "/a", "LL", nil},
		b + "/b":            {b + "/", "L", nil}, // a 404
		b + "/moved":        {b + "/", "L", []string{b + "/target R"}},
		b + "/target":       {b + "/moved", "LR", []string{b + "/a L a/@href"}},
		b + "/logo.png":     {b + "/", "E", nil},
		b + "/style.css":    {b + "/", "E", nil},
		b + "/app.js":       {b + "/", "E", nil},
		b + "/robots.txt":   {"", "P", nil},
		b + "/sitemap.xml":  {b + "/robots.txt", "I", []string{b + "/from-sitemap L"}},
		b + "/from-sitemap": {b + "/sitemap.xml", "IL", nil},
	}
	for _, requisites := range []bool{true, false} {
		name := map[bool]string{true: "requisites", false: "no requisites"}[requisites]
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			crawlInto(t, dir, "first", b, requisites, false)
			recs := readWARCs(t, dir, "rankfile-first-")
			metas := map[string][]warcRecord{} // by WARC-Concurrent-To
			for _, r := range recs {
				if r.typ == archive.TypeMetadata {
					metas[r.concurrentTo] = append(metas[r.concurrentTo], r)
				}
			}
			got := map[string]bool{}
			for _, r := range recs {
				if r.typ != archive.TypeResponse {
					continue
				}
				got[r.uri] = true
				w, ok := wants[r.uri]
				if !ok {
					t.Errorf("%s fetched, not expected", r.uri)
					continue
				}
				ms := metas[r.id]
				if len(ms) != 1 {
					t.Errorf("%s: %d metadata records concurrent to its response %s, want 1", r.uri, len(ms), r.id)
					continue
				}
				if ms[0].uri != r.uri {
					t.Errorf("%s: metadata record for %s", r.uri, ms[0].uri)
				}
				f := metaFields(ms[0].block)
				if gv := strings.Join(f["via"], " "); gv != w.via {
					t.Errorf("%s: via %q, want %q", r.uri, gv, w.via)
				}
				if gh := strings.Join(f["hopsFromSeed"], " "); gh != w.hops {
					t.Errorf("%s: hopsFromSeed %q, want %q", r.uri, gh, w.hops)
				}
				if len(f["fetchTimeMs"]) != 1 {
					t.Errorf("%s: fetchTimeMs %q, want one", r.uri, f["fetchTimeMs"])
				}
				if !slices.Equal(f["outlink"], w.outlinks) {
					t.Errorf("%s: outlinks\n%q\nwant\n%q", r.uri, f["outlink"], w.outlinks)
				}
				delete(metas, r.id)
			}
			for id, ms := range metas {
				t.Errorf("metadata record of %s concurrent to %s, which is no response record", ms[0].uri, id)
			}
			for u, w := range wants {
				embed := strings.HasSuffix(w.hops, "E")
				if !got[u] && (requisites || !embed) {
					t.Errorf("%s not captured", u)
				}
				if got[u] && !requisites && embed {
					t.Errorf("%s fetched with requisites off", u)
				}
			}

			// The recrawl asks for every 200 page conditionally and is
			// answered 304: revisits without metadata.
			report := crawlInto(t, dir, "second", b, requisites, true)
			recs = readWARCs(t, dir, "rankfile-second-")
			kinds := map[string]string{}
			for _, r := range recs {
				kinds[r.id] = r.typ
			}
			var revisits, responses, metadata int
			for _, r := range recs {
				switch r.typ {
				case archive.TypeRevisit:
					revisits++
				case archive.TypeResponse:
					responses++
				case archive.TypeMetadata:
					metadata++
					if kinds[r.concurrentTo] != archive.TypeResponse {
						t.Errorf("recrawl: metadata record of %s concurrent to a %q record", r.uri, kinds[r.concurrentTo])
					}
				}
			}
			tot := report.Totals()
			if tot.Status["304"] == 0 || revisits < tot.Status["304"] {
				t.Errorf("recrawl: %d 304s, %d revisit records; want every 200 page answered 304 and archived as a revisit", tot.Status["304"], revisits)
			}
			if metadata != responses {
				t.Errorf("recrawl: %d metadata records for %d responses and %d revisits: want one per response, none per revisit", metadata, responses, revisits)
			}
			if !got[b+"/a/deeper"] || tot.Fetched != len(got) {
				t.Errorf("recrawl fetched %d URLs, first crawl %d: the 304 pages' links were not followed", tot.Fetched, len(got))
			}
		})
	}
}

func TestAppendHop(t *testing.T) {
	long := strings.Repeat("L", maxHopPath)
	tests := []struct {
		path string
		hop  byte
		want string
	}{
		{"", hopLink, "L"},
		{"L", hopRedirect, "LR"},
		{long[1:], hopEmbed, long[1:] + "E"},
		{long, hopEmbed, "1+" + long[1:] + "E"},
		{"1+" + long[1:] + "E", hopLink, "2+" + long[2:] + "EL"},
		{"41+" + long, hopLink, "42+" + long[1:] + "L"},
	}
	for _, tt := range tests {
		got := appendHop(tt.path, tt.hop)
		if got != tt.want {
			t.Errorf("appendHop(%q, %c) = %q, want %q", tt.path, tt.hop, got, tt.want)
		}
		if _, letters, _ := strings.Cut(got, "+"); len(letters) > maxHopPath {
			t.Errorf("appendHop(%q, %c) keeps %d hops, more than %d", tt.path, tt.hop, len(letters), maxHopPath)
		}
	}
}

// TestCrawler_Run_metadataRobotsRedirect: a robots.txt that redirects is a
// prerequisite (P) whose target is reached by a redirect from it (PR).
func TestCrawler_Run_metadataRobotsRedirect(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			http.Redirect(w, r, "/rules.txt", http.StatusMovedPermanently)
		case "/rules.txt":
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "User-agent: *\nAllow: /\n")
		case "/":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<p>Home.</p>")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	b := srv.URL
	dir := t.TempDir()
	crawlInto(t, dir, "robots", b, false, false)
	hops := map[string]string{}
	via := map[string]string{}
	uris := map[string]string{} // response record ID -> URI
	recs := readWARCs(t, dir, "rankfile-robots-")
	for _, r := range recs {
		if r.typ == archive.TypeResponse {
			uris[r.id] = r.uri
		}
	}
	for _, r := range recs {
		if r.typ == archive.TypeMetadata {
			f := metaFields(r.block)
			hops[uris[r.concurrentTo]] = strings.Join(f["hopsFromSeed"], " ")
			via[uris[r.concurrentTo]] = strings.Join(f["via"], " ")
		}
	}
	if hops[b+"/robots.txt"] != "P" || hops[b+"/rules.txt"] != "PR" || via[b+"/rules.txt"] != b+"/robots.txt" {
		t.Errorf("hop paths %q, vias %q; want robots.txt P, rules.txt PR via robots.txt", hops, via)
	}
}
