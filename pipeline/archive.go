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
	for _, w := range rep.Waiting {
		fmt.Fprintf(p.out(), "waiting: %s (kept; it stands on its original once a file holding it is imported)\n", w)
	}
	problems := "problems"
	if len(rep.Problems) == 1 {
		problems = "problem"
	}
	fmt.Fprintf(p.out(), "%d files, %d records, %d index entries checked: %d %s",
		rep.Files, rep.Records, rep.Entries, len(rep.Problems), problems)
	if len(rep.Waiting) > 0 {
		fmt.Fprintf(p.out(), ", %d imported revisits waiting for their originals", len(rep.Waiting))
	}
	fmt.Fprintln(p.out())
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

// Import brings third-party WARC and ARC files into the archive, then
// extracts their captures into the record store and indexes the records
// they change, so their pages become searchable with their original
// capture dates. It prints a line per file: what it
// added, or that it was imported before, or that its records were all in
// the archive already. A file with a damaged record is refused, unless
// salvage is set: then it is imported without its damaged records, and
// the error names each of them (wrapping archive.ErrSalvaged).
func (p *Pipeline) Import(ctx context.Context, paths []string, salvage bool) error {
	arc, err := p.openArchive()
	if err != nil {
		return err
	}
	imp := arc.Import
	if salvage {
		imp = arc.Salvage
	}
	got, importErr := imp(ctx, paths...)
	var files []string
	for _, g := range got {
		if !g.Repeat && g.File != "" {
			files = append(files, g.File)
		}
	}
	if len(files) > 0 {
		importErr = errors.Join(importErr, p.extractFiles(ctx, arc, files))
	}
	if err := arc.Close(); err != nil && importErr == nil {
		importErr = err
	}
	for _, g := range got {
		switch {
		case g.Repeat:
			fmt.Fprintf(p.out(), "%s: imported before as %s; nothing added\n", g.Source, g.File)
		case g.File == "":
			fmt.Fprintf(p.out(), "%s: all %d records already in the archive; nothing added\n", g.Source, g.Duplicates)
		default:
			fmt.Fprintf(p.out(), "imported %s: %d records, %d captures", g.File, g.Records, g.Captures)
			if g.Duplicates > 0 {
				fmt.Fprintf(p.out(), ", %d records already in the archive left out", g.Duplicates)
			}
			if g.Oddities > 0 {
				fmt.Fprintf(p.out(), ", %d oddities read leniently (see the warnings)", g.Oddities)
			}
			fmt.Fprintln(p.out())
		}
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
