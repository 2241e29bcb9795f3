package index

import (
	"slices"
	"strings"
	"testing"

	"rankfile/record"
)

func TestIndex_Search_titleBoost(t *testing.T) {
	filler := strings.Repeat("Members met in the library after school to plan the spring campaign. ", 3)
	recs := []record.Record{
		// a short text saying the word three times outscores a title
		// holding it once, unless titles weigh more
		{ID: "mention", Kind: record.KindPost, URL: "http://a.test/1", Title: "Spring notes",
			Text: "Caucus news: the caucus meets, the caucus votes."},
		{ID: "titled", Kind: record.KindPost, URL: "http://a.test/2", Title: "Caucus elections for the spring term",
			Text: "Ballots are due Friday. " + filler + filler},
	}
	x := mustOpen(t, recs)
	for _, tt := range []struct {
		name, text string
		want       []string
	}{
		{"title word first", "caucus", []string{"titled", "mention"}},
		{"title phrase first", `"caucus elections" caucus`, []string{"titled", "mention"}},
		{"explicit text field ignores titles", "text:caucus", []string{"mention"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := recordIDs(mustSearch(t, x, Query{Text: tt.text})); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestIndex_Search_phraseBoost: several plain words found together as a
// phrase in a long article outrank a short blurb holding one of them in its
// title (the seed-002 case: "union democracy").
func TestIndex_Search_phraseBoost(t *testing.T) {
	long := strings.Repeat("The caucus organized union members in every building and talked with parents about the union contract. ", 20)
	recs := []record.Record{
		{ID: "blurb", Kind: record.KindOrganization, URL: "http://a.test/partners", Title: "Teachers' Democracy Project",
			Text: "The Democracy Project supports teachers and school communities."},
		{ID: "article", Kind: record.KindPost, URL: "http://b.test/article", Title: "Beginnings of a caucus",
			Text: long + "Union democracy is iterative and needs constant reflecting. " + long + "We practise union democracy."},
		{ID: "scattered", Kind: record.KindPost, URL: "http://b.test/other", Title: "Notes",
			Text: "The union met. Later, democracy came up in a talk. " + long},
	}
	x := mustOpen(t, recs)
	if got := recordIDs(mustSearch(t, x, Query{Text: "union democracy"})); len(got) == 0 || got[0] != "article" {
		t.Errorf("union democracy: got %q, want the article with the phrase first", got)
	}
	// with query syntax the words are the user's own: no phrase clause is added
	if got := recordIDs(mustSearch(t, x, Query{Text: "+union -democracy"})); len(got) != 0 {
		t.Errorf("+union -democracy: got %q, want none (every union record says democracy)", got)
	}
}
