package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
)

// realPageSizes are the compressed sizes of real web pages, in bytes: the
// 5th, 15th, ... 95th percentiles of the 500 gzip-compressed HTML pages of
// WCXB's dev split (the Web Content eXtraction Benchmark by Murrough Foley,
// CC-BY-4.0), measured with `ls -l wcxb/dev/html/*.gz`. Their median is 24
// KB; one page in 500 is under 2.4 KB, the size of a fixture web page.
var realPageSizes = []int{6991, 10255, 13354, 16617, 20552, 27619, 37472, 54296, 74406, 181938}

// TestPipeline_RecrawlGrowthRealSizes recrawls an unchanged site whose pages
// compress to the sizes of real pages (two per decile above) and checks the
// archive target: the recrawl adds under 10% of the first crawl's bytes.
// Half the pages carry validators, so the recrawl gets 304 Not Modified
// (server-not-modified revisits); the other half answer 200 with the same
// body again (identical-payload-digest revisits).
//
// The fixture web itself (TestPipeline_RecrawlGrowth) grows by more: its
// pages compress to about 2.4 KB, while a revisit and its request record
// take about 1 KB whatever the page's size.
func TestPipeline_RecrawlGrowthRealSizes(t *testing.T) {
	pages := sizedPages(t, realPageSizes, 2)
	modified := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
			return
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, "<!doctype html><title>Posts</title><ul>")
			for i := range pages {
				fmt.Fprintf(w, `<li><a href="/posts/%d">Post %d</a>`, i, i)
			}
			fmt.Fprint(w, "</ul>")
			return
		}
		var i int
		if _, err := fmt.Sscanf(r.URL.Path, "/posts/%d", &i); err != nil || i < 0 || i >= len(pages) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if i%2 == 0 {
			w.Header().Set("ETag", fmt.Sprintf(`"post-%d"`, i))
			http.ServeContent(w, r, "", modified, bytes.NewReader(pages[i]))
			return
		}
		w.Write(pages[i])
	}))
	defer srv.Close()
	sites := []byte("defaults: {delay: 0s, parallelism: 4}\nsites:\n  - name: Sized\n    kind: caucus\n    seeds: [" + srv.URL + "/]\n")

	p := &Pipeline{Dir: t.TempDir()}
	crawlOnce := func() crawlFiles {
		t.Helper()
		r, err := p.Crawl(context.Background(), CrawlOptions{SitesData: sites, NoIndex: true})
		if err != nil {
			t.Fatal(err)
		}
		return readCrawl(t, p.Dir, r.CrawlID)
	}
	first := crawlOnce()
	for i := range pages {
		if url := fmt.Sprintf("%s/posts/%d", srv.URL, i); len(first.responses[url]) != 1 {
			t.Fatalf("first crawl: %d responses for %s, want 1", len(first.responses[url]), url)
		}
	}
	before := archiveBytes(t, p.Dir)
	second := crawlOnce()
	growth := archiveBytes(t, p.Dir) - before
	share := float64(growth) / float64(first.bytes)
	t.Logf("first crawl: %d bytes for %d pages; unchanged recrawl: +%d bytes (%.2f%%), records %v",
		first.bytes, len(pages), growth, 100*share, second.types)
	if second.types["response"] != 0 {
		t.Errorf("the unchanged recrawl wrote %d response records, want revisits only", second.types["response"])
	}
	for i := range pages {
		if url := fmt.Sprintf("%s/posts/%d", srv.URL, i); len(second.revisits[url]) != 1 {
			t.Errorf("recrawl: %d revisits for %s, want 1", len(second.revisits[url]), url)
		}
	}
	if share >= 0.10 {
		t.Errorf("an unchanged recrawl grew the archive by %.1f%% of the first crawl, want under 10%%", 100*share)
	}
}

// sizedPages returns perSize HTML pages for each compressed size in sizes:
// paragraphs of words in random order, long enough that gzip at the default
// level makes them about that size.
func sizedPages(t *testing.T, sizes []int, perSize int) [][]byte {
	t.Helper()
	words := strings.Fields(`the union caucus rank and file educators teachers members school district
		contract bargaining strike community partnership organizing democracy social justice public
		education students parents Baltimore Albuquerque Boston Philadelphia report meeting workers power
		racial equity funding classrooms solidarity we our their march vote elected members'`)
	rng := rand.New(rand.NewPCG(7, 11))
	page := func(n, want int) []byte {
		var b bytes.Buffer
		fmt.Fprintf(&b, "<!doctype html><html><head><title>Post %d</title></head><body><article>\n", n)
		for gzipSize(t, b.Bytes()) < want {
			for range 50 {
				b.WriteString("<p>")
				for range 40 + rng.IntN(40) {
					b.WriteString(words[rng.IntN(len(words))])
					b.WriteByte(' ')
				}
				b.WriteString("</p>\n")
			}
		}
		b.WriteString("</article></body></html>\n")
		return b.Bytes()
	}
	var pages [][]byte
	for _, size := range sizes {
		for range perSize {
			pages = append(pages, page(len(pages), size))
		}
	}
	return pages
}

func gzipSize(t *testing.T, b []byte) int {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Len()
}
