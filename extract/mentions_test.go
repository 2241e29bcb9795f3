package extract

import (
	"slices"
	"testing"

	"rankfile/fixtures"
	"rankfile/record"
)

var testOrgs = []Organization{
	{Name: "United Caucuses of Rank-and-File Educators", Acronym: "UCORE"},
	{Name: "Caucus of Working Educators", Acronym: "WE"},
	{Name: "Baltimore Caucus of Educators for Democracy and Equity", Acronym: "CEDE"},
	{Name: "Caucus of Rank-and-File Educators", Acronym: "CORE"},
	{Name: "Albuquerque Caucus of Rank-and-File Educators", Acronym: "AlbuCORE"},
	{Acronym: "TDP"},
	{Name: "Solidarity"},
}

func TestMentions(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"full name, other case and punctuation", "We met the united caucuses of rank and file educators.", []string{"United Caucuses of Rank-and-File Educators"}},
		{"acronym alone", "Members of UCORE and CEDE met.", []string{"United Caucuses of Rank-and-File Educators", "Baltimore Caucus of Educators for Democracy and Equity"}},
		{"short acronym needs parentheses", "WE will win. We did.", nil},
		{"short acronym in parentheses", "the Caucus of Working Educators (WE) in Philadelphia", []string{"Caucus of Working Educators"}},
		{"short acronym alone in parentheses", "our partners (WE) in Philadelphia", []string{"Caucus of Working Educators"}},
		{"acronym case matters", "the core of the work is Cede", nil},
		{"acronym inside a word", "UCOREs and CEDEX", nil},
		{"acronym in a shouted heading", "OUR CORE VALUES", nil},
		{"list of acronyms", "UCORE, TDP, WE, CEDE", []string{"United Caucuses of Rank-and-File Educators", "Baltimore Caucus of Educators for Democracy and Equity", "TDP"}},
		{"mixed-case acronym", "AlbuCORE members spoke.", []string{"Albuquerque Caucus of Rank-and-File Educators"}},
		{"name inside a longer name", "the Albuquerque Caucus of Rank-and-File Educators", []string{"Caucus of Rank-and-File Educators", "Albuquerque Caucus of Rank-and-File Educators"}},
		{"one-word name as written", "In Solidarity, the solidarity fund", []string{"Solidarity"}},
		{"one-word name other case", "in solidarity", nil},
		{"nothing", "", nil},
	}
	ms := newMatchers(testOrgs)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mentions(ms, tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("mentions(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestExtractor_Mentions checks that the records of the seed pages that
// are writing list the organizations they name, and organization records
// none.
func TestExtractor_Mentions(t *testing.T) {
	e := New(Options{Organizations: testOrgs})
	tests := []struct {
		seed  string
		kind  record.Kind
		title string
		want  []string
	}{
		{"002", record.KindPost, "Beginnings: A Social Justice Caucus in Formation in Boston",
			[]string{"United Caucuses of Rank-and-File Educators", "Caucus of Rank-and-File Educators"}},
		{"001", record.KindPost, "UCORE Report Back", []string{"United Caucuses of Rank-and-File Educators", "Albuquerque Caucus of Rank-and-File Educators"}},
	}
	pages := seedPages(t)
	for _, tt := range tests {
		t.Run(tt.seed, func(t *testing.T) {
			p := pages[tt.seed]
			recs, err := e.ExtractHTML(p.URL, p.Body(), nil)
			if err != nil {
				t.Fatal(err)
			}
			r, ok := findRecord(recs, tt.kind, tt.title)
			if !ok {
				t.Fatalf("no %s %q", tt.kind, tt.title)
			}
			if !slices.Equal(r.Mentions, tt.want) {
				t.Errorf("mentions = %q, want %q", r.Mentions, tt.want)
			}
		})
	}
	for _, p := range fixtures.Pages() {
		recs, err := e.ExtractHTML(p.URL, p.Body(), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if r.Kind == record.KindOrganization && len(r.Mentions) > 0 {
				t.Errorf("%s: organization %q has mentions %q", p.URL, r.Title, r.Mentions)
			}
		}
	}
}
