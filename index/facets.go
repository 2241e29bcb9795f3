package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Facets are not counted with bleve's facet requests, which read every
// match's values from the doc values of each faceted field (most of a
// search's time when it matches thousands). Instead each shard's snapshot
// gets a facet table, built once from the postings of the site, kind, year
// and authors fields: every document's values as small codes, by internal
// document number. The search's query is wrapped (facetQuery) so that its
// searcher counts the values of every match it hands bleve's collector, at
// the cost of a few array reads.

// facetSizes are the most terms each facet lists; the rest count as Other.
var facetSizes = map[string]int{FacetSite: 50, FacetKind: 10, FacetYear: 100, FacetAuthor: 25, FacetOrg: 25}

// facetNames are the facets of Result.Facets, in facetCounts order.
var facetNames = []string{FacetSite, FacetKind, FacetYear, FacetAuthor, FacetOrg}

// facetFields are the faceted fields, in the order of facetTable.single.
var facetFields = []struct{ name, field string }{
	{FacetSite, fieldSite}, {FacetKind, fieldKind}, {FacetYear, fieldYear},
}

// facetTable holds the facet values of every document of one snapshot of
// a shard, by document number: code 0 is no value, code c is values[c-1].
// It is laid out for countingSearcher.count, which reads it for every
// match: a document's three single codes side by side, and the codes of a
// multi-valued facet in one array, a document's from multi[m][start[m][d]]
// to multi[m][start[m][d+1]].
type facetTable struct {
	single [][3]uint32 // site, kind, year codes, by document number
	values [5][]string // site, kind, year, author, organization values by code-1
	multi  [2][]uint32 // author and organization codes, of every document in turn
	start  [2][]uint32 // where each document's codes start in multi, one more for the end
}

// multiFacets are the facets a document may have several values of, in
// the order of facetTable.multi, each with the fields it is counted from.
var multiFacets = []struct {
	name   string
	fields []string
}{
	{FacetAuthor, []string{fieldAuthors}},
	{FacetOrg, []string{fieldOrganization, fieldMentions}},
}

// facetTables caches the facet table of each shard snapshot searched.
type facetTables struct {
	mu     sync.Mutex
	tables map[index.IndexReader]*facetTable
	shards int // of the index
}

// maxFacetTables bounds the cached tables, per shard: a writable index
// gets a new snapshot after each write and merge.
const maxFacetTables = 4

// table returns the facet table of the snapshot r, building it the first
// time. It fails when r's document numbers are not what it knows (an index
// other than scorch).
func (c *facetTables) table(ctx context.Context, r index.IndexReader) (*facetTable, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.tables[r]; ok {
		return t, nil
	}
	t, err := buildFacetTable(ctx, r)
	if err != nil {
		return nil, err
	}
	if c.tables == nil || len(c.tables) >= maxFacetTables*max(c.shards, 4) {
		c.tables = map[index.IndexReader]*facetTable{}
	}
	c.tables[r] = t
	return t, nil
}

func buildFacetTable(ctx context.Context, r index.IndexReader) (*facetTable, error) {
	t := &facetTable{}
	for i, f := range facetFields {
		err := eachPosting(ctx, r, f.field, func(code uint32, value string, doc uint64) {
			t.values[i] = named(t.values[i], code, value)
			if uint64(len(t.single)) <= doc {
				t.single = append(t.single, make([][3]uint32, int(doc)+1-len(t.single))...)
			}
			t.single[doc][i] = code
		})
		if err != nil {
			return nil, err
		}
	}
	for m, mf := range multiFacets {
		// one code space over the facet's fields, one code for the ways of
		// writing a name ("The Alliance …" and "Alliance …"; see nameKey)
		codes := map[string]uint32{}
		var byDoc [][]uint32
		for _, field := range mf.fields {
			err := eachPosting(ctx, r, field, func(_ uint32, value string, doc uint64) {
				key := nameKey(value)
				code, ok := codes[key]
				if !ok {
					code = uint32(len(codes) + 1)
					codes[key] = code
					t.values[3+m] = named(t.values[3+m], code, value)
				} else if shown := t.values[3+m][code-1]; hasArticle(shown) && !hasArticle(value) {
					t.values[3+m][code-1] = value // the name as a list files it
				}
				for uint64(len(byDoc)) <= doc {
					byDoc = append(byDoc, nil)
				}
				if !slices.Contains(byDoc[doc], code) {
					byDoc[doc] = append(byDoc[doc], code)
				}
			})
			if err != nil {
				return nil, err
			}
		}
		t.start[m] = make([]uint32, len(byDoc)+1)
		for d, cs := range byDoc {
			t.multi[m] = append(t.multi[m], cs...)
			t.start[m][d+1] = uint32(len(t.multi[m]))
		}
	}
	return t, nil
}

// named records value as the value of code.
func named(values []string, code uint32, value string) []string {
	for uint32(len(values)) < code {
		values = append(values, "")
	}
	values[code-1] = value
	return values
}

