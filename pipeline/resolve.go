package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"rankfile/archive"
	"rankfile/index"
	"rankfile/record"
)

// ErrAmbiguousPage means a URL given for a record names a page holding
// several records, none of them the page's own writing.
var ErrAmbiguousPage = errors.New("the page holds several records: give one of their IDs")

// recordRef returns the record or version ID that ref names: ref itself
// when it is an ID, or the record extracted from the page at URL ref (with
// or without its scheme): the page's own writing, a post, mission or page,
// rather than the organizations it lists.
func recordRef(ctx context.Context, ix *index.Index, ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	if index.IsID(ref) || !strings.ContainsAny(ref, "/.:") { // an ID, or a word no URL is
		return ref, nil
	}
	hits, err := ix.AtURL(ctx, ref)
	if err != nil {
		return "", err
	}
	var own []index.Hit
	for _, h := range hits {
		if h.Kind != record.KindOrganization {
			own = append(own, h)
		}
	}
	switch {
	case len(hits) == 0:
		return "", fmt.Errorf("%s: no record of this page: %w", ref, ErrNoRecord)
	case len(own) == 1:
		return own[0].RecordID, nil
	case len(hits) == 1:
		return hits[0].RecordID, nil
	}
	var list []string
	for _, h := range hits {
		list = append(list, fmt.Sprintf("%s %s [%s]", h.RecordID, h.Title, h.Kind))
	}
	return "", fmt.Errorf("%s: %w:\n  %s", ref, ErrAmbiguousPage, strings.Join(list, "\n  "))
}

// pageRef returns the URL and options archive get reads when ref may be a
// record or version ID: the record's page, and for a version, the capture
// it was read from unless opts.AsOf says otherwise.
func (p *Pipeline) pageRef(ctx context.Context, ref string, opts GetOptions) (string, GetOptions, error) {
	ref = strings.TrimSpace(ref)
	if !index.IsID(ref) {
		return ref, opts, nil
	}
	vs, err := p.versions(ctx, ref)
	if err != nil {
		return "", opts, err
	}
	v := vs[len(vs)-1]
	for _, c := range vs {
		if c.DocID == ref {
			v = c
		}
	}
	if opts.AsOf == "" && strings.Contains(ref, "@") && !v.Captured.IsZero() {
		opts.AsOf = v.Captured.UTC().Format(ts14)
	}
	return v.URL, opts, nil
}

// archivedURL returns the form of u the archive holds: u itself, or for a
// URL without a scheme, the first of its http and https forms captured.
func archivedURL(arc *archive.Archive, u string) string {
	if strings.Contains(u, "://") {
		return u
	}
	for _, f := range index.URLForms(u) {
		if _, err := arc.Latest(f); err == nil {
			return f
		}
	}
	return "http://" + u
}

// siteAcronyms returns the acronyms of the sites file of the last crawl
// (acronym -> site name), which the index resolves in filters; none when
// there is no sites file or it does not load.
func (p *Pipeline) siteAcronyms() map[string]string {
	sites, err := p.sites()
	if err != nil || sites == nil {
		return nil
	}
	m := map[string]string{}
	for _, s := range sites.Sites {
		if s.Acronym != "" {
			m[s.Acronym] = s.Name
		}
	}
	return m
}
