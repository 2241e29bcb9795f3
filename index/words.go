package index

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	index "github.com/blevesearch/bleve_index_api"
)

// wordsQuery is the query of plain words (a search box's usual query):
// bleve's disjunction of the words, each the disjunction of its match in
// the title (boosted) and in the text. It matches and scores as bleve's
// query does, but is searched term at a time: each term's postings are
// read in turn and their scores summed by document in arrays, instead of
// bleve's two levels of disjunction searchers comparing their children's
// current documents at every match (a third of a several-word search's
// time where the words are common). Where a word is not one term in each
// field (a stop word, a word the analyser splits), or the search wants
// locations, explanations or no scores, bleve's query is searched.
type wordsQuery struct {
	query.Query // bleve's query of the words
	words       []string
}

// maxWords is the most words a wordsQuery holds: bleve searches more
// through a heap, which sums their scores in another order.
const maxWords = 10

// wordFields are the fields a plain word is matched in, with their boosts,
// in the order of the word's disjunction (builder.leaf).
var wordFields = []struct {
	field string
	boost float64
}{{fieldTitle, titleBoost}, {fieldText, 1}}

// Searcher returns a wordsSearcher, or bleve's searcher of the query.
func (q wordsQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	if o.Score == "none" || o.Explain || o.IncludeTermVectors || ctx.Value(search.FieldTermSynonymMapKey) != nil {
		return q.Query.Searcher(ctx, r, m, o)
	}
	if model, ok := ctx.Value(search.GetScoringModelCallbackKey).(search.GetScoringModelCallbackFn); ok && model() == index.BM25Scoring {
		return q.Query.Searcher(ctx, r, m, o) // wordTerm scores as tf-idf
	}
	// each word's terms, by field, as its match queries analyse it
	terms := make([]string, 0, len(q.words)*len(wordFields))
	for _, w := range q.words {
		for _, f := range wordFields {
			a := m.AnalyzerNamed(m.AnalyzerNameForPath(f.field))
			if a == nil {
				return q.Query.Searcher(ctx, r, m, o)
			}
			tokens := a.Analyze([]byte(w))
			if len(tokens) != 1 {
				return q.Query.Searcher(ctx, r, m, o)
			}
			terms = append(terms, string(tokens[0].Term))
		}
	}
	docs, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	s := &wordsSearcher{words: len(q.words), docs: docs}
	for i, t := range terms {
		f := wordFields[i%len(wordFields)]
		leaf, err := newWordTerm(ctx, r, t, f.field, f.boost, docs)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.leaves = append(s.leaves, leaf)
	}
	// bleve's disjunction searcher sorts its children by their counts
	// (stably: insertion sort, for so few), and sums in that order
	s.order = make([]int, s.words)
	count := func(w int) (n uint64) {
		for _, leaf := range s.leaves[w*len(wordFields) : (w+1)*len(wordFields)] {
			n += leaf.Count()
		}
		return n
	}
	for w := range s.order {
		s.order[w] = w
	}
	slices.SortStableFunc(s.order, func(a, b int) int { return cmp.Compare(count(a), count(b)) })
	// the norm bleve's outermost disjunction gives all its leaves
	s.SetQueryNorm(1.0 / math.Sqrt(s.Weight()))
	return s, nil
}

// wordsSearcher yields the documents any of its leaves match, in index
// order, scored as bleve's disjunction of each word's disjunction of its
// fields' term searchers: a word's score is the sum of its fields' scores
// times the share of its fields matched, a document's the sum of its
// words' scores times the share of its words matched (bleve's coord), each
// sum taken in the order bleve takes it.
type wordsSearcher struct {
	leaves []*wordTerm // word w's field f at w*len(wordFields)+f
	words  int
	order  []int  // the words in the order bleve sums their scores
	docs   uint64 // the snapshot's documents

	read bool
	*wordsArrays
	next uint64 // the document number Next looks at first
}

