package pipeline

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"rankfile/archive"
	"rankfile/record"
)

// TestPipeline_sameWritingOneVersion recrawls a post its server sends with
// a new nonce each time: the archive keeps every capture, but the records
// hold one version while the writing stays the same (extract.Dedupe), and a
// second when it changes, whether the records come from crawls or from
// re-extracting the whole archive.
func TestPipeline_sameWritingOneVersion(t *testing.T) {
	var fetches atomic.Int64
	var edited atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		n := fetches.Add(1)
		para := "The caucus voted to endorse the slate for the union election."
		if edited.Load() {
			para = "The caucus voted to endorse the slate for the union election in May."
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>Endorsement</title><meta property="og:type" content="article">
<meta property="article:published_time" content="2024-03-01"><script>var nonce="%d-%d";</script></head>
<body><article><h1>Endorsement</h1><p>%s</p><p>Members met on Tuesday and discussed the platform at length.</p></article></body></html>`, n, n*7919, para)
	}))
	defer srv.Close()
	sites := []byte("defaults: {delay: 0s}\nsites:\n  - name: Nonce Caucus\n    kind: caucus\n    seeds: [" + srv.URL + "/]\n")
	p := &Pipeline{Dir: t.TempDir()}
	versions := func() int {
		t.Helper()
		recs, err := record.ReadFile(p.path(recordsFile))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range recs {
			if r.URL == srv.URL+"/" {
				n++
			}
		}
		return n
	}
	crawlOnce := func() {
		t.Helper()
		if _, err := p.Crawl(context.Background(), CrawlOptions{SitesData: sites}); err != nil {
			t.Fatal(err)
		}
	}
	crawlOnce()
	crawlOnce()
	if fetches.Load() < 2 {
		t.Fatalf("the post was fetched %d times, want 2", fetches.Load())
	}
	if n := versions(); n != 1 {
		t.Errorf("after two captures with the same writing: %d versions, want 1", n)
	}
	edited.Store(true)
	crawlOnce()
	if n := versions(); n != 2 {
		t.Errorf("after the writing changed: %d versions, want 2", n)
	}
	if _, err := p.Extract(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := versions(); n != 2 {
		t.Errorf("re-extracting the archive's three captures: %d versions, want 2", n)
	}
	arc, err := archive.OpenReadOnly(p.path(archiveDir))
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	es, _ := arc.Lookup(srv.URL + "/")
	responses := 0
	for _, e := range es {
		if !e.Revisit() {
			responses++
		}
	}
	if responses != 3 {
		t.Errorf("the archive holds %d response captures of the post, want all 3", responses)
	}
}
