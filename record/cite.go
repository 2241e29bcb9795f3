package record

import (
	"strings"
	"time"
)

// Citation returns a ready citation line for the record version, the one
// line rankfile gives everywhere (export, show, the web's "cite this"):
//
//	Author(s). "Title." Site, published DATE. URL (archived CAPTURE, WARC FILE@OFFSET).
//
// Parts the record lacks are left out: a record without authors starts
// with its title, one without a publication date has no "published".
// CitationAt gives the archived copy's URL instead of the WARC file.
func (r Record) Citation() string { return r.CitationAt("") }

// CitationAt is Citation with the archived copy's public URL (see
// ArchivedURL), which a reader can follow, in place of the WARC file and
// offset; with archived "" it is Citation.
//
//	Author(s). "Title." Site, published DATE. URL (archived CAPTURE at ARCHIVED).
func (r Record) CitationAt(archivedURL string) string {
	var b strings.Builder
	if len(r.Authors) > 0 {
		b.WriteString(endSentence(joinNames(r.Authors)))
		b.WriteByte(' ')
	}
	if r.Title != "" {
		b.WriteString(`"` + endSentence(r.Title) + `" `)
	}
	var where []string
	if r.Site != "" {
		where = append(where, r.Site)
	}
	if t := r.PublishedTime(); !t.IsZero() {
		where = append(where, "published "+t.Format("January 2, 2006"))
	}
	if len(where) > 0 {
		b.WriteString(strings.Join(where, ", ") + ". ")
	}
	b.WriteString(r.URL)
	var archived []string
	if !r.Captured.IsZero() {
		archived = append(archived, "archived "+r.Captured.UTC().Format(time.RFC3339))
	}
	switch p := r.WARCPlace(); {
	case archivedURL != "" && len(archived) > 0:
		archived[0] += " at " + archivedURL
	case p != "":
		archived = append(archived, "WARC "+p)
	}
	if len(archived) > 0 {
		b.WriteString(" (" + strings.Join(archived, ", ") + ")")
	}
	b.WriteByte('.')
	return b.String()
}

// joinNames joins names as "A", "A and B", or "A, B, and C".
func joinNames(names []string) string {
	switch len(names) {
	case 1:
		return names[0]
	case 2:
		return names[0] + " and " + names[1]
	}
	return strings.Join(names[:len(names)-1], ", ") + ", and " + names[len(names)-1]
}

// endSentence ends s with a period unless it already ends a sentence.
func endSentence(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") {
		return s
	}
	return s + "."
}

// ArchivedURL returns the stable public URL of the capture of url at
// captured under base, the archive's public address (rankfile serve
// answers it): BASE/capture/TIMESTAMP/URL, the form of the Wayback
// Machine. It returns "" without a base or a capture time.
func ArchivedURL(base string, captured time.Time, url string) string {
	if base == "" || captured.IsZero() {
		return ""
	}
	return strings.TrimRight(base, "/") + "/capture/" + captured.UTC().Format("20060102150405") + "/" + url
}
