package index

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// searchTests are the index tests as data: queries over the corpus in
// testdata/corpus.jsonl and the record IDs they must find, in any order
// (anyOrder), in this order (inOrder), or first in this order (first).
var searchTests = []struct {
	name  string
	q     Query
	want  []string
	match matchMode
}{
	{"title and text outrank one mention", Query{Text: "union democracy"}, []string{"democracy", "contract"}, first},
	{"either word", Query{Text: "union democracy"}, []string{"contract", "democracy", "mission", "ucore"}, anyOrder},
	{"phrase", Query{Text: `"picket lines"`}, []string{"strike"}, anyOrder},
	{"phrase is stemmed", Query{Text: `"picket line"`}, []string{"strike"}, anyOrder},
	{"phrase word order", Query{Text: `"democracy union"`}, nil, anyOrder},
	{"excluded term", Query{Text: "union -pensions"}, []string{"democracy", "mission", "ucore"}, anyOrder},
	{"required terms", Query{Text: "+strike +nurses"}, []string{"strike"}, anyOrder},
	{"required and optional", Query{Text: "+schools charter"}, []string{"charter", "contract", "mirror-a", "mission", "strike"}, anyOrder},
	{"field value", Query{Text: `site:"Turn Web" AND charter`}, []string{"charter"}, anyOrder},
	{"title field", Query{Text: "title:mission"}, []string{"mirror-a", "mission"}, anyOrder},
	{"keyword field", Query{Text: "acronym:UCORE"}, []string{"ucore"}, anyOrder},
	{"keyword field ignores case", Query{Text: "acronym:ucore"}, []string{"ucore"}, anyOrder},
	{"date range in text", Query{Text: `published:>="2021-01-01"`}, []string{"charter"}, anyOrder},
	{"site filter", Query{Site: "Turn Web"}, []string{"charter", "strike"}, inOrder},
	{"site filter with text", Query{Text: "schools", Site: "AROS Louisville"}, []string{"mirror-a"}, anyOrder},
	{"kind filter", Query{Kind: "mission"}, []string{"mission"}, anyOrder},
	{"author filter", Query{Author: "Ben Cole"}, []string{"democracy", "strike"}, inOrder},
	{"org filter", Query{Org: "BMORE"}, []string{"mission"}, anyOrder},
	{"filters combine", Query{Author: "Ben Cole", Site: "Turn Web"}, []string{"strike"}, anyOrder},
	{"published since", Query{PublishedSince: day("2020-01-01")}, []string{"charter", "democracy"}, inOrder},
	{"published until is inclusive", Query{PublishedUntil: day("2019-01-15")}, []string{"strike", "contract"}, inOrder},
	{"published within", Query{PublishedSince: day("2019-01-01"), PublishedUntil: day("2019-12-31")}, []string{"strike"}, anyOrder},
	{"captured since", Query{CapturedSince: day("2024-03-03")}, []string{"mirror-b"}, anyOrder},
	{"captured until", Query{CapturedUntil: instant("2024-03-01T10:05:00Z")}, []string{"democracy", "contract"}, inOrder},
	{"captured apart from published", Query{Text: "union", PublishedSince: day("2020-01-01"), CapturedUntil: instant("2024-03-01T10:00:00Z")}, []string{"democracy"}, anyOrder},
	{"sort by date", Query{Kind: "post", Sort: SortDate}, []string{"contract", "strike", "democracy", "charter"}, inOrder},
	{"sort by date, newest first", Query{Text: "schools", Kind: "post", Sort: SortDateDesc}, []string{"charter", "strike", "contract"}, inOrder},
	{"page 2", Query{Kind: "post", Sort: SortDate, Size: 2, From: 2, KeepDuplicates: true}, []string{"democracy", "charter"}, inOrder},
	{"keep duplicates", Query{Text: "charter", KeepDuplicates: true}, []string{"charter", "teaser"}, anyOrder},
	{"no match", Query{Text: "zeppelin"}, nil, anyOrder},
	{"only an exclusion", Query{Text: "-schools"}, []string{"democracy", "ucore"}, anyOrder},
	{"fuzzy term", Query{Text: "democrasy~1"}, []string{"contract", "democracy"}, anyOrder},
	{"wildcard", Query{Text: "pick*"}, []string{"strike"}, anyOrder},
	{"regexp", Query{Text: "/pick.t/"}, []string{"strike"}, anyOrder},
	{"boosted term", Query{Text: "union^5 schools"}, []string{"democracy"}, first},
	{"stop words alone", Query{Text: "the and of"}, nil, anyOrder},
}

type matchMode int

