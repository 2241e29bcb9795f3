package serve

import (
	"errors"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"rankfile/index"
)

// searchPage is what the search page template shows.
type searchPage struct {
	Title   string
	P       searchParams
	Error   string // why the search could not run
	NoIndex bool
	Total   uint64
	First   int // rank of the first hit shown
	Last    int
	Folded  int
	Took    string
	Hits    []hitView
	Facets  []facetView
	Active  []filterView
	Prev    string
	Next    string
	Pages   []pageLink
	Sorts   []option
	Sizes   []option
	APIURL  string
	// DidYouMean links to the search with an unknown filter or field value
	// replaced by each of the closest values indexed.
	DidYouMean []option
	Exports    []option       // the export of every hit, in each format
	Examples   []queryExample // the query language shown, each a link to its search
}

// queryExample is a query the search page shows, what it finds, and the
// URL of its search.
type queryExample struct{ Query, Says, URL string }

// queryExamples show the query language on the search page.
var queryExamples = []queryExample{
	{Query: `"union democracy"`, Says: "the phrase"},
	{Query: `union AND (democracy OR caucus)`, Says: "AND, OR and parentheses"},
	{Query: `kind:post NOT site:"Teacher Union Reform Network"`, Says: "posts of every site but one"},
	{Query: `authors:"Amrita Dani"`, Says: "a quoted field value"},
	{Query: `site:TURN AND published:>=2019-01-01`, Says: "a site by its acronym, published since 2019"},
	{Query: `org:"the alliance to reclaim our schools louisville"`, Says: "an organization however it is written"},
	{Query: `vouch* OR privatization~1`, Says: "a prefix, a misspelling"},
}

type hitView struct {
	Rank                  int
	Title                 string
	Kind                  string
	Site                  string
	Authors               string
	Published             string // YYYY-MM-DD
	Captured, CapturedISO string
	Snippet               template.HTML
	RecordURL             string
	CaptureURL            string
	URL                   string
	Duplicates            []string
	Latest                bool
}

type facetView struct {
	Name, Label string
	Terms       []facetTerm
	Other       int
}

type facetTerm struct {
	Term   string
	Count  int
	URL    string
	Active bool
}

type filterView struct {
	Label, Value, Remove string
}

type pageLink struct {
	N       int
	URL     string
	Current bool
}

type option struct {
	Value, Label string
	Selected     bool
}

// handleSearch serves the search page: form, active filters, facets,
// hits and paging, all from the URL's parameters.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	p, err := parseSearch(r.URL.Query())
	page := &searchPage{Title: "Search", P: p}
	page.options()
	for _, ex := range queryExamples {
		ex.URL = searchParams{Q: ex.Query, Page: 1, Size: defaultPageSize}.url()
		page.Examples = append(page.Examples, ex)
	}
	if err != nil {
		page.Error = err.Error()
		s.render(w, http.StatusBadRequest, "search", page)
		return
	}
	if p.Q != "" {
		page.Title = p.Q + " (search)"
	}
	res, err := s.search.search(r.Context(), p.query(true))
	switch {
	case errors.Is(err, ErrNoIndex):
		page.NoIndex = true
		s.render(w, http.StatusServiceUnavailable, "search", page)
		return
	case errors.Is(err, index.ErrBadQuery):
		page.badQuery(err)
		s.render(w, http.StatusBadRequest, "search", page)
		return
	case r.Context().Err() != nil:
		return // the client went away
	case err != nil:
		s.internal(w, r, false, err)
		return
	}
	page.fill(res)
	s.render(w, http.StatusOK, "search", page)
}

// options fills the sort and page size choices.
func (pg *searchPage) options() {
	for _, o := range []option{{index.SortRelevance, "Relevance", false}, {index.SortDateDesc, "Newest first", false}, {index.SortDate, "Oldest first", false}} {
		o.Selected = pg.P.Sort == o.Value || (pg.P.Sort == "" && o.Value == index.SortRelevance)
		pg.Sorts = append(pg.Sorts, o)
	}
	for _, n := range []int{10, 20, 50, 100} {
		v := strconv.Itoa(n)
		pg.Sizes = append(pg.Sizes, option{v, v, pg.P.Size == n})
	}
}

// fill lays out a result.
func (pg *searchPage) fill(res *index.Result) {
	p := pg.P
	pg.Total, pg.Folded = res.Total, res.Folded
	pg.APIURL = "/api/search?" + p.values().Encode()
	pg.Exports = p.exportLinks()
	pg.Took = res.Took.Round(time.Millisecond / 10).String()
	if len(res.Hits) > 0 {
		pg.First, pg.Last = res.From+1, res.From+len(res.Hits)
	}
	for i, h := range res.Hits {
		pg.Hits = append(pg.Hits, newHitView(res.From+i+1, h))
	}
	pg.Facets = facetViews(p, res.Facets)
	for _, f := range []struct{ label, key, val string }{
		{"Site", "site", p.Site}, {"Kind", "kind", p.Kind}, {"Author", "author", p.Author},
		{"Organization", "org", p.Org}, {"Published from", "published_from", p.PubFrom},
		{"Published until", "published_to", p.PubTo}, {"Captured from", "captured_from", p.CapFrom},
		{"Captured until", "captured_to", p.CapTo},
	} {
		if f.val != "" {
			pg.Active = append(pg.Active, filterView{f.label, f.val, p.with(f.key, "")})
		}
	}
	pages := int((res.Total + uint64(p.Size) - 1) / uint64(p.Size))
	if last := maxHitDepth / p.Size; pages > last {
		pages = last
	}
	if p.Page > 1 {
		pg.Prev = p.page(p.Page - 1)
	}
	if p.Page < pages {
		pg.Next = p.page(p.Page + 1)
	}
	for n := max(1, p.Page-4); n <= min(pages, p.Page+4) && pages > 1; n++ {
		pg.Pages = append(pg.Pages, pageLink{n, p.page(n), n == p.Page})
	}
}

