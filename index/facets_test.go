package index

import (
	"fmt"
	"rankfile/record"
	"slices"
	"testing"
)

func TestIndex_Search_facets(t *testing.T) {
	t.Run("only when asked", func(t *testing.T) {
		if f := mustSearch(t, mustOpen(t, mustCorpus(t)), Query{}).Facets; len(f) != 0 {
			t.Errorf("got facets %v without asking", f)
		}
	})
	x := mustOpen(t, mustCorpus(t))
	for _, tt := range []struct {
		name  string
		q     Query
		facet string
		want  string // Terms, then missing
	}{
		{"sites", Query{}, FacetSite, "[{Turn Web 3} {AROS Louisville 2} {Baltimore Movement of Rank-and-File Educators 2} {Albuquerque CORE 1} {Urban Education Democracy Project 1}] missing 0"},
		{"kinds", Query{}, FacetKind, "[{post 5} {page 2} {mission 1} {organization 1}] missing 0"},
		{"years in order", Query{}, FacetYear, "[{2017 1} {2019 1} {2020 1} {2021 2}] missing 4"},
		{"authors", Query{}, FacetAuthor, "[{Ben Cole 2} {Ana Ruiz 1} {Cara Diaz 1}] missing 6"},
		{"over matches only", Query{Text: "schools"}, FacetSite, "[{Turn Web 3} {AROS Louisville 2} {Albuquerque CORE 1} {Baltimore Movement of Rank-and-File Educators 1}] missing 0"},
		{"after filters", Query{Author: "Ben Cole"}, FacetYear, "[{2019 1} {2020 1}] missing 0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.Facets = true
			f, ok := mustSearch(t, x, q).Facets[tt.facet]
			if !ok {
				t.Fatalf("no facet %q", tt.facet)
			}
			if got := fmt.Sprintf("%v missing %d", f.Terms, f.Missing); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestIndex_Search_organizations: the organization facet counts a mission's
// organization and every organization the writing names, once per record;
// the Org filter finds both.
func TestIndex_Search_organizations(t *testing.T) {
	recs := []record.Record{
		{ID: "m", Kind: record.KindMission, URL: "http://a.test/mission", Title: "Our Mission", Organization: "UCORE",
			Text: "We organize rank-and-file educators.", Mentions: []string{"UCORE"}},
		{ID: "p1", Kind: record.KindPost, URL: "http://b.test/p1", Title: "Report back", Text: "UCORE and CEDE met.",
			Mentions: []string{"UCORE", "CEDE"}},
		{ID: "p2", Kind: record.KindPost, URL: "http://b.test/p2", Title: "Slate", Text: "CEDE ran a slate.", Mentions: []string{"CEDE"}},
		{ID: "p3", Kind: record.KindPost, URL: "http://c.test/p3", Title: "Picnic", Text: "A picnic for members."},
	}
	x := mustOpen(t, recs)
	f := mustSearch(t, x, Query{Facets: true}).Facets[FacetOrg]
	if got, want := fmt.Sprintf("%v missing %d", f.Terms, f.Missing), "[{CEDE 2} {UCORE 2}] missing 1"; got != want {
		t.Errorf("organization facet %s, want %s", got, want)
	}
	if got := recordIDs(mustSearch(t, x, Query{Org: "UCORE"})); !slices.Equal(sorted(got), []string{"m", "p1"}) {
		t.Errorf("Org UCORE: %q, want the mission and the post naming it", got)
	}
}

// TestIndex_Search_organizationNames: one organization written with and
// without "The" (a mission's own name, and the name as the writing gives
// it) is one facet term, and a filter by either form, or by its acronym,
// finds both records.
func TestIndex_Search_organizationNames(t *testing.T) {
	recs := []record.Record{
		{ID: "m", Kind: record.KindMission, URL: "http://a.test/mission", Title: "Our Mission",
			Organization: "The Alliance to Reclaim Our Schools Louisville", Text: "We unite parents and educators."},
		{ID: "p", Kind: record.KindPage, URL: "http://a.test/", Title: "Home", Text: "Alliance to Reclaim Our Schools Louisville",
			Mentions: []string{"Alliance to Reclaim Our Schools Louisville"}},
		{ID: "o", Kind: record.KindOrganization, URL: "http://a.test/partners", Title: "Alliance to Reclaim Our Schools Louisville",
			Acronym: "AROS", Text: "A coalition."},
	}
	x := mustOpen(t, recs)
	f := mustSearch(t, x, Query{Facets: true}).Facets[FacetOrg]
	if got, want := fmt.Sprintf("%v", f.Terms), "[{Alliance to Reclaim Our Schools Louisville 2}]"; got != want {
		t.Errorf("organization facet %s, want %s", got, want)
	}
	for _, org := range []string{"The Alliance to Reclaim Our Schools Louisville", "alliance to reclaim our schools louisville", "AROS"} {
		if got := sorted(recordIDs(mustSearch(t, x, Query{Org: org}))); !slices.Equal(got, []string{"m", "p"}) {
			t.Errorf("Org %q: %q, want m and p", org, got)
		}
	}
}
