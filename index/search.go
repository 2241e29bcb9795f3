package index

import (
	"context"
	"errors"
	"fmt"
	stdhtml "html"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	bdoc "github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"

	"rankfile/record"
)

// Result is one page of hits.
type Result struct {
	Total  uint64           // documents matching, before duplicates collapse
	From   int              // hits skipped: Hits[0] is hit number From+1
	Hits   []Hit            // this page, best first (or in date order)
	Folded int              // hits folded into this page's hits as duplicates
	Took   time.Duration    // time bleve spent searching
	Facets map[string]Facet // with Query.Facets, counts over all matches by FacetSite, FacetKind, FacetYear, FacetAuthor, FacetOrg
}

// Hit is one record version found, with what a citation needs: where it was
// published, when it was captured, and where the capture is archived.
type Hit struct {
	ID           string      // document ID: record ID "@" version
	RecordID     string      // the record's ID
	Score        float64     // relevance, the best of the hits folded into it; 0 when sorted by date
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

	rec      record.Record
	textHash string
	folded   int      // hits folded into this one
	shingles shingles // of the text, for collapsing; computed on demand
	title    string   // normalised title, for collapsing; computed on demand
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

// Search runs q. Unless q.KeepDuplicates, near-identical hits collapse
// into one (see collapse): the same text under two URLs, or a teaser whose
// text is contained in a post's, which is kept at the better rank of the
// two. The folded hits' URLs go to Duplicates; Total still counts them. To
// fill a page after collapsing, Search looks at the first 2×(From+Size)+10
// matches, and more while the page is short. Only the hits returned are
// highlighted. It returns an error wrapping ErrBadQuery when q.Text does
// not parse or q.Sort is unknown.
func (x *Index) Search(ctx context.Context, q Query) (*Result, error) {
	req, main, err := x.request(ctx, q)
	if err != nil {
		return nil, err
	}
	want := q.From + req.Size
	fetch := req.Size
	if !q.KeepDuplicates {
		req.From, fetch = 0, 2*want+10
	}
	out := &Result{From: q.From}
	top := req.Query.(*topQuery)
	// the matches' stored fields are loaded afterwards, for the hits kept
	// only: bleve's alias would load them for the best fetch hits of every
	// shard, most of which the merge of the shards' hits drops
	req.Fields = nil
	var hits []Hit
	for {
		req.Size = fetch
		// each shard rescores its best (see rescore.go): at least all the
		// hits of the page its shard could give
		top.setWindow(max(rescoreWindow, 2*(req.From+req.Size)))
		res, err := x.all.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("search %q: %w", q.Text, err)
		}
		out.Total, out.Took = res.Total, out.Took+res.Took
		if top.scoring {
			out.Total = top.matches() // bleve counted the windows
		}
		if q.Facets && out.Facets == nil { // counted once
			out.Facets = top.result()
			top.stopCounting()
		}
		hits = hits[:0]
		breakTies(res.Hits)
		took, err := x.loadFields(ctx, res.Hits)
		if err != nil {
			return nil, err
		}
		out.Took += took
		for _, dm := range res.Hits {
			h, err := hit(dm)
			if err != nil {
				return nil, err
			}
			hits = append(hits, h)
		}
		if q.KeepDuplicates {
			break
		}
		hits = collapse(hits)
		if len(hits) >= want || len(res.Hits) < fetch {
			hits = hits[min(q.From, len(hits)):min(want, len(hits))]
			break
		}
		fetch *= 2
	}
	for _, h := range hits {
		out.Folded += h.folded
	}
	out.Hits = hits
	if err := x.highlight(ctx, main, out); err != nil {
		return nil, err
	}
	return out, nil
}

// loadFields sets the stored fields (storedFields) of the matches dms,
// which a search without fields found, from one search for them by ID.
func (x *Index) loadFields(ctx context.Context, dms search.DocumentMatchCollection) (time.Duration, error) {
	if len(dms) == 0 {
		return 0, nil
	}
	ids := make([]string, len(dms))
	for i, dm := range dms {
		ids[i] = dm.ID
	}
	fields, took, err := x.storedDocs(ctx, ids)
	if err != nil {
		return took, err
	}
	for _, dm := range dms {
		dm.Fields = fields[dm.ID]
	}
	return took, nil
}

// storedDocs returns the stored fields (storedFields) of the documents ids,
// by ID, and the time bleve took to find them.
func (x *Index) storedDocs(ctx context.Context, ids []string) (map[string]map[string]any, time.Duration, error) {
	hits, took, err := x.searchIDs(ctx, ids, func(ids []string) *bleve.SearchRequest {
		req := bleve.NewSearchRequestOptions(query.NewDocIDQuery(ids), len(ids), 0, false)
		req.Fields = storedFields
		req.Score = bleve.ScoreNone
		return req
	})
	if err != nil {
		return nil, took, fmt.Errorf("load records: %w", err)
	}
	out := make(map[string]map[string]any, len(hits))
	for _, dm := range hits {
		out[dm.ID] = dm.Fields
	}
	return out, took, nil
}