func newHitView(rank int, h index.Hit) hitView {
	v := hitView{
		Rank: rank, Title: h.Title, Kind: string(h.Kind), Site: h.Site,
		Authors: strings.Join(h.Authors, ", "), URL: h.URL, Duplicates: h.Duplicates,
		Snippet: safeSnippet(h.Snippet), Latest: h.Latest,
		RecordURL: recordURL(h.RecordID, versionOf(h.ID)),
	}
	if v.Title == "" {
		v.Title = "(untitled " + v.Kind + ")"
	}
	if !h.Published.IsZero() {
		v.Published = h.Published.Format(time.DateOnly)
	}
	if !h.Captured.IsZero() {
		v.Captured = h.Captured.UTC().Format("2006-01-02 15:04 UTC")
		v.CapturedISO = h.Captured.UTC().Format(time.RFC3339)
		v.CaptureURL = captureURL(h.Captured, h.URL)
	}
	return v
}

// versionOf returns the version part of a document ID.
func versionOf(docID string) string {
	if i := strings.LastIndexByte(docID, '@'); i >= 0 {
		return docID[i+1:]
	}
	return ""
}

// recordURL is the page of a record version ("" for the latest).
func recordURL(id, version string) string {
	u := "/records/" + url.PathEscape(id)
	if version != "" {
		u += "?v=" + url.QueryEscape(version)
	}
	return u
}

// captureURL is the replay URL of the capture of rawURL at t.
func captureURL(t time.Time, rawURL string) string {
	return "/capture/" + t.UTC().Format(ts14) + "/" + rawURL
}

// safeSnippet turns a snippet (text escaped, matches in <mark>) into HTML
// that can hold nothing but text and marks, whatever the index returned:
// every piece between the marks is unescaped and escaped again.
func safeSnippet(s string) template.HTML {
	var b strings.Builder
	open := false
	for s != "" {
		i := strings.Index(s, "<")
		tag := ""
		switch {
		case i < 0:
			i = len(s)
		case strings.HasPrefix(s[i:], "<mark>"):
			tag = "<mark>"
		case strings.HasPrefix(s[i:], "</mark>"):
			tag = "</mark>"
		default:
			i++ // a stray "<" is text
		}
		b.WriteString(html.EscapeString(html.UnescapeString(s[:i])))
		s = s[i+len(tag):]
		if (tag == "<mark>") != open && tag != "" {
			b.WriteString(tag)
			open = !open
		}
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String())
}

var facetLabels = []struct{ name, label, key string }{
	{index.FacetSite, "Site", "site"},
	{index.FacetKind, "Kind", "kind"},
	{index.FacetYear, "Year published", "year"},
	{index.FacetAuthor, "Author", "author"},
	{index.FacetOrg, "Organization", "org"},
}

// facetViews lays out the facets, each term a link that filters by it.
func facetViews(p searchParams, fs map[string]index.Facet) []facetView {
	var out []facetView
	for _, fl := range facetLabels {
		f, ok := fs[fl.name]
		if !ok || len(f.Terms) == 0 {
			continue
		}
		v := facetView{Name: fl.name, Label: fl.label, Other: f.Other}
		for _, t := range f.Terms {
			ft := facetTerm{Term: t.Term, Count: t.Count}
			switch fl.key {
			case "year":
				ft.URL = p.with("published_from", t.Term, "published_to", t.Term)
				ft.Active = p.PubFrom == t.Term && p.PubTo == t.Term
			case "site":
				ft.URL, ft.Active = p.with("site", t.Term), p.Site == t.Term
			case "kind":
				ft.URL, ft.Active = p.with("kind", t.Term), p.Kind == t.Term
			case "author":
				ft.URL, ft.Active = p.with("author", t.Term), p.Author == t.Term
			case "org":
				ft.URL, ft.Active = p.with("org", t.Term), p.Org == t.Term
			}
			v.Terms = append(v.Terms, ft)
		}
		out = append(out, v)
	}
	return out
}

// badQuery explains a query the index refuses: a value no record has,
// with links to the search with the closest values instead, or text that
// does not parse.
func (pg *searchPage) badQuery(err error) {
	u, ok := index.IsUnknownValue(err)
	if !ok {
		pg.Error = "The query does not parse: " + strings.TrimPrefix(err.Error(), index.ErrBadQuery.Error()+": ")
		return
	}
	msg := u.Error()
	if i := strings.Index(msg, "; did you mean"); i >= 0 {
		msg = msg[:i]
	}
	pg.Error = strings.ToUpper(msg[:1]) + msg[1:] + "."
	for _, v := range u.Suggestions {
		if link := pg.P.replacing(u.Field, u.Value, v); link != "" {
			pg.DidYouMean = append(pg.DidYouMean, option{Value: link, Label: v})
		}
	}
}