const (
	anyOrder matchMode = iota
	inOrder
	first
)

func TestIndex_Search(t *testing.T) {
	x := mustOpen(t, mustCorpus(t))
	for _, tt := range searchTests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustSearch(t, x, tt.q)
			got, want := recordIDs(res), tt.want
			switch tt.match {
			case anyOrder:
				got, want = sorted(got), sorted(want)
			case first:
				got = got[:min(len(got), len(want))]
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestIndex_Search_badQuery(t *testing.T) {
	x := mustOpen(t, mustCorpus(t))
	for _, tt := range []struct {
		name string
		q    Query
	}{
		{"unterminated quote", Query{Text: `"union democracy`}},
		{"field without value", Query{Text: "title:"}},
		{"bad date", Query{Text: `published:>"last year"`}},
		{"bad regexp", Query{Text: `/[/`}},
		{"regexp bleve refuses", Query{Text: `/$0/`}},
		{"fuzziness too high", Query{Text: "democracy~3"}},
		{"bad regexp in a field", Query{Text: `+title:/(union/ strike`}},
		{"unknown sort", Query{Text: "union", Sort: "newest"}},
		{"negative size", Query{Size: -1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := x.Search(context.Background(), tt.q)
			if !errors.Is(err, ErrBadQuery) {
				t.Errorf("got error %v, want ErrBadQuery", err)
			}
		})
	}
}

func TestIndex_Search_snippet(t *testing.T) {
	x := mustOpen(t, mustCorpus(t))
	for _, tt := range []struct {
		name, text      string
		html, plain     string // each must be in the top hit's snippet
		notHTML, notAll string // must not be
	}{
		{"marks the match", "picket", "<mark>Picket</mark> lines", "«Picket» lines", "", ""},
		{"marks stemmed forms", "vote", "<mark>voted</mark>", "«voted»", "", ""},
		{"title-only match shows the opening", "title:report", "Our delegation came back", "Our delegation came back", "<mark>", "«"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := mustSearch(t, x, Query{Text: tt.text})
			if len(res.Hits) == 0 {
				t.Fatal("no hits")
			}
			h := res.Hits[0]
			if !strings.Contains(h.Snippet, tt.html) {
				t.Errorf("snippet %q lacks %q", h.Snippet, tt.html)
			}
			if p := h.PlainSnippet(); !strings.Contains(p, tt.plain) {
				t.Errorf("plain snippet %q lacks %q", p, tt.plain)
			}
			if tt.notHTML != "" && strings.Contains(h.Snippet, tt.notHTML) {
				t.Errorf("snippet %q has %q", h.Snippet, tt.notHTML)
			}
			if tt.notAll != "" && strings.Contains(h.PlainSnippet(), tt.notAll) {
				t.Errorf("plain snippet %q has %q", h.PlainSnippet(), tt.notAll)
			}
		})
	}
}

func TestHit_PlainSnippet(t *testing.T) {
	h := Hit{Snippet: "Tom &amp; Jerry&#39;s <mark>union</mark> &lt;b&gt;"}
	got, want := h.PlainSnippet(), "Tom & Jerry's «union» <b>"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestIndex_Search_hitFields(t *testing.T) {
	x := mustOpen(t, mustCorpus(t))
	res := mustSearch(t, x, Query{Text: `"union democracy"`})
	if len(res.Hits) == 0 {
		t.Fatal("no hits")
	}
	h := res.Hits[0]
	for _, c := range []struct{ name, got, want string }{
		{"id", h.ID, "democracy@20240301100000"},
		{"kind", string(h.Kind), "post"},
		{"title", h.Title, "Union democracy in the rank and file"},
		{"site", h.Site, "Urban Education Democracy Project"},
		{"site kind", h.SiteKind, "network"},
		{"url", h.URL, "http://wp.towson.test/urbanedemproj/2020/10/29/union-democracy/"},
		{"authors", strings.Join(h.Authors, "|"), "Ana Ruiz|Ben Cole"},
		{"published", h.Published.Format("2006-01-02"), "2020-10-29"},
		{"captured", h.Captured.Format("2006-01-02T15:04:05Z07:00"), "2024-03-01T10:00:00Z"},
		{"warc file", h.WARCFile, "rankfile-a-20240301-00000.warc.gz"},
		{"digest", h.Digest, "sha1:AAAA"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	if got, want := h.WARCOffset, int64(1234); got != want {
		t.Errorf("warc offset: got %d, want %d", got, want)
	}
	if !h.Latest {
		t.Error("not marked latest")
	}
	if h.Score <= 0 {
		t.Errorf("score %v, want > 0", h.Score)
	}
}
