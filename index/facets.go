package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// Facets are not counted with bleve's facet requests, which read every
// match's values from the doc values of each faceted field (most of a
// search's time when it matches thousands). Instead each shard's snapshot
// gets a facet table, built once from the postings of the site, kind, year
// and authors fields: every document's values as small codes, by internal
// document number. The search's query is wrapped (topQuery) so that its
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

// snapshotTables caches what the searches read of each shard snapshot
// searched: its old versions and, once a search counts facets, its facet
// table.
type snapshotTables struct {
	mu     sync.Mutex
	tables map[index.IndexReader]*snapshotTable
	shards int // of the index
}

// snapshotTable is what a search reads of one shard snapshot, by document
// number.
type snapshotTable struct {
	old    bitset      // versions that are not their record's latest
	facets *facetTable // nil until a search counts facets
}

// maxSnapshotTables bounds the cached tables, per shard: a writable index
// gets a new snapshot after each write and merge.
const maxSnapshotTables = 4

// table returns the table of the snapshot r, building it (and its facet
// table, when facets) the first time. It fails when r's document numbers
// are not what it knows (an index other than scorch).
func (c *snapshotTables) table(ctx context.Context, r index.IndexReader, facets bool) (*snapshotTable, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.tables[r]
	if !ok {
		t = &snapshotTable{}
		err := eachPosting(ctx, r, fieldLatest, func(_ uint32, value string, doc uint64) {
			if value == "F" { // bleve's term for false
				t.old.set(doc)
			}
		})
		if err != nil {
			return nil, err
		}
		if c.tables == nil || len(c.tables) >= maxSnapshotTables*max(c.shards, 4) {
			c.tables = map[index.IndexReader]*snapshotTable{}
		}
		c.tables[r] = t
	}
	if facets && t.facets == nil {
		f, err := buildFacetTable(ctx, r)
		if err != nil {
			return nil, err
		}
		t.facets = f
	}
	return t, nil
}

// bitset is a set of document numbers.
type bitset []uint64

func (b *bitset) set(doc uint64) {
	for uint64(len(*b)) <= doc/64 {
		*b = append(*b, 0)
	}
	(*b)[doc/64] |= 1 << (doc % 64)
}

func (b bitset) has(doc uint64) bool {
	return doc/64 < uint64(len(b)) && b[doc/64]&(1<<(doc%64)) != 0
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

// topQuery is the query of a search: the text query and filters, run on
// each shard snapshot by a topSearcher, which drops the versions that are
// not their record's latest (unless allVersions) and counts the facet
// values of the matches it yields (when counting). Both read the
// snapshot's table (snapshotTables) instead of being bleve queries: a
// boolean query excluding old versions would put two more searchers (a
// boolean and a conjunction of one) between every match and the collector.
type topQuery struct {
	query.Query
	boost       *query.DisjunctionQuery // added to the score of the matches it matches too, or nil
	scoring     bool                    // whether hits are ranked by score
	allVersions bool
	tables      *snapshotTables

	mu       sync.Mutex
	window   int          // when scoring, yield (and rescore) only each shard's window best matches (0: all)
	counting bool         // count facet values into counts
	counts   *facetCounts // nil until a searcher closes
	matched  uint64       // matches yielded by the searchers closed since resetMatched
}

// Searcher returns the wrapped query's searcher, filtered and counting,
// with the boost added to every match or, with a window, rescoring the
// best matches (rescoreSearcher). It sets the query norm as a boolean
// query around the wrapped query (and the boost) would, so that scores are
// the same as bleve's.
func (q *topQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	q.mu.Lock()
	counting, window := q.counting, q.window
	q.mu.Unlock()
	t, err := q.tables.table(ctx, r, counting)
	if err != nil {
		return nil, err
	}
	s, err := q.Query.Searcher(ctx, r, m, o)
	if err != nil {
		return nil, err
	}
	var boost search.Searcher
	candidates := &candidateSet{}
	if q.boost != nil {
		bctx := ctx
		if window > 0 {
			bctx = context.WithValue(ctx, candidatesKey{}, candidates)
		}
		if boost, err = q.boost.Searcher(bctx, r, m, o); err != nil {
			s.Close()
			return nil, err
		}
		if _, none := boost.(*searcher.MatchNoneSearcher); none {
			boost.Close()
			boost = nil
		}
	}
	if boost == nil {
		s.SetQueryNorm(1.0 / math.Sqrt(s.Weight()))
	} else {
		// as bleve's boolean query of the matching query and the boost
		norm := 1.0 / math.Sqrt(s.Weight()+boost.Weight())
		s.SetQueryNorm(norm)
		boost.SetQueryNorm(norm)
		if window == 0 {
			s = &boostSearcher{must: s, should: boost}
		}
	}
	ts := &topSearcher{Searcher: s, q: q}
	if !q.allVersions {
		ts.old = t.old
	}
	if counting {
		ts.t = t.facets
		for i := range ts.single {
			ts.single[i] = make([]int, len(ts.t.values[i])+1)
		}
		for m := range ts.multi {
			ts.multi[m] = make([]int, len(ts.t.values[3+m])+1)
		}
	}
	if window > 0 && q.scoring {
		return &rescoreSearcher{top: ts, boost: boost, window: window, candidates: candidates}, nil
	}
	return ts, nil
}

// setWindow sets the window of the searchers made from now on and
// forgets the matches counted.
func (q *topQuery) setWindow(window int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.window, q.matched = window, 0
}

// matches returns the matches the searchers closed since setWindow yielded.
func (q *topQuery) matches() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.matched
}

// stopCounting has the searchers made from now on count nothing (a search
// that asks for more hits counts its matches once).
func (q *topQuery) stopCounting() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.counting = false
}

// topSearcher yields its searcher's matches but those in old, counting the
// facet codes of those it yields by code when t is not nil, and adds the
// counts to its query's when closed.
type topSearcher struct {
	search.Searcher
	q      *topQuery
	old    bitset
	t      *facetTable
	single [3][]int
	multi  [2][]int
	kept   uint64 // matches yielded
}

// Next returns the next match, counted.
func (s *topSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	dm, err := s.Searcher.Next(ctx)
	return s.keep(ctx, dm, err)
}

// Advance returns the first match at or after id, counted.
func (s *topSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	dm, err := s.Searcher.Advance(ctx, id)
	return s.keep(ctx, dm, err)
}

// keep returns dm, or the next match after it when dm is an old version;
// it counts the match returned.
func (s *topSearcher) keep(ctx *search.SearchContext, dm *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	for dm != nil && err == nil {
		doc, ok := docNumber(dm.IndexInternalID)
		if !ok {
			return nil, fmt.Errorf("search: unknown document number %x", []byte(dm.IndexInternalID))
		}
		if s.keepDoc(doc) {
			return dm, nil
		}
		ctx.DocumentMatchPool.Put(dm)
		dm, err = s.Searcher.Next(ctx)
	}
	return dm, err
}

// keepDoc reports whether document doc is kept, and counts it if so.
func (s *topSearcher) keepDoc(doc uint64) bool {
	if s.old.has(doc) {
		return false
	}
	s.kept++
	if s.t != nil {
		s.count(doc)
	}
	return true
}

func (s *topSearcher) count(doc uint64) {
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
func (s *topSearcher) Close() error {
	s.q.mu.Lock()
	defer s.q.mu.Unlock()
	s.q.matched += s.kept
	if s.t == nil {
		return s.Searcher.Close()
	}
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
func (q *topQuery) result() map[string]Facet {
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
