package index

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"

	"rankfile/record"
)

// Field names in the index; they are also the names query-string
// field:value terms use.
const (
	fieldRecordID     = "record_id"
	fieldLatest       = "latest"
	fieldHash         = "hash"
	fieldTextHash     = "text_hash"
	fieldKind         = "kind"
	fieldURL          = "url"
	fieldLink         = "link"
	fieldSite         = "site"
	fieldSiteKind     = "site_kind"
	fieldTitle        = "title"
	fieldAcronym      = "acronym"
	fieldOrganization = "organization"
	fieldAuthors      = "authors"
	fieldPublished    = "published"
	fieldPublishedRaw = "published_raw"
	fieldYear         = "year"
	fieldText         = "text"
	fieldCaptured     = "captured"
	fieldWARCFile     = "warc_file"
	fieldWARCOffset   = "warc_offset"
	fieldDigest       = "digest"
)

// titleBoost is how much more a match in the title weighs than one in the
// text.
const titleBoost = 3.0

// newMapping returns the explicit index mapping: nothing is mapped
// dynamically and nothing goes into the _all field, since queries name
// their fields (see rewriteDefaultField).
func newMapping() *mapping.IndexMappingImpl {
	text := func() *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = en.AnalyzerName
		f.IncludeInAll = false
		f.DocValues = false // never sorted or faceted on
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := mapping.NewKeywordFieldMapping()
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		return f
	}
	storedOnly := func(f *mapping.FieldMapping) *mapping.FieldMapping {
		f.Index = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	date := func() *mapping.FieldMapping {
		f := mapping.NewDateTimeFieldMapping()
		f.IncludeInAll = false
		return f
	}

	doc := mapping.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldTitle, text())
	doc.AddFieldMappingsAt(fieldText, text())
	for _, name := range []string{
		fieldRecordID, fieldHash, fieldTextHash, fieldKind, fieldURL, fieldLink,
		fieldSite, fieldSiteKind, fieldAcronym, fieldOrganization, fieldAuthors,
		fieldYear, fieldWARCFile, fieldDigest,
	} {
		doc.AddFieldMappingsAt(name, kw())
	}
	doc.AddFieldMappingsAt(fieldPublished, date())
	doc.AddFieldMappingsAt(fieldCaptured, date())
	doc.AddFieldMappingsAt(fieldPublishedRaw, storedOnly(mapping.NewKeywordFieldMapping()))
	doc.AddFieldMappingsAt(fieldWARCOffset, storedOnly(mapping.NewNumericFieldMapping()))
	latest := mapping.NewBooleanFieldMapping()
	latest.IncludeInAll = false
	doc.AddFieldMappingsAt(fieldLatest, latest)

	m := mapping.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = keyword.Name
	m.DefaultField = fieldText
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m
}

// DocID returns the document ID of r's version: r.ID, "@", and the capture
// time as a 14-digit UTC timestamp; without a capture time the payload
// digest stands in, and without either the first 12 hex digits of the
// record's content hash.
func DocID(r record.Record) string {
	return r.ID + "@" + version(r)
}

func version(r record.Record) string {
	switch {
	case !r.Captured.IsZero():
		return r.Captured.UTC().Format("20060102150405")
	case r.Digest != "":
		return r.Digest
	default:
		return contentHash(r)[:12]
	}
}

// recordIDOf returns the record ID part of a document ID. Versions never
// hold an "@", so the last one separates the two.
func recordIDOf(docID string) string {
	if i := strings.LastIndexByte(docID, '@'); i >= 0 {
		return docID[:i]
	}
	return docID
}

// contentHash identifies a record's content: Sync re-indexes a document
// only when it changes.
func contentHash(r record.Record) string {
	b, err := json.Marshal(r)
	if err != nil { // a Record always marshals; keep the hash total anyway
		b = fmt.Appendf(nil, "%#v", r)
	}
	h := sha1.Sum(b)
	return hex.EncodeToString(h[:])
}

// textHash identifies a record's writing regardless of case and spacing,
// so the same text served under two URLs collapses into one hit.
func textHash(text string) string {
	h := sha1.Sum([]byte(normalizeText(text)))
	return hex.EncodeToString(h[:])
}

func normalizeText(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// document turns a record version into the field map bleve indexes. Empty
// values are left out so that facets count them as missing.
func document(r record.Record, hash string, latest bool) map[string]any {
	d := map[string]any{
		fieldRecordID: r.ID,
		fieldLatest:   latest,
		fieldHash:     hash,
		fieldTextHash: textHash(r.Text),
		fieldKind:     string(r.Kind),
		fieldURL:      r.URL,
		fieldText:     r.Text,
	}
	put := func(name, v string) {
		if v != "" {
			d[name] = v
		}
	}
	put(fieldLink, r.Link)
	put(fieldSite, r.Site)
	put(fieldSiteKind, r.SiteKind)
	put(fieldTitle, r.Title)
	put(fieldAcronym, r.Acronym)
	put(fieldOrganization, r.Organization)
	put(fieldPublishedRaw, r.Published)
	put(fieldWARCFile, r.WARCFile)
	put(fieldDigest, r.Digest)
	if len(r.Authors) > 0 {
		d[fieldAuthors] = r.Authors
	}
	if t := r.PublishedTime(); !t.IsZero() {
		d[fieldPublished] = t
		d[fieldYear] = t.Format("2006")
	}
	if !r.Captured.IsZero() {
		d[fieldCaptured] = r.Captured.UTC()
	}
	if r.WARCFile != "" {
		d[fieldWARCOffset] = float64(r.WARCOffset)
	}
	return d
}

// stored is a document read back from its stored fields.
type stored struct {
	rec      record.Record
	hash     string
	textHash string
	latest   bool
}

// fromFields rebuilds a document from the stored fields a search returns.
// bleve gives a multi-valued field with one value as a plain value, dates
// as RFC 3339 strings and numbers as float64.
func fromFields(f map[string]any) stored {
	str := func(name string) string {
		s, _ := f[name].(string)
		return s
	}
	s := stored{
		hash:     str(fieldHash),
		textHash: str(fieldTextHash),
		rec: record.Record{
			ID:           str(fieldRecordID),
			Kind:         record.Kind(str(fieldKind)),
			URL:          str(fieldURL),
			Link:         str(fieldLink),
			Site:         str(fieldSite),
			SiteKind:     str(fieldSiteKind),
			Title:        str(fieldTitle),
			Acronym:      str(fieldAcronym),
			Organization: str(fieldOrganization),
			Authors:      strs(f[fieldAuthors]),
			Published:    str(fieldPublishedRaw),
			Text:         str(fieldText),
			Captured:     parseTime(str(fieldCaptured)),
			WARCFile:     str(fieldWARCFile),
			Digest:       str(fieldDigest),
		},
	}
	s.latest, _ = f[fieldLatest].(bool)
	if off, ok := f[fieldWARCOffset].(float64); ok {
		s.rec.WARCOffset = int64(off)
	}
	return s
}

func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
