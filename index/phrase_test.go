package index

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"rankfile/record"
)

// TestPhraseQuery_sameAsBleve: the lighter phrase query finds the documents
// bleve's match-phrase query finds, with the same scores and the same
// locations of the phrase (what highlighting marks), in titles and texts:
// words in a row, in another order, apart, said twice, across a stop word,
// one word, only stop words, and a phrase a document holds several times.
func TestPhraseQuery_sameAsBleve(t *testing.T) {
	recs := []record.Record{
		{ID: "row", Kind: record.KindPost, URL: "http://a.test/1", Title: "Rank and file caucus",
			Text: "The rank and file caucus met. Rank and file members voted; the rank-and-file won."},
		{ID: "order", Kind: record.KindPost, URL: "http://a.test/2", Title: "File rank",
			Text: "File the rank papers: file, rank, file rank file."},
		{ID: "apart", Kind: record.KindPost, URL: "http://a.test/3", Title: "Notes",
			Text: "Rank matters. Later we will file the grievance with the union."},
		{ID: "twice", Kind: record.KindPost, URL: "http://a.test/4", Title: "Union union",
			Text: "Union union union: the union of the union members; union democracy, union democracy now."},
		{ID: "stems", Kind: record.KindPost, URL: "http://a.test/5", Title: "Picket lines",
			Text: "Teachers walked the picket lines; a picket line held at every school and the lines picket."},
	}
	x := mustOpen(t, recs)
	for _, phrase := range []string{
		"rank and file", "rank file", "file rank", "union union", "union democracy", "union",
		"picket line", "the picket lines", "lines picket", "of the union", "the", "rank the file",
		"union union union", "democracy now union", "grievance",
	} {
		for _, field := range []string{fieldTitle, fieldText} {
			t.Run(fmt.Sprintf("%s:%q", field, phrase), func(t *testing.T) {
				theirs := query.NewMatchPhraseQuery(phrase)
				theirs.SetField(field)
				theirs.SetBoost(2)
				ours := newPhraseQuery(phrase)
				ours.SetField(field)
				ours.SetBoost(2)
				want, got := phraseHits(t, x, theirs), phraseHits(t, x, ours)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("got  %v\nwant %v", got, want)
				}
			})
		}
	}
}

// phraseHits returns the hits of q with their scores and locations, by
// document ID.
func phraseHits(t *testing.T, x *Index, q query.Query) map[string]string {
	t.Helper()
	req := bleve.NewSearchRequestOptions(q, 100, 0, false)
	req.IncludeLocations = true
	res, err := x.all.SearchInContext(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, h := range res.Hits {
		locs := map[string]map[string][]string{}
		for field, terms := range h.Locations {
			locs[field] = map[string][]string{}
			for term, ls := range terms {
				for _, l := range ls {
					locs[field][term] = append(locs[field][term], fmt.Sprintf("%d:%d-%d%v", l.Pos, l.Start, l.End, l.ArrayPositions))
				}
			}
		}
		out[recordIDOf(h.ID)] = fmt.Sprintf("%.12g %v", h.Score, locs)
	}
	return out
}

// unionRecords hold "union democracy" as a phrase, as words apart, and
// "union" alone in two ways, for the tests of the searchers that stand in for
// bleve's boolean queries.
var unionRecords = []record.Record{
	{ID: "phrase", Kind: record.KindPost, URL: "http://a.test/1", Title: "Union democracy",
		Text: "Union democracy is built in every school; union democracy needs members."},
	{ID: "apart", Kind: record.KindPost, URL: "http://a.test/2", Title: "Notes",
		Text: "The union met. Democracy came up later."},
	{ID: "one", Kind: record.KindPost, URL: "http://a.test/3", Title: "Union news",
		Text: "The union voted on the contract."},
	{ID: "none", Kind: record.KindPost, URL: "http://a.test/4", Title: "Picket lines",
		Text: "Teachers walked the picket lines at dawn with the union."},
}

// TestBoostQuery_sameAsBleve: several plain words, ranked with their
// phrase as a boost, find the same documents with the same scores and
// locations as bleve's boolean query of the words and the phrase.
func TestBoostQuery_sameAsBleve(t *testing.T) {
	x := mustOpen(t, unionRecords)
	for _, text := range []string{"union democracy", "democracy union", "picket lines", "picket lines dawn", "the union of members", "union zzzq"} {
		t.Run(text, func(t *testing.T) {
			main, err := Query{Text: text}.textQuery(nil)
			if err != nil {
				t.Fatal(err)
			}
			bq, ok := main.(boostQuery)
			if !ok {
				t.Fatalf("%q: got a %T, want the words boosted by their phrase", text, main)
			}
			theirs := query.NewBooleanQuery([]query.Query{bq.Query}, bq.boost.Disjuncts, nil)
			want, got := phraseHits(t, x, theirs), phraseHits(t, x, bq)
			if len(want) == 0 || !reflect.DeepEqual(got, want) {
				t.Errorf("got  %v\nwant %v", got, want)
			}
		})
	}
}

// TestExcludeQuery_sameAsBleve: a clause less exclusions finds the same
// documents with the same scores and locations as bleve's boolean query.
func TestExcludeQuery_sameAsBleve(t *testing.T) {
	x := mustOpen(t, unionRecords)
	for _, tt := range []struct {
		text string
		want int // hits
	}{
		{"union -democracy", 2}, {"+union -democracy", 2}, {"union AND NOT contract", 3},
		{`union -"union democracy"`, 3}, {"union -democracy -picket", 1}, {"(union OR picket) -contract", 3},
		{"union -zzzq", 4}, {"zzzq -union", 0},
	} {
		t.Run(tt.text, func(t *testing.T) {
			main, err := Query{Text: tt.text}.textQuery(nil)
			if err != nil {
				t.Fatal(err)
			}
			eq, ok := main.(excludeQuery)
			if !ok {
				t.Fatalf("%q: got a %T, want a clause less exclusions", tt.text, main)
			}
			theirs := query.NewBooleanQuery([]query.Query{eq.Query}, nil, eq.not)
			want, got := phraseHits(t, x, theirs), phraseHits(t, x, eq)
			if len(want) != tt.want || !reflect.DeepEqual(got, want) {
				t.Errorf("got  %v\nwant %d: %v", got, tt.want, want)
			}
		})
	}
}
