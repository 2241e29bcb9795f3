package index

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
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
	fieldYear         = "year"
	fieldText         = "text"
	fieldCaptured     = "captured"
	fieldWARCFile     = "warc_file"
	fieldDigest       = "digest"
	fieldTags         = "tags"
	fieldLanguage     = "language"
	fieldMentions     = "mentions"
	fieldRecord       = "rec"
)

// mappingVersion names the layout of documents: an index written with
// another layout is rebuilt, not read (see ErrOldIndex).
const mappingVersion = "5"

// titleBoost is how much more a match in the title weighs than one in the
// text.
const titleBoost = 3.0

// newMapping returns the explicit index mapping: nothing is mapped
// dynamically and nothing goes into the _all field, since queries name
// their fields (see rewriteDefaultField).
func newMapping() *mapping.IndexMappingImpl {
	text := func(store bool) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = analyzerName // English, see tokenizer.go
		f.IncludeInAll = false
		f.DocValues = false // never sorted or faceted on
		f.Store = store     // the text for highlighting; the title is in fieldRecord
		return f
	}
	// keywords are searched, and some faceted or sorted on; their values
	// are read back from the stored record (fieldRecord)
	kw := func(docValues bool) *mapping.FieldMapping {
		f := mapping.NewKeywordFieldMapping()
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.Store = false
		f.DocValues = docValues
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
		f.Store = false
		return f
	}

	doc := mapping.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldTitle, text(false))
	doc.AddFieldMappingsAt(fieldText, text(true))
	for _, name := range []string{
		fieldRecordID, fieldURL, fieldLink, fieldSiteKind, fieldAcronym, fieldOrganization,
		fieldWARCFile, fieldDigest, fieldTags, fieldLanguage, fieldMentions,
	} {
		doc.AddFieldMappingsAt(name, kw(false))
	}
	for _, name := range []string{fieldSite, fieldKind, fieldAuthors, fieldYear} {
		doc.AddFieldMappingsAt(name, kw(false))
	}
	for _, name := range []string{fieldHash, fieldTextHash} { // read back by Sync and collapse
		f := kw(false)
		f.Store = true
		doc.AddFieldMappingsAt(name, f)
	}
	doc.AddFieldMappingsAt(fieldPublished, date())
	doc.AddFieldMappingsAt(fieldCaptured, date())
	doc.AddFieldMappingsAt(fieldRecord, storedOnly(mapping.NewKeywordFieldMapping()))
	latest := mapping.NewBooleanFieldMapping()
	latest.IncludeInAll = false
	doc.AddFieldMappingsAt(fieldLatest, latest)

	// no _all field: every query names its fields, and composing it costs
	// a pass over every token indexed
	doc.AddSubDocumentMapping("_all", mapping.NewDocumentDisabledMapping())

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
// time in UTC as a 14-digit WARC timestamp, followed by its fraction of a
// second when it has one (20240301100000.305338), so that two captures in
// one second stay two versions; versions of a record sort by time as
// strings. Without a capture time the payload digest stands in, and
// without either the first 12 hex digits of the record's content hash.
func DocID(r record.Record) string {
	return r.ID + "@" + version(r)
}

// versionLayout formats a capture time as a version: the fraction, with
// trailing zeros dropped, only when there is one.
const versionLayout = "20060102150405.999999999"

func version(r record.Record) string {
	switch {
	case !r.Captured.IsZero():
		return r.Captured.UTC().Format(versionLayout)
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
	_, hash := encodeRecord(r)
	return hash
}

// encodeRecord returns r without its text as JSON, the form fieldRecord
// stores, and r's content hash: the SHA-1 of that JSON, a zero byte and
// the text.
func encodeRecord(r record.Record) ([]byte, string) {
	rest := r
	rest.Text = ""
	blob, err := json.Marshal(rest)
	if err != nil { // a Record always marshals; keep the hash total anyway
		blob = fmt.Appendf(nil, "%#v", rest)
	}
	h := sha1.New()
	h.Write(blob)
	h.Write([]byte{0})
	h.Write([]byte(r.Text))
	return blob, hex.EncodeToString(h.Sum(nil))
}

// textHash identifies a record's writing regardless of case and spacing,
// so the same text served under two URLs collapses into one hit: it is
// the SHA-1 of normalizeText(text), computed without building that string.
func textHash(text string) string {
	h := sha1.New()
	var buf [256]byte
	b := buf[:0]
	started, space := false, false
	for _, r := range text {
		if unicode.IsSpace(r) {
			space = started
			continue
		}
		started = true
		if space {
			b = append(b, ' ')
			space = false
		}
		b = utf8.AppendRune(b, unicode.ToLower(r))
		if len(b) > len(buf)-8 {
			h.Write(b)
			b = b[:0]
		}
	}
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

func normalizeText(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// document turns a record version into the field map bleve indexes. Empty
// values are left out so that facets count them as missing. The record
// itself, but for its text (stored in fieldText for highlighting), is
// stored whole as JSON in fieldRecord: hits, Versions and re-marking read
// it back from there, losing nothing. hash is the content hash to store,
// "" for r's own.
func document(r record.Record, hash string, latest bool) map[string]any {
	blob, own := encodeRecord(r)
	if hash == "" {
		hash = own
	}
	d := map[string]any{
		fieldRecordID: r.ID,
		fieldLatest:   latest,
		fieldHash:     hash,
		fieldTextHash: textHash(r.Text),
		fieldKind:     string(r.Kind),
		fieldURL:      r.URL,
		fieldText:     r.Text,
		fieldRecord:   string(blob),
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
	put(fieldWARCFile, r.WARCFile)
	put(fieldDigest, r.Digest)
	put(fieldLanguage, r.Language)
	for name, vs := range map[string][]string{fieldAuthors: r.Authors, fieldTags: r.Tags, fieldMentions: r.Mentions} {
		if len(vs) > 0 {
			d[name] = vs
		}
	}
	if t := r.PublishedTime(); !t.IsZero() {
		d[fieldPublished] = t
		d[fieldYear] = t.Format("2006")
	}
	if !r.Captured.IsZero() {
		d[fieldCaptured] = r.Captured.UTC()
	}
	return d
}

// storedFields are the fields a document is read back from.
var storedFields = []string{fieldRecord, fieldText, fieldHash, fieldTextHash, fieldLatest}

// stored is a document read back from its stored fields.
type stored struct {
	rec      record.Record
	hash     string
	textHash string
	latest   bool
}

// fromFields rebuilds a document from the stored fields a search returns
// (storedFields). It fails with ErrOldIndex on a document without a stored
// record: one written by an older rankfile.
func fromFields(id string, f map[string]any) (stored, error) {
	str := func(name string) string {
		s, _ := f[name].(string)
		return s
	}
	var s stored
	blob := str(fieldRecord)
	if blob == "" {
		return s, fmt.Errorf("document %s: %w", id, ErrOldIndex)
	}
	if err := json.Unmarshal([]byte(blob), &s.rec); err != nil {
		return s, fmt.Errorf("document %s: decode record: %w", id, err)
	}
	s.rec.Text = str(fieldText)
	s.hash, s.textHash = str(fieldHash), str(fieldTextHash)
	s.latest, _ = f[fieldLatest].(bool)
	return s, nil
}
