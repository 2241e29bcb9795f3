package index

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkSearch_language times each query of BenchmarkCompare's boolean
// and field kinds alone, with facets, on an index of benchRecords records:
//
//	RANKFILE_BENCH_RECORDS=20000 go test ./index -run '^$' -bench Search_language
func BenchmarkSearch_language(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "index")
	if err := Build(dir, genRecords(benchRecords(b), 1)); err != nil {
		b.Fatal(err)
	}
	x, err := OpenReadOnly(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	ctx := context.Background()
	for _, qs := range compareQueries {
		for _, q := range qs.queries {
			b.Run(qs.kind+"/"+q, func(b *testing.B) {
				for b.Loop() {
					if _, err := x.Search(ctx, Query{Text: q, Facets: true}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkQuery_parse times turning query text into bleve's query types
// (parse and build, values resolved by a fixed resolver), the part of a
// search the query language adds:
//
//	go test ./index -run '^$' -bench Query_parse
func BenchmarkQuery_parse(b *testing.B) {
	resolve := func(_, v string) ([]string, error) { return []string{v}, nil }
	for _, qs := range compareQueries {
		b.Run(qs.kind, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				if _, err := (Query{Text: qs.queries[i%len(qs.queries)]}).textQuery(resolve); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
