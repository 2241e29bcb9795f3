package pipeline

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"rankfile/crawl"
	"rankfile/fixtures"
	"rankfile/index"
	"rankfile/record"
)

// DemoQueries are the searches the demo runs on the fixture web.
var DemoQueries = []string{"union democracy", "vouchers"}

// Demo serves the embedded fixture web on loopback, crawls it into the data
// directory, extracts and indexes it, and prints a summary and sample
// searches. Then the fixture web changes (a post edited, a post added, a
// page removed) and Demo crawls it again, and ends with a search whose
// first hit has two versions, and the diff between them. Nothing leaves
// the machine: every .test host is dialled on the loopback server.
func (p *Pipeline) Demo(ctx context.Context) error {
	srv := fixtures.Start()
	defer srv.Close()
	out := p.out()
	fmt.Fprintf(out, "Serving the fixture web (%d pages on 5 sites) on %s\n\n", len(fixtures.Pages()), srv.Addr())
	crawlOpts := CrawlOptions{
		SitesData: fixtures.SitesFile(),
		Transport: crawl.DefaultTransport(srv.DialContext),
		Operator:  "rankfile demo",
	}
	if _, err := p.Crawl(ctx, crawlOpts); err != nil {
		return err
	}
	recs, err := record.ReadFile(p.path(recordsFile))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nExtracted %d records: %s\n", len(recs), kindCounts(recs))
	for _, q := range DemoQueries {
		fmt.Fprintf(out, "\n$ rankfile search %q\n", q)
		if _, err := p.Search(ctx, index.Query{Text: q, Size: 3}, "text"); err != nil {
			return err
		}
	}
	if err := p.demoChange(ctx, srv, crawlOpts); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nThe archive, records and index are in %s; search them with:\n  rankfile --data %s search QUERY\n"+
		"or browse them (search, records, citations, the calendar of each page's captures) with:\n  rankfile --data %s serve\n", p.Dir, p.Dir, p.Dir)
	return nil
}

// DemoChangeQuery is the search the demo runs after the second crawl: its
// first hit is the edited post.
const DemoChangeQuery = `"union democracy" AND author:"Amrita Dani"`

// demoChange changes the fixture web, crawls it again, and shows the
// edited post's two versions: a search finding it, and its diff.
func (p *Pipeline) demoChange(ctx context.Context, srv *fixtures.Server, opts CrawlOptions) error {
	out := p.out()
	// Captures are addressed by the second (14-digit WARC timestamps, in
	// /capture/TIMESTAMP/URL and --at): the second crawl starts in a later
	// second than the first ended, so each capture has an address of its own.
	select {
	case <-time.After(time.Until(time.Now().Truncate(time.Second).Add(time.Second))):
	case <-ctx.Done():
		return ctx.Err()
	}
	srv.Change()
	fmt.Fprintf(out, "\nThe fixture web changes: a post edited (%s), a post added, a page removed (%s). Crawling again:\n\n",
		fixtures.EditedPost, fixtures.RemovedPage)
	if _, err := p.Crawl(ctx, opts); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n$ rankfile search %s\n", shellQuote(DemoChangeQuery))
	res, err := p.Search(ctx, index.Query{Text: DemoChangeQuery, Size: 3}, "text")
	if err != nil {
		return err
	}
	if len(res.Hits) == 0 || res.Hits[0].URL != fixtures.EditedPost {
		return fmt.Errorf("demo: the edited post is not the first hit of %s", DemoChangeQuery)
	}
	id := res.Hits[0].RecordID
	vs, err := p.versions(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nThe first hit has %d captured versions (rankfile show %s lists them):\n", len(vs), id)
	for _, v := range vs {
		fmt.Fprintf(out, "  %s  %s\n", stamp(v.Captured), v.WARCPlace())
	}
	fmt.Fprintf(out, "\n$ rankfile diff %s\n", id)
	return p.Diff(ctx, id, "", "")
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func kindCounts(recs []record.Record) string {
	n := map[record.Kind]int{}
	for _, r := range recs {
		n[r.Kind]++
	}
	kinds := make([]string, 0, len(n))
	for k := range n {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	s := ""
	for i, k := range kinds {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%d %s", n[record.Kind(k)], k)
	}
	return s
}
