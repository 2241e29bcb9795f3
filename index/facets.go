package index

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2/search"

	"rankfile/record"
)

// Facets are counted from one keyword term per document, its facet key:
// the codes of its site, kind, year and authors. bleve counts the matches
// of each distinct key (its terms facet is a group-by), which costs one
// look-up per match, not one per facet value; Search then splits the
// counts by facet, reading each code's value from the dictionaries of the
// site, kind, year and authors fields.

// facetSizes are the most terms each facet lists; the rest count as Other.
var facetSizes = map[string]int{FacetSite: 50, FacetKind: 10, FacetYear: 100, FacetAuthor: 25}

// facetRequestSize is the most distinct facet keys a search counts: all of
// them, in practice.
const facetRequestSize = 1 << 20

// facetOrder is the order of the facets' codes in a facet key, and the
// fields their values come from.
var facetOrder = []struct{ name, field string }{
	{FacetSite, fieldSite}, {FacetKind, fieldKind}, {FacetYear, fieldYear}, {FacetAuthor, fieldAuthors},
}

// facetCode is the short code of a facet value: 48 bits of its FNV-1a
// hash in base64 (8 bytes). Two of a thousand values share a code with a
// chance of about one in a billion.
func facetCode(value string) string {
	h := fnv.New64a()
	h.Write([]byte(value))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], h.Sum64())
	return base64.RawURLEncoding.EncodeToString(b[:6])
}

// facetKey returns r's facet key: the codes of its site, kind and year of
// publication and of each of its authors, "|" between the facets and ","
// between authors; a missing value is an empty code.
func facetKey(r record.Record) string {
	var year string
	if t := r.PublishedTime(); !t.IsZero() {
		year = t.Format("2006")
	}
	var b strings.Builder
	for _, v := range []string{r.Site, string(r.Kind), year} {
		if v != "" {
			b.WriteString(facetCode(v))
		}
		b.WriteByte('|')
	}
	n := 0
	for _, a := range r.Authors {
		if a != "" {
			if n > 0 {
				b.WriteByte(',')
			}
			b.WriteString(facetCode(a))
			n++
		}
	}
	return b.String()
}

// facetDict maps the codes of a facet's values back to them.
type facetDict map[string]map[string]string // facet name -> code -> value

// facetDictionary reads the values of the faceted fields from every
// shard's term dictionary.
func (x *Index) facetDictionary() (facetDict, error) {
	d := facetDict{}
	for _, f := range facetOrder {
		codes := map[string]string{}
		for _, bi := range x.shards {
			dict, err := bi.FieldDict(f.field)
			if err != nil {
				return nil, fmt.Errorf("facet values of %s: %w", f.field, err)
			}
			for {
				e, err := dict.Next()
				if err != nil {
					dict.Close()
					return nil, fmt.Errorf("facet values of %s: %w", f.field, err)
				}
				if e == nil {
					break
				}
				codes[facetCode(e.Term)] = e.Term
			}
			dict.Close()
		}
		d[f.name] = codes
	}
	return d, nil
}

// facets splits the counts of the facet keys into the four facets.
func (d facetDict) facets(fr search.FacetResults) map[string]Facet {
	r := fr[fieldFacet]
	if r == nil {
		return nil
	}
	counts := map[string]map[string]int{}
	out := map[string]Facet{}
	for _, f := range facetOrder {
		counts[f.name] = map[string]int{}
		out[f.name] = Facet{}
	}
	add := func(name, code string, n int) {
		f := out[name]
		if v, ok := d[name][code]; ok && code != "" {
			counts[name][v] += n
			f.Total += n
		} else {
			f.Missing += n
		}
		out[name] = f
	}
	if r.Terms != nil {
		for _, t := range r.Terms.Terms() {
			parts := strings.SplitN(t.Term, "|", len(facetOrder))
			if len(parts) != len(facetOrder) {
				continue
			}
			for i, f := range facetOrder[:len(facetOrder)-1] {
				add(f.name, parts[i], t.Count)
			}
			authors := parts[len(parts)-1]
			if authors == "" {
				add(FacetAuthor, "", t.Count)
			}
			for a := range strings.SplitSeq(authors, ",") {
				if a != "" {
					add(FacetAuthor, a, t.Count)
				}
			}
		}
	}
	for name, f := range out {
		for v, n := range counts[name] {
			f.Terms = append(f.Terms, FacetTerm{Term: v, Count: n})
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
