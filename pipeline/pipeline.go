package pipeline

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"rankfile/crawl"
)

// ErrNoArchive means the data directory holds no archive yet.
var ErrNoArchive = errors.New("no archive in the data directory (run rankfile crawl first)")

// ErrNoIndex means the data directory holds no search index yet.
var ErrNoIndex = errors.New("no search index in the data directory (run rankfile crawl or rankfile index first)")

// ErrPartial means a crawl finished but some fetches failed after their
// retries; the crawl report says which and why.
var ErrPartial = errors.New("some fetches failed")

// Pipeline runs the stages over the data directory Dir.
type Pipeline struct {
	Dir    string       // the data directory
	Logger *slog.Logger // where progress goes; nil discards it
	Out    io.Writer    // where results and summaries go; nil discards them
	// Progress, when set, shows a live progress bar of crawls there (a
	// terminal); nil shows none.
	Progress io.Writer
}

// Layout of the data directory.
const (
	archiveDir      = "archive"               // WARC files and the capture index
	recordsFile     = "records/records.jsonl" // derived records, exported from the store
	recordStoreFile = "records/store.db"      // derived records: the record store
	indexDir        = "index"                 // bleve index
	sitesFile       = "sites.yaml"            // the sites file of the latest crawl
	reportsDir      = "reports"               // one JSON report per crawl
)

func (p *Pipeline) path(name string) string { return filepath.Join(p.Dir, name) }

func (p *Pipeline) logger() *slog.Logger {
	if p.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Logger
}

func (p *Pipeline) out() io.Writer {
	if p.Out == nil {
		return io.Discard
	}
	return p.Out
}

// sites returns the sites file kept in the data directory by the last
// crawl, or nil when there is none: records then carry no site names.
func (p *Pipeline) sites() (*crawl.Sites, error) {
	s, err := crawl.LoadSites(p.path(sitesFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sites file of the last crawl: %w", err)
	}
	return s, nil
}
