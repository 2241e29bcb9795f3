package index

import (
	"cmp"
	"context"
	"math"
	"slices"
	"sort"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// phraseQuery is bleve's match-phrase query with a lighter check of the
// phrase: the same matches, scores and term locations as bleve's phrase
// searcher, which, for every document holding all the words, first copies
// their locations into maps of locations by field and term (most of a
// phrase search's allocations, and so of its garbage collections, where
// the words are common). Phrases bleve would search otherwise (fuzzy, or
// with alternatives at a position) are left to bleve.
type phraseQuery struct {
	*query.MatchPhraseQuery
}

func newPhraseQuery(text string) phraseQuery {
	return phraseQuery{query.NewMatchPhraseQuery(text)}
}

// Searcher analyses the phrase as bleve does and returns a phraseSearcher
// of its words.
func (q phraseQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	field := q.FieldVal
	if field == "" {
		field = m.DefaultSearchField()
	}
	name := q.Analyzer
	if name == "" {
		name = m.AnalyzerNameForPath(field)
	}
	analyzer := m.AnalyzerNamed(name)
	if q.Fuzziness != 0 || analyzer == nil || ctx.Value(search.FieldTermSynonymMapKey) != nil {
		return q.MatchPhraseQuery.Searcher(ctx, r, m, o)
	}
	tokens := analyzer.Analyze([]byte(q.MatchPhrase))
	if len(tokens) == 0 {
		return q.MatchPhraseQuery.Searcher(ctx, r, m, o)
	}
	// the words by position from the first; "" where the analyser dropped
	// a word (a stop word), which any word fills
	first := tokens[0].Position
	for _, t := range tokens {
		first = min(first, t.Position)
	}
	var words []string
	for _, t := range tokens {
		i := t.Position - first
		for len(words) <= i {
			words = append(words, "")
		}
		if words[i] != "" {
			return q.MatchPhraseQuery.Searcher(ctx, r, m, o) // alternatives at a position
		}
		words[i] = string(t.Term)
	}
	o.IncludeTermVectors = true
	var terms []search.Searcher
	closeAll := func() {
		for _, s := range terms {
			s.Close()
		}
	}
	for _, w := range words {
		if w == "" {
			continue
		}
		s, err := searcher.NewTermSearcher(ctx, r, w, field, q.BoostVal.Value(), o)
		if err != nil {
			closeAll()
			return nil, err
		}
		terms = append(terms, s)
	}
	must, err := searcher.NewConjunctionSearcher(ctx, r, terms, o)
	if err != nil {
		closeAll()
		return nil, err
	}
	must.SetQueryNorm(1.0 / math.Sqrt(must.Weight()))
	if only, ok := ctx.Value(candidatesKey{}).(*candidateSet); ok {
		must = &candidateSearcher{Searcher: must, set: only}
	}
	return &phraseSearcher{must: must, field: field, words: words}, nil
}

// phraseSearcher yields the documents of must (a conjunction of the
// phrase's words, with their locations) that hold the words in a row.
type phraseSearcher struct {
	must  search.Searcher
	field string
	words []string // by position in the phrase; "" is any word

	initialized bool
	curr        *search.DocumentMatch // must's current match, not checked yet
	at          [][]int               // scratch: by phrase position, the indexes of locations of its word
	matched     []search.FieldTermLocation
}

func (s *phraseSearcher) init(ctx *search.SearchContext) error {
	s.initialized = true
	var err error
	s.curr, err = s.must.Next(ctx)
	return err
}

// Next returns the next document holding the phrase, with the locations
// of every occurrence of it.
func (s *phraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if !s.initialized {
		if err := s.init(ctx); err != nil {
			return nil, err
		}
	}
	for s.curr != nil {
		dm := s.curr
		found := s.check(dm)
		var err error
		if found {
			s.curr = nil
		} else {
			ctx.DocumentMatchPool.Put(dm)
		}
		if s.curr, err = s.must.Next(ctx); err != nil {
			return nil, err
		}
		if found {
			return dm, nil
		}
	}
	return nil, nil
}

// Advance returns the first document at or after id holding the phrase.
func (s *phraseSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	if !s.initialized {
		if err := s.init(ctx); err != nil {
			return nil, err
		}
	}
	if s.curr == nil {
		return nil, nil
	}
	if s.curr.IndexInternalID.Compare(id) < 0 {
		ctx.DocumentMatchPool.Put(s.curr)
		var err error
		if s.curr, err = s.must.Advance(ctx, id); err != nil {
			return nil, err
		}
	}
	return s.Next(ctx)
}

// check reports whether dm holds the phrase in s.field, and if so leaves
// in its locations those of the phrase's occurrences only (each
// occurrence's words in phrase order, occurrences in the order of their
// first word), as bleve's phrase searcher does.
func (s *phraseSearcher) check(dm *search.DocumentMatch) bool {
	for len(s.at) < len(s.words) {
		s.at = append(s.at, nil)
	}
	for i := range s.words {
		s.at[i] = s.at[i][:0]
	}
	ftls := dm.FieldTermLocations
	for j, l := range ftls {
		if l.Field != s.field {
			continue
		}
		for i, w := range s.words {
			if w != "" && l.Term == w {
				s.at[i] = append(s.at[i], j)
			}
		}
	}
	// each word's locations in position order, each once (they come in
	// order from one word's postings; a word the phrase says twice has
	// them twice)
	for i := range s.words {
		s.at[i] = byPosition(ftls, s.at[i])
	}
	lead := 0
	for s.words[lead] == "" {
		lead++
	}
	s.matched = s.matched[:0]
	for _, j := range s.at[lead] {
		start := ftls[j].Location
		path := len(s.matched)
		s.matched = append(s.matched, phraseLocation(s.field, s.words[lead], start))
		ok := true
		for i := lead + 1; i < len(s.words) && ok; i++ {
			if s.words[i] == "" {
				continue
			}
			want := start.Pos + uint64(i-lead)
			at := s.at[i]
			k := sort.Search(len(at), func(k int) bool { return ftls[at[k]].Location.Pos >= want })
			ok = false
			for ; k < len(at) && ftls[at[k]].Location.Pos == want; k++ {
				if loc := ftls[at[k]].Location; loc.ArrayPositions.Equals(start.ArrayPositions) {
					s.matched = append(s.matched, phraseLocation(s.field, s.words[i], loc))
					ok = true
					break
				}
			}
		}
		if !ok {
			s.matched = s.matched[:path]
		}
	}
	if len(s.matched) == 0 {
		return false
	}
	dm.FieldTermLocations = append(dm.FieldTermLocations[:0], s.matched...)
	return true
}

// byPosition sorts at, indexes of ftls, by position and drops repeated
// locations.
func byPosition(ftls []search.FieldTermLocation, at []int) []int {
	less := func(a, b search.Location) int {
		if c := a.ArrayPositions.Compare(b.ArrayPositions); c != 0 {
			return c
		}
		return cmp.Compare(a.Pos, b.Pos)
	}
	sorted := true
	for k := 1; k < len(at) && sorted; k++ {
		sorted = less(ftls[at[k-1]].Location, ftls[at[k]].Location) < 0
	}
	if sorted {
		return at
	}
	slices.SortStableFunc(at, func(a, b int) int { return less(ftls[a].Location, ftls[b].Location) })
	return slices.CompactFunc(at, func(a, b int) bool { return less(ftls[a].Location, ftls[b].Location) == 0 })
}

func phraseLocation(field, term string, loc search.Location) search.FieldTermLocation {
	if len(loc.ArrayPositions) > 0 {
		loc.ArrayPositions = append(search.ArrayPositions(nil), loc.ArrayPositions...)
	}
	return search.FieldTermLocation{Field: field, Term: term, Location: loc}
}

func (s *phraseSearcher) Weight() float64            { return s.must.Weight() }
func (s *phraseSearcher) SetQueryNorm(qnorm float64) { s.must.SetQueryNorm(qnorm) }
func (s *phraseSearcher) Count() uint64              { return s.must.Count() }
func (s *phraseSearcher) Min() int                   { return 0 }
func (s *phraseSearcher) Close() error               { return s.must.Close() }
func (s *phraseSearcher) Size() int                  { return s.must.Size() }

func (s *phraseSearcher) DocumentMatchPoolSize() int { return s.must.DocumentMatchPoolSize() + 1 }
