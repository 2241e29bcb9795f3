package serve

import (
	"encoding/json"
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

// citeText returns the record's citation line, the same as rankfile show
// and export give, followed by the link to the capture it was read from.
func citeText(r record.Record, archived string) string {
	c := r.Citation()
	if archived != "" {
		c += " Archived copy: " + archived
	}
	return c
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
