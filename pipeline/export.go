package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"rankfile/index"
	"rankfile/internal/perm"
)

// Export formats.
const (
	ExportJSONL = index.ExportJSONL // one record per line: record.Record's fields, then doc_id, latest, archived_url, citation
	ExportCSV   = index.ExportCSV   // a header row (index.ExportHeader), then a row per record
	ExportWACZ  = "wacz"            // the captures as a WACZ package (see ExportWACZ)
	ExportCSL   = index.ExportCSL   // a CSL-JSON array, for Zotero and citeproc (record.Record.CSL)
	ExportRIS   = index.ExportRIS   // RIS references, for EndNote, Zotero and Mendeley (record.Record.RIS)
)

// Export writes every record version matching q (not collapsed, not
// paged) with its citation fields to output ("" or "-" for the pipeline's
// Out), in format ExportJSONL, ExportCSV, ExportCSL or ExportRIS, and
// returns how many it wrote. Citations give the archived copy's public URL
// when the data directory's settings name the archive's base URL (see
// BaseURL), else its WARC file and offset.
// A file is written whole or not at all: into a temporary file renamed
// over output at the end.
func (p *Pipeline) Export(ctx context.Context, q index.Query, format, output string) (int, error) {
	switch format {
	case ExportJSONL, ExportCSV, ExportCSL, ExportRIS:
	default:
		return 0, fmt.Errorf("export: unknown format %q (jsonl, csv, csl or ris)", format)
	}
	base, err := p.BaseURL()
	if err != nil {
		return 0, err
	}
	ix, err := p.openIndex()
	if err != nil {
		return 0, err
	}
	defer ix.Close()
	n := 0
	write := func(w io.Writer) error {
		e, err := index.NewExporter(w, format, base)
		if err != nil {
			return err
		}
		if err := ix.Records(ctx, q, e.Write); err != nil {
			return err
		}
		n = e.Count()
		return e.Close()
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

// writeAtomic writes path through fn into a temporary file beside it,
// synced and renamed over path once fn succeeds.
func writeAtomic(path string, fn func(io.Writer) error) error {
	dir := filepath.Dir(path)
	f, err := perm.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
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