// eachPosting calls fn for every document of every term of field in r,
// with the term's code (1 for the first term, 2 for the next, …).
func eachPosting(ctx context.Context, r index.IndexReader, field string, fn func(code uint32, value string, doc uint64)) error {
	dict, err := r.FieldDict(field)
	if err != nil {
		return fmt.Errorf("facet values of %s: %w", field, err)
	}
	defer dict.Close()
	var code uint32
	for {
		e, err := dict.Next()
		if err != nil {
			return fmt.Errorf("facet values of %s: %w", field, err)
		}
		if e == nil {
			return nil
		}
		code++
		tfr, err := r.TermFieldReader(ctx, []byte(e.Term), field, false, false, false)
		if err != nil {
			return fmt.Errorf("facet values of %s: %w", field, err)
		}
		var d index.TermFieldDoc
		for {
			next, err := tfr.Next(&d)
			if err != nil {
				tfr.Close()
				return fmt.Errorf("facet values of %s: %w", field, err)
			}
			if next == nil {
				break
			}
			doc, ok := docNumber(next.ID)
			if !ok {
				tfr.Close()
				return fmt.Errorf("facet values of %s: unknown document number %x", field, []byte(next.ID))
			}
			fn(code, e.Term, doc)
		}
		tfr.Close()
	}
}

// docNumber returns the document number scorch encodes in an internal ID.
func docNumber(id index.IndexInternalID) (uint64, bool) {
	if len(id) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(id), true
}

// facetCounts counts the facet values of matches, by value.
type facetCounts struct {
	values  [5]map[string]int
	missing [5]int
}

func newFacetCounts() *facetCounts {
	c := &facetCounts{}
	for i := range c.values {
		c.values[i] = map[string]int{}
	}
	return c
}

// facetQuery is a query whose searchers count the facet values of every
// match they yield into counts.
type facetQuery struct {
	query.Query
	tables *facetTables

	mu     sync.Mutex
	counts *facetCounts
}

// Searcher returns the wrapped query's searcher, counting.
func (q *facetQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	t, err := q.tables.table(ctx, r)
	if err != nil {
		return nil, err
	}
	s, err := q.Query.Searcher(ctx, r, m, o)
	if err != nil {
		return nil, err
	}
	cs := &countingSearcher{Searcher: s, t: t, q: q}
	for i := range cs.single {
		cs.single[i] = make([]int, len(t.values[i])+1)
	}
	for m := range cs.multi {
		cs.multi[m] = make([]int, len(t.values[3+m])+1)
	}
	return cs, nil
}

// countingSearcher counts the facet codes of the matches its searcher
// yields, by code, and adds them to its query's counts when closed.
type countingSearcher struct {
	search.Searcher
	t      *facetTable
	q      *facetQuery
	single [3][]int
	multi  [2][]int
}

// Next returns the next match, counted.
func (s *countingSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	dm, err := s.Searcher.Next(ctx)
	if dm != nil {
		s.count(dm.IndexInternalID)
	}
	return dm, err
}

func (s *countingSearcher) count(id index.IndexInternalID) {
	doc, ok := docNumber(id)
	if !ok {
		return
	}
	var single [3]uint32
	if doc < uint64(len(s.t.single)) {
		single = s.t.single[doc]
	}
	for i, c := range single {
		s.single[i][c]++
	}
	for m, start := range s.t.start {
		if doc+1 < uint64(len(start)) && start[doc] < start[doc+1] {
			for _, c := range s.t.multi[m][start[doc]:start[doc+1]] {
				s.multi[m][c]++
			}
		} else {
			s.multi[m][0]++
		}
	}
}

// Close closes the searcher and adds its counts to the query's.
func (s *countingSearcher) Close() error {
	s.q.mu.Lock()
	defer s.q.mu.Unlock()
	if s.q.counts == nil {
		s.q.counts = newFacetCounts()
	}
	add := func(i int, byCode []int) {
		s.q.counts.missing[i] += byCode[0]
		for c, n := range byCode[1:] {
			if n > 0 {
				s.q.counts.values[i][s.t.values[i][c]] += n
			}
		}
	}
	for i, byCode := range s.single {
		add(i, byCode)
	}
	for m, byCode := range s.multi {
		add(3+m, byCode)
	}
	return s.Searcher.Close()
}

// result returns the facets counted, most frequent values first (years in
// order), each cut to its size in facetSizes.
func (q *facetQuery) result() map[string]Facet {
	q.mu.Lock()
	defer q.mu.Unlock()
	c := q.counts
	if c == nil {
		c = newFacetCounts()
	}
	out := map[string]Facet{}
	for i, name := range facetNames {
		f := Facet{Missing: c.missing[i]}
		for v, n := range c.values[i] {
			f.Terms = append(f.Terms, FacetTerm{Term: v, Count: n})
			f.Total += n
		}
		sort.Slice(f.Terms, func(i, j int) bool {
			a, b := f.Terms[i], f.Terms[j]
			return a.Count > b.Count || a.Count == b.Count && a.Term < b.Term
		})
		if n := facetSizes[name]; len(f.Terms) > n {
			f.Terms = f.Terms[:n]
		}
		kept := 0
		for _, t := range f.Terms {
			kept += t.Count
		}
		f.Other = f.Total - kept
		if name == FacetYear {
			sort.Slice(f.Terms, func(i, j int) bool { return f.Terms[i].Term < f.Terms[j].Term })
		}
		out[name] = f
	}
	return out
}

// hasArticle reports whether a name starts with "The ".
func hasArticle(name string) bool {
	return len(name) > 4 && strings.EqualFold(name[:4], "the ")
}
