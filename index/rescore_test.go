package index

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestSearch_rescore: a search ranked by score hands bleve's collector
// each shard's window best matches only, and for several plain words
// rescores only those with the words' phrase (rescore.go), yet a page of
// hits is the one ranking every match gives (Records does), with the same
// scores, and Total and the facets still count every match.
func TestSearch_rescore(t *testing.T) {
	recs := genRecords(3000, 7)
	x := mustOpenShards(t, recs, 3)
	ctx := context.Background()
	for _, tt := range []struct {
		q      Query
		phrase bool // whether the first hit must hold the words as a phrase
	}{
		{Query{Text: "union democracy"}, true},
		{Query{Text: "picket solidarity walkout"}, false},
		{Query{Text: "rank file", Size: 20, From: 40}, false},
		{Query{Text: "strike contract", Site: "Turn Web"}, true},
		{Query{Text: "strike", From: 10}, false},
		{Query{Text: "+strike -contract"}, false},
	} {
		q := tt.q
		t.Run(q.Text, func(t *testing.T) {
			q.KeepDuplicates, q.Facets = true, true
			res, err := x.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var all []string
			err = x.Records(ctx, q, func(v Version) error {
				all = append(all, v.DocID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != uint64(len(all)) {
				t.Errorf("Total %d, want every match: %d", res.Total, len(all))
			}
			size := q.Size
			if size == 0 {
				size = DefaultSize
			}
			want := all[min(q.From, len(all)):min(q.From+size, len(all))]
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("hits\n%q\nwant, ranking every match,\n%q", got, want)
			}
			if tt.phrase && (len(res.Hits) == 0 || !strings.Contains(strings.ToLower(res.Hits[0].Record().Text), q.Text)) {
				t.Errorf("the first hit does not hold the phrase %q", q.Text)
			}
			defer func(w int) { rescoreWindow = w }(rescoreWindow)
			rescoreWindow = len(recs)
			ex, err := x.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for i := range min(len(ex.Hits), len(res.Hits)) {
				if ex.Hits[i].ID != res.Hits[i].ID || ex.Hits[i].Score != res.Hits[i].Score {
					t.Errorf("hit %d: %s %v, rescoring every match: %s %v", i, res.Hits[i].ID, res.Hits[i].Score, ex.Hits[i].ID, ex.Hits[i].Score)
				}
			}
			if ex.Total != res.Total || !reflect.DeepEqual(ex.Facets, res.Facets) {
				t.Errorf("total %d, facets %v; rescoring every match: %d, %v", res.Total, res.Facets, ex.Total, ex.Facets)
			}
		})
	}
}
