package index

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/search"

	"rankfile/record"
)

// Result is one page of hits.
type Result struct {
	Total  uint64           // documents matching, before duplicates collapse
	From   int              // hits skipped: Hits[0] is hit number From+1
	Hits   []Hit            // this page, best first (or in date order)
	Folded int              // hits of this page folded into others as duplicates
	Took   time.Duration    // time bleve spent searching
	Facets map[string]Facet // with Query.Facets, counts over all matches by FacetSite, FacetKind, FacetYear, FacetAuthor
}

// Hit is one record version found, with what a citation needs: where it was
// published, when it was captured, and where the capture is archived.
type Hit struct {
	ID           string      // document ID: record ID "@" version
	RecordID     string      // the record's ID
	Score        float64     // relevance; 0 when sorted by date
	Kind         record.Kind // organization, mission, post or page
	Title        string
	Site         string
	SiteKind     string
	URL          string
	Link         string
	Organization string
	Authors      []string
	Published    time.Time // zero when unknown
	Captured     time.Time // zero when unknown
	Snippet      string    // HTML-escaped fragment with matches in <mark>…</mark>
	WARCFile     string
	WARCOffset   int64
	Digest       string
	Latest       bool     // whether this is the newest version of its record
	Duplicates   []string // URLs of near-identical hits folded into this one

	textHash string
	norm     string // normalised text, for collapsing
}

// Facet counts the matching documents by the values of one field.
type Facet struct {
	Total   int         // values counted (a document with two authors counts twice)
	Missing int         // matching documents without a value
	Other   int         // values beyond those in Terms
	Terms   []FacetTerm // most frequent first; years in chronological order
}

// FacetTerm is one value of a facet and the number of matches having it.
type FacetTerm struct {
	Term  string
	Count int
}

// Search runs q. Unless q.KeepDuplicates, hits on the page that are
// near-identical collapse into the first of them: the same text under two
// URLs, or a teaser whose text is contained in a post's (the post is kept,
// at the better rank). The folded hits' URLs go to Duplicates; Total still
// counts them. It returns an error wrapping ErrBadQuery when q.Text does
// not parse or q.Sort is unknown.
func (x *Index) Search(ctx context.Context, q Query) (*Result, error) {
	req, err := q.request()
	if err != nil {
		return nil, err
	}
	res, err := x.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Text, err)
	}
	out := &Result{Total: res.Total, From: q.From, Took: res.Took, Facets: facets(res.Facets)}
	for _, dm := range res.Hits {
		out.Hits = append(out.Hits, hit(dm))
	}
	if !q.KeepDuplicates {
		n := len(out.Hits)
		out.Hits = collapse(out.Hits)
		out.Folded = n - len(out.Hits)
	}
	return out, nil
}

func hit(dm *search.DocumentMatch) Hit {
	s := fromFields(dm.Fields)
	r := s.rec
	h := Hit{
		ID: dm.ID, RecordID: r.ID, Score: dm.Score, Kind: r.Kind,
		Title: r.Title, Site: r.Site, SiteKind: r.SiteKind, URL: r.URL, Link: r.Link,
		Organization: r.Organization, Authors: r.Authors,
		Published: r.PublishedTime(), Captured: r.Captured,
		WARCFile: r.WARCFile, WARCOffset: r.WARCOffset, Digest: r.Digest,
		Latest: s.latest, textHash: s.textHash, norm: normalizeText(trimEllipsis(r.Text)),
	}
	// bleve gives a fragment even without a match in the text, cut
	// mid-word; the opening of the text reads better then
	if fr := strings.Join(dm.Fragments[fieldText], " … "); strings.Contains(fr, "<mark>") {
		h.Snippet = adjacentMarks.ReplaceAllString(fr, "$1")
	} else {
		h.Snippet = html.EscapeString(lead(r.Text, 200))
	}
	return h
}

// adjacentMarks finds marks separated only by spaces, which a phrase's
// words get: they read better as one mark.
var adjacentMarks = regexp.MustCompile(`</mark>(\s+)<mark>`)

// lead returns about n bytes of s from its start, cut at a space.
func lead(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut <= 0 {
		cut = n
	}
	return s[:cut] + " …"
}

// PlainSnippet returns the snippet as plain text on one line, with matches
// between « and », for terminals and spreadsheets.
func (h Hit) PlainSnippet() string {
	s := strings.NewReplacer("<mark>", "«", "</mark>", "»").Replace(h.Snippet)
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}

func facets(fr search.FacetResults) map[string]Facet {
	out := make(map[string]Facet, len(fr))
	for name, r := range fr {
		f := Facet{Total: r.Total, Missing: r.Missing, Other: r.Other}
		if r.Terms != nil {
			for _, t := range r.Terms.Terms() {
				f.Terms = append(f.Terms, FacetTerm{Term: t.Term, Count: t.Count})
			}
		}
		if name == FacetYear {
			sort.Slice(f.Terms, func(i, j int) bool { return f.Terms[i].Term < f.Terms[j].Term })
		}
		out[name] = f
	}
	return out
}
