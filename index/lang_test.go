package index

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"rankfile/record"
)

// langTests are the query language's cases over testdata/corpus.jsonl:
// the record IDs each query must find, in any order.
var langTests = []struct {
	name string
	q    Query
	want []string
}{
	{"AND needs both", Query{Text: "union AND democracy"}, []string{"contract", "democracy"}},
	{"&& is AND", Query{Text: "union && democracy"}, []string{"contract", "democracy"}},
	{"OR needs either", Query{Text: "strike OR charter"}, []string{"charter", "strike"}},
	{"lowercase and is a word", Query{Text: "union and democracy"}, []string{"contract", "democracy", "mission", "ucore"}},
	{"NOT excludes", Query{Text: "schools NOT charter"}, []string{"contract", "mirror-a", "mission", "strike"}},
	{"AND NOT", Query{Text: "schools AND NOT charter AND NOT strike"}, []string{"contract", "mirror-a", "mission"}},
	{"NOT alone", Query{Text: "NOT schools"}, []string{"democracy", "ucore"}},
	{"parentheses", Query{Text: "(strike OR charter) AND board"}, []string{"charter"}},
	{"AND binds tighter than OR", Query{Text: "strike OR charter AND march"}, []string{"charter", "strike"}},
	{"nested groups", Query{Text: "((strike OR charter) AND (nurses OR march)) NOT board"}, []string{"strike"}},
	{"quoted site", Query{Text: `site:"Turn Web"`}, []string{"charter", "strike"}},
	{"quoted author", Query{Text: `authors:"Ben Cole"`}, []string{"democracy", "strike"}},
	{"author alias", Query{Text: `author:"Ben Cole" AND strike`}, []string{"strike"}},
	{"quoted kind", Query{Text: `kind:"post"`}, []string{"charter", "contract", "democracy", "strike"}},
	{"plural kind", Query{Text: "kind:posts"}, []string{"charter", "contract", "democracy", "strike"}},
	{"value case", Query{Text: `author:"ben cole"`}, []string{"democracy", "strike"}},
	{"field group", Query{Text: `site:("Turn Web" OR "AROS Louisville") AND NOT kind:page`}, []string{"charter", "strike"}},
	{"field and text", Query{Text: `kind:post AND (union OR strike)`}, []string{"contract", "democracy", "strike"}},
	{"phrase and field", Query{Text: `"union democracy" NOT author:"Ben Cole"`}, []string{"contract"}},
	{"published year", Query{Text: "published:2019"}, []string{"strike"}},
	{"published comparison", Query{Text: `published:>="2020-01-01"`}, []string{"charter", "democracy"}},
	{"published before", Query{Text: "published:<2019"}, []string{"contract"}},
	{"published after a year", Query{Text: "published:>2019"}, []string{"charter", "democracy"}},
	{"year field", Query{Text: "year:2017"}, []string{"contract"}},
	{"escaped colon is a word", Query{Text: `UCORE\:`}, []string{"contract"}},
	{"unknown field is a word", Query{Text: "UCORE: report"}, []string{"contract", "democracy"}},
	{"site filter, case", Query{Site: "turn web"}, []string{"charter", "strike"}},
	{"site filter, leading The", Query{Site: "The Turn Web"}, []string{"charter", "strike"}},
	{"site filter, acronym", Query{Site: "BMORE"}, []string{"mission", "ucore"}},
	{"site acronym in the text", Query{Text: "site:bmore AND kind:mission"}, []string{"mission"}},
	{"org filter, acronym from an organization record", Query{Org: "bmore"}, []string{"mission"}},
	{"kind filter, plural", Query{Kind: "Missions"}, []string{"mission"}},
	{"author filter, case and spacing", Query{Author: "  ben   COLE "}, []string{"democracy", "strike"}},
}

func TestIndex_Search_language(t *testing.T) {
	x := mustOpen(t, mustCorpus(t))
	for _, tt := range langTests {
		t.Run(tt.name, func(t *testing.T) {
			got := sorted(recordIDs(mustSearch(t, x, tt.q)))
			if want := sorted(tt.want); !slices.Equal(got, want) {
				t.Errorf("%q: got %q, want %q", tt.q.Text, got, want)
			}
		})
	}
}

func TestIndex_Search_unknownValue(t *testing.T) {
	x := mustOpen(t, mustCorpus(t))
	for _, tt := range []struct {
		name      string
		q         Query
		field     string
		suggested string // among the suggestions; "" for none
	}{
		{"site, part of the name", Query{Site: "Turn"}, "site", "Turn Web"},
		{"site, misspelt", Query{Site: "Turn Webb"}, "site", "Turn Web"},
		{"site, first word as acronym", Query{Site: "AROS"}, "site", "AROS Louisville"},
		{"author, misspelt", Query{Author: "Ben Coal"}, "author", "Ben Cole"},
		{"author in the text", Query{Text: `union AND author:"Ana Ruis"`}, "author", "Ana Ruiz"},
		{"kind", Query{Kind: "postt"}, "kind", "post"},
		{"kind far from any", Query{Kind: "article"}, "kind", "mission"},
		{"nothing close", Query{Site: "Zeppelin Society"}, "site", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := x.Search(context.Background(), tt.q)
			u, ok := IsUnknownValue(err)
			if !ok {
				t.Fatalf("got error %v, want an UnknownValueError", err)
			}
			if !errors.Is(err, ErrBadQuery) {
				t.Error("does not wrap ErrBadQuery")
			}
			if u.Field != tt.field {
				t.Errorf("field %q, want %q", u.Field, tt.field)
			}
			if tt.suggested == "" {
				if len(u.Suggestions) > 0 {
					t.Errorf("suggests %q, want nothing", u.Suggestions)
				}
				return
			}
			if !slices.Contains(u.Suggestions, tt.suggested) {
				t.Errorf("suggests %q, want %q among them", u.Suggestions, tt.suggested)
			}
			if msg := err.Error(); !strings.Contains(msg, "did you mean") || !strings.Contains(msg, tt.suggested) {
				t.Errorf("message %q does not suggest %q", msg, tt.suggested)
			}
		})
	}
}

