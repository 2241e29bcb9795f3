package index

import (
	"context"
	"math"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// boostQuery matches what its query matches, and adds to a match's score
// the score of its boost query where that matches too. It is bleve's
// boolean query of one must and some should clauses
// (query.NewBooleanQuery([]query.Query{q}, should, nil)), with the same
// matches, scores and locations, less the conjunction bleve puts around
// the must clause: one searcher fewer between every match and the
// collector.
type boostQuery struct {
	query.Query
	boost *query.DisjunctionQuery
}

func newBoostQuery(q query.Query, should ...query.Query) boostQuery {
	return boostQuery{Query: q, boost: query.NewDisjunctionQuery(should)}
}

// Searcher returns a boostSearcher, or bleve's boolean searcher where one
// of the two queries matches nothing at all.
func (q boostQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	must, err := q.Query.Searcher(ctx, r, m, o)
	if err != nil {
		return nil, err
	}
	should, err := q.boost.Searcher(ctx, r, m, o)
	if err != nil {
		must.Close()
		return nil, err
	}
	_, noMust := must.(*searcher.MatchNoneSearcher)
	_, noShould := should.(*searcher.MatchNoneSearcher)
	if noMust || noShould {
		must.Close()
		should.Close()
		return query.NewBooleanQuery([]query.Query{q.Query}, q.boost.Disjuncts, nil).Searcher(ctx, r, m, o)
	}
	norm := 1.0 / math.Sqrt(must.Weight()+should.Weight())
	must.SetQueryNorm(norm)
	should.SetQueryNorm(norm)
	return &boostSearcher{must: must, should: should}, nil
}

// boostSearcher yields the matches of must, each with the score of should
// added where should matches it.
type boostSearcher struct {
	must, should search.Searcher

	initialized          bool
	currMust, currShould *search.DocumentMatch // must's next match; should's current
	cons                 [1]*search.DocumentMatch
}

func (s *boostSearcher) init(ctx *search.SearchContext) error {
	s.initialized = true
	var err error
	if s.currMust, err = s.must.Next(ctx); err != nil {
		return err
	}
	s.currShould, err = s.should.Next(ctx)
	return err
}

// Next returns must's next match, boosted.
func (s *boostSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if !s.initialized {
		if err := s.init(ctx); err != nil {
			return nil, err
		}
	}
	rv := s.currMust
	if rv == nil {
		return nil, nil
	}
	var err error
	if s.currShould != nil && s.currShould.IndexInternalID.Compare(rv.IndexInternalID) < 0 {
		ctx.DocumentMatchPool.Put(s.currShould)
		if s.currShould, err = s.should.Advance(ctx, rv.IndexInternalID); err != nil {
			return nil, err
		}
	}
	if s.currShould != nil && s.currShould.IndexInternalID.Equals(rv.IndexInternalID) {
		// as bleve's conjunction scorer sums a boolean's clauses
		rv.Score += s.currShould.Score
		s.cons[0] = s.currShould
		rv.FieldTermLocations = search.MergeFieldTermLocations(rv.FieldTermLocations, s.cons[:])
		s.cons[0] = nil
	}
	if s.currMust, err = s.must.Next(ctx); err != nil {
		return nil, err
	}
	return rv, nil
}

// Advance returns must's first match at or after id, boosted.
func (s *boostSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	if !s.initialized {
		if err := s.init(ctx); err != nil {
			return nil, err
		}
	}
	if s.currMust != nil && s.currMust.IndexInternalID.Compare(id) < 0 {
		ctx.DocumentMatchPool.Put(s.currMust)
		var err error
		if s.currMust, err = s.must.Advance(ctx, id); err != nil {
			return nil, err
		}
	}
	return s.Next(ctx)
}

func (s *boostSearcher) Weight() float64 { return s.must.Weight() + s.should.Weight() }

func (s *boostSearcher) SetQueryNorm(qnorm float64) {
	s.must.SetQueryNorm(qnorm)
	s.should.SetQueryNorm(qnorm)
}

func (s *boostSearcher) Count() uint64 { return s.must.Count() }
func (s *boostSearcher) Min() int      { return 0 }
func (s *boostSearcher) Size() int     { return s.must.Size() + s.should.Size() }

func (s *boostSearcher) DocumentMatchPoolSize() int {
	return 3 + s.must.DocumentMatchPoolSize() + s.should.DocumentMatchPoolSize()
}

func (s *boostSearcher) Close() error {
	err := s.must.Close()
	if serr := s.should.Close(); err == nil {
		err = serr
	}
	return err
}

// excludeQuery matches what its query matches but not what any of not
// matches, with its query's scores: bleve's boolean query of one clause
// (must or should) and must-not clauses, less the boolean and the
// conjunction or disjunction of one it puts around the clause. The
// exclusions are matched without scores or locations, which they do not
// give.
type excludeQuery struct {
	query.Query
	not []query.Query
}

// exclusion returns the boolean query of must, should and not as an
// excludeQuery when it is one clause less exclusions, or nil.
func exclusion(must, should, not []query.Query) query.Query {
	switch {
	case len(not) == 0:
		return nil
	case len(must) == 1 && len(should) == 0:
		return excludeQuery{Query: must[0], not: not}
	case len(must) == 0 && len(should) == 1:
		return excludeQuery{Query: should[0], not: not}
	}
	return nil
}

// Searcher returns an excludeSearcher.
func (q excludeQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	kept, err := q.Query.Searcher(ctx, r, m, o)
	if err != nil {
		return nil, err
	}
	var notQuery query.Query = query.NewDisjunctionQuery(q.not)
	if len(q.not) == 1 {
		notQuery = q.not[0]
	}
	not, err := notQuery.Searcher(ctx, r, m, search.SearcherOptions{Score: "none"})
	if err != nil {
		kept.Close()
		return nil, err
	}
	kept.SetQueryNorm(1.0 / math.Sqrt(kept.Weight()))
	return &excludeSearcher{kept: kept, not: not}, nil
}

// excludeSearcher yields the matches of kept that not does not match.
type excludeSearcher struct {
	kept, not search.Searcher

	notStarted bool
	currNot    *search.DocumentMatch
}

// Next returns kept's next match not excluded.
func (s *excludeSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	dm, err := s.kept.Next(ctx)
	return s.keep(ctx, dm, err)
}

// Advance returns kept's first match at or after id not excluded.
func (s *excludeSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	dm, err := s.kept.Advance(ctx, id)
	return s.keep(ctx, dm, err)
}

// keep returns dm, or kept's next match after it, when dm is excluded.
func (s *excludeSearcher) keep(ctx *search.SearchContext, dm *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	for dm != nil && err == nil {
		if !s.notStarted {
			s.notStarted = true
			if s.currNot, err = s.not.Next(ctx); err != nil {
				return nil, err
			}
		}
		if s.currNot != nil && s.currNot.IndexInternalID.Compare(dm.IndexInternalID) < 0 {
			ctx.DocumentMatchPool.Put(s.currNot)
			if s.currNot, err = s.not.Advance(ctx, dm.IndexInternalID); err != nil {
				return nil, err
			}
		}
		if s.currNot == nil || !s.currNot.IndexInternalID.Equals(dm.IndexInternalID) {
			return dm, nil
		}
		ctx.DocumentMatchPool.Put(dm)
		dm, err = s.kept.Next(ctx)
	}
	return dm, err
}

func (s *excludeSearcher) Weight() float64            { return s.kept.Weight() }
func (s *excludeSearcher) SetQueryNorm(qnorm float64) { s.kept.SetQueryNorm(qnorm) }
func (s *excludeSearcher) Count() uint64              { return s.kept.Count() }
func (s *excludeSearcher) Min() int                   { return 0 }
func (s *excludeSearcher) Size() int                  { return s.kept.Size() + s.not.Size() }

func (s *excludeSearcher) DocumentMatchPoolSize() int {
	return 2 + s.kept.DocumentMatchPoolSize() + s.not.DocumentMatchPoolSize()
}

func (s *excludeSearcher) Close() error {
	err := s.kept.Close()
	if nerr := s.not.Close(); err == nil {
		err = nerr
	}
	return err
}
