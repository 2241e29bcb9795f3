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
