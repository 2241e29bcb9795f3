package pipeline

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"rankfile/archive"
	"rankfile/crawl"
	"rankfile/extract"
	"rankfile/record"
	"rankfile/store"
)

// A re-extraction shared by workers: each worker takes the archive's WARC
// files as leased jobs, extracts every capture of its file on every core
// and writes the file's extracted records, not yet assembled, to a parts
// file (records/parts/FILE.jsonl, written whole or not at all). Once every
// file is done, one worker assembles the parts in archive order through
// the deriver's committer, as Extract does with what its own workers
// extract, so the records are those of a single-machine extract.

// partsDir holds the parts files of a shared re-extraction.
const partsDir = "records/parts"

// ExtractJobs is the shared queue of a re-extraction's files
// (crawlstate.Jobs).
type ExtractJobs interface {
	// Take leases the next file, waiting while others hold the last ones;
	// "" once every file is done.
	Take(ctx context.Context) (string, error)
	// Finish notes a file done; true when it was the last one.
	Finish(ctx context.Context, file string) (bool, error)
	// Claim claims the assembling; false when another worker holds it.
	Claim(ctx context.Context) (bool, error)
	// Forget ends the run once assembled.
	Forget(ctx context.Context) error
}

// SharedExtract is what a worker of a shared re-extraction did.
type SharedExtract struct {
	Files     int  // files this worker extracted
	Assembled bool // this worker assembled the records
	Records   int  // records the store holds, when Assembled
}

// ExtractShared runs this process as a worker of a shared re-extraction of
// the archive: join calls for the run of the archive's files (in archive
// order). The worker that finds every file done claims the assembling; the
// others return once nothing is left to take.
func (p *Pipeline) ExtractShared(ctx context.Context, join func(files []string) (ExtractJobs, error)) (SharedExtract, error) {
	var out SharedExtract
	if _, err := os.Stat(p.path(archiveDir)); errors.Is(err, os.ErrNotExist) {
		return out, ErrNoArchive
	}
	arc, err := archive.OpenReadOnly(p.path(archiveDir))
	if err != nil {
		return out, fmt.Errorf("open archive: %w", err)
	}
	files, err := arc.Files()
	arc.Close()
	if err != nil {
		return out, err
	}
	jobs, err := join(files)
	if err != nil {
		return out, err
	}
	sites, err := p.sites()
	if err != nil {
		return out, err
	}
	for {
		file, err := jobs.Take(ctx)
		if err != nil {
			return out, err
		}
		if file == "" {
			break
		}
		p.logger().Info("file taken", "file", file)
		if err := p.extractPart(ctx, sites, file); err != nil {
			return out, fmt.Errorf("extract %s: %w", file, err)
		}
		out.Files++
		p.logger().Info("file extracted", "file", file)
		if _, err := jobs.Finish(ctx, file); err != nil {
			return out, err
		}
	}
	ok, err := jobs.Claim(ctx)
	if err != nil || !ok {
		return out, err
	}
	p.logger().Info("every file extracted: assembling the parts", "files", len(files))
	out.Records, err = p.AssembleParts(ctx, files)
	if err != nil {
		return out, err
	}
	out.Assembled = true
	if err := jobs.Forget(ctx); err != nil {
		return out, err
	}
	return out, os.RemoveAll(p.path(partsDir))
}

// part is a parts file's line: one capture's extracted records, or why
// they could not be extracted.
type part struct {
	Place   string          `json:"place"`
	URL     string          `json:"url"`
	Records []record.Record `json:"records,omitempty"`
	Error   string          `json:"error,omitempty"`
}

// partPath is the parts file of a WARC file.
func (p *Pipeline) partPath(file string) string {
	return filepath.Join(p.path(partsDir), file+".jsonl")
}

// extractPart extracts the captures of one WARC file on every core and
// writes them, in the file's order, to its parts file, replacing it whole.
// The extractor looks for the sites file's organizations, as Extract's
// does at its start: the assembling finds the mentions anew.
func (p *Pipeline) extractPart(ctx context.Context, sites *crawl.Sites, file string) error {
	arc, err := archive.OpenReadOnly(p.path(archiveDir))
	if err != nil {
		return fmt.Errorf("open archive: %w", err)
	}
	defer arc.Close()
	d := &deriver{p: p, sites: sites}
	ex := extract.New(extract.Options{Logger: p.logger(), Organizations: d.known()})
	var (
		mu   sync.Mutex
		outs []extracted
		wg   sync.WaitGroup
		big  sync.Mutex
	)
	caps := make(chan record.Capture, runtime.GOMAXPROCS(0))
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for c := range caps {
				if len(c.Body) > bigCapture {
					big.Lock()
				}
				e := d.extractOne(ex, c)
				if len(c.Body) > bigCapture {
					big.Unlock()
				}
				mu.Lock()
				outs = append(outs, e)
				mu.Unlock()
			}
		})
	}
	scanErr := arc.CapturesIn(ctx, func(f string) bool { return f == file }, func(c record.Capture) error {
		if c.Status != 200 || c.Revisit {
			return nil
		}
		select {
		case caps <- c:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(caps)
	wg.Wait()
	if scanErr != nil {
		return scanErr
	}
	slices.SortFunc(outs, func(a, b extracted) int { return comparePlaces(a.place, b.place) })
	path := p.partPath(file)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return writeAtomic(path, func(f io.Writer) error {
		w := bufio.NewWriter(f)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, e := range outs {
			l := part{Place: e.place, URL: e.url, Records: e.recs}
			if e.err != nil {
				l.Error = e.err.Error()
			}
			if err := enc.Encode(l); err != nil {
				return err
			}
		}
		return w.Flush()
	})
}

// AssembleParts builds the record store anew from the parts files of
// files (every one must be whole), in archive order, through the same
// committer as Extract, and writes the records file; it returns how many
// records the store holds.
func (p *Pipeline) AssembleParts(ctx context.Context, files []string) (int, error) {
	for _, file := range files {
		if _, err := os.Stat(p.partPath(file)); err != nil {
			return 0, fmt.Errorf("parts of %s: %w", file, err)
		}
	}
	sites, err := p.sites()
	if err != nil {
		return 0, err
	}
	return p.rebuildStore(ctx, func(ctx context.Context, st *store.Store, arc *archive.Archive) (int, error) {
		return p.deriveAll(ctx, st, arc, sites, "assemble", func(d *deriver) error {
			for _, file := range files {
				if err := p.feedPart(d, file); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// feedPart hands the deriver's committer the captures of a parts file.
func (p *Pipeline) feedPart(d *deriver, file string) error {
	f, err := os.Open(p.partPath(file))
	if err != nil {
		return err
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReader(f))
	for {
		var l part
		if err := dec.Decode(&l); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("parts of %s: %w", file, err)
		}
		e := extracted{place: l.Place, url: l.URL, recs: l.Records}
		if l.Error != "" {
			e.err = errors.New(l.Error)
		}
		if err := d.addExtracted(e); err != nil {
			return err
		}
	}
}
