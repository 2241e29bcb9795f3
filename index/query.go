package index

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Sort orders.
const (
	SortRelevance = "relevance" // best match first (the default)
	SortDate      = "date"      // oldest published first: chronological reading
	SortDateDesc  = "-date"     // newest published first
)

// DefaultSize is the number of hits a Query with Size 0 returns.
const DefaultSize = 10

// ErrBadQuery is wrapped by Search's error when the query text does not
// parse or the query asks for something meaningless.
var ErrBadQuery = errors.New("index: bad query")

// Query is a search: query-string Text (see the package doc) narrowed by
// filters, all of which must hold. Empty filters are ignored. Since and
// Until bounds are inclusive.
type Query struct {
	Text string // the query language of the package doc; empty matches every record

	Size int // hits per page; 0 means DefaultSize
	From int // hits to skip: paging

	// Filters, matched as a person writes them (case, spacing, a leading
	// "The" and a plural kind do not matter; an acronym stands for its
	// site or organization); a value no record has fails the search with
	// an *UnknownValueError naming the closest ones.
	Site   string // site name or acronym
	Kind   string // organization, mission, post, page
	Author string // author
	Org    string // organization: its mission, or records whose writing names it (Mentions)

	PublishedSince, PublishedUntil time.Time
	CapturedSince, CapturedUntil   time.Time

	// Sort is SortRelevance (or ""), SortDate or SortDateDesc. With an
	// empty Text, relevance means nothing and SortDateDesc is used.
	Sort string

	Facets         bool // count matches by site, kind, year and author (costs about as much as the search)
	AllVersions    bool // every version of each record, not only the latest
	KeepDuplicates bool // do not collapse near-identical hits (see Search)
}

// facet names in Result.Facets.
const (
	FacetSite   = "site"
	FacetKind   = "kind"
	FacetYear   = "year"
	FacetAuthor = "author"
	// FacetOrg counts the organizations records are about or mention: a
	// mission's organization and every organization a record's writing names.
	FacetOrg = "organization"
)

// maxFuzziness is the largest edit distance bleve's fuzzy terms allow.
const maxFuzziness = 2

// request turns q into a bleve search request (without highlighting),
// and returns the query of its text alone, which highlighting uses.
// Filter and field values are resolved against the values x holds.
func (x *Index) request(ctx context.Context, q Query) (*bleve.SearchRequest, query.Query, error) {
	if q.Size < 0 || q.From < 0 {
		return nil, nil, fmt.Errorf("%w: negative size or from", ErrBadQuery)
	}
	size := q.Size
	if size == 0 {
		size = DefaultSize
	}
	var resolve resolver
	if q.needsValues() {
		v, err := x.vocab(ctx)
		if err != nil {
			return nil, nil, err
		}
		resolve = v.resolve
	}
	main, err := q.textQuery(resolve)
	if err != nil {
		return nil, nil, err
	}
	f, err := q.filters(resolve)
	if err != nil {
		return nil, nil, err
	}
	order, err := q.sortOrder()
	if err != nil {
		return nil, nil, err
	}
	scoring := order[0].RequiresScoring()
	// the phrase boost of several plain words is the top searcher's, which
	// can then rescore the best matches only (Search); it means nothing
	// when the hits are sorted by date
	matching, boost := main, (*query.DisjunctionQuery)(nil)
	if bq, ok := main.(boostQuery); ok {
		matching = bq.Query
		if scoring {
			boost = bq.boost
		}
	}
	if len(f) > 0 {
		bq := query.NewBooleanQuery([]query.Query{matching}, nil, nil)
		bq.AddFilter(query.NewConjunctionQuery(f))
		matching = bq
	}
	// old versions are dropped, facets counted and the phrase boost added
	// by the top searcher
	top := &topQuery{Query: matching, boost: boost, scoring: scoring, allVersions: q.AllVersions, tables: &x.tables, counting: q.Facets}

	req := bleve.NewSearchRequestOptions(top, size, q.From, false)
	req.Fields = storedFields
	req.SortByCustom(order)
	if !scoring {
		req.Score = bleve.ScoreNone // sorted by date: relevance is not computed
	}
	return req, main, nil
}

