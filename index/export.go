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

// Export formats: what rankfile export and the web's export links write.
const (
	ExportJSONL = "jsonl" // one record per line: record.Record's fields, then doc_id, latest, citation, archived_url
	ExportCSV   = "csv"   // a header row (ExportHeader), then a row per record
	ExportCSL   = "csl"   // a CSL-JSON array, for Zotero and citeproc (record.Record.CSL)
	ExportRIS   = "ris"   // RIS references, for EndNote, Zotero and Mendeley (record.Record.RIS)
)

// ExportFormats are the formats an Exporter writes.
var ExportFormats = []string{ExportCSV, ExportJSONL, ExportRIS, ExportCSL}

// ExportHeader names the CSV export's columns.
var ExportHeader = []string{
	"id", "doc_id", "kind", "title", "site", "organization", "authors", "published", "url",
	"captured", "warc_file", "warc_offset", "digest", "latest", "archived_url", "citation", "text",
}

// exportLine is a record as ExportJSONL writes it: record.Decode reads the
// record back, ignoring the citation fields.
type exportLine struct {
	record.Record
	DocID       string `json:"doc_id"`
	Latest      bool   `json:"latest"`
	ArchivedURL string `json:"archived_url,omitempty"`
	Citation    string `json:"citation"`
}

// Exporter writes record versions in one export format, each with its
// citation: with a Base, the archived copy's public URL
// (record.ArchivedURL), else the WARC file and offset.
type Exporter struct {
	w      *bufio.Writer
	cw     *csv.Writer
	format string
	base   string
	n      int
}

// NewExporter returns an Exporter writing format to w; base is the
// archive's public URL, "" for none. It fails on an unknown format.
func NewExporter(w io.Writer, format, base string) (*Exporter, error) {
	e := &Exporter{w: bufio.NewWriter(w), format: format, base: base}
	switch format {
	case ExportJSONL, ExportCSL, ExportRIS:
	case ExportCSV:
		e.cw = csv.NewWriter(e.w)
		if err := e.cw.Write(ExportHeader); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: unknown export format %q (csv, jsonl, ris or csl)", ErrBadQuery, format)
	}
	return e, nil
}

// Write writes one record version.
func (e *Exporter) Write(v Version) error {
	r := v.Record
	archived := record.ArchivedURL(e.base, r.Captured, r.URL)
	e.n++
	switch e.format {
	case ExportJSONL:
		enc := json.NewEncoder(e.w)
		enc.SetEscapeHTML(false)
		return enc.Encode(exportLine{Record: r, DocID: v.DocID, Latest: v.Latest, ArchivedURL: archived, Citation: r.CitationAt(archived)})
	case ExportCSV:
		return e.cw.Write(exportRow(v, archived))
	case ExportCSL:
		b, err := json.MarshalIndent(r.CSL(archived), "  ", "  ")
		if err != nil {
			return err
		}
		sep := ",\n  "
		if e.n == 1 {
			sep = "[\n  "
		}
		e.w.WriteString(sep)
		_, err = e.w.Write(b)
		return err
	default: // RIS
		_, err := e.w.WriteString(r.RIS(archived) + "\r\n")
		return err
	}
}

// Close ends the output (a CSL-JSON array's bracket) and flushes it.
func (e *Exporter) Close() error {
	switch e.format {
	case ExportCSV:
		e.cw.Flush()
		if err := e.cw.Error(); err != nil {
			return err
		}
	case ExportCSL:
		if e.n == 0 {
			e.w.WriteString("[")
		}
		e.w.WriteString("\n]\n")
	}
	return e.w.Flush()
}

// Count returns the record versions written.
func (e *Exporter) Count() int { return e.n }

func exportRow(v Version, archived string) []string {
	r := v.Record
	var off, captured string
	if r.WARCFile != "" {
		off = strconv.FormatInt(r.WARCOffset, 10)
	}
	if !r.Captured.IsZero() {
		captured = r.Captured.UTC().Format(time.RFC3339)
	}
	return []string{
		r.ID, v.DocID, string(r.Kind), r.Title, r.Site, r.Organization, strings.Join(r.Authors, "; "),
		r.Published, r.URL, captured, r.WARCFile, off, r.Digest, strconv.FormatBool(v.Latest),
		archived, r.CitationAt(archived), r.Text,
	}
}
