package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"rankfile/archive"
	"rankfile/crawl"
	"rankfile/extract"
	"rankfile/record"
	"rankfile/store"
)

// Extract re-extracts every capture in the archive with the current
// extractor into a new record store, streaming, on every core, and puts
// it in place of the old one; then it writes the records file anew. It
// returns how many records the store holds. A capture the extractor cannot
// read is named in the store (rankfile status lists it) and skipped: it
// stays in the archive for a better extractor. A revisit adds no record:
// its content is the capture it revisits.
func (p *Pipeline) Extract(ctx context.Context) (int, error) {
	return p.rebuildStore(ctx, p.extractAll)
}

// rebuildStore fills a new record store with fill, puts it in place of the
// old one and writes the records file anew.
func (p *Pipeline) rebuildStore(ctx context.Context, fill func(context.Context, *store.Store, *archive.Archive) (int, error)) (int, error) {
	if _, err := os.Stat(p.path(archiveDir)); errors.Is(err, os.ErrNotExist) {
		return 0, ErrNoArchive
	}
	arc, err := archive.Open(p.path(archiveDir), archive.Options{Logger: p.logger()})
	if err != nil {
		return 0, fmt.Errorf("open archive: %w", err)
	}
	defer arc.Close()
	fresh := p.path(recordStoreFile) + ".new"
	if err := removeStore(fresh); err != nil {
		return 0, err
	}
	st, err := store.Open(fresh)
	if err != nil {
		return 0, err
	}
	n, err := fill(ctx, st, arc)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		removeStore(fresh)
		return 0, err
	}
	if err := replaceStore(fresh, p.path(recordStoreFile)); err != nil {
		return 0, err
	}
	st, err = store.OpenExisting(p.path(recordStoreFile))
	if err != nil {
		return 0, err
	}
	defer st.Close()
	if err := p.exportRecordsFile(ctx, st); err != nil {
		return 0, err
	}
	return n, nil
}

// extractAll extracts every capture of the archive into the empty store st.
func (p *Pipeline) extractAll(ctx context.Context, st *store.Store, arc *archive.Archive) (int, error) {
	sites, err := p.sites()
	if err != nil {
		return 0, err
	}
	return p.deriveAll(ctx, st, arc, sites, "extract", func(d *deriver) error {
		return arc.Captures(ctx, func(c record.Capture) error {
			if c.Status != 200 || c.Revisit {
				return nil
			}
			return d.add(c)
		})
	})
}

// deriveAll keeps in the empty store st what feed hands a new deriver.
func (p *Pipeline) deriveAll(ctx context.Context, st *store.Store, arc *archive.Archive, sites *crawl.Sites, label string, feed func(*deriver) error) (int, error) {
	d, err := p.newDeriver(ctx, st, arc, sites, label)
	if err != nil {
		return 0, err
	}
	scanErr := feed(d)
	counts, err := d.finish()
	if err = errors.Join(err, scanErr); err != nil {
		return 0, err
	}
	p.logger().Info("extracted", "captures", counts.Captures, "skipped", counts.Skipped, "records", counts.Records, "storing", counts.Storing.Round(time.Millisecond))
	var n int
	err = st.View(ctx, func(tx *store.Tx) error {
		n, err = tx.Count()
		return err
	})
	return n, err
}

// removeStore removes a store file and the journal files beside it.
func removeStore(path string) error {
	for _, f := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", f, err)
		}
	}
	return nil
}

// replaceStore puts the closed store fresh in place of the store at path:
// the old one's journal files go first, which would otherwise be taken for
// the new one's.
func replaceStore(fresh, path string) error {
	for _, f := range []string{path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", f, err)
		}
	}
	if err := os.Rename(fresh, path); err != nil {
		return fmt.Errorf("replace record store: %w", err)
	}
	return nil
}

// extractCrawls extracts the captures of the given crawls that the store
// does not hold yet (those of a crawl whose extraction was cut short) by
// a scan of those crawls' files.
func (p *Pipeline) extractCrawls(ctx context.Context, d *deriver, arc *archive.Archive, crawlIDs ...string) error {
	return arc.CapturesIn(ctx, ofCrawls(crawlIDs...), func(c record.Capture) error {
		if c.Status != 200 || c.Revisit {
			return nil
		}
		if done, err := d.has(record.Place(c.File, c.Offset)); err != nil || done {
			return err
		}
		return d.add(c)
	})
}

// maxPageSize bounds what ExtractPage reads from its input.
const maxPageSize = 256 << 20

// ExtractPage extracts one page given as HTML (not from the archive), as
// if captured from pageURL, and writes its main writing in format: "text"
// (plain text, chrome stripped) or "json" (its records, one JSON object per
// line).
func (p *Pipeline) ExtractPage(r io.Reader, pageURL, format string) error {
	html, err := io.ReadAll(io.LimitReader(r, maxPageSize+1))
	if err != nil {
		return fmt.Errorf("read page: %w", err)
	}
	if len(html) > maxPageSize {
		return fmt.Errorf("page is larger than %d MiB", maxPageSize>>20)
	}
	recs, err := extract.New(extract.Options{Logger: p.logger()}).ExtractHTML(pageURL, html, nil)
	if err != nil {
		return err
	}
	switch format {
	case "json":
		enc := json.NewEncoder(p.out())
		enc.SetEscapeHTML(false)
		for _, r := range recs {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	case "text", "":
		text := extract.Text(recs)
		if text == "" {
			return nil
		}
		_, err := fmt.Fprintln(p.out(), text)
		return err
	}
	return fmt.Errorf("unknown format %q (text or json)", format)
}