func TestIndex_Search_languageErrors(t *testing.T) {
	x := mustOpen(t, mustCorpus(t))
	for _, tt := range []struct {
		name, text, msg string
	}{
		{"AND at the end", "union AND", "AND needs a term after it"},
		{"OR at the start", "OR union", "OR needs a term before it"},
		{"NOT alone", "NOT", "NOT needs a term after it"},
		{"unmatched (", "(union OR strike", "unmatched ("},
		{"unmatched )", "union)", "unexpected"},
		{"empty group", "union AND ()", "empty"},
		{"comparison on a text field", "title:>union", "date field"},
		{"bad date", "published:>=soon", "not a date"},
		{"unterminated regexp", "/union", "unterminated"},
		{"too long", strings.Repeat("union ", MaxQueryBytes/6+1), "too long"},
		{"too many terms", strings.Repeat("a ", maxTerms+1), "terms"},
		{"too deep", strings.Repeat("(", maxDepth+1) + "a" + strings.Repeat(")", maxDepth+1), "nested"},
		{"field in a field's group", "site:(kind:post)", "inside"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := x.Search(context.Background(), Query{Text: tt.text})
			if !errors.Is(err, ErrBadQuery) {
				t.Fatalf("got error %v, want ErrBadQuery", err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q lacks %q", err.Error(), tt.msg)
			}
		})
	}
}

func TestAbbreviates(t *testing.T) {
	for _, tt := range []struct {
		acronym, name string
		want          bool
	}{
		{"turn", "Teacher Union Reform Network", true},
		{"bmore", "Baltimore Movement of Rank-and-File Educators", true},
		{"albucore", "Albuquerque Caucus of Rank-and-File Educators", true},
		{"aros", "Alliance to Reclaim Our Schools Louisville", true},
		{"ucore", "United Caucuses of Rank-and-File Educators", true},
		{"turn", "Albuquerque Caucus of Rank-and-File Educators", false},
		{"we", "Caucus of Working Educators", false}, // does not start with the first word
		{"aros", "AROS Louisville", false},           // one word is a name, not an acronym
		{strings.Repeat("a", 40), strings.Repeat("a ", 40), true},
	} {
		if got := abbreviates(nameKey(tt.acronym), nameKey(tt.name)); got != tt.want {
			t.Errorf("abbreviates(%q, %q) = %v, want %v", tt.acronym, tt.name, got, tt.want)
		}
	}
}

// TestIndex_SetAcronyms: acronyms a sites file gives, even of several
// words, resolve to their site.
func TestIndex_SetAcronyms(t *testing.T) {
	x := mustOpen(t, mustCorpus(t))
	if _, err := x.Search(context.Background(), Query{Site: "RIVER"}); err == nil {
		t.Fatal("RIVER found a site before it was given as an acronym")
	}
	x.SetAcronyms(map[string]string{"RIVER": "Turn Web", "AROS Lou": "AROS Louisville"})
	for acr, want := range map[string][]string{"river": {"charter", "strike", "teaser"}, "Aros lou": {"mirror-a", "mirror-b"}} {
		if got := sorted(recordIDs(mustSearch(t, x, Query{Site: acr, KeepDuplicates: true}))); !slices.Equal(got, want) {
			t.Errorf("Site %q: %q, want %q", acr, got, want)
		}
	}
}

// TestIndex_Search_ambiguousAcronym: an acronym two sites' names make is
// refused, naming both, rather than searching either.
func TestIndex_Search_ambiguousAcronym(t *testing.T) {
	x := mustOpen(t, []record.Record{
		{ID: "a", Kind: record.KindPost, URL: "http://a.test/1", Site: "Teacher Union Reform Network", Title: "One", Text: "Reform."},
		{ID: "b", Kind: record.KindPost, URL: "http://b.test/1", Site: "Teachers United for Reform Now", Title: "Two", Text: "Reform."},
	})
	_, err := x.Search(context.Background(), Query{Site: "TURN"})
	u, ok := IsUnknownValue(err)
	if !ok || !u.Ambiguous || len(u.Suggestions) != 2 || !strings.Contains(err.Error(), "ambiguous") {
		t.Fatalf("got %v, want TURN refused as ambiguous between the two sites", err)
	}
	if got := recordIDs(mustSearch(t, x, Query{Site: "teachers united for reform now"})); !slices.Equal(got, []string{"b"}) {
		t.Errorf("the full name: %q, want b", got)
	}
}
