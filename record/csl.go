package record

import (
	"strings"
	"time"
)

// CSLItem is a record version as a CSL-JSON item, the citation format of
// Zotero and citeproc. Authors are split into family and given names (see
// SplitName); an organization's name stays literal.
type CSLItem struct {
	ID              string    `json:"id"`
	Type            string    `json:"type"`
	Title           string    `json:"title,omitempty"`
	Author          []CSLName `json:"author,omitempty"`
	ContainerTitle  string    `json:"container-title,omitempty"`
	Issued          *CSLDate  `json:"issued,omitempty"`
	Accessed        *CSLDate  `json:"accessed,omitempty"`
	URL             string    `json:"URL"`
	Archive         string    `json:"archive,omitempty"`
	ArchiveLocation string    `json:"archive_location,omitempty"`
	Language        string    `json:"language,omitempty"`
	Abstract        string    `json:"abstract,omitempty"`
	Note            string    `json:"note,omitempty"`
	Keyword         string    `json:"keyword,omitempty"`
}

// CSLName is a CSL-JSON name: family and given, or literal.
type CSLName struct {
	Family  string `json:"family,omitempty"`
	Given   string `json:"given,omitempty"`
	Suffix  string `json:"suffix,omitempty"`
	Literal string `json:"literal,omitempty"`
}

// CSLDate is a CSL-JSON date: year, month, day.
type CSLDate struct {
	DateParts [][]int `json:"date-parts"`
}

func cslDate(t time.Time) *CSLDate {
	return &CSLDate{DateParts: [][]int{{t.Year(), int(t.Month()), t.Day()}}}
}

// archiveName names rankfile's archive in citations.
const archiveName = "rankfile web archive"

// CSL returns the record version as a CSL-JSON item whose archive location
// is archived: where the capture can be seen (a replay URL), or, without
// one, its WARC file and offset. A post is a "post-weblog", anything else
// a "webpage".
func (r Record) CSL(archived string) CSLItem {
	it := CSLItem{
		ID: r.ID, Type: "webpage", Title: r.Title, ContainerTitle: r.Site, URL: r.URL,
		Language: r.Language, Abstract: r.Summary, Keyword: strings.Join(r.Tags, ", "),
	}
	if r.Kind == KindPost {
		it.Type = "post-weblog"
	}
	for _, a := range r.Authors {
		n := SplitName(a)
		it.Author = append(it.Author, CSLName{Family: n.Family, Given: n.Given, Suffix: n.Suffix, Literal: n.Literal})
	}
	if t := r.PublishedTime(); !t.IsZero() {
		it.Issued = cslDate(t)
	}
	if !r.Captured.IsZero() {
		it.Accessed = cslDate(r.Captured.UTC())
		it.Archive = archiveName
		it.ArchiveLocation = r.archivedAt(archived)
		it.Note = "Captured " + r.Captured.UTC().Format(time.RFC3339)
	}
	return it
}

// archivedAt is archived, or the record's WARC file and offset.
func (r Record) archivedAt(archived string) string {
	if archived == "" {
		return r.WARCPlace()
	}
	return archived
}

// RIS returns the record version as one RIS reference (the exchange format
// of EndNote, Zotero and Mendeley), lines ending CRLF and the reference
// ending with "ER  - ". archived is as for CSL.
func (r Record) RIS(archived string) string {
	var b strings.Builder
	tag := func(name, value string) {
		if value = strings.Join(strings.Fields(value), " "); value != "" {
			b.WriteString(name + "  - " + value + "\r\n")
		}
	}
	typ := "ELEC"
	if r.Kind == KindPost {
		typ = "BLOG"
	}
	tag("TY", typ)
	tag("TI", r.Title)
	for _, a := range r.Authors {
		tag("AU", SplitName(a).RIS())
	}
	tag("T2", r.Site)
	if t := r.PublishedTime(); !t.IsZero() {
		tag("PY", t.Format("2006"))
		tag("DA", t.Format("2006/01/02"))
	}
	tag("UR", r.URL)
	if !r.Captured.IsZero() {
		tag("Y2", r.Captured.UTC().Format("2006/01/02"))
		tag("DB", archiveName)
		tag("AN", r.archivedAt(archived))
		tag("N1", "Captured "+r.Captured.UTC().Format(time.RFC3339))
	}
	tag("LA", r.Language)
	tag("AB", r.Summary)
	for _, k := range r.Tags {
		tag("KW", k)
	}
	tag("ID", r.ID)
	b.WriteString("ER  - \r\n")
	return b.String()
}
