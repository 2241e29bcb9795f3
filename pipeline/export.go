package pipeline

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"rankfile/index"
	"rankfile/record"
)

// Export formats.
const (
	ExportJSONL = "jsonl" // one record per line: record.Record's fields, then doc_id, latest, citation
	ExportCSV   = "csv"   // a header row (exportHeader), then a row per record
	ExportWACZ  = "wacz"  // the captures as a WACZ package (see ExportWACZ)
	ExportCSL   = "csl"   // a CSL-JSON array, for Zotero and citeproc (record.Record.CSL)
	ExportRIS   = "ris"   // RIS references, for EndNote, Zotero and Mendeley (record.Record.RIS)
)

// exportLine is a record as ExportJSONL writes it: record.Decode reads the
// record back, ignoring the citation fields.
type exportLine struct {
	record.Record
	DocID    string `json:"doc_id"`
	Latest   bool   `json:"latest"`
	Citation string `json:"citation"`
}

// exportHeader names the CSV export's columns.
var exportHeader = []string{
	"id", "doc_id", "kind", "title", "site", "organization", "authors", "published", "url",
	"captured", "warc_file", "warc_offset", "digest", "latest", "citation", "text",
}

// Export writes every record version matching q (not collapsed, not
// paged) with its citation fields to output ("" or "-" for the pipeline's
// Out), in format ExportJSONL, ExportCSV, ExportCSL or ExportRIS, and
// returns how many it wrote.
// A file is written whole or not at all: into a temporary file renamed
// over output at the end.
func (p *Pipeline) Export(ctx context.Context, q index.Query, format, output string) (int, error) {
	switch format {
	case ExportJSONL, ExportCSV, ExportCSL, ExportRIS:
	default:
		return 0, fmt.Errorf("export: unknown format %q (jsonl, csv, csl or ris)", format)
	}
	ix, err := p.openIndex()
	if err != nil {
		return 0, err
	}
	defer ix.Close()
	n := 0
	write := func(w io.Writer) error {
		var put func(index.Version) error
		var done func() error
		switch format {
		case ExportJSONL:
			bw := bufio.NewWriter(w)
			enc := json.NewEncoder(bw)
			enc.SetEscapeHTML(false)
			put = func(v index.Version) error {
				return enc.Encode(exportLine{Record: v.Record, DocID: v.DocID, Latest: v.Latest, Citation: v.Record.Citation()})
			}
			done = bw.Flush
		case ExportCSV:
			cw := csv.NewWriter(w)
			if err := cw.Write(exportHeader); err != nil {
				return err
			}
			put = func(v index.Version) error { return cw.Write(exportRow(v)) }
			done = func() error { cw.Flush(); return cw.Error() }
		case ExportCSL:
			bw := bufio.NewWriter(w)
			bw.WriteString("[")
			sep := "\n"
			put = func(v index.Version) error {
				b, err := json.MarshalIndent(v.Record.CSL(""), "  ", "  ")
				if err != nil {
					return err
				}
				bw.WriteString(sep + "  ")
				sep = ",\n"
				_, err = bw.Write(b)
				return err
			}
			done = func() error {
				bw.WriteString("\n]\n")
				return bw.Flush()
			}
		case ExportRIS:
			bw := bufio.NewWriter(w)
			put = func(v index.Version) error {
				_, err := bw.WriteString(v.Record.RIS("") + "\r\n")
				return err
			}
			done = bw.Flush
		}
		err := ix.Records(ctx, q, func(v index.Version) error {
			n++
			return put(v)
		})
		if err != nil {
			return err
		}
		return done()
	}
	if output == "" || output == "-" {
		if err := write(p.out()); err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		return n, nil
	}
	if err := writeAtomic(output, write); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	p.logger().Info("exported", "records", n, "path", output, "format", format)
	return n, nil
}

func exportRow(v index.Version) []string {
	r := v.Record
	var off string
	if r.WARCFile != "" {
		off = strconv.FormatInt(r.WARCOffset, 10)
	}
	return []string{
		r.ID, v.DocID, string(r.Kind), r.Title, r.Site, r.Organization, strings.Join(r.Authors, "; "),
		r.Published, r.URL, stamp(r.Captured), r.WARCFile, off, r.Digest, strconv.FormatBool(v.Latest),
		r.Citation(), r.Text,
	}
}

// writeAtomic writes path through fn into a temporary file beside it,
// synced and renamed over path once fn succeeds.
func writeAtomic(path string, fn func(io.Writer) error) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // no-op after the rename
	if err := fn(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
