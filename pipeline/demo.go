package pipeline

import (
	"context"
	"fmt"
	"sort"

	"rankfile/crawl"
	"rankfile/fixtures"
	"rankfile/index"
	"rankfile/record"
)

// DemoQueries are the searches the demo runs on the fixture web.
var DemoQueries = []string{"union democracy", "vouchers"}

// Demo serves the embedded fixture web on loopback, crawls it into the data
// directory, extracts and indexes it, and prints a summary and sample
// searches. Nothing leaves the machine: every .test host is dialled on the
// loopback server.
func (p *Pipeline) Demo(ctx context.Context) error {
	srv := fixtures.Start()
	defer srv.Close()
	out := p.out()
	fmt.Fprintf(out, "Serving the fixture web (%d pages on 5 sites) on %s\n\n", len(fixtures.Pages()), srv.Addr())
	_, err := p.Crawl(ctx, CrawlOptions{
		SitesData: fixtures.SitesFile(),
		Transport: crawl.DefaultTransport(srv.DialContext),
		Operator:  "rankfile demo",
	})
	if err != nil {
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
	fmt.Fprintf(out, "\nThe archive, records and index are in %s; search them with:\n  rankfile --data %s search QUERY\n", p.Dir, p.Dir)
	return nil
}

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
