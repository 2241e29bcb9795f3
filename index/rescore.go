package index

import (
	"bytes"
	"container/heap"
	"encoding/binary"
	"slices"

	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// Windows and rescoring. A search ranked by score shows a page of hits,
// but bleve's collector compares every match it is handed with the best
// so far. Each shard's searcher (rescoreSearcher, under the top searcher
// that counts every match for Total and the facets) instead keeps its
// window best matches itself and hands the collector those only.
//
// Several plain words are ranked with their phrase as a boost
// (textQuery). Finding the phrase costs as much again as finding the
// words: a conjunction of the same postings, with their positions. So, as
// Elasticsearch's rescore does, each shard ranks its matches by the words
// alone, keeps its window best, and adds the phrase's score to those only.
// A match outside its shard's window keeps its score without the boost:
// it ranks where it would unless its phrase would lift it over the
// window's, which with a window many times the page's size the words'
// score all but rules out (the phrase's matches hold every word, so they
// already rank high).

// A boost searcher made for rescoring looks at the candidates only: its
// phrase searchers (phraseQuery) find a context's candidateSet and check
// the documents of the set alone, instead of every document holding all
// the words (which a phrase searcher's Advance would walk through to find
// the next phrase).

type candidatesKey struct{}

// candidateSet is the documents a searcher may match, in index order, set
// before its first Next or Advance.
type candidateSet struct {
	ids []index.IndexInternalID
}

// candidateSearcher yields the matches of its searcher that are in set,
// advancing it from one candidate to the next.
type candidateSearcher struct {
	search.Searcher
	set *candidateSet
	k   int // set.ids[k] is the next candidate
}

func (s *candidateSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return s.Advance(ctx, nil)
}

// Advance returns the first match at or after id that is a candidate.
func (s *candidateSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	ids := s.set.ids
	for s.k < len(ids) && bytes.Compare(ids[s.k], id) < 0 {
		s.k++
	}
	for s.k < len(ids) {
		dm, err := s.Searcher.Advance(ctx, ids[s.k])
		if dm == nil || err != nil {
			s.k = len(ids)
			return nil, err
		}
		for s.k < len(ids) && bytes.Compare(ids[s.k], dm.IndexInternalID) < 0 {
			s.k++
		}
		if s.k < len(ids) && dm.IndexInternalID.Equals(ids[s.k]) {
			s.k++
			return dm, nil
		}
		ctx.DocumentMatchPool.Put(dm)
	}
	return nil, nil
}

// rescoreWindow is the fewest best matches each shard rescores.
var rescoreWindow = 100

// rescoreSearcher yields the window best matches of top (by score, the
// first in index order among equals), in index order, each with boost's
// score added where boost (if any) matches it. It reads all of top's matches
// before yielding the first.
type rescoreSearcher struct {
	top    *topSearcher
	boost  search.Searcher // made with a context holding candidates
	window int

	candidates *candidateSet
	done       bool
	best       candidates // a min-heap until done, then in index order
	next       int        // best[next] is yielded next
}

type candidate struct {
	id    index.IndexInternalID
	score float64
}

// candidates is a min-heap by score; among equal scores the later in
// index order is the lesser, so the first in index order stays.
type candidates []candidate

func (c candidates) Len() int { return len(c) }
func (c candidates) Less(i, j int) bool {
	if c[i].score != c[j].score {
		return c[i].score < c[j].score
	}
	return bytes.Compare(c[i].id, c[j].id) > 0
}
func (c candidates) Swap(i, j int) { c[i], c[j] = c[j], c[i] }
func (c *candidates) Push(x any)   { *c = append(*c, x.(candidate)) }
func (c *candidates) Pop() any {
	old := *c
	x := old[len(old)-1]
	*c = old[:len(old)-1]
	return x
}

// rank reads every match of top, keeping the window best, then adds
// boost's scores to them.
func (s *rescoreSearcher) rank(ctx *search.SearchContext) error {
	s.done = true
	if docs, ok := s.top.Searcher.(scoredDocs); ok {
		var id [8]byte
		err := docs.eachDoc(ctx, func(doc uint64, score float64) {
			if s.top.keepDoc(doc) {
				binary.BigEndian.PutUint64(id[:], doc)
				s.offer(id[:], score)
			}
		})
		if err != nil {
			return err
		}
	} else {
		for {
			dm, err := s.top.Next(ctx)
			if err != nil {
				return err
			}
			if dm == nil {
				break
			}
			s.offer(dm.IndexInternalID, dm.Score)
			ctx.DocumentMatchPool.Put(dm)
		}
	}
	slices.SortFunc(s.best, func(a, b candidate) int { return bytes.Compare(a.id, b.id) })
	if s.boost == nil {
		return nil
	}
	for _, c := range s.best {
		s.candidates.ids = append(s.candidates.ids, c.id)
	}
	var cur *search.DocumentMatch
	for i := range s.best {
		c := &s.best[i]
		if cur != nil && bytes.Compare(cur.IndexInternalID, c.id) >= 0 {
			if cur.IndexInternalID.Equals(c.id) {
				c.score += cur.Score // as boostSearcher adds it
			}
			continue
		}
		if cur != nil {
			ctx.DocumentMatchPool.Put(cur)
		}
		var err error
		if cur, err = s.boost.Advance(ctx, c.id); err != nil {
			return err
		}
		if cur == nil {
			break
		}
		if cur.IndexInternalID.Equals(c.id) {
			c.score += cur.Score
		}
	}
	if cur != nil {
		ctx.DocumentMatchPool.Put(cur)
	}
	return nil
}

// offer keeps the match id (copied) if it is among the window best so far.
func (s *rescoreSearcher) offer(id index.IndexInternalID, score float64) {
	switch {
	case len(s.best) < s.window:
		heap.Push(&s.best, candidate{id: slices.Clone(id), score: score})
	case better(score, id, s.best[0]):
		s.best[0] = candidate{id: append(s.best[0].id[:0], id...), score: score}
		heap.Fix(&s.best, 0)
	}
}

// scoredDocs is a searcher that can give its matches by document number,
// without a DocumentMatch each (wordsSearcher).
type scoredDocs interface {
	eachDoc(ctx *search.SearchContext, fn func(doc uint64, score float64)) error
}

// better reports whether a match of score and id ranks above c.
func better(score float64, id index.IndexInternalID, c candidate) bool {
	return score > c.score || score == c.score && bytes.Compare(id, c.id) < 0
}

// Next returns the next of the best matches, rescored.
func (s *rescoreSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if !s.done {
		if err := s.rank(ctx); err != nil {
			return nil, err
		}
	}
	if s.next >= len(s.best) {
		return nil, nil
	}
	c := s.best[s.next]
	s.next++
	dm := ctx.DocumentMatchPool.Get()
	dm.IndexInternalID = append(dm.IndexInternalID[:0], c.id...)
	dm.Score = c.score
	return dm, nil
}

// Advance returns the first of the best matches at or after id.
func (s *rescoreSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	if !s.done {
		if err := s.rank(ctx); err != nil {
			return nil, err
		}
	}
	for s.next < len(s.best) && bytes.Compare(s.best[s.next].id, id) < 0 {
		s.next++
	}
	return s.Next(ctx)
}

func (s *rescoreSearcher) Weight() float64 {
	if s.boost == nil {
		return s.top.Weight()
	}
	return s.top.Weight() + s.boost.Weight()
}

func (s *rescoreSearcher) SetQueryNorm(qnorm float64) {
	s.top.SetQueryNorm(qnorm)
	if s.boost != nil {
		s.boost.SetQueryNorm(qnorm)
	}
}

// Count is top's estimate: the matches read, not the window yielded.
func (s *rescoreSearcher) Count() uint64 { return s.top.Count() }
func (s *rescoreSearcher) Min() int      { return 0 }
func (s *rescoreSearcher) Size() int     { return s.top.Size() + len(s.best)*48 }

func (s *rescoreSearcher) DocumentMatchPoolSize() int {
	n := 2 + s.top.DocumentMatchPoolSize()
	if s.boost != nil {
		n += s.boost.DocumentMatchPoolSize()
	}
	return n
}

func (s *rescoreSearcher) Close() error {
	err := s.top.Close()
	if s.boost != nil {
		if berr := s.boost.Close(); err == nil {
			err = berr
		}
	}
	return err
}