// wordsArrays are a wordsSearcher's sums by document number, kept in a
// pool between searches: a search's snapshot holds tens of thousands of
// documents. matched and fields are all zero when put back.
type wordsArrays struct {
	score   []float64 // a document's sum of its words' scores
	matched []uint8   // a document's words matched
	field   []float64 // scratch: a document's sum of one word's fields' scores
	fields  []uint8   // scratch: a document's fields one word matched
	touched []uint64  // scratch: the documents one word matched
}

var wordsPool = sync.Pool{New: func() any { return &wordsArrays{} }}

// readAll reads every leaf's postings, a word at a time.
func (s *wordsSearcher) readAll(ctx *search.SearchContext) error {
	s.read = true
	s.wordsArrays = wordsPool.Get().(*wordsArrays)
	if s.docs > uint64(len(s.fields)) {
		s.grow(s.docs - 1)
	}
	perWord := len(wordFields)
	for _, w := range s.order {
		s.touched = s.touched[:0]
		for _, leaf := range s.leaves[w*perWord : (w+1)*perWord] {
			err := leaf.each(func(doc uint64, score float64) {
				if doc >= uint64(len(s.fields)) {
					s.grow(doc)
				}
				if s.fields[doc] == 0 {
					s.touched = append(s.touched, doc)
					s.field[doc] = 0
				}
				s.field[doc] += score
				s.fields[doc]++
			})
			if err != nil {
				return err
			}
		}
		for _, doc := range s.touched {
			if s.matched[doc] == 0 {
				s.score[doc] = 0
			}
			s.score[doc] += s.field[doc] * (float64(s.fields[doc]) / float64(perWord))
			s.matched[doc]++
			s.fields[doc] = 0
		}
	}
	return nil
}

// grow makes the arrays hold document number doc.
func (s *wordsSearcher) grow(doc uint64) {
	n := max(int(doc)+1, 2*len(s.fields), 1024)
	s.score = append(s.score, make([]float64, n-len(s.score))...)
	s.matched = append(s.matched, make([]uint8, n-len(s.matched))...)
	s.field = append(s.field, make([]float64, n-len(s.field))...)
	s.fields = append(s.fields, make([]uint8, n-len(s.fields))...)
}

// Next returns the next document matched, scored.
func (s *wordsSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if !s.read {
		if err := s.readAll(ctx); err != nil {
			return nil, err
		}
	}
	for doc := s.next; doc < uint64(len(s.matched)); doc++ {
		if n := s.matched[doc]; n > 0 {
			s.next = doc + 1
			dm := ctx.DocumentMatchPool.Get()
			dm.IndexInternalID = binary.BigEndian.AppendUint64(dm.IndexInternalID[:0], doc)
			dm.Score = s.docScore(doc, n)
			return dm, nil
		}
	}
	s.next = uint64(len(s.matched))
	return nil, nil
}

// docScore is the score of document doc, which n words matched: the sum
// of its words' scores times the share of words matched (none for one
// word: bleve's query is then the word's disjunction alone).
func (s *wordsSearcher) docScore(doc uint64, n uint8) float64 {
	if s.words == 1 {
		return s.score[doc]
	}
	return s.score[doc] * (float64(n) / float64(s.words))
}

// eachDoc calls fn with every document matched from the next on, and its
// score, in index order.
func (s *wordsSearcher) eachDoc(ctx *search.SearchContext, fn func(doc uint64, score float64)) error {
	if !s.read {
		if err := s.readAll(ctx); err != nil {
			return err
		}
	}
	for doc := s.next; doc < uint64(len(s.matched)); doc++ {
		if n := s.matched[doc]; n > 0 {
			fn(doc, s.docScore(doc, n))
		}
	}
	s.next = uint64(len(s.matched))
	return nil
}

