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