// searchIDs runs the search request(ids) for the documents ids on the
// shards holding them (shardOf), each with its own, GOMAXPROCS shards at a
// time, and returns the hits of all, in no order, and the time it took.
// Searching every shard for them, as the index alias would, costs every
// shard a search however few of them it holds.
func (x *Index) searchIDs(ctx context.Context, ids []string, request func(ids []string) *bleve.SearchRequest) (search.DocumentMatchCollection, time.Duration, error) {
	start := time.Now()
	byShard := map[int][]string{}
	for _, id := range ids {
		s := shardOf(recordIDOf(id), len(x.shards))
		byShard[s] = append(byShard[s], id)
	}
	var (
		mu   sync.Mutex
		hits search.DocumentMatchCollection
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, runtime.GOMAXPROCS(0))
	)
	for s, ids := range byShard {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			res, err := x.shards[s].SearchInContext(ctx, request(ids))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			hits = append(hits, res.Hits...)
		}()
	}
	wg.Wait()
	return hits, time.Since(start), errors.Join(errs...)
}

// breakTies orders the runs of hits that tie, by score or by their sort
// values, by document ID, so that equal hits come in the same order
// whatever order the segments and shards gave them in. (Asking bleve for
// the document ID as the last sort key would read the stored ID of every
// match.)
func breakTies(hits search.DocumentMatchCollection) {
	tie := func(a, b *search.DocumentMatch) bool {
		return a.Score == b.Score && slices.Equal(a.Sort, b.Sort)
	}
	for i := 0; i < len(hits); {
		j := i + 1
		for j < len(hits) && tie(hits[i], hits[j]) {
			j++
		}
		if j-i > 1 {
			sort.Slice(hits[i:j], func(a, b int) bool { return hits[i+a].ID < hits[i+b].ID })
		}
		i = j
	}
}

// highlight gives each hit of r a snippet: the fragment of its text
// around the matches of main, from a second search over these hits only
// (asking bleve for highlights in the first would read the positions of
// every match), or the opening of its text.
func (x *Index) highlight(ctx context.Context, main query.Query, r *Result) error {
	if len(r.Hits) == 0 {
		return nil
	}
	frags := map[string][]string{}
	if _, all := main.(*query.MatchAllQuery); !all {
		ids := make([]string, len(r.Hits))
		for i, h := range r.Hits {
			ids[i] = h.ID
		}
		// the matches' locations only: bleve's highlighting would load
		// each hit's stored document again for its text, which the hit
		// has
		hits, took, err := x.searchIDs(ctx, ids, func(ids []string) *bleve.SearchRequest {
			hq := query.NewConjunctionQuery([]query.Query{query.NewDocIDQuery(ids), main})
			req := bleve.NewSearchRequestOptions(hq, len(ids), 0, false)
			req.IncludeLocations = true
			req.Score = bleve.ScoreNone
			return req
		})
		r.Took += took
		if err != nil {
			return fmt.Errorf("highlight: %w", err)
		}
		hl, err := bleve.Config.Cache.HighlighterNamed(html.Name)
		if err != nil {
			return fmt.Errorf("highlight: %w", err)
		}
		texts := make(map[string]string, len(r.Hits))
		for _, h := range r.Hits {
			texts[h.ID] = h.rec.Text
		}
		for _, dm := range hits {
			doc := bdoc.NewDocument(dm.ID)
			doc.AddField(bdoc.NewTextField(fieldText, nil, []byte(texts[dm.ID])))
			frags[dm.ID] = hl.BestFragmentsInField(dm, doc, fieldText, 1)
		}
	}
	for i := range r.Hits {
		h := &r.Hits[i]
		// bleve gives a fragment even without a match in the text, cut
		// mid-word; the opening of the text reads better then
		if fr := strings.Join(frags[h.ID], " … "); strings.Contains(fr, "<mark>") {
			h.Snippet = adjacentMarks.ReplaceAllString(fr, "$1")
		} else {
			h.Snippet = stdhtml.EscapeString(lead(h.rec.Text, 200))
		}
	}
	return nil
}

func hit(dm *search.DocumentMatch) (Hit, error) {
	s, err := fromFields(dm.ID, dm.Fields)
	if err != nil {
		return Hit{}, err
	}
	r := s.rec
	return Hit{
		ID: dm.ID, RecordID: r.ID, Score: dm.Score, Kind: r.Kind,
		Title: r.Title, Site: r.Site, SiteKind: r.SiteKind, URL: r.URL, Link: r.Link,
		Organization: r.Organization, Authors: r.Authors,
		Published: r.PublishedTime(), Captured: r.Captured,
		WARCFile: r.WARCFile, WARCOffset: r.WARCOffset, Digest: r.Digest,
		Latest: s.latest, rec: r, textHash: s.textHash,
	}, nil
}

// Record returns the record version the hit is, text included.
func (h Hit) Record() record.Record { return h.rec }

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
	return strings.Join(strings.Fields(stdhtml.UnescapeString(s)), " ")
}
