package index

import (
	"fmt"
	"regexp/syntax"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/search/query"
	vregexp "github.com/blevesearch/vellum/regexp"
)

// resolver finds the indexed values of an exact field that a value written
// by a person stands for (see vocab.resolve); nil takes values as they are.
type resolver func(field, value string) ([]string, error)

// builder turns a parsed query into bleve queries.
type builder struct {
	resolve resolver
}

// build returns the bleve query of n.
func (b builder) build(n node) (query.Query, error) {
	switch n := n.(type) {
	case *leaf:
		return b.leaf(n)
	case *notNode:
		kid, err := b.build(n.kid)
		if err != nil {
			return nil, err
		}
		return excluding(nil, kid), nil
	case *orNode:
		var kids []query.Query
		for _, k := range n.kids {
			q, err := b.build(k)
			if err != nil {
				return nil, err
			}
			kids = append(kids, q)
		}
		return query.NewDisjunctionQuery(kids), nil
	case *andNode:
		var must, not []query.Query
		for _, k := range n.kids {
			if nn, ok := k.(*notNode); ok {
				q, err := b.build(nn.kid)
				if err != nil {
					return nil, err
				}
				not = append(not, q)
				continue
			}
			q, err := b.build(k)
			if err != nil {
				return nil, err
			}
			must = append(must, q)
		}
		if q := exclusion(must, nil, not); q != nil {
			return q, nil
		}
		return query.NewBooleanQuery(must, nil, not), nil
	case *seqNode:
		var must, should, not []query.Query
		for i, it := range n.items {
			q, err := b.build(it)
			if err != nil {
				return nil, err
			}
			switch n.mods[i] {
			case modMust:
				must = append(must, q)
			case modNot:
				not = append(not, q)
			default:
				should = append(should, q)
			}
		}
		if q := exclusion(must, should, not); q != nil {
			return q, nil
		}
		return query.NewBooleanQuery(must, should, not), nil
	}
	return nil, fmt.Errorf("unknown query node %T", n)
}

// excluding is a boolean query matching must (or every document, when nil)
// but not not: bleve starts a query of exclusions alone from all documents.
func excluding(must []query.Query, not ...query.Query) query.Query {
	return query.NewBooleanQuery(must, nil, not)
}

// leaf returns the query of one term on its field: title and text are
// analysed, dates compared, and the other fields exact.
func (b builder) leaf(l *leaf) (query.Query, error) {
	var q query.Query
	var err error
	switch {
	case l.field == "":
		title, err := b.textLeaf(l, fieldTitle)
		if err != nil {
			return nil, err
		}
		text, _ := b.textLeaf(l, fieldText)
		if bq, ok := title.(query.BoostableQuery); ok {
			bq.SetBoost(bq.Boost() * titleBoost)
		}
		return query.NewDisjunctionQuery([]query.Query{title, text}), nil
	case l.field == fieldTitle || l.field == fieldText:
		return b.textLeaf(l, l.field)
	case isDateField(l.field):
		q, err = dateLeaf(l)
	default:
		q, err = b.exactLeaf(l)
	}
	if err != nil {
		return nil, err
	}
	boost(q, l.boost)
	return q, nil
}

func boost(q query.Query, b float64) {
	if bq, ok := q.(query.BoostableQuery); ok && b > 0 {
		bq.SetBoost(b)
	}
}

// textLeaf is a term on an analysed field.
func (b builder) textLeaf(l *leaf, field string) (query.Query, error) {
	var q query.FieldableQuery
	switch l.kind {
	case phraseLeaf:
		q = newPhraseQuery(l.value)
	case wildcardLeaf:
		q = query.NewWildcardQuery(strings.ToLower(l.value)) // the analyser lowercases
	case regexpLeaf:
		if err := checkRegexp(l.value); err != nil {
			return nil, err
		}
		q = query.NewRegexpQuery(l.value)
	default:
		m := query.NewMatchQuery(l.value)
		m.SetFuzziness(l.fuzzy)
		q = m
	}
	q.SetField(field)
	boost(q, l.boost)
	return q, nil
}

