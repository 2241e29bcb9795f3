package index

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"rankfile/record"
)

// idPattern matches a record ID (16 hex digits) or a version's document
// ID (RECORD@VERSION).
var idPattern = regexp.MustCompile(`^[0-9a-f]{16}(@\S+)?$`)

// IsID reports whether ref is a record ID or a version's document ID
// rather than a URL.
func IsID(ref string) bool { return idPattern.MatchString(strings.TrimSpace(ref)) }

// URLForms returns the URLs a person may mean by u: u itself, and with no
// scheme, u under http:// and https://; each with and without a trailing
// slash on a bare host.
func URLForms(u string) []string {
	u = strings.TrimSpace(u)
	forms := []string{u}
	if !strings.Contains(u, "://") {
		forms = []string{"http://" + u, "https://" + u}
	}
	for _, f := range forms {
		rest := f[strings.Index(f, "://")+3:]
		if !strings.Contains(rest, "/") {
			forms = append(forms, f+"/")
		}
	}
	return forms
}

// maxAtURL bounds the records AtURL returns: a page lists a few dozen
// organizations at most.
const maxAtURL = 200

// kindRank orders a page's records: its own writing before the
// organizations it lists.
var kindRank = map[record.Kind]int{record.KindPost: 0, record.KindMission: 1, record.KindPage: 2, record.KindOrganization: 3}

// AtURL returns the latest version of every record extracted from the page
// at u (see URLForms: a URL without a scheme is tried under http and
// https), the page's own writing first (a post, mission or page), then the
// organizations it lists, each group by title. It returns no hits, and no
// error, when no record comes from that page.
func (x *Index) AtURL(ctx context.Context, u string) ([]Hit, error) {
	var qs []query.Query
	for _, f := range URLForms(u) {
		qs = append(qs, termQuery(fieldURL, f))
	}
	old := query.NewBoolFieldQuery(false)
	old.SetField(fieldLatest)
	q := query.NewBooleanQuery([]query.Query{query.NewDisjunctionQuery(qs)}, nil, []query.Query{old})
	req := bleve.NewSearchRequestOptions(q, maxAtURL, 0, false)
	req.Fields = storedFields
	req.Score = bleve.ScoreNone
	res, err := x.all.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("records at %s: %w", u, err)
	}
	var hits []Hit
	for _, dm := range res.Hits {
		h, err := hit(dm)
		if err != nil {
			return nil, err
		}
		hits = append(hits, h)
	}
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if kindRank[a.Kind] != kindRank[b.Kind] {
			return kindRank[a.Kind] < kindRank[b.Kind]
		}
		return a.Title < b.Title || a.Title == b.Title && a.ID < b.ID
	})
	return slices.Clip(hits), nil
}
