package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"rankfile/record"
)

// baseURL returns the scheme and host the request reached the server by,
// for links that leave the page (citations).
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// citeText returns a citation in the manner of a web source in a
// bibliography: authors, title, site, date of publication, URL, and the
// archived capture it was read from.
func citeText(r record.Record, archived string) string {
	var parts []string
	if len(r.Authors) > 0 {
		parts = append(parts, strings.TrimSuffix(joinNames(r.Authors), ".")+".")
	}
	if r.Title != "" {
		parts = append(parts, "“"+strings.TrimSuffix(r.Title, ".")+".”")
	}
	where := r.Site
	if where == "" {
		where = r.URL
	}
	if r.Published != "" {
		if t := r.PublishedTime(); !t.IsZero() {
			where += ", " + t.Format("January 2, 2006")
		}
	} else {
		where += ", n.d"
	}
	parts = append(parts, where+".")
	parts = append(parts, r.URL+".")
	if !r.Captured.IsZero() {
		parts = append(parts, fmt.Sprintf("Archived %s: %s.", r.Captured.UTC().Format("January 2, 2006"), archived))
	}
	return strings.Join(parts, " ")
}

// joinNames joins names as prose: "A", "A and B", "A, B, and C".
func joinNames(names []string) string {
	switch len(names) {
	case 1:
		return names[0]
	case 2:
		return names[0] + " and " + names[1]
	}
	return strings.Join(names[:len(names)-1], ", ") + ", and " + names[len(names)-1]
}

// cslItem is a CSL-JSON item (the citation format of Zotero and
// citeproc). Names are literal: the page gives them as written.
type cslItem struct {
	ID              string    `json:"id"`
	Type            string    `json:"type"`
	Title           string    `json:"title,omitempty"`
	Author          []cslName `json:"author,omitempty"`
	ContainerTitle  string    `json:"container-title,omitempty"`
	Issued          *cslDate  `json:"issued,omitempty"`
	Accessed        *cslDate  `json:"accessed,omitempty"`
	URL             string    `json:"URL"`
	Archive         string    `json:"archive,omitempty"`
	ArchiveLocation string    `json:"archive_location,omitempty"`
	Language        string    `json:"language,omitempty"`
	Abstract        string    `json:"abstract,omitempty"`
	Note            string    `json:"note,omitempty"`
	Keyword         string    `json:"keyword,omitempty"`
}

type cslName struct {
	Literal string `json:"literal"`
}

type cslDate struct {
	DateParts [][]int `json:"date-parts"`
}

func dateParts(t time.Time) *cslDate {
	return &cslDate{DateParts: [][]int{{t.Year(), int(t.Month()), t.Day()}}}
}

// citeCSL returns the record as a one-item CSL-JSON array.
func citeCSL(r record.Record, archived string) string {
	it := cslItem{
		ID: r.ID, Type: "webpage", Title: r.Title, ContainerTitle: r.Site, URL: r.URL,
		Language: r.Language, Abstract: r.Summary, Keyword: strings.Join(r.Tags, ", "),
	}
	if r.Kind == record.KindPost {
		it.Type = "post-weblog"
	}
	for _, a := range r.Authors {
		it.Author = append(it.Author, cslName{a})
	}
	if t := r.PublishedTime(); !t.IsZero() {
		it.Issued = dateParts(t)
	}
	if !r.Captured.IsZero() {
		it.Accessed = dateParts(r.Captured.UTC())
		it.Archive = "rankfile web archive"
		it.ArchiveLocation = archived
		it.Note = "Captured " + r.Captured.UTC().Format(time.RFC3339)
	}
	b, _ := json.MarshalIndent([]cslItem{it}, "", "  ") // strings and ints only: cannot fail
	return string(b)
}