// exactLeaf is a term on a keyword field. A word or quoted value is
// resolved to the values indexed (case, a leading "The" and acronyms do
// not matter); wildcards, regular expressions and fuzzy terms are taken as
// written.
func (b builder) exactLeaf(l *leaf) (query.Query, error) {
	fields := []string{l.field}
	if l.field == fieldOrganization {
		fields = append(fields, fieldMentions) // named in the writing, too
	}
	var qs []query.Query
	switch {
	case l.kind == regexpLeaf:
		if err := checkRegexp(l.value); err != nil {
			return nil, err
		}
		for _, f := range fields {
			r := query.NewRegexpQuery(l.value)
			r.SetField(f)
			qs = append(qs, r)
		}
	case l.kind == wildcardLeaf:
		for _, f := range fields {
			w := query.NewWildcardQuery(l.value)
			w.SetField(f)
			qs = append(qs, w)
		}
	case l.fuzzy > 0:
		for _, f := range fields {
			fq := query.NewFuzzyQuery(l.value)
			fq.SetFuzziness(l.fuzzy)
			fq.SetField(f)
			qs = append(qs, fq)
		}
	default:
		values := []string{l.value}
		if b.resolve != nil {
			var err error
			if values, err = b.resolve(l.field, l.value); err != nil {
				return nil, err
			}
		}
		for _, f := range fields {
			for _, v := range values {
				qs = append(qs, termQuery(f, v))
			}
		}
	}
	if len(qs) == 1 {
		return qs[0], nil
	}
	return query.NewDisjunctionQuery(qs), nil
}

// dateLeaf is a date comparison (published:>=2020-01-01) or a date
// (published:2020, a whole year; 2020-03, a month; 2020-03-01, a day).
func dateLeaf(l *leaf) (query.Query, error) {
	from, to, err := dateSpan(l.value)
	if err != nil {
		return nil, err
	}
	var lo, hi time.Time
	incl, excl := true, false
	loIncl, hiIncl := &incl, &excl
	switch l.cmp {
	case "":
		lo, hi = from, to
	case ">=":
		lo = from
	case ">":
		lo, loIncl = to, &incl
	case "<":
		hi = from
	case "<=":
		hi = to
	}
	r := query.NewDateRangeInclusiveQuery(lo, hi, loIncl, hiIncl)
	r.SetField(l.field)
	return r, nil
}

// dateSpan reads YYYY, YYYY-MM, YYYY-MM-DD or RFC 3339 as the span
// [from, to) it covers.
func dateSpan(s string) (from, to time.Time, err error) {
	for _, f := range []struct {
		layout string
		next   func(time.Time) time.Time
	}{
		{"2006", func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }},
		{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
		{time.DateOnly, func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
		{time.RFC3339Nano, func(t time.Time) time.Time { return t.Add(time.Nanosecond) }},
	} {
		if t, err := time.Parse(f.layout, s); err == nil {
			return t, f.next(t), nil
		}
	}
	return from, to, fmt.Errorf("%q is not a date: want YYYY, YYYY-MM, YYYY-MM-DD or RFC 3339", s)
}

// checkRegexp compiles a /regexp/ term the way scorch does
// (index/scorch/regexp.go): bleve only does when it searches, and its
// error would not say the query was at fault.
func checkRegexp(re string) error {
	parsed, err := syntax.Parse(re, syntax.Perl)
	if err != nil {
		return fmt.Errorf("regular expression /%s/: %w", re, err)
	}
	if _, err := vregexp.NewParsedWithLimit(re, parsed, vregexp.DefaultLimit); err != nil {
		return fmt.Errorf("regular expression /%s/: %w", re, err)
	}
	return nil
}
