package index

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"rankfile/record"
)

// TestWordsQuery_sameAsBleve: plain words searched term at a time match
// the documents bleve's query of the words matches, with the same scores
// to the last bit, in titles and texts, one word or several, common or
// rare or absent, and with the query norm of a phrase boost around them;
// words that are not one term each (a stop word, a split word) are left to
// bleve, with the same result.
func TestWordsQuery_sameAsBleve(t *testing.T) {
	recs := append(genRecords(1500, 3), unionRecords...)
	recs = append(recs, record.Record{ID: "split", Kind: record.KindPost, URL: "http://a.test/split",
		Title: "E-mail the union", Text: "The union's e-mail list: union democracy and the rank-and-file."})
	x := mustOpenShards(t, recs, 2)
	for _, tt := range []struct {
		text  string
		terms bool // searched term at a time
	}{
		{"union", true}, {"Union", true}, {"union democracy", true}, {"democracy union", true},
		{"picket solidarity walkout", true}, {"rank file caucus strike contract charter", true},
		{"union zzzq", true}, {"zzzq", true}, {"union union", true},
		{"union democracy caucus strike contract charter bargaining steward picket testing", true},
		{"the union", false}, {"e-mail union", false},
	} {
		t.Run(tt.text, func(t *testing.T) {
			main, err := Query{Text: tt.text}.textQuery(nil)
			if err != nil {
				t.Fatal(err)
			}
			if bq, ok := main.(boostQuery); ok {
				main = bq.Query
			}
			wq, ok := main.(wordsQuery)
			if !ok {
				t.Fatalf("%q: got a %T, want the words' query", tt.text, main)
			}
			if got := usesTerms(t, x, wq); got != tt.terms {
				t.Errorf("searched term at a time: %v, want %v", got, tt.terms)
			}
			// alone, and under a norm as the phrase boost sets it
			for _, q := range []query.Query{wq, newBoostQuery(wq, newPhraseQuery(tt.text))} {
				theirs := q
				if b, ok := q.(boostQuery); ok {
					theirs = newBoostQuery(wq.Query, b.boost.Disjuncts...)
				} else {
					theirs = wq.Query
				}
				want, got := scoredHits(t, x, theirs), scoredHits(t, x, q)
				if (tt.text != "zzzq" && len(want) == 0) || !reflect.DeepEqual(got, want) {
					t.Errorf("%T: %d hits, want %d", q, len(got), len(want))
					for id, s := range want {
						if got[id] != s {
							t.Errorf("%s: score %s, want %s", id, got[id], s)
						}
					}
				}
			}
		})
	}
}

// usesTerms reports whether q's searcher on the first shard reads its
// terms a word at a time.
func usesTerms(t *testing.T, x *Index, q query.Query) bool {
	t.Helper()
	ix, err := x.shards[0].Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := ix.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	s, err := q.Searcher(context.Background(), r, x.shards[0].Mapping(), search.SearcherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, ok := s.(*wordsSearcher)
	return ok
}

// scoredHits returns every hit of q with its exact score, by document ID.
func scoredHits(t *testing.T, x *Index, q query.Query) map[string]string {
	t.Helper()
	req := bleve.NewSearchRequestOptions(q, 10000, 0, false)
	res, err := x.all.SearchInContext(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, h := range res.Hits {
		out[h.ID] = fmt.Sprint(h.Score)
	}
	return out
}