// Advance returns the first document matched at or after id.
func (s *wordsSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	doc, ok := docNumber(id)
	if !ok {
		return nil, fmt.Errorf("search: unknown document number %x", []byte(id))
	}
	s.next = max(s.next, doc)
	return s.Next(ctx)
}

// Weight is the sum of the leaves' weights, as bleve's disjunctions sum
// their children's.
func (s *wordsSearcher) Weight() float64 {
	var rv float64
	perWord := len(wordFields)
	for _, w := range s.order {
		var word float64
		for _, leaf := range s.leaves[w*perWord : (w+1)*perWord] {
			word += leaf.Weight()
		}
		rv += word
	}
	return rv
}

func (s *wordsSearcher) SetQueryNorm(qnorm float64) {
	for _, leaf := range s.leaves {
		leaf.SetQueryNorm(qnorm)
	}
}

func (s *wordsSearcher) Count() uint64 {
	var n uint64
	for _, leaf := range s.leaves {
		n += leaf.Count()
	}
	return n
}

func (s *wordsSearcher) Min() int { return 0 }

func (s *wordsSearcher) Size() int {
	n := 0
	if s.wordsArrays != nil {
		n = 8*len(s.score) + 8*len(s.field) + 2*len(s.matched) + 8*cap(s.touched)
	}
	for _, leaf := range s.leaves {
		n += leaf.Size()
	}
	return n
}

func (s *wordsSearcher) DocumentMatchPoolSize() int { return 1 }

func (s *wordsSearcher) Close() error {
	if s.wordsArrays != nil {
		clear(s.matched)
		clear(s.fields)
		wordsPool.Put(s.wordsArrays)
		s.wordsArrays = nil
	}
	var err error
	for _, leaf := range s.leaves {
		if cerr := leaf.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// wordTerm reads one term's postings in one field and scores them as
// bleve's term searcher does with tf-idf (TermQueryScorer): the square root
// of the term's frequency times the field's length norm times the term's
// idf, times the query weight (boost, idf and query norm), each product
// taken in bleve's order.
type wordTerm struct {
	reader      index.TermFieldReader
	boost       float64
	idf         float64
	queryWeight float64
}

func newWordTerm(ctx context.Context, r index.IndexReader, term, field string, boost float64, docs uint64) (*wordTerm, error) {
	reader, err := r.TermFieldReader(ctx, []byte(term), field, true, true, false)
	if err != nil {
		return nil, err
	}
	t := &wordTerm{reader: reader, boost: boost}
	t.idf = 1.0 + math.Log(float64(docs)/float64(reader.Count()+1.0))
	t.SetQueryNorm(1)
	return t, nil
}

// each calls fn with every document the term is in, in index order, and
// its score.
func (t *wordTerm) each(fn func(doc uint64, score float64)) error {
	tfd := &index.TermFieldDoc{}
	for {
		var err error
		if tfd, err = t.reader.Next(tfd.Reset()); err != nil {
			return err
		}
		if tfd == nil {
			return nil
		}
		doc, ok := docNumber(tfd.ID)
		if !ok {
			return fmt.Errorf("search: unknown document number %x", []byte(tfd.ID))
		}
		var tf float64
		if tfd.Freq < scorer.MaxSqrtCache {
			tf = scorer.SqrtCache[int(tfd.Freq)]
		} else {
			tf = math.Sqrt(float64(tfd.Freq))
		}
		score := tf * tfd.Norm * t.idf
		if t.queryWeight != 1.0 {
			score = score * t.queryWeight
		}
		fn(doc, score)
	}
}

func (t *wordTerm) Weight() float64 {
	sum := t.boost * t.idf
	return sum * sum
}

func (t *wordTerm) SetQueryNorm(qnorm float64) { t.queryWeight = t.boost * t.idf * qnorm }
func (t *wordTerm) Count() uint64              { return t.reader.Count() }
func (t *wordTerm) Size() int                  { return t.reader.Size() }
func (t *wordTerm) Close() error               { return t.reader.Close() }
