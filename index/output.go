package index

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"rankfile/record"
)

// WriteText writes r for a terminal: a count line, then per hit its rank,
// title and kind; site and publication date; URL; capture time and WARC
// location; and the snippet with matches between « and »; then the facet
// counts, when the search asked for them.
func (r *Result) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	switch {
	case len(r.Hits) == 0:
		fmt.Fprintf(bw, "No hits (%d matching).\n", r.Total)
	case r.Folded > 0:
		fmt.Fprintf(bw, "Hits %d-%d of %d matching, %d folded into others as duplicates.\n", r.From+1, r.From+len(r.Hits), r.Total, r.Folded)
	default:
		fmt.Fprintf(bw, "Hits %d-%d of %d matching.\n", r.From+1, r.From+len(r.Hits), r.Total)
	}
	for i, h := range r.Hits {
		title := h.Title
		if title == "" {
			title = "(untitled)"
		}
		// the ID rankfile show and diff take: the record's, or an older
		// version's own
		id := h.RecordID
		if !h.Latest {
			id = h.ID
		}
		fmt.Fprintf(bw, "\n%d. %s [%s] id %s\n", r.From+i+1, title, h.Kind, id)
		var about []string
		if h.Site != "" {
			about = append(about, h.Site)
		}
		if len(h.Authors) > 0 {
			about = append(about, "by "+strings.Join(h.Authors, ", "))
		}
		if !h.Published.IsZero() {
			about = append(about, "published "+h.Published.Format(time.DateOnly))
		}
		if len(about) > 0 {
			fmt.Fprintf(bw, "   %s\n", strings.Join(about, " · "))
		}
		fmt.Fprintf(bw, "   %s\n", h.URL)
		if c := captureLine(h); c != "" {
			fmt.Fprintf(bw, "   %s\n", c)
		}
		if s := h.PlainSnippet(); s != "" {
			fmt.Fprintf(bw, "   %s\n", s)
		}
		for _, d := range h.Duplicates {
			fmt.Fprintf(bw, "   also at %s\n", d)
		}
	}
	r.writeFacets(bw)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}

// writeFacets lists the facet counts, if the search asked for them, one
// line per facet.
func (r *Result) writeFacets(w io.Writer) {
	if len(r.Facets) == 0 {
		return
	}
	fmt.Fprintln(w)
	for _, name := range facetNames {
		f, ok := r.Facets[name]
		if !ok || len(f.Terms) == 0 {
			continue
		}
		var terms []string
		for _, t := range f.Terms {
			terms = append(terms, fmt.Sprintf("%s (%d)", t.Term, t.Count))
		}
		if f.Other > 0 {
			terms = append(terms, fmt.Sprintf("others (%d)", f.Other))
		}
		if f.Missing > 0 {
			terms = append(terms, fmt.Sprintf("none (%d)", f.Missing))
		}
		fmt.Fprintf(w, "By %s: %s\n", name, strings.Join(terms, " · "))
	}
}

func captureLine(h Hit) string {
	var parts []string
	if !h.Captured.IsZero() {
		parts = append(parts, "captured "+h.Captured.UTC().Format(time.RFC3339))
	}
	if h.WARCFile != "" {
		parts = append(parts, record.Place(h.WARCFile, h.WARCOffset))
	}
	return strings.Join(parts, " · ")
}

// JSONHit is a hit as WriteJSON writes it (and the web API builds on).
type JSONHit struct {
	Rank         int      `json:"rank"`
	ID           string   `json:"id"`
	RecordID     string   `json:"record_id"`
	Score        float64  `json:"score"`
	Kind         string   `json:"kind"`
	Title        string   `json:"title,omitempty"`
	Site         string   `json:"site,omitempty"`
	SiteKind     string   `json:"site_kind,omitempty"`
	URL          string   `json:"url"`
	Link         string   `json:"link,omitempty"`
	Organization string   `json:"organization,omitempty"`
	Authors      []string `json:"authors,omitempty"`
	Published    string   `json:"published,omitempty"` // YYYY-MM-DD
	Captured     string   `json:"captured,omitempty"`  // RFC 3339, UTC
	Snippet      string   `json:"snippet,omitempty"`   // HTML, matches in <mark>
	WARCFile     string   `json:"warc_file,omitempty"`
	WARCOffset   int64    `json:"warc_offset,omitempty"`
	Digest       string   `json:"digest,omitempty"`
	Latest       bool     `json:"latest"`
	Duplicates   []string `json:"duplicates,omitempty"`
}

