package pipeline

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"rankfile/crawl"
	"rankfile/fixtures"
	"rankfile/index"
	"rankfile/record"
)

// TestPipeline_Crawl_incremental crawls the fixture web archive-only, then
// twice more: the second run extracts what the first left unextracted, the
// third finds everything unchanged and extracts nothing.
func TestPipeline_Crawl_incremental(t *testing.T) {
	srv := fixtures.Start()
	defer srv.Close()
	p := &Pipeline{Dir: t.TempDir()}
	crawlOnce := func(noIndex bool) crawl.SiteReport {
		t.Helper()
		r, err := p.Crawl(context.Background(), CrawlOptions{SitesData: fixtures.SitesFile(),
			Transport: crawl.DefaultTransport(srv.DialContext), NoIndex: noIndex})
		if err != nil {
			t.Fatal(err)
		}
		return r.Totals()
	}
	records := func() int {
		recs, err := record.ReadFile(p.path(recordsFile))
		if err != nil {
			return 0
		}
		return len(recs)
	}
	first := crawlOnce(true)
	if n := records(); n != 0 {
		t.Fatalf("an archive-only crawl wrote %d records", n)
	}
	second := crawlOnce(false)
	n := records()
	if n == 0 {
		t.Fatal("the second crawl did not extract what the first archived")
	}
	if second.New != 0 || second.Unchanged != first.Fetched {
		t.Errorf("second crawl %+v: want every fetch unchanged (conditional requests answered 304)", second)
	}
	third := crawlOnce(false)
	if got := records(); got != n {
		t.Errorf("an unchanged recrawl changed the records from %d to %d", n, got)
	}
	if third.New != 0 {
		t.Errorf("third crawl %+v: want nothing new", third)
	}
	// each crawl ran whole: the next one is a new crawl, not a resumption
	st, _, err := p.chooseCrawl(fixtures.SitesFile(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if third.Resumed != 0 || st.Previous != "" {
		t.Errorf("a finished, extracted crawl was taken for an interrupted one: resumed %d, state %+v", third.Resumed, st)
	}
	data, _ := os.ReadFile(p.path(stateFile))
	if !strings.Contains(string(data), `"finished": true`) || !strings.Contains(string(data), `"extracted": true`) {
		t.Errorf("state after a whole crawl: %s", data)
	}
	res, err := p.Search(context.Background(), index.Query{Text: "vouchers"}, "json")
	if err != nil || res.Total == 0 {
		t.Errorf("search after incremental indexing: %v, %v", res, err)
	}
}