// needsValues reports whether q has filter or field values to resolve.
func (q Query) needsValues() bool {
	return q.Site != "" || q.Kind != "" || q.Author != "" || q.Org != "" || strings.Contains(q.Text, ":")
}

// textQuery parses q.Text (see parse.go) into bleve's query types.
func (q Query) textQuery(resolve resolver) (query.Query, error) {
	text := strings.TrimSpace(q.Text)
	parsed, err := parseQuery(text)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadQuery, err)
	}
	if parsed == nil {
		return query.NewMatchAllQuery(), nil
	}
	main, err := builder{resolve: resolve}.build(parsed)
	if err != nil {
		var u *UnknownValueError
		if errors.As(err, &u) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %q: %w", ErrBadQuery, text, err)
	}
	words := wordsOf(parsed)
	if len(words) > 0 && len(words) <= maxWords {
		main = wordsQuery{Query: main, words: words}
	}
	if len(words) < 2 {
		return main, nil
	}
	// Several plain words: a record holding them as a phrase ranks above one
	// that holds them scattered, as a search box's users expect (the
	// match_phrase "should" clause of Elasticsearch-backed search UIs). The
	// boost is large because bleve's length norm shrinks a phrase match in a
	// long article below a single-word match in a short blurb.
	phrase := strings.Join(words, " ")
	inTitle := newPhraseQuery(phrase)
	inTitle.SetField(fieldTitle)
	inTitle.SetBoost(phraseBoost * titleBoost)
	inText := newPhraseQuery(phrase)
	inText.SetField(fieldText)
	inText.SetBoost(phraseBoost)
	return newBoostQuery(main, inTitle, inText), nil
}

// phraseBoost weighs a phrase match of a plain several-word query.
const phraseBoost = 25.0

// filters returns the non-scoring conditions every hit must meet, their
// values resolved as a person writes them (see names.go).
func (q Query) filters(resolve resolver) ([]query.Query, error) {
	var f []query.Query
	for _, t := range []struct{ field, value string }{
		{fieldSite, q.Site}, {fieldKind, q.Kind}, {fieldAuthors, q.Author}, {fieldOrganization, q.Org},
	} {
		if t.value == "" {
			continue
		}
		// an organization's own mission, or any record whose writing names it
		leaf, err := builder{resolve: resolve}.exactLeaf(&leaf{field: t.field, value: t.value, quoted: true})
		if err != nil {
			return nil, err
		}
		f = append(f, leaf)
	}
	if r := dateRange(fieldPublished, q.PublishedSince, q.PublishedUntil); r != nil {
		f = append(f, r)
	}
	if r := dateRange(fieldCaptured, q.CapturedSince, q.CapturedUntil); r != nil {
		f = append(f, r)
	}
	return f, nil
}

func dateRange(field string, since, until time.Time) query.Query {
	if since.IsZero() && until.IsZero() {
		return nil
	}
	incl := true
	r := query.NewDateRangeInclusiveQuery(since, until, &incl, &incl)
	r.SetField(field)
	return r
}

// sortOrder returns bleve's sort for q.Sort. Records without a published
// date sort last either way; ties go to the newer capture, then to the
// index's order.
func (q Query) sortOrder() (search.SortOrder, error) {
	s := q.Sort
	if s == "" {
		s = SortRelevance
	}
	if s == SortRelevance && strings.TrimSpace(q.Text) == "" {
		s = SortDateDesc
	}
	// no document ID tie-break: it would read every match's stored ID
	byDate := func(desc bool) search.SortOrder {
		return search.SortOrder{
			&search.SortField{Field: fieldPublished, Desc: desc, Type: search.SortFieldAsDate, Missing: search.SortFieldMissingLast},
			&search.SortField{Field: fieldCaptured, Desc: true, Type: search.SortFieldAsDate, Missing: search.SortFieldMissingLast},
		}
	}
	switch s {
	case SortRelevance:
		return search.SortOrder{&search.SortScore{Desc: true}}, nil
	case SortDate:
		return byDate(false), nil
	case SortDateDesc:
		return byDate(true), nil
	}
	return nil, fmt.Errorf("%w: unknown sort %q (want %s, %s or %s)", ErrBadQuery, q.Sort, SortRelevance, SortDate, SortDateDesc)
}
