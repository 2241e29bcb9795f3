package index

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"regexp/syntax"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	vregexp "github.com/blevesearch/vellum/regexp"
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
	Text string // bleve query-string syntax; empty matches every record

	Size int // hits per page; 0 means DefaultSize
	From int // hits to skip: paging

	Site   string // exact site name
	Kind   string // exact kind: organization, mission, post, page
	Author string // exact author as written
	Org    string // exact organization: its mission, or records whose writing names it (Mentions)

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
func (q Query) request() (*bleve.SearchRequest, query.Query, error) {
	if q.Size < 0 || q.From < 0 {
		return nil, nil, fmt.Errorf("%w: negative size or from", ErrBadQuery)
	}
	size := q.Size
	if size == 0 {
		size = DefaultSize
	}
	main, err := q.textQuery()
	if err != nil {
		return nil, nil, err
	}
	var notLatest []query.Query
	if !q.AllVersions {
		// excluding the few old versions costs less than requiring the
		// mark of every match
		old := query.NewBoolFieldQuery(false)
		old.SetField(fieldLatest)
		notLatest = append(notLatest, old)
	}
	bq := query.NewBooleanQuery([]query.Query{main}, nil, notLatest)
	if f := q.filters(); len(f) > 0 {
		bq.AddFilter(query.NewConjunctionQuery(f))
	}

	req := bleve.NewSearchRequestOptions(bq, size, q.From, false)
	req.Fields = storedFields
	order, err := q.sortOrder()
	if err != nil {
		return nil, nil, err
	}
	req.SortByCustom(order)
	if !order[0].RequiresScoring() {
		req.Score = bleve.ScoreNone // sorted by date: relevance is not computed
	}
	return req, main, nil
}

// textQuery parses q.Text and points its field-less terms at title and
// text.
func (q Query) textQuery() (query.Query, error) {
	text := strings.TrimSpace(q.Text)
	if text == "" {
		return query.NewMatchAllQuery(), nil
	}
	parsed, err := query.NewQueryStringQuery(text).Parse()
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %w", ErrBadQuery, text, err)
	}
	if err := checkTerms(parsed); err != nil {
		return nil, fmt.Errorf("%w: %q: %w", ErrBadQuery, text, err)
	}
	main := rewriteDefaultField(parsed)
	if !plainWords.MatchString(text) || len(strings.Fields(text)) < 2 {
		return main, nil
	}
	// Several plain words: a record holding them as a phrase ranks above one
	// that holds them scattered, as a search box's users expect (the
	// match_phrase "should" clause of Elasticsearch-backed search UIs). The
	// boost is large because bleve's length norm shrinks a phrase match in a
	// long article below a single-word match in a short blurb.
	inTitle := query.NewMatchPhraseQuery(text)
	inTitle.SetField(fieldTitle)
	inTitle.SetBoost(phraseBoost * titleBoost)
	inText := query.NewMatchPhraseQuery(text)
	inText.SetField(fieldText)
	inText.SetBoost(phraseBoost)
	return query.NewBooleanQuery([]query.Query{main}, []query.Query{inTitle, inText}, nil), nil
}

// phraseBoost weighs a phrase match of a plain several-word query.
const phraseBoost = 25.0

// plainWords matches query text without query-string syntax: words only.
var plainWords = regexp.MustCompile(`^\s*[\p{L}\p{N}'’]+(?:-[\p{L}\p{N}'’]+)*(?:\s+[\p{L}\p{N}'’]+(?:-[\p{L}\p{N}'’]+)*)*\s*$`)

// checkTerms compiles the /regexp/ terms of q and checks its fuzziness:
// bleve only does when it searches, and its error would not say the query
// was at fault.
func checkTerms(q query.Query) error {
	switch q := q.(type) {
	case *query.BooleanQuery:
		return errors.Join(checkTerms(q.Must), checkTerms(q.Should), checkTerms(q.MustNot))
	case *query.ConjunctionQuery:
		var errs []error
		for _, c := range q.Conjuncts {
			errs = append(errs, checkTerms(c))
		}
		return errors.Join(errs...)
	case *query.DisjunctionQuery:
		var errs []error
		for _, d := range q.Disjuncts {
			errs = append(errs, checkTerms(d))
		}
		return errors.Join(errs...)
	case *query.MatchQuery:
		if q.Fuzziness > maxFuzziness {
			return fmt.Errorf("fuzziness %d above %d", q.Fuzziness, maxFuzziness)
		}
	case *query.RegexpQuery:
		// the way scorch compiles it (index/scorch/regexp.go)
		parsed, err := syntax.Parse(q.Regexp, syntax.Perl)
		if err != nil {
			return err
		}
		if _, err := vregexp.NewParsedWithLimit(q.Regexp, parsed, vregexp.DefaultLimit); err != nil {
			return fmt.Errorf("regexp /%s/: %w", q.Regexp, err)
		}
	}
	return nil
}

// rewriteDefaultField replaces every leaf query without a field by a
// disjunction of that query on title (boosted) and on text, so a title
// match outranks a mention in the text.
func rewriteDefaultField(q query.Query) query.Query {
	switch q := q.(type) {
	case *query.BooleanQuery:
		q.Must = rewriteDefaultField(q.Must)
		q.Should = rewriteDefaultField(q.Should)
		q.MustNot = rewriteDefaultField(q.MustNot)
		return q
	case *query.ConjunctionQuery:
		for i, c := range q.Conjuncts {
			q.Conjuncts[i] = rewriteDefaultField(c)
		}
		return q
	case *query.DisjunctionQuery:
		for i, d := range q.Disjuncts {
			q.Disjuncts[i] = rewriteDefaultField(d)
		}
		return q
	case nil:
		return nil
	case query.FieldableQuery:
		if q.Field() != "" {
			return q
		}
		if _, numeric := q.(*query.NumericRangeQuery); numeric {
			return q // a bare number's range half; no numeric field is searched by default
		}
		title, text := cloneLeaf(q), cloneLeaf(q)
		title.SetField(fieldTitle)
		text.SetField(fieldText)
		if b, ok := title.(query.BoostableQuery); ok {
			b.SetBoost(b.Boost() * titleBoost)
		}
		return query.NewDisjunctionQuery([]query.Query{title, text})
	}
	return q
}

// cloneLeaf returns a shallow copy of a leaf query: its fields are values
// and pointers that the rewrite replaces rather than mutates.
func cloneLeaf(q query.FieldableQuery) query.FieldableQuery {
	v := reflect.ValueOf(q)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return q
	}
	c := reflect.New(v.Elem().Type())
	c.Elem().Set(v.Elem())
	return c.Interface().(query.FieldableQuery)
}

// filters returns the non-scoring conditions every hit must meet.
func (q Query) filters() []query.Query {
	var f []query.Query
	for _, t := range []struct{ field, value string }{
		{fieldSite, q.Site}, {fieldKind, q.Kind}, {fieldAuthors, q.Author},
	} {
		if t.value != "" {
			f = append(f, termQuery(t.field, t.value))
		}
	}
	if q.Org != "" {
		// an organization's own mission, or any record whose writing names it
		f = append(f, query.NewDisjunctionQuery([]query.Query{termQuery(fieldOrganization, q.Org), termQuery(fieldMentions, q.Org)}))
	}
	if r := dateRange(fieldPublished, q.PublishedSince, q.PublishedUntil); r != nil {
		f = append(f, r)
	}
	if r := dateRange(fieldCaptured, q.CapturedSince, q.CapturedUntil); r != nil {
		f = append(f, r)
	}
	return f
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
