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
func (r Record) Citation() string {
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
	if p := r.WARCPlace(); p != "" {
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