// jsonFacets is the last line WriteJSON writes when the search counted
// facets: {"total": N, "facets": {"site": {"terms": [{"term": "…",
// "count": 3}, …], "other": 0, "missing": 0}, …}}. Hit lines never have a
// "facets" key, so `jq 'select(.facets)'` picks this line and
// `jq 'select(.facets | not)'` the hits.
type jsonFacets struct {
	Total  uint64               `json:"total"`
	Facets map[string]JSONFacet `json:"facets"`
}

// JSONFacet is a facet as WriteJSON writes it.
type JSONFacet struct {
	Terms   []JSONTerm `json:"terms"`
	Other   int        `json:"other"`
	Missing int        `json:"missing"`
}

// JSONTerm is one value of a facet and its count.
type JSONTerm struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}

// WriteJSON writes r's hits as JSON Lines: one object per hit per line,
// with snake_case names, dates as YYYY-MM-DD (published) and RFC 3339
// (captured), and the snippet as HTML with matches in <mark>. When the
// search counted facets, one more line follows the hits: see jsonFacets.
func (r *Result) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i, h := range r.Hits {
		j := h.JSON(r.From + i + 1)
		if err := enc.Encode(j); err != nil {
			return fmt.Errorf("encode hit %s: %w", h.ID, err)
		}
	}
	if r.Facets != nil {
		jf := jsonFacets{Total: r.Total, Facets: r.JSONFacets()}
		if err := enc.Encode(jf); err != nil {
			return fmt.Errorf("encode facets: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}

// csvHeader names WriteCSV's columns.
var csvHeader = []string{
	"rank", "id", "score", "kind", "title", "site", "authors", "published", "url",
	"captured", "warc_file", "warc_offset", "snippet", "duplicates",
}

// WriteCSV writes r's hits as CSV (RFC 4180) with a header row, for
// spreadsheets: authors and duplicates are joined with "; ", the snippet
// is plain text with matches between « and ».
func (r *Result) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for i, h := range r.Hits {
		var pub, capt, off string
		if !h.Published.IsZero() {
			pub = h.Published.Format(time.DateOnly)
		}
		if !h.Captured.IsZero() {
			capt = h.Captured.UTC().Format(time.RFC3339)
		}
		if h.WARCFile != "" {
			off = strconv.FormatInt(h.WARCOffset, 10)
		}
		row := []string{
			strconv.Itoa(r.From + i + 1), h.ID, strconv.FormatFloat(h.Score, 'f', 4, 64), string(h.Kind),
			h.Title, h.Site, strings.Join(h.Authors, "; "), pub, h.URL,
			capt, h.WARCFile, off, h.PlainSnippet(), strings.Join(h.Duplicates, "; "),
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// JSON returns the hit as WriteJSON writes it, ranked rank.
func (h Hit) JSON(rank int) JSONHit {
	j := JSONHit{
		Rank: rank, ID: h.ID, RecordID: h.RecordID, Score: h.Score, Kind: string(h.Kind),
		Title: h.Title, Site: h.Site, SiteKind: h.SiteKind, URL: h.URL, Link: h.Link,
		Organization: h.Organization, Authors: h.Authors, Snippet: h.Snippet,
		WARCFile: h.WARCFile, WARCOffset: h.WARCOffset, Digest: h.Digest,
		Latest: h.Latest, Duplicates: h.Duplicates,
	}
	if !h.Published.IsZero() {
		j.Published = h.Published.Format(time.DateOnly)
	}
	if !h.Captured.IsZero() {
		j.Captured = h.Captured.UTC().Format(time.RFC3339)
	}
	return j
}

// JSONFacets returns the facets counted as WriteJSON writes them; nil
// when the search counted none.
func (r *Result) JSONFacets() map[string]JSONFacet {
	if r.Facets == nil {
		return nil
	}
	out := map[string]JSONFacet{}
	for name, f := range r.Facets {
		terms := make([]JSONTerm, 0, len(f.Terms))
		for _, t := range f.Terms {
			terms = append(terms, JSONTerm{t.Term, t.Count})
		}
		out[name] = JSONFacet{Terms: terms, Other: f.Other, Missing: f.Missing}
	}
	return out
}
