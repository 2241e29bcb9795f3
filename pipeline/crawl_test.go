package pipeline

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"rankfile/archive"
	"rankfile/crawl"
	"rankfile/extract"
	"rankfile/fixtures"
	"rankfile/index"
	"rankfile/record"
	"rankfile/store"
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

// TestPipeline_Crawl_skipsBadCapture crawls the fixture web with one
// capture that cannot be extracted: the others are extracted and indexed,
// and status names the one skipped.
func TestPipeline_Crawl_skipsBadCapture(t *testing.T) {
	srv := fixtures.Start()
	defer srv.Close()
	p := &Pipeline{Dir: t.TempDir()}
	if _, err := p.Crawl(context.Background(), CrawlOptions{SitesData: fixtures.SitesFile(),
		Transport: crawl.DefaultTransport(srv.DialContext), NoIndex: true}); err != nil {
		t.Fatal(err)
	}
	arc, err := archive.Open(p.path(archiveDir), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(p.path(recordStoreFile))
	if err != nil {
		t.Fatal(err)
	}
	d, err := p.newDeriver(context.Background(), st, arc, nil, "extract")
	if err != nil {
		t.Fatal(err)
	}
	bad := ""
	err = arc.Captures(context.Background(), func(c record.Capture) error {
		if c.Status != 200 || c.Revisit {
			return nil
		}
		if bad == "" && strings.HasSuffix(c.URL, "/") {
			bad = c.URL // as if the extractor failed on it
			d.results <- extracted{place: record.Place(c.File, c.Offset), url: c.URL, err: errors.New("extractor failed: test")}
			return nil
		}
		return d.add(c)
	})
	counts, ferr := d.finish()
	if err := errors.Join(err, ferr, p.syncDerived(context.Background(), st), st.Close(), arc.Close()); err != nil {
		t.Fatal(err)
	}
	if counts.Skipped != 1 || counts.Captures < 10 {
		t.Errorf("extracted %d captures, skipped %d; want all but one, one", counts.Captures, counts.Skipped)
	}
	status, err := p.Status()
	if err != nil {
		t.Fatal(err)
	}
	if sk := status.Records.Skipped; len(sk) != 1 || sk[0].URL != bad || !strings.Contains(sk[0].Reason, "extractor failed") {
		t.Errorf("status lists skipped captures %+v, want %s", sk, bad)
	}
	if !strings.Contains(strings.Join(status.Attention, "\n"), bad) {
		t.Errorf("status does not call attention to %s: %q", bad, status.Attention)
	}
	if status.Records.Count == 0 || !status.Index.Present || status.Index.Documents != uint64(status.Records.Count) {
		t.Errorf("records %d, index %+v: want the other captures extracted and indexed", status.Records.Count, status.Index)
	}
}

// TestPipeline_Crawl_appendsChanges recrawls a site where one page
// changed: the records file keeps its lines and gains the new version's,
// and read as the web interface reads it (a later line of a version
// stands) it holds what the store holds.
func TestPipeline_Crawl_appendsChanges(t *testing.T) {
	site := newGrowthSite(30)
	srv := httptest.NewServer(site)
	defer srv.Close()
	sites := []byte("defaults: {delay: 0s}\nsites:\n  - name: Growth\n    kind: caucus\n    seeds: [" + srv.URL + "/]\n")
	p := &Pipeline{Dir: t.TempDir()}
	crawlOnce := func() {
		t.Helper()
		if _, err := p.Crawl(context.Background(), CrawlOptions{SitesData: sites}); err != nil {
			t.Fatal(err)
		}
	}
	crawlOnce()
	before, err := os.ReadFile(p.path(recordsFile))
	if err != nil {
		t.Fatal(err)
	}
	site.gen.Add(1) // page 0 changes
	crawlOnce()
	after, err := os.ReadFile(p.path(recordsFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(after, before) || len(after) == len(before) {
		t.Fatalf("records file: %d bytes, then %d: want the first crawl's lines kept and the new version's appended", len(before), len(after))
	}
	recs, err := record.Decode(bytes.NewReader(after))
	if err != nil {
		t.Fatal(err)
	}
	file := map[string]record.Record{}
	for _, r := range recs {
		file[index.DocID(r)] = r
	}
	st, err := store.OpenExisting(p.path(recordStoreFile))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, changed := 0, 0
	err = st.View(context.Background(), func(tx *store.Tx) error {
		return tx.Records(func(_ uint64, r record.Record) error {
			n++
			if strings.Contains(r.Text, "Version 1 of page 0") {
				changed++
			}
			if got, ok := file[index.DocID(r)]; !ok || got.Text != r.Text {
				t.Errorf("record %s is not in the records file as in the store", index.DocID(r))
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(file) || changed != 1 {
		t.Errorf("store: %d records (%d of the changed page), file: %d versions; want equal, and one", n, changed, len(file))
	}
}

// TestPipeline_Crawl_mentions checks the mentions a crawl of the fixture
// web leaves: those of the organizations the whole archive names (found on
// partner pages crawled after the pages naming them) and the sites file's,
// as if every record were read once all were known.
func TestPipeline_Crawl_mentions(t *testing.T) {
	srv := fixtures.Start()
	defer srv.Close()
	p := &Pipeline{Dir: t.TempDir()}
	if _, err := p.Crawl(context.Background(), CrawlOptions{SitesData: fixtures.SitesFile(),
		Transport: crawl.DefaultTransport(srv.DialContext)}); err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenExisting(p.path(recordStoreFile))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var recs []record.Record
	var orgs []extract.Organization
	seen := map[string]bool{}
	if err := st.View(context.Background(), func(tx *store.Tx) error {
		return tx.Records(func(_ uint64, r record.Record) error {
			recs = append(recs, r)
			if r.Kind == record.KindOrganization && !seen[r.Title] {
				seen[r.Title] = true
				orgs = append(orgs, extract.Organization{Name: r.Title, Acronym: r.Acronym})
			}
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	sites, err := p.sites()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sites.Sites {
		orgs = append(orgs, extract.Organization{Name: s.Name, Acronym: s.Acronym})
	}
	mentioned := 0
	for i, want := range extract.Mention(recs, orgs) {
		got := slices.Sorted(slices.Values(recs[i].Mentions))
		if w := slices.Sorted(slices.Values(want.Mentions)); !slices.Equal(got, w) {
			t.Errorf("%s %s: mentions %q, want %q", recs[i].Kind, recs[i].URL, got, w)
		}
		if len(got) > 0 {
			mentioned++
		}
	}
	if mentioned == 0 {
		t.Error("no record mentions an organization")
	}
}
