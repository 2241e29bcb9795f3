package pipeline

import (
	"context"
	"errors"
	"fmt"

	"rankfile/archive"
	"rankfile/record"
	"rankfile/store"
)

// ErrArchiveDamaged means archive check found problems; it printed them.
var ErrArchiveDamaged = errors.New("the archive has problems")

// openArchive opens the data directory's archive for maintenance. Opening
// also recovers what a killed crawl left: a partial last record is cut
// and the capture index brought in line with the files.
func (p *Pipeline) openArchive() (*archive.Archive, error) {
	arc, err := archive.Open(p.path(archiveDir), archive.Options{Logger: p.logger()})
	if err != nil {
		return nil, fmt.Errorf("open archive: %w", err)
	}
	return arc, nil
}

// CheckArchive verifies every record's digests and the capture index
// against the WARC files, prints what it found, and returns an error
// wrapping ErrArchiveDamaged when anything is wrong.
func (p *Pipeline) CheckArchive(ctx context.Context) (*archive.Report, error) {
	arc, err := p.openArchive()
	if err != nil {
		return nil, err
	}
	defer arc.Close()
	rep, err := arc.Check(ctx)
	if err != nil {
		return rep, err
	}
	for _, pr := range rep.Problems {
		fmt.Fprintln(p.out(), pr.String())
	}
	problems := "problems"
	if len(rep.Problems) == 1 {
		problems = "problem"
	}
	fmt.Fprintf(p.out(), "%d files, %d records, %d index entries checked: %d %s\n",
		rep.Files, rep.Records, rep.Entries, len(rep.Problems), problems)
	if !rep.OK() {
		return rep, fmt.Errorf("%w: %d found", ErrArchiveDamaged, len(rep.Problems))
	}
	return rep, nil
}

// Reindex rebuilds the capture index from the WARC files alone.
func (p *Pipeline) Reindex(ctx context.Context) error {
	arc, err := p.openArchive()
	if err != nil {
		return err
	}
	defer arc.Close()
	if err := arc.Reindex(ctx); err != nil {
		return err
	}
	fmt.Fprintln(p.out(), "capture index rebuilt from the WARC files")
	return nil
}

// Import brings third-party WARC files into the archive, then extracts
// their captures into the record store and indexes the records they change,
// so their pages become searchable with their original capture dates. A file with a damaged record is refused, unless
// salvage is set: then it is imported without its damaged records, and the
// error names each of them (wrapping archive.ErrSalvaged).
func (p *Pipeline) Import(ctx context.Context, paths []string, salvage bool) error {
	arc, err := p.openArchive()
	if err != nil {
		return err
	}
	imp := arc.Import
	if salvage {
		imp = arc.Salvage
	}
	added, importErr := imp(ctx, paths...)
	if len(added) > 0 {
		importErr = errors.Join(importErr, p.extractFiles(ctx, arc, added))
	}
	if err := arc.Close(); err != nil && importErr == nil {
		importErr = err
	}
	for _, name := range added {
		fmt.Fprintf(p.out(), "imported %s\n", name)
	}
	var re *archive.RecordError
	if errors.As(importErr, &re) && !errors.Is(importErr, archive.ErrSalvaged) {
		importErr = fmt.Errorf("%w\n(import --salvage imports a damaged file without its damaged records)", importErr)
	}
	return importErr
}

// extractFiles extracts the captures of the WARC files names (just
// imported) into the record store, on every core, and brings the records
// file and the index up to it.
func (p *Pipeline) extractFiles(ctx context.Context, arc *archive.Archive, names []string) error {
	st, err := store.Open(p.path(recordStoreFile))
	if err != nil {
		return err
	}
	defer st.Close()
	sites, err := p.sites()
	if err != nil {
		return err
	}
	d, err := p.newDeriver(ctx, st, arc, sites, "extract")
	if err != nil {
		return err
	}
	files := map[string]bool{}
	for _, n := range names {
		files[n] = true
	}
	scanErr := arc.Captures(ctx, func(c record.Capture) error {
		if c.Status != 200 || c.Revisit || !files[c.File] {
			return nil
		}
		return d.add(c)
	})
	counts, err := d.finish()
	if err := errors.Join(scanErr, err); err != nil {
		return err
	}
	p.logger().Info("extracted", "captures", counts.Captures, "skipped", counts.Skipped, "records", counts.Records)
	return p.syncDerived(ctx, st)
}
